"""Record ids (app.models.ids): version-7 UUIDs, blocks laid out like single ids."""

from __future__ import annotations

import itertools
import uuid

import pytest

from app.models import ids
from app.models.ids import new_id, new_ids


def slot(value: int) -> int:
    """``milliseconds << 12 | counter`` of a version-7 id."""
    return ((value >> 80) << 12) | ((value >> 64) & 0xFFF)


@pytest.mark.parametrize("count", [1, 2, 4095, 4096, 4097, 20_000])
def test_blocks_take_consecutive_slots_with_version_and_variant(count: int) -> None:
    before = new_id()
    made = new_ids(count)
    after = new_id()
    assert len(made) == count
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in made)
    # One slot per id, counted up by one (a full counter carries into the millisecond),
    # and strictly between the single ids made before and after the block.
    slots = [slot(u.int) for u in made]
    assert slots == list(range(slots[0], slots[0] + count))
    assert all(a < b for a, b in itertools.pairwise([before.int, *(u.int for u in made),
                                                      after.int]))  # fmt: skip


def test_blocks_crossing_milliseconds_borrow_the_next_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now_ms = new_id().int >> 80
    monkeypatch.setattr(ids, "_last_ms", now_ms + 5)
    monkeypatch.setattr(ids, "_counter", 0xFFD)
    made = new_ids(9000)
    first = ((now_ms + 5) << 12) | 0xFFE
    assert [slot(u.int) for u in made] == list(range(first, first + 9000))
    assert {u.int >> 80 for u in made} == {now_ms + 5 + i for i in range(4)}


def test_blocks_have_62_random_bits() -> None:
    rand_b = [u.int & ((1 << 62) - 1) for u in new_ids(2000)]
    assert len(set(rand_b)) == len(rand_b)
    for bit in range(62):
        assert {(r >> bit) & 1 for r in rand_b} == {0, 1}


def test_blocks_and_single_ids_interleave_in_order() -> None:
    made = [new_id(), *new_ids(5000), new_id(), *new_ids(1)]
    assert all(a.int < b.int for a, b in itertools.pairwise(made))
    assert new_ids(0) == [] and new_ids(-3) == []
