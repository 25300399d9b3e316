"""`quorum users …` and `quorum projects …`: administration straight on the database."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from quorum.cli.common import open_db, parse_json_option, reports_errors
from quorum.services import projects, users

users_app = typer.Typer(help="Users, roles and API keys.", no_args_is_help=True)
projects_app = typer.Typer(help="Projects and their members.", no_args_is_help=True)
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
        project = projects.create_project(
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
        member = projects.add_member(session, project, user, role)
    print(f"{member['user']} is a {member['role']} of {member['project']}")


@projects_app.command("list")
@reports_errors
def projects_list() -> None:
    """List projects."""
    from quorum.services.users import Principal, Role

    operator = Principal(user_id=0, name="cli", role=Role.admin)
    with open_db().session() as session:
        rows = projects.list_projects(session, operator)
    table = Table("name", "type", "created")
    for p in rows:
        table.add_row(p["name"], p["type"], f"{p['created_at']:%Y-%m-%d %H:%M}")
    console.print(table)
