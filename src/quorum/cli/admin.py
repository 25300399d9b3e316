"""`quorum users …`, `quorum projects …` and `quorum jobs …`: administration straight on the
database."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from quorum.cli.common import open_db, parse_json_option, reports_errors
from quorum.services.accounts import users, web_sessions
from quorum.services.ops import job_admin
from quorum.services.projects import catalog

users_app = typer.Typer(help="Users, roles, API keys and browser sessions.", no_args_is_help=True)
projects_app = typer.Typer(help="Projects and their members.", no_args_is_help=True)
jobs_app = typer.Typer(help="Background jobs: callback deliveries and more.", no_args_is_help=True)
console = Console()


@users_app.command("create")
@reports_errors
def users_create(
    name: str,
    role: str = typer.Option(..., help="admin, manager, reviewer or annotator"),
    email: str | None = typer.Option(None),
    password_stdin: bool = typer.Option(False, help="read a password from standard input"),
) -> None:
    """Create a user (with a password for the web login when --password-stdin is given)."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with open_db().session(write=True) as session:
        user = users.create_user(session, name, role, email=email, password=password)
    print(f"created user {user['name']} ({user['role']})")


@users_app.command("list")
@reports_errors
def users_list() -> None:
    """List users with their roles."""
    with open_db().session() as session:
        rows = users.list_users(session)
    table = Table("name", "role", "email", "active", "created")
    for u in rows:
        table.add_row(
            u["name"],
            u["role"],
            u["email"] or "",
            str(u["is_active"]),
            f"{u['created_at']:%Y-%m-%d %H:%M}",
        )
    console.print(table)


@users_app.command("set-role")
@reports_errors
def users_set_role(name: str, role: str) -> None:
    """Change a user's role."""
    with open_db().session(write=True) as session:
        user = users.set_role(session, name, role)
    print(f"{user['name']} is now {user['role']}")


@users_app.command("create-key")
@reports_errors
def users_create_key(
    name: str, test: bool = typer.Option(False, help="a test key (tasks complete by machine)")
) -> None:
    """Create an API key; it is printed once, alone on the last line."""
    with open_db().session(write=True) as session:
        key = users.create_api_key(session, name, test=test)
    print(f"API key for {name} (shown once, keep it safe):")
    print(key)


@users_app.command("revoke-sessions")
@reports_errors
def users_revoke_sessions(name: str) -> None:
    """Log a user out of every browser now (their API keys keep working)."""
    with open_db().session(write=True) as session:
        ended = web_sessions.end_all(session, name)
    print(f"ended every browser session of {ended['user']} issued before now")


@projects_app.command("create")
@reports_errors
def projects_create(
    name: str,
    type: str = typer.Option(..., "--type", help="task type, e.g. categorization"),
    params: str | None = typer.Option(None, help="default task params as JSON"),
    policy: str | None = typer.Option(None, help="quality policy fields as JSON"),
    instruction_file: Path | None = typer.Option(None, help="Markdown instructions"),
) -> None:
    """Create a project."""
    instruction = instruction_file.read_text() if instruction_file else ""
    with open_db().session(write=True) as session:
        project = catalog.create_project(
            session,
            name,
            type,
            params=parse_json_option(params, "--params"),
            policy=parse_json_option(policy, "--policy"),
            instruction=instruction,
        )
    print(f"created project {project['name']} ({project['type']})")


@projects_app.command("add-member")
@reports_errors
def projects_add_member(
    project: str, user: str, role: str = typer.Option(..., help="annotator or reviewer")
) -> None:
    """Let a user work on a project."""
    with open_db().session(write=True) as session:
        member = catalog.add_member(session, project, user, role)
    print(f"{member['user']} is a {member['role']} of {member['project']}")


@projects_app.command("list")
@reports_errors
def projects_list() -> None:
    """List projects."""
    from quorum.services.accounts.users import Principal, Role

    operator = Principal(user_id=0, name="cli", role=Role.admin)
    with open_db().session() as session:
        rows = catalog.list_projects(session, operator)
    table = Table("name", "type", "created")
    for p in rows:
        table.add_row(p["name"], p["type"], f"{p['created_at']:%Y-%m-%d %H:%M}")
    console.print(table)


@jobs_app.command("list")
@reports_errors
def jobs_list(
    status: str | None = typer.Option(None, help="queued, running, succeeded or failed"),
    kind: str | None = typer.Option(None, help="e.g. callback.task"),
    limit: int = typer.Option(50, min=1, max=job_admin.MAX_PAGE),
) -> None:
    """List the newest jobs, e.g. failing callbacks with --status failed."""
    with open_db().session() as session:
        page = job_admin.list_jobs(session, status=status, kind=kind, limit=limit)
    table = Table("id", "kind", "status", "tries", "run at", "finished", "target", "last error")
    for job in page["docs"]:
        target = job.get("task_id") or job.get("batch_id") or job.get("project_id") or ""
        url = job.get("url")
        table.add_row(
            str(job["id"]),
            job["kind"],
            job["status"],
            str(job["attempts"]),
            f"{job['run_at']:%Y-%m-%d %H:%M}",
            f"{job['finished_at']:%Y-%m-%d %H:%M}" if job["finished_at"] else "",
            f"{target} {url}" if url else str(target),
            job["last_error"] or "",
        )
    console.print(table)
    if page["has_more"]:
        print(f"(newest {limit} shown; raise --limit for more)")


@jobs_app.command("retry")
@reports_errors
def jobs_retry(job_id: int) -> None:
    """Run a failed job again now."""
    with open_db().session(write=True) as session:
        job = job_admin.retry_job(session, job_id)
    print(f"job {job['id']} ({job['kind']}) is queued again")
