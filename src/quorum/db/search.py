"""The text a task's data is searched by: the values in its params, never their keys, nor
its pre-label (`hypothesis`: a machine's guess at the answer, not the task's data).

Searching the params' JSON as text would find every key too ("cat" matches each task whose
params hold `categories`). The values, lower-cased and one a line, are stored with the task
(`tasks.search_text`) when it is created, so a search is one LIKE on a plain column: cheap on
SQLite, and on PostgreSQL served by a trigram index (migration 0013) however rare the words.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from quorum.db.models import Task

# A param that is not the task's data: a pre-label's every coordinate and label would be
# written into the search text (most of its size and of the cost of filling it at import).
NOT_SEARCHED = frozenset({"hypothesis"})


def search_text(params: Any) -> str:
    """Every string and number in `params`, at any depth, lower-cased, one a line; the
    params in `NOT_SEARCHED` left out."""
    values: list[str] = []
    if isinstance(params, dict):
        _collect([v for k, v in params.items() if k not in NOT_SEARCHED], values)
    else:
        _collect([params], values)
    return "\n".join(values).lower()


def _collect(items: Any, values: list[str]) -> None:
    # Exact types first (what JSON decodes to), at twice the speed of isinstance; a bool is
    # not a number here.
    for value in items:
        kind = type(value)
        if kind is str:
            values.append(value)
        elif kind is dict:
            _collect(value.values(), values)
        elif kind is list:
            _collect(value, values)
        elif kind is int or kind is float:
            values.append(str(value))
        elif isinstance(value, str):
            values.append(value)
        elif isinstance(value, dict):
            _collect(value.values(), values)
        elif isinstance(value, list):
            _collect(value, values)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            values.append(str(value))


def contains_text(words: str) -> ColumnElement[bool]:
    """Tasks whose data's values hold `words` (case-insensitive; `%` and `_` are literal).
    The pattern is one bound value, which PostgreSQL's planner matches against the index."""
    escaped = words.lower().replace("/", "//").replace("%", "/%").replace("_", "/_")
    return Task.search_text.like(f"%{escaped}%", escape="/")
