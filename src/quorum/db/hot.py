"""Statements of the annotator loop, built with Core and run on the driver's own cursor.

Every claim and submission runs a dozen statements inside SQLite's one write lock. Through
SQLAlchemy's execution each costs 20-40 µs of Python before the driver sees it; on the driver's
cursor, 3-5 µs. So each statement is built once from the Core tables, compiled once per dialect
to the driver's own parameter style (its constants written inline, as hand-written SQL would
have them), and run with a dict of the `bindparam`s it names. Its rows come back as named
tuples of the statement's column names. What SQLAlchemy's types would do to values on the way
is done by the few helpers below: JSON in and out, and how a timestamp is stored.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from typing import Any, cast

import orjson
from sqlalchemy import BindParameter, Connection, Dialect
from sqlalchemy.engine.default import DefaultDialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


class Statement:
    """One Core statement, compiled on first use for each dialect it runs on."""

    __slots__ = ("_element", "_text", "_row")

    def __init__(self, element: ClauseElement) -> None:
        self._element = element
        self._text: dict[str, str] = {}
        columns = getattr(element, "exported_columns", None)
        # Its fields are known at run time only (mypy types a namedtuple from literal fields).
        self._row = cast("type[Any]", namedtuple("Row", columns.keys() if columns else ()))

    def text(self, dialect: Dialect) -> str:
        """The statement as the dialect's driver takes it, with named parameters."""
        text = self._text.get(dialect.name)
        if text is None:
            text = self._text[dialect.name] = _compile(self._element, dialect)
        return text

    def run(self, conn: Connection, params: dict[str, Any]) -> Any:
        """Execute in the connection's transaction; the driver's cursor, to fetch from."""
        dialect = conn.dialect
        text = self._text.get(dialect.name) or self.text(dialect)
        # None only once invalidated; quorum.db.driver's check would cost ~0.2 µs a statement.
        return conn.connection.dbapi_connection.execute(text, params)  # type: ignore[union-attr]

    def one(self, conn: Connection, params: dict[str, Any]) -> Any:
        """The first row, by column name, or None."""
        row = self.run(conn, params).fetchone()
        return None if row is None else self._row._make(row)

    def all(self, conn: Connection, params: dict[str, Any]) -> list[Any]:
        """Every row, by column name."""
        return [self._row._make(r) for r in self.run(conn, params).fetchall()]


def _compile(element: ClauseElement, dialect: Dialect) -> str:
    if dialect.positional:  # sqlite3 takes `:name` as well as `?`
        assert isinstance(dialect, DefaultDialect)  # every dialect is; its constructor takes this
        dialect = type(dialect)(paramstyle="named")

    # The base is the dialect's own compiler, known at run time only: to mypy an Any.
    class _Inline(dialect.statement_compiler):  # type: ignore[name-defined,misc]
        """Values given in the statement itself are written into its text: the driver sees
        the SQL one would write by hand (and SQLite can match it to a partial index)."""

        def visit_bindparam(self, bindparam: BindParameter[Any], **kw: Any) -> str:
            if not bindparam.required:
                kw["literal_binds"] = True
            # The base class is an Any to mypy (see above), so is what it returns.
            return super().visit_bindparam(bindparam, **kw)  # type: ignore[no-any-return]

        def get_from_hint_text(self, table: Any, text: str) -> str:
            """A table hint for this dialect (`with_hint`) follows the table's name, as
            SQLite's INDEXED BY does (its own compiler drops hints)."""
            return text

    compiled: SQLCompiler = _Inline(dialect, element)
    if compiled.insert_prefetch or compiled.update_prefetch:
        # Those values would come from Python at execution, which the driver's cursor skips.
        raise ValueError(f"a column of {element} has a Python-side default: make it the server's")
    return compiled.string


def integrity_error(conn: Connection) -> type[Exception]:
    """The driver's exception for a broken constraint (raised by `Statement.run` as it is)."""
    return conn.dialect.loaded_dbapi.IntegrityError


def json_param(conn: Connection, value: Any) -> Any:
    """A JSON value as the column's driver takes it (text on SQLite, JSONB on PostgreSQL)."""
    if conn.dialect.name == "sqlite":
        return orjson.dumps(value).decode()
    from psycopg.types.json import Jsonb  # only a PostgreSQL server has the driver loaded

    return Jsonb(value)


def json_value(value: Any) -> Any:
    """A JSON column as read: SQLite hands back text, PostgreSQL the decoded value."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def time_param(conn: Connection, value: dt.datetime) -> Any:
    """A naive UTC timestamp as SQLAlchemy stores it (SQLite keeps text that sorts as time)."""
    if conn.dialect.name == "sqlite":
        return value.isoformat(" ", "microseconds")
    return value


def time_value(value: Any) -> dt.datetime:
    """A timestamp column as read: SQLite hands back its text, PostgreSQL a datetime."""
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value
