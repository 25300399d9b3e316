"""`quorum projects …`: projects, their params and instructions, members; on a server
(--url) or on the local database."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import typer

from quorum import tasktypes
from quorum.cli.common import (
    Init,
    article,
    moment,
    parse_json_option,
    plural,
    print_table,
    reports_errors,
)
from quorum.cli.requester import ApiKey, Url, connect

projects_app = typer.Typer(
    rich_markup_mode=None,
    help="Projects, their params, instructions and members: on the server given by --url "
    "(QUORUM_URL), else on the local database.",
    no_args_is_help=True,
)


@projects_app.command("create")
@reports_errors
def projects_create(
    name: str,
    type: str = typer.Option(..., "--type", help=f"task type: {', '.join(tasktypes.names())}"),
    params: str | None = typer.Option(None, help="default task params as JSON"),
    policy: str | None = typer.Option(None, help="quality policy fields as JSON"),
    instruction_file: Path | None = typer.Option(None, help="Markdown instructions"),
    url: Url = None,
    api_key: ApiKey = None,
    init: Init = False,
) -> None:
    """Create a project."""
    instruction = instruction_file.read_text() if instruction_file else ""
    with closing(connect(url, api_key, init=init)) as requester:
        project = requester.create_project(
            name,
            type,
            parse_json_option(params, "--params"),
            parse_json_option(policy, "--policy"),
            instruction,
        )
    print(f"created project {project['name']} ({project['type']})")


@projects_app.command("list")
@reports_errors
def projects_list(url: Url = None, api_key: ApiKey = None, init: Init = False) -> None:
    """List projects."""
    with closing(connect(url, api_key, init=init)) as requester:
        rows = requester.list_projects()
    print_table(
        ("name", "type", "archived", "created"),
        [
            [p["name"], p["type"], "yes" if p["archived"] else "", moment(p["created_at"])]
            for p in rows
        ],
    )
    print(plural(len(rows), "project"))


@projects_app.command("set-params")
@reports_errors
def projects_set_params(
    name: str,
    params: str | None = typer.Option(
        None, help='new default task params as JSON, e.g. labels: \'{"categories": ["a", "b"]}\''
    ),
    patch: bool = typer.Option(
        True, "--patch/--replace", help="keep the params not given, or replace them all"
    ),
    instruction_file: Path | None = typer.Option(None, help="new Markdown instructions"),
    url: Url = None,
    api_key: ApiKey = None,
    init: Init = False,
) -> None:
    """Change a project's labels (default params) and instructions: a new version, which
    tasks created from now on get."""
    if params is None and instruction_file is None:
        raise ValueError("give --params, --instruction-file or both")
    instruction = instruction_file.read_text() if instruction_file else None
    changes = parse_json_option(params, "--params") if params is not None else None
    with closing(connect(url, api_key, init=init)) as requester:
        project = requester.change_params(name, changes, instruction, patch)
    version = project["param_history"][-1]["version"]
    print(f"project {project['name']} now has params version {version}")


@projects_app.command("archive")
@reports_errors
def projects_archive(
    name: str,
    undo: bool = typer.Option(False, "--undo", help="bring an archived project back"),
    url: Url = None,
    api_key: ApiKey = None,
    init: Init = False,
) -> None:
    """Archive a project: it takes no new tasks and leaves annotators' and reviewers' lists;
    its tasks, answers and exports stay."""
    with closing(connect(url, api_key, init=init)) as requester:
        project = requester.set_archived(name, not undo)
    print(f"project {project['name']} is {'archived' if project['archived'] else 'active'}")


@projects_app.command("add-member")
@reports_errors
def projects_add_member(
    project: str,
    user: str,
    role: str = typer.Option(..., help="annotator or reviewer"),
    url: Url = None,
    api_key: ApiKey = None,
    init: Init = False,
) -> None:
    """Let a user work on a project (or change their role in it)."""
    with closing(connect(url, api_key, init=init)) as requester:
        member = requester.add_member(project, user, role)
    print(f"{member['user']} is {article(member['role'])} of {member['project']}")


@projects_app.command("remove-member")
@reports_errors
def projects_remove_member(
    project: str, user: str, url: Url = None, api_key: ApiKey = None, init: Init = False
) -> None:
    """Take a user off a project; their past answers stay."""
    with closing(connect(url, api_key, init=init)) as requester:
        requester.remove_member(project, user)
    print(f"{user} is no longer a member of {project}")
