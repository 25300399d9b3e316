"""The demo data that `make demo` seeds is valid for its task types.

Each JSONL line is a task's params plus import-only keys; the params are merged over the
project's default params (task-level keys win, as at import) before validation.
"""

import json
import re
from pathlib import Path

import pytest

import quorum
from quorum import tasktypes

DEMO = Path(quorum.__file__).parent / "demo"
PROJECTS = json.loads((DEMO / "projects.json").read_text(encoding="utf-8"))
IMPORT_KEYS = {"unique_id", "metadata", "tags", "priority", "callback_url", "gold"}


def records(project):
    lines = (DEMO / project["tasks"]).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_one_demo_project_per_task_type():
    assert sorted(p["type"] for p in PROJECTS) == tasktypes.names()


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p["type"])
def test_every_task_gold_and_machine_response_is_valid(project):
    task_type = tasktypes.get(project["type"])
    golds = 0
    for line, record in enumerate(records(project), 1):
        params = {k: v for k, v in record.items() if k not in IMPORT_KEYS}
        try:
            stored = task_type.validate_params({**project["params"], **params})
            task_type.validate_response(stored, task_type.machine_response(stored))
            if "gold" in record:
                golds += 1
                task_type.validate_response(stored, record["gold"])
        except tasktypes.TaskValidationError as exc:
            pytest.fail(f"{project['tasks']} line {line}: {exc}")
    assert golds > 0


def test_referenced_media_is_shipped_and_small():
    media = DEMO / "media"
    text = "".join((DEMO / p["tasks"]).read_text(encoding="utf-8") for p in PROJECTS)
    for name in set(re.findall(r"/demo-media/([\w.-]+)", text)):
        assert (media / name).is_file(), name
    assert sum(f.stat().st_size for f in media.iterdir()) < 2_000_000
