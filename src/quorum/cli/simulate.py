"""`quorum simulate`: annotators of known quality label a real dataset through the HTTP API.

With `--url` (or QUORUM_URL) it works against a running server with an admin `--api-key`
(QUORUM_API_KEY); without, it starts its own `quorum serve` on a throwaway SQLite data
directory and a free loopback port, so one command measures the platform end to end.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from quorum.cli.common import parse_json_option, plural, reports_errors
from quorum.cli.requester import ApiKey, url_option

START_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def own_server() -> Iterator[tuple[str, str]]:
    """A private `quorum serve` on a temporary SQLite database: yields (url, admin key)."""
    from quorum.db.engine import Database
    from quorum.db.migrate import upgrade
    from quorum.services.accounts import users

    with tempfile.TemporaryDirectory(prefix="quorum-simulate-") as data_dir:
        db_url = f"sqlite:///{Path(data_dir) / 'quorum.db'}"
        db = Database(db_url, pool_size=1)
        upgrade(db.engine)
        with db.session(write=True) as session:
            users.create_user(session, "simulator", "admin")
            key = users.create_api_key(session, "simulator")
        db.dispose()
        port = _free_port()
        env = {**os.environ, "QUORUM_DATA_DIR": data_dir, "QUORUM_DATABASE_URL": db_url}
        log_path = Path(data_dir) / "serve.log"
        command = [str(Path(sys.executable).parent / "quorum"), "serve", "--host", "127.0.0.1"]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [*command, "--port", str(port)], env=env, stdout=log, stderr=log
            )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, process, log_path)
            yield url, key
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(url: str, process: subprocess.Popen, log_path: Path) -> None:
    import httpx

    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    tail = log_path.read_text(errors="replace")[-2000:]
    raise OSError(f"the simulation's server did not start: {tail}")


def _summary(report: dict[str, Any]) -> str:
    lines = [
        f"{report['dataset']}: {plural(report['tasks'], 'task')} (+{report['gold_tasks']} gold), "
        f"{plural(report['annotators'], 'simulated annotator')}"
    ]
    for run in report["runs"]:
        policy = ", ".join(f"{k}={v}" for k, v in run["policy"].items())
        lines.append(
            f"  {run['project']} ({policy}): accuracy {run['accuracy']}, "
            f"{run['answers_per_task']} answers/task ({plural(run['answers'], 'answer')}, "
            f"+{run['gold_answers']} on gold), {run['incomplete']} incomplete, "
            f"{run['seconds']} s"
        )
    compared = report.get("adaptive_vs_fixed")
    if compared:
        lines.append(
            f"  adaptive vs fixed: accuracy {compared['accuracy_difference']:+.4f}, "
            f"{compared['answer_savings']:.1%} fewer answers"
        )
    return "\n".join(lines)


@reports_errors
def simulate_command(
    dataset: Path = typer.Option(
        ..., "--dataset", help="dataset folder with gold.csv (labels.csv: real wrong answers)"
    ),
    project: str = typer.Option("simulation", "--project", help="project to create"),
    annotators: int = typer.Option(20, "--annotators", min=1, max=500),
    accuracy_mean: float = typer.Option(0.75, "--accuracy-mean", min=0.0, max=1.0),
    accuracy_spread: float = typer.Option(
        0.15, "--accuracy-spread", min=0.0, max=1.0, help="true accuracies: uniform mean ± this"
    ),
    seed: int = typer.Option(0, "--seed", help="draws the task subset, the crowd, the gold"),
    tasks: int | None = typer.Option(None, "--tasks", min=1, help="a random subset of tasks"),
    gold_fraction: float = typer.Option(
        0.0, "--gold-fraction", min=0.0, max=0.9, help="share of tasks loaded as Quorum gold"
    ),
    min_overlap: int | None = typer.Option(None, "--min-overlap", min=1),
    max_overlap: int | None = typer.Option(None, "--max-overlap", min=1),
    confidence_target: float | None = typer.Option(None, "--confidence-target", min=0, max=1),
    gold_rate: float | None = typer.Option(None, "--gold-rate", min=0.0, max=1.0),
    policy: str | None = typer.Option(None, "--policy", help="more policy fields as JSON"),
    compare_fixed: int | None = typer.Option(
        None, "--compare-fixed", min=1, help="also run the same crowd with overlap fixed at K"
    ),
    concurrency: int = typer.Option(1, "--concurrency", min=1, max=64, help="client threads"),
    url: Annotated[
        str | None, url_option("a server of its own on a throwaway SQLite database")
    ] = None,
    api_key: ApiKey = None,
) -> None:
    """Simulate annotators of known quality on a real dataset and report what Quorum bought:
    accuracy on gold, answers per task, and each annotator's estimated vs true accuracy.

    The JSON report goes to standard output, a short summary to standard error.
    """
    from quorum.client import QuorumError
    from quorum.simulation import Plan, load_dataset, make_crowd, simulate

    flags = {
        "min_overlap": min_overlap,
        "max_overlap": max_overlap,
        "confidence_target": confidence_target,
        "gold_rate": gold_rate,
    }
    chosen = {
        **parse_json_option(policy, "--policy"),
        **{k: v for k, v in flags.items() if v is not None},
    }
    if compare_fixed and compare_fixed > annotators:
        raise ValueError(f"--compare-fixed {compare_fixed} needs at least that many annotators")
    if url and not api_key:
        raise ValueError("--url needs an admin --api-key (or QUORUM_API_KEY)")
    data = load_dataset(dataset, limit=tasks, seed=seed)
    crowd = make_crowd(data, annotators, mean=accuracy_mean, spread=accuracy_spread, seed=seed)
    plan = Plan(project, chosen, gold_fraction, compare_fixed, concurrency, seed)
    try:
        if url:
            report = simulate(url, api_key or "", data, crowd, plan)
        else:
            with own_server() as (own_url, key):
                report = simulate(own_url, key, data, crowd, plan)
    except QuorumError as exc:
        raise ValueError(f"the server refused: {exc}") from None
    report["crowd"] = {
        "accuracy_mean": accuracy_mean,
        "accuracy_spread": accuracy_spread,
        "seed": seed,
        "wrong_answers": "real crowd's wrong answers per task (labels.csv), else uniform",
    }
    typer.echo(json.dumps(report, indent=2))
    typer.echo(_summary(report), err=True)


def register(app: typer.Typer) -> None:
    """Add `quorum simulate` to the top-level app."""
    app.command("simulate")(simulate_command)
