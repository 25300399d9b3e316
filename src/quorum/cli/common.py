"""What every command shares: one-line errors with exit status 1, plain English (plurals,
articles), the local database and the options that pick it.

This module is imported by every command before anything runs, so it imports only the standard
library and typer: services, the database and the SDK are imported where a command needs them,
and `quorum --help` starts in a fraction of a second.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer

if TYPE_CHECKING:
    from quorum.config import Settings
    from quorum.db.engine import Database

P = ParamSpec("P")
R = TypeVar("R")
Progress = Callable[[int], None]  # hears how far a long command got
# Which tasks an export takes: `status`, `min_confidence`, `below` (services.exports.Selection).
Selection = dict[str, Any]
# How an import files its tasks: `batch`, and `as_` (what the file's labels become).
ImportOptions = dict[str, Any]

# Said in the help of every command that works on the local database.
DATABASE_HELP = (
    "Works on the local database: QUORUM_DATABASE_URL if set, else quorum.db in the data "
    "directory QUORUM_DATA_DIR (default ./quorum-data). A missing database is an error "
    "unless --init is given (or run `quorum db upgrade` first)."
)

Init = Annotated[
    bool,
    typer.Option(
        "--init/--no-init", help="create the database (with its schema) when there is none yet"
    ),
]


def plural(n: int, noun: str, many: str | None = None) -> str:
    """`n` with the noun agreeing: '1 task', '2 tasks', '0 tasks'; a verb too: '1 differs',
    '2 differ' (`plural(n, "differs", "differ")`)."""
    return f"{n} {noun if n == 1 else many or noun + 's'}"


def article(word: str) -> str:
    """The word with its indefinite article: 'an annotator', 'a reviewer'."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def fail(message: str) -> NoReturn:
    """Print `message` on one line of standard error and exit with status 1."""
    print(f"error: {' '.join(message.split())}", file=sys.stderr)
    raise typer.Exit(1)


def _reported() -> tuple[type[BaseException], ...]:
    """The errors a command reports in one line. Imported when one is being raised (an
    `except` clause evaluates its tuple then), not when the CLI starts."""
    import httpx

    from quorum.client import QuorumError
    from quorum.services.errors import ServiceError

    return (ServiceError, QuorumError, httpx.TransportError, ValueError, OSError)


def _message(exc: BaseException) -> str:
    import httpx

    from quorum.client import QuorumError

    if isinstance(exc, QuorumError):
        return exc.message or f"the server answered HTTP {exc.status}"
    if isinstance(exc, httpx.TransportError):
        try:
            where = str(exc.request.url.copy_with(path="/", query=None))
        except RuntimeError:  # failed before a request was made
            where = "the server"
        return f"cannot reach {where}: {exc}"
    return str(exc)


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn service, server and input errors into a one-line message and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except _reported() as exc:
            fail(_message(exc))

    return wrapper


def settings() -> Settings:
    from quorum.config import get_settings

    return get_settings()


def open_db(*, init: bool = False, migrate: bool = True) -> Database:
    """The configured database, brought up to the newest schema. A database that does not
    exist yet (or has no schema) is refused unless `init`: a typo in QUORUM_DATA_DIR must not
    quietly start an empty one."""
    from quorum.db.engine import Database
    from quorum.db.migrate import has_schema, upgrade

    url = settings().resolved_database_url
    if not init and not has_schema(url):
        fail(
            f"no Quorum database at {describe_database(url)}; pass --init to create one, "
            "run `quorum db upgrade`, or point QUORUM_DATA_DIR / QUORUM_DATABASE_URL at an "
            "existing one"
        )
    db = Database(url, pool_size=2)
    if migrate:
        upgrade(db.engine)
    return db


def describe_database(url: str) -> str:
    """The database URL as a person reads it: a SQLite file's path, else the URL without its
    password."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database)
    return parsed.render_as_string(hide_password=True)


def parse_json_option(value: str | None, option: str) -> dict[str, Any]:
    import orjson

    if not value:
        return {}
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"{option} is not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{option} must be a JSON object")
    return data


@contextmanager
def progress_bar(
    description: str, total: int | None, *, in_bytes: bool = False
) -> Iterator[Progress]:
    """A progress bar on standard error when it is a terminal (nothing in a pipe or a log);
    yields `update(done)`, `done` counting items, or bytes if `in_bytes`."""
    if not sys.stderr.isatty():
        yield lambda _done: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn() if in_bytes else MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        bar = progress.add_task(description, total=total)
        yield lambda done: progress.update(bar, completed=done)


def moment(value: object) -> str:
    """A timestamp to the minute, from the services (datetime) or the API (ISO text)."""
    if isinstance(value, str):
        return value[:16].replace("T", " ")
    return f"{value:%Y-%m-%d %H:%M}" if value is not None else ""


def print_table(columns: tuple[str, ...], rows: list[list[str]]) -> None:
    """A table on standard output (rich draws it; imported only when one is printed)."""
    from rich.console import Console
    from rich.table import Column, Table

    table = Table(*(Column(c, overflow="fold") for c in columns))
    for row in rows:
        table.add_row(*row)
    Console().print(table)
