"""The loop's statements as the drivers get them: compiled per dialect, constants inline."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import bindparam, insert
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import psycopg

from quorum.db import claim, loop
from quorum.db.hot import Statement
from quorum.db.models import Assignment

DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": psycopg.dialect()}
STATEMENTS = {
    f"{module.__name__}.{name}": value
    for module in (loop, claim)
    for name, value in vars(module).items()
    if isinstance(value, Statement)
}
# A parameter in either driver's style: `:name` or `%(name)s`.
PARAMETER = re.compile(r"(?<![:\w]):(\w+)|%\((\w+)\)s")


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_every_statement_names_only_its_own_parameters(name, dialect):
    sql = STATEMENTS[name].text(DIALECTS[dialect])
    names = {a or b for a, b in PARAMETER.findall(sql)}
    # Values SQLAlchemy would have bound under names of its own (`status_1`, `param_1`) or
    # expanded at execution (`IN (__[POSTCOMPILE_...])`) are written into the text instead.
    assert names and not any(re.search(r"_\d+$", n) for n in names), sql
    assert "POSTCOMPILE" not in sql


def test_a_statement_relying_on_a_python_side_default_is_refused():
    """The driver's cursor would never compute it: the column would silently be NULL."""
    statement = Statement(insert(Assignment.__table__).values(task_id=bindparam("tid")))
    with pytest.raises(ValueError, match="Python-side default"):
        statement.text(DIALECTS["sqlite"])
