"""The orders of the task listing, and the keyset cursors that page through them.

A page after the first starts strictly past the last row of the page before on (sort value,
task id), so every page costs what the first does, however deep. Sorting by completion time or
confidence lists only the tasks that have one (pending tasks have neither): NULLs have no place
that both databases agree on, and leaving them out lets the indexes on (project, value, id)
serve the page without sorting. Disagreement is 1 - confidence, so it is confidence reversed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, tuple_

from quorum.db.models import Task
from quorum.services import cursors
from quorum.services.errors import InvalidRequest


def _is_task_id(key: str) -> bool:
    return len(key) == 24 and all(c in "0123456789abcdef" for c in key)


def _confidence(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


@dataclass(frozen=True)
class SortKey:
    """A column to sort by, and how its value is written into a cursor and read back."""

    column: Any
    parse: Callable[[str], Any]
    show: Callable[[Any], str]


@dataclass(frozen=True)
class Order:
    """Rows by `key` (None: by id alone, which is creation order), then id the same way."""

    key: SortKey | None
    descending: bool

    @property
    def column(self) -> Any:
        return None if self.key is None else self.key.column

    def apply(self, query: Select, cursor: str | None) -> Select:
        """`query` in this order, past the row `cursor` names; a foreign cursor is a 400."""
        keys: list[Any] = [Task.id]
        if self.column is not None:
            keys.insert(0, self.column)
            query = query.where(self.column.is_not(None))
        if cursor:
            values = self._decode(cursor)
            row = tuple_(*keys) if len(keys) > 1 else keys[0]
            bound = tuple_(*values) if len(values) > 1 else values[0]
            query = query.where(row < bound if self.descending else row > bound)
        return query.order_by(*(k.desc() if self.descending else k.asc() for k in keys))

    def cursor_of(self, row: Any) -> str:
        """The cursor of the page after `row` (a summary row: `id` and the sort value)."""
        if self.key is None:
            return cursors.encode(row.id)
        return cursors.encode(f"{self.key.show(getattr(row, self.column.key))} {row.id}")

    def _decode(self, cursor: str) -> list[Any]:
        parsed: list[Any] = []

        def valid(key: str) -> bool:
            if self.key is None:
                parsed[:] = [key]
                return _is_task_id(key)
            value, _, task_id = key.rpartition(" ")
            try:
                parsed[:] = [self.key.parse(value), task_id]
            except ValueError:
                return False
            return _is_task_id(task_id)

        cursors.decode(cursor, valid)
        return parsed


COMPLETED = SortKey(Task.completed_at, dt.datetime.fromisoformat, dt.datetime.isoformat)
CONFIDENCE = SortKey(Task.confidence, _confidence, repr)
SORTS: dict[str, Order] = {
    "-created": Order(None, descending=True),
    "created": Order(None, descending=False),
    "-completed": Order(COMPLETED, descending=True),
    "completed": Order(COMPLETED, descending=False),
    "-confidence": Order(CONFIDENCE, descending=True),
    "confidence": Order(CONFIDENCE, descending=False),
    "-disagreement": Order(CONFIDENCE, descending=False),
    "disagreement": Order(CONFIDENCE, descending=True),
}
DEFAULT_SORT = "-created"


def order_for(sort: str) -> Order:
    if sort not in SORTS:
        raise InvalidRequest(f"sort must be one of {', '.join(SORTS)}")
    return SORTS[sort]
