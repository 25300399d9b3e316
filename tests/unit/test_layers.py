"""The layer contracts and the cycle count bite: the real tree passes, and a copy of it with one
wrong-way import (or one cycle) fails, naming what is wrong."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _tree_with(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of src/quorum with `line` added to `module` (a path under quorum/)."""
    shutil.copytree(ROOT / "src" / "quorum", tmp_path / "quorum")
    target = tmp_path / "quorum" / module
    target.write_text(target.read_text() + f"\n{line}\n")
    return tmp_path


def _run(args: list[str], src: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_the_tree_keeps_every_contract_and_has_no_cycle() -> None:
    assert _run([str(BIN / "lint-imports"), "--no-cache"], ROOT / "src").returncode == 0
    done = _run([sys.executable, "-m", "quorum.devtools.cycles"], ROOT / "src")
    assert done.returncode == 0 and "0 import cycles" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("db/engine.py", "import quorum.services.errors", "Layers"),
        ("services/accounts/users.py", "import quorum.services.labeling.gold", "Service domains"),
        ("quality/agreement.py", "import quorum.config", "quality engine is a library"),
        ("web/pages.py", "import quorum.db.models", "Faces write no SQL"),
    ],
)
def test_a_wrong_way_import_breaks_its_contract(tmp_path, module, line, contract) -> None:
    done = _run([str(BIN / "lint-imports"), "--no-cache"], _tree_with(tmp_path, module, line))
    assert done.returncode == 1
    assert f"{contract}" in done.stdout and "BROKEN" in done.stdout


def test_a_late_import_that_closes_a_circle_is_a_cycle(tmp_path) -> None:
    # The kind of cycle a function-level import hides: names imports nothing of projects.
    src = _tree_with(
        tmp_path, "services/names.py", "def _late():\n    import quorum.services.projects.catalog"
    )
    done = _run([sys.executable, "-m", "quorum.devtools.cycles"], src)
    assert done.returncode == 1
    assert "quorum.services.names" in done.stdout and "1 import cycles" in done.stdout
