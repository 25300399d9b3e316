"""Bulk row inserts, the one dialect-specific write on the import hot path.

On SQLite, Core's executemany spends most of its time building per-row parameter dicts; here
values are converted by each column's own bind processor and handed to the driver's
executemany as tuples. Other dialects use Core's insertmanyvalues, which batches rows into
multi-row INSERT statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

_UNSET = object()


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts keyed by column name, all with the same keys) into `table`."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(insert(table), list(rows))
        return
    names = list(rows[0])
    columns = [table.c[name] for name in names]
    processors = [c.type._cached_bind_processor(dialect) for c in columns]
    quoted = ", ".join(dialect.identifier_preparer.quote(n) for n in names)
    sql = f"INSERT INTO {table.name} ({quoted}) VALUES ({', '.join('?' * len(names))})"
    converters = [(i, p) for i, p in enumerate(processors) if p is not None]
    # One-entry memo per column: bulk rows share values (one timestamp, one project id).
    last_in: list[Any] = [_UNSET] * len(converters)
    last_out: list[Any] = [None] * len(converters)
    values = []
    for row in rows:
        item = [row[n] for n in names]
        for k, (i, process) in enumerate(converters):
            value = item[i]
            if value is not last_in[k]:
                last_in[k], last_out[k] = value, process(value)
            item[i] = last_out[k]
        values.append(tuple(item))
    connection.exec_driver_sql(sql, values)
