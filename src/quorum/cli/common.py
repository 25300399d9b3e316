"""What every command shares: settings, the database, and one-line errors with exit status 1."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn, ParamSpec, TypeVar

import orjson
import typer

from quorum.config import Settings, get_settings
from quorum.db.engine import Database
from quorum.db.migrate import upgrade
from quorum.services.errors import ServiceError

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str) -> NoReturn:
    """Print `message` on one line of standard error and exit with status 1."""
    print(f"error: {' '.join(message.split())}", file=sys.stderr)
    raise typer.Exit(1)


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn service and input errors into a one-line message and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (ServiceError, ValueError, OSError) as exc:
            fail(str(exc))

    return wrapper


def settings() -> Settings:
    return get_settings()


def open_db(*, migrate: bool = True) -> Database:
    """The configured database, brought up to the newest schema."""
    db = Database(settings().resolved_database_url, pool_size=2)
    if migrate:
        upgrade(db.engine)
    return db


def parse_json_option(value: str | None, option: str) -> dict[str, Any]:
    if not value:
        return {}
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"{option} is not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{option} must be a JSON object")
    return data
