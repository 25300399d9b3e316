"""Task ids: 24 hex digits, increasing within a process, time-prefixed."""

from __future__ import annotations

import time

from quorum.services.ids import new_id, new_ids


def test_ids_increase_and_are_unique():
    ids = new_ids(10_000) + [new_id() for _ in range(100)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert all(len(i) == 24 and int(i, 16) >= 0 for i in ids)


def test_ids_start_with_the_creation_second():
    assert abs(int(new_id()[:8], 16) - time.time()) < 5
