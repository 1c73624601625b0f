"""Record ids: UUIDs whose leading bits are the creation time (UUID version 7, RFC 9562).

Random enough to merge projects from different people without collisions (74 random
bits per millisecond), and time-ordered so that ids sort in creation order: inserts
append to the indexes instead of scattering, and "article order" is simply id order.
"""

from __future__ import annotations

import os
import random
import sys
import threading
import time
import uuid
from array import array

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
    global _last_ms, _counter
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms = now_ms
            _counter = _random.getrandbits(11)  # leaves room to count up
        else:
            _counter += 1
            if _counter > 0xFFF:  # 4,096 ids in one millisecond: borrow the next one
                _last_ms += 1
                _counter = 0
        ms, counter = _last_ms, _counter
        rand_b = _random.getrandbits(62)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= counter << 64  # rand_a used as a monotonic counter (RFC 9562, method 1)
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand_b
    return _uuid_from_int(value)


_VERSION_AND_VARIANT = (0x7 << 76) | (0b10 << 62)
_RAND_B_MASK = (1 << 62) - 1
_VERSION_BITS = 0x7 << 12  # the version nibble within the first 64 bits
# Each byte with its top two bits set to 0b10: the variant, kept 6 random bits.
_VARIANT_BYTE = bytes((b & 0x3F) | 0x80 for b in range(256))
if array("Q").itemsize != 8:  # pragma: no cover - every platform Python supports
    raise ImportError("app.models.ids needs 64-bit array items")


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


def _block(count: int) -> list[int]:
    # One os.urandom call for the whole block instead of one generator call per id.
    randoms = memoryview(os.urandom(8 * count)).cast("Q").tolist()
    first = _reserve(count)
    mask, fixed = _RAND_B_MASK, _VERSION_AND_VARIANT
    return [
        ((q >> 12) << 80) | ((q & 0xFFF) << 64) | fixed | (r & mask)
        for q, r in zip(range(first, first + count), randoms, strict=True)
    ]


def new_ids(count: int) -> list[uuid.UUID]:
    """``count`` new ids at once, as if made by ``count`` calls of :func:`new_id`."""
    if count <= 0:
        return []
    return list(map(_uuid_from_int, _block(count)))


def new_hex_ids(count: int) -> list[str]:
    """``count`` new ids as 32 lower-case hex digits, the form a SQLite file stores.

    For building many rows at once (:func:`app.models.bulk.bulk_insert_rows` takes ids in
    this form): making a ``uuid.UUID`` object costs more than the rest of the id. The ids
    are those :func:`new_ids` would make (the same slots, the same layout), written as
    bytes for the whole block and turned into text by one ``hex()``, without a Python
    integer per id.
    """
    if count <= 0:
        return []
    # Bytes 8-15 of each id are rand_b; bytes 0-7 are overwritten below.
    data = bytearray(os.urandom(16 * count))
    first = _reserve(count)
    # The first 64 bits of each id: milliseconds (48), version (4), counter (12). Slot
    # q counts up by one per id, so within a millisecond they are consecutive integers.
    high = array("Q")
    slot, stop = first, first + count
    while slot < stop:
        run_end = min(stop, (slot | 0xFFF) + 1)  # the end of this millisecond's slots
        base = ((slot >> 12) << 16) | _VERSION_BITS
        high.extend(range(base + (slot & 0xFFF), base + ((run_end - 1) & 0xFFF) + 1))
        slot = run_end
    if sys.byteorder == "little":
        high.byteswap()  # big-endian, as a UUID's bytes
    packed = high.tobytes()
    for i in range(8):
        data[i::16] = packed[i::8]
    data[8::16] = data[8::16].translate(_VARIANT_BYTE)  # the RFC 4122 variant, 0b10
    digits = data.hex()
    return [digits[i : i + 32] for i in range(0, 32 * count, 32)]


_UNKNOWN_SAFETY = uuid.SafeUUID.unknown  # enum attribute access is slow in a hot loop
_new_uuid = object.__new__
_set = object.__setattr__


def _uuid_from_int(value: int) -> uuid.UUID:
    """``uuid.UUID(int=value)`` without its argument parsing (a third of the cost)."""
    made = _new_uuid(uuid.UUID)
    _set(made, "int", value)
    _set(made, "is_safe", _UNKNOWN_SAFETY)
    return made
