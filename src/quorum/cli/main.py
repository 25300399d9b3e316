"""Entry point of the `quorum` console script: one Typer app, sub-commands per module.

Command modules import only typer and what their help text needs at the top; what a command
runs on (services, the database, the quality engine, the SDK) is imported in its body, so that
`quorum --help` and commands that need no NumPy start fast (bench/bench_cli_startup.py).
"""

from __future__ import annotations

import os
import sys

import typer

from quorum.cli import admin, data, projects, quality, simulate, tasks, worker
from quorum.cli.common import DATABASE_HELP, open_db, reports_errors, settings

app = typer.Typer(
    rich_markup_mode=None,
    name="quorum",
    help="Quorum: a self-hostable data-labeling platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(rich_markup_mode=None, help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(admin.users_app, name="users")
app.add_typer(projects.projects_app, name="projects")
app.add_typer(tasks.tasks_app, name="tasks")
app.add_typer(tasks.batches_app, name="batches")
app.add_typer(admin.jobs_app, name="jobs")
app.command("import")(data.import_file)
app.command("export")(data.export_file)
quality.register(app)
worker.register(app)
simulate.register(app)


@db_app.command("upgrade", epilog=DATABASE_HELP)
@reports_errors
def db_upgrade() -> None:
    """Bring the database to the newest schema (creating it if there is none)."""
    open_db(init=True).dispose()
    print("database is up to date")


def _serve(host: str | None, port: int | None, workers: int) -> None:
    """Replace this process with uvicorn serving the app: the server process then holds only
    what the app imports, not the command line's (the quality engine, rich, typer)."""
    s = settings()
    sys.stdout.flush()
    args = [
        sys.executable, "-m", "uvicorn", "quorum.app:create_app", "--factory",
        "--host", host or s.host, "--port", str(port or s.port), "--workers", str(workers),
        "--no-access-log", "--log-level", "info",
    ]  # fmt: skip
    os.execv(sys.executable, args)


@app.command()
@reports_errors
def serve(
    host: str | None = typer.Option(None, help="address to listen on (QUORUM_HOST)"),
    port: int | None = typer.Option(None, help="port to listen on (QUORUM_PORT)"),
    workers: int = typer.Option(1, min=1, help="server processes"),
    job_worker: bool | None = typer.Option(
        None,
        "--worker/--no-worker",
        help="run a background job worker beside each server process, as a child process "
        "that stops with it (QUORUM_RUN_WORKER, default on)",
    ),
) -> None:
    """Run the server (the database is created or upgraded first)."""
    if job_worker is not None:  # the app factory reads settings from the environment
        from quorum.config import get_settings

        os.environ["QUORUM_RUN_WORKER"] = "1" if job_worker else "0"
        get_settings.cache_clear()
    open_db(init=True).dispose()
    _serve(host, port, workers)


@app.command()
@reports_errors
def demo(
    host: str | None = typer.Option(None, help="address to listen on"),
    port: int | None = typer.Option(None, help="port to listen on"),
) -> None:
    """Seed demo users and projects into the data directory, print the logins, and serve."""
    from quorum.demo import seed as demo_service
    from quorum.services.accounts import users

    db = open_db(init=True)
    with db.session(write=True) as session:
        seeded = demo_service.seed(session)
        key = users.create_api_key(session, "admin")
    db.dispose()
    s = settings()
    url = f"http://{host or s.host}:{port or s.port}"
    print(f"Quorum demo: {url}  (API docs: {url}/docs)")
    print(f"web app: {url}/login  (log in with any user below)")
    print(f"data directory: {s.data_dir.resolve()}")
    for name, role, password in seeded["users"]:
        print(f"  login {name:<11} password {password:<18} ({role})")
    print(f"  admin API key: {key}", flush=True)
    _serve(host, port, 1)


if __name__ == "__main__":  # `python -m quorum.cli.main`: how a server starts its job worker
    app()
