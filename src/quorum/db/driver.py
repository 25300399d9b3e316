"""The driver's own connection under a Core one, for the hot paths that go around Core."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection


def driver_connection(connection: Connection) -> Any:
    """sqlite3's or psycopg's connection object (typed Any: each driver has its own API).

    A connection in use always has one; SQLAlchemy's type allows None for an invalidated one.
    """
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("the database connection was invalidated")
    return driver
