"""Hand-written SQL for the annotator loop, run on the driver's own cursor.

Every claim and submission runs a dozen statements inside SQLite's one write lock. Through
SQLAlchemy each costs 20-40 µs of Python before the driver sees it; on the driver's cursor,
3-5 µs. So the statements of that loop are written once as SQL with `:name` parameters
(portable between SQLite and PostgreSQL), and the few places where the two drivers differ are
handled here: the parameter style, JSON in and out, and how a timestamp is stored.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import orjson
from sqlalchemy import Connection

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


class SQL:
    """One statement, with its text for each driver's parameter style."""

    __slots__ = ("sqlite", "postgresql")

    def __init__(self, text: str, *, postgresql: str | None = None) -> None:
        self.sqlite = text
        self.postgresql = _NAMED.sub(r"%(\1)s", (postgresql or text).replace("%", "%%"))

    def run(self, conn: Connection, params: dict[str, Any]) -> Any:
        """Execute in the connection's transaction; the driver's cursor, to fetch from."""
        raw = conn.connection.dbapi_connection
        text = self.sqlite if conn.dialect.name == "sqlite" else self.postgresql
        return raw.execute(text, params)  # type: ignore[union-attr]  # None only once invalidated


def integrity_error(conn: Connection) -> type[Exception]:
    """The driver's exception for a broken constraint (raised by `SQL.run` as it is)."""
    return conn.dialect.dbapi.IntegrityError  # type: ignore[union-attr]  # set once connected


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
