"""Record ids (app.models.ids): the hex blocks have exactly the layout of the UUID ones."""

from __future__ import annotations

import itertools
import uuid

import pytest

from app.models import ids
from app.models.ids import new_hex_ids, new_id, new_ids


def slot(value: int) -> int:
    """``milliseconds << 12 | counter`` of a version-7 id."""
    return ((value >> 80) << 12) | ((value >> 64) & 0xFFF)


@pytest.mark.parametrize("count", [1, 2, 4095, 4096, 4097, 20_000])
def test_hex_blocks_take_consecutive_slots_with_version_and_variant(count: int) -> None:
    before = new_id()
    made = new_hex_ids(count)
    after = new_id()
    assert len(made) == count
    assert all(len(h) == 32 and h == h.lower() for h in made)
    values = [int(h, 16) for h in made]
    assert [uuid.UUID(h).hex for h in made] == made  # valid text, canonical form
    assert all(uuid.UUID(h).version == 7 for h in made)
    assert all(uuid.UUID(h).variant == uuid.RFC_4122 for h in made)
    assert all((v >> 62) & 0b11 == 0b10 for v in values)
    # One slot per id, counted up by one (a full counter carries into the millisecond),
    # and strictly between the single ids made before and after the block.
    slots = [slot(v) for v in values]
    assert slots == list(range(slots[0], slots[0] + count))
    assert before.int < values[0] and values[-1] < after.int
    assert all(a < b for a, b in itertools.pairwise([before.int, *values, after.int]))


def test_hex_blocks_crossing_milliseconds_match_the_integer_layout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Forced to start near the end of a millisecond's counter, a block runs on into the
    next ones exactly as the integer formula of new_ids lays them out."""
    now_ms = new_id().int >> 80
    monkeypatch.setattr(ids, "_last_ms", now_ms + 5)
    monkeypatch.setattr(ids, "_counter", 0xFFD)
    made = new_hex_ids(9000)
    first = ((now_ms + 5) << 12) | 0xFFE
    for k, h in enumerate(made):
        q = first + k
        expected_high = ((q >> 12) << 16) | (0x7 << 12) | (q & 0xFFF)
        assert int(h, 16) >> 64 == expected_high
    assert {int(h, 16) >> 80 for h in made} == {now_ms + 5 + i for i in range(4)}
    assert (ids._last_ms << 12) | ids._counter == first + 9000 - 1


def test_hex_blocks_have_62_random_bits() -> None:
    made = new_hex_ids(2000)
    rand_b = [int(h, 16) & ((1 << 62) - 1) for h in made]
    assert len(set(rand_b)) == len(rand_b)
    # Every one of the 62 bits takes both values somewhere in the block.
    for bit in range(62):
        assert {(r >> bit) & 1 for r in rand_b} == {0, 1}


def test_uuid_and_hex_blocks_and_single_ids_interleave_in_order() -> None:
    made = [
        new_id().int,
        *(u.int for u in new_ids(5000)),
        *(int(h, 16) for h in new_hex_ids(5000)),
        new_id().int,
        *(int(h, 16) for h in new_hex_ids(1)),
        *(u.int for u in new_ids(1)),
    ]
    assert all(a < b for a, b in itertools.pairwise(made))
    assert new_hex_ids(0) == [] and new_hex_ids(-3) == []
