"""Record ids: UUIDs whose leading bits are the creation time (UUID version 7, RFC 9562).

Random enough to merge projects from different people without collisions (74 random
bits per millisecond), and time-ordered so that ids sort in creation order: inserts
append to the indexes instead of scattering, and "article order" is simply id order.
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0
# Ids need uniqueness, not secrecy: a generator seeded from the OS once per process is
# far cheaper than reading os.urandom for every id (a large merge makes 100,000s).
# Reseeded in a forked child so two processes never share a stream.
_random = random.Random(os.urandom(32))


def _reseed() -> None:
    _random.seed(os.urandom(32))


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reseed)


def new_id() -> uuid.UUID:
    """A new version-7 UUID, strictly increasing within this process."""
    return new_ids(1)[0]


def _reserve(count: int) -> int:
    """Take ``count`` consecutive (millisecond, counter) slots; return the first.

    ``milliseconds << 12 | counter`` counts up by one per id, and a carry out of the
    12-bit counter is exactly :func:`new_id`'s "borrow the next millisecond", so a block
    follows the same rules as ``count`` calls of ``new_id`` and stays strictly increasing
    with the ids made before and after it.
    """
    global _last_ms, _counter
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            first = (now_ms << 12) | _random.getrandbits(11)
        else:
            first = ((_last_ms << 12) | _counter) + 1
        last = first + count - 1
        _last_ms, _counter = last >> 12, last & 0xFFF
    return first


def new_ids(count: int) -> list[uuid.UUID]:
    """``count`` new ids at once, as if made by ``count`` calls of :func:`new_id`.

    One lock and one clock reading for the whole block (a bulk insert makes one id per
    row and one per change-log entry).
    """
    if count <= 0:
        return []
    first = _reserve(count)
    fixed = (0x7 << 76) | (0b10 << 62)  # version 7, RFC 4122 variant
    return [
        uuid.UUID(int=((q >> 12) << 80) | ((q & 0xFFF) << 64) | fixed | _random.getrandbits(62))
        for q in range(first, first + count)
    ]
