"""Bulk row inserts, the one dialect-specific write on the import hot path.

On SQLite, Core's executemany spends most of its time building per-row parameter dicts; here
rows arrive as tuples, JSON columns are encoded with orjson, other values go through their
column's own bind processor (memoised: bulk rows share timestamps and ids), and the driver's
executemany gets the result. PostgreSQL gets COPY FROM STDIN; any other dialect Core's
insertmanyvalues.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, Table, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quorum.db.driver import driver_connection

_UNSET = object()


def _json_text(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert `rows`, tuples of values in the order of `columns`, into `table`."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name == "postgresql":
        _copy_rows(connection, table, columns, rows)
        return
    if dialect.name != "sqlite":
        connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    converters = []
    for i, name in enumerate(columns):
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            converters.append((i, _json_text, False))
        else:
            process = column_type._cached_bind_processor(dialect)
            if process is not None:
                converters.append((i, process, True))
    last_in: list[Any] = [_UNSET] * len(converters)
    last_out: list[Any] = [None] * len(converters)
    values = []
    for row in rows:
        item = list(row)
        for k, (i, process, memo) in enumerate(converters):
            value = item[i]
            if not memo:
                item[i] = process(value)
            elif value is last_in[k]:
                item[i] = last_out[k]
            else:
                last_in[k], last_out[k] = value, process(value)
                item[i] = last_out[k]
        values.append(tuple(item))
    quoted = ", ".join(dialect.identifier_preparer.quote(n) for n in columns)
    marks = ", ".join("?" * len(columns))
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({quoted}) VALUES ({marks})", values)


def _copy_rows(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """PostgreSQL: COPY FROM STDIN, JSON columns sent as their text."""
    import psycopg  # only a PostgreSQL server has the driver loaded (the CLI on SQLite does not)

    json_at = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
    quoted = ", ".join(connection.dialect.identifier_preparer.quote(n) for n in columns)
    statement = f"COPY {table.name} ({quoted}) FROM STDIN"
    cursor = driver_connection(connection).cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                if json_at:
                    item = list(row)
                    for i in json_at:
                        item[i] = _json_text(item[i])
                    copy.write_row(item)
                else:
                    copy.write_row(row)
    except psycopg.IntegrityError as exc:  # the same error type as Core's inserts raise
        raise IntegrityError(statement, None, exc) from exc
