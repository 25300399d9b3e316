"""`quorum users …` and `quorum jobs …`: administration on the local database (the operator's:
whoever can read the database is its admin, so these need no API key)."""

from __future__ import annotations

import sys
from getpass import getpass

import typer

from quorum.cli.common import (
    DATABASE_HELP,
    Init,
    article,
    fail,
    moment,
    open_db,
    plural,
    print_table,
    reports_errors,
)

users_app = typer.Typer(
    rich_markup_mode=None,
    help=f"Users, roles, passwords, API keys and browser sessions. {DATABASE_HELP}",
    no_args_is_help=True,
)
jobs_app = typer.Typer(
    rich_markup_mode=None,
    help=f"Background jobs: callback deliveries and more. {DATABASE_HELP}",
    no_args_is_help=True,
)


def _read_password(from_stdin: bool) -> str:
    """A password from one line of standard input, or typed twice at a prompt: never from the
    command line, where other users' `ps` and the shell history would see it."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        fail("no terminal to ask for the password: pipe it in with --password-stdin")
    first = getpass("new password: ")
    if getpass("again: ") != first:
        fail("the two passwords differ; nothing was changed")
    return first


@users_app.command("create", epilog=DATABASE_HELP)
@reports_errors
def users_create(
    name: str,
    role: str = typer.Option(..., help="admin, manager, reviewer or annotator"),
    email: str | None = typer.Option(None),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="read a password for the web login from standard input"
    ),
    init: Init = False,
) -> None:
    """Create a user (with a password for the web login when --password-stdin is given)."""
    from quorum.services.accounts import users

    password = _read_password(True) if password_stdin else None
    with open_db(init=init).session(write=True) as session:
        user = users.create_user(session, name, role, email=email, password=password)
    print(f"created user {user['name']}, {article(user['role'])}")


@users_app.command("list", epilog=DATABASE_HELP)
@reports_errors
def users_list(init: Init = False) -> None:
    """List users with their roles."""
    from quorum.services.accounts import users

    with open_db(init=init).session() as session:
        rows = users.list_users(session)
    print_table(
        ("name", "role", "email", "active", "created"),
        [
            [u["name"], u["role"], u["email"] or "", "yes" if u["is_active"] else "no",
             moment(u["created_at"])]
            for u in rows
        ],
    )  # fmt: skip
    print(plural(len(rows), "user"))


@users_app.command("set-role", epilog=DATABASE_HELP)
@reports_errors
def users_set_role(name: str, role: str, init: Init = False) -> None:
    """Change a user's role."""
    from quorum.services.accounts import users

    with open_db(init=init).session(write=True) as session:
        user = users.set_role(session, name, role)
    print(f"{user['name']} is now {article(user['role'])}")


@users_app.command("set-password", epilog=DATABASE_HELP)
@reports_errors
def users_set_password(
    name: str,
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="read it from standard input instead of a prompt"
    ),
    init: Init = False,
) -> None:
    """Set or reset a user's web password; their open browser sessions end."""
    from quorum.services.accounts import users

    password = _read_password(password_stdin)
    with open_db(init=init).session(write=True) as session:
        user = users.set_password(session, name, password)
    print(f"new password set for {user['name']}; their browser sessions ended")


def _set_active(name: str, active: bool, init: bool) -> None:
    from quorum.services.accounts import users

    with open_db(init=init).session(write=True) as session:
        user = users.set_active(session, name, active)
    print(f"{user['name']} is {'active' if user['is_active'] else 'deactivated'}")


@users_app.command("deactivate", epilog=DATABASE_HELP)
@reports_errors
def users_deactivate(name: str, init: Init = False) -> None:
    """Stop a user's keys, password and sessions from working; their answers stay."""
    _set_active(name, False, init)


@users_app.command("activate", epilog=DATABASE_HELP)
@reports_errors
def users_activate(name: str, init: Init = False) -> None:
    """Let a deactivated user back in."""
    _set_active(name, True, init)


@users_app.command("create-key", epilog=DATABASE_HELP)
@reports_errors
def users_create_key(
    name: str,
    test: bool = typer.Option(False, "--test", help="a test key (its tasks complete by machine)"),
    init: Init = False,
) -> None:
    """Create an API key; it is printed once, alone on the last line."""
    from quorum.services.accounts import users

    with open_db(init=init).session(write=True) as session:
        key = users.create_api_key(session, name, test=test)
    print(f"API key for {name} (shown once, keep it safe):")
    print(key)


@users_app.command("keys", epilog=DATABASE_HELP)
@reports_errors
def users_keys(name: str, init: Init = False) -> None:
    """List a user's API keys by the prefix that names each (the keys are not stored)."""
    from quorum.services.accounts import users

    with open_db(init=init).session() as session:
        keys = users.list_api_keys(session, name)
    print_table(
        ("prefix", "test", "created", "revoked"),
        [
            [k["prefix"], "yes" if k["is_test"] else "", moment(k["created_at"]),
             moment(k["revoked_at"])]
            for k in keys
        ],
    )  # fmt: skip
    active = sum(k["revoked_at"] is None for k in keys)
    print(f"{plural(len(keys), 'key')}, {active} active")


@users_app.command("revoke-key", epilog=DATABASE_HELP)
@reports_errors
def users_revoke_key(name: str, prefix: str, init: Init = False) -> None:
    """Revoke one of a user's API keys, named by its prefix (see `quorum users keys`)."""
    from quorum.services.accounts import users

    with open_db(init=init).session(write=True) as session:
        key = users.revoke_api_key(session, name, prefix)
    print(f"revoked API key {key['prefix']}… of {name}")


@users_app.command("revoke-sessions", epilog=DATABASE_HELP)
@reports_errors
def users_revoke_sessions(name: str, init: Init = False) -> None:
    """Log a user out of every browser now (their API keys keep working)."""
    from quorum.services.accounts import web_sessions

    with open_db(init=init).session(write=True) as session:
        ended = web_sessions.end_all(session, name)
    print(f"ended every browser session of {ended['user']} issued before now")


@jobs_app.command("list", epilog=DATABASE_HELP)
@reports_errors
def jobs_list(
    status: str | None = typer.Option(None, help="queued, running, succeeded or failed"),
    kind: str | None = typer.Option(None, help="e.g. callback.task"),
    limit: int = typer.Option(50, min=1, help="newest this many"),
    init: Init = False,
) -> None:
    """List the newest jobs, e.g. failing callbacks with --status failed."""
    from quorum.services.ops import job_admin

    with open_db(init=init).session() as session:
        page = job_admin.list_jobs(session, status=status, kind=kind, limit=limit)
    rows = []
    for job in page["docs"]:
        target = job.get("task_id") or job.get("batch_id") or job.get("project_id") or ""
        url = job.get("url")
        rows.append(
            [
                str(job["id"]),
                job["kind"],
                job["status"],
                str(job["attempts"]),
                moment(job["run_at"]),
                moment(job["finished_at"]),
                f"{target} {url}" if url else str(target),
                job["last_error"] or "",
            ]
        )
    print_table(
        ("id", "kind", "status", "tries", "run at", "finished", "target", "last error"), rows
    )
    if page["has_more"]:
        print(f"(newest {plural(limit, 'job')} shown; raise --limit for more)")


@jobs_app.command("retry", epilog=DATABASE_HELP)
@reports_errors
def jobs_retry(job_id: int, init: Init = False) -> None:
    """Run a failed job again now."""
    from quorum.services.ops import job_admin

    with open_db(init=init).session(write=True) as session:
        job = job_admin.retry_job(session, job_id)
    print(f"job {job['id']} ({job['kind']}) is queued again")
