"""Pausing Python's cyclic garbage collector around work that allocates by the 100,000.

A large report or bulk build makes hundreds of thousands of tuples, lists and strings,
none of them in reference cycles. Each burst of allocations sets off a collection that
walks every object still alive, again and again: a quarter of a report's read time and
a sixth of a large build's. Memory is still freed by reference counting as usual while
the collector rests.

Pauses nest and may overlap across threads (the window's report preview and an export,
say): the collector comes back on when the last pause ends, if it was on when the first
began.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])
_lock = threading.Lock()
_pauses = 0  # pauses running now
_resume = False  # whether the collector was on when the first of them began


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """No cyclic collection inside the block; see the module."""
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()


def without_cycle_collection(fn: _F) -> _F:
    """Run ``fn`` inside :func:`cycle_collection_paused`."""

    @functools.wraps(fn)
    def paused(*args: Any, **kwargs: Any) -> Any:
        with cycle_collection_paused():
            return fn(*args, **kwargs)

    return paused  # type: ignore[return-value]
