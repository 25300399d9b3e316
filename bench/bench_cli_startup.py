"""How fast the `quorum` command starts: help, a sub-command's help, and a cheap real command
(a requester listing projects on a live server with --url), each the median of several runs.

Wall time is what a person waits; CPU time (user + system of the child) is what the command
costs, and other work on the machine does not inflate it. Commands on the local database
(an admin's listing, a requester's) are measured too: they load SQLAlchemy and Quorum's
tables, which the 0.3 s target leaves out.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import time

from _harness import QUORUM, admin_key, data_dir, server

RUNS = 9
TARGET_S = 0.3


def _median_run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Median (wall, CPU) seconds of `quorum *args` over RUNS runs."""
    walls, cpus = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([QUORUM, *args], env=env, stdout=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return round(statistics.median(walls), 3), round(statistics.median(cpus), 3)


def main() -> dict:
    result: dict = {"benchmark": "cli_startup", "runs": RUNS, "target_s": TARGET_S}
    with data_dir() as directory:
        db, key = admin_key(directory)
        db.dispose()
        env = {k: v for k, v in os.environ.items() if not k.startswith("QUORUM_")}
        local = {**env, "QUORUM_DATA_DIR": str(directory)}
        with server(directory) as (url, _process, _start):
            remote = {**env, "QUORUM_URL": url, "QUORUM_API_KEY": key}
            commands = {
                "help": (["--help"], env),
                "projects_help": (["projects", "--help"], env),
                "remote_projects_list": (["projects", "list"], remote),
                "local_users_list": (["users", "list"], local),
                "local_projects_list": (["projects", "list"], local),
            }
            for name, (args, command_env) in commands.items():
                wall, cpu = _median_run(args, command_env)
                result[f"{name}_s"] = wall
                result[f"{name}_cpu_s"] = cpu
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
