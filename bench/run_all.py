"""Run every benchmark in its own process and print one JSON document with all results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> None:
    results = []
    for script in sorted(HERE.glob("bench_*.py")):
        done = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, cwd=HERE
        )
        if done.returncode != 0:
            results.append({"benchmark": script.stem, "error": done.stderr.strip()[-2000:]})
            continue
        results.extend(json.loads(line) for line in done.stdout.splitlines() if line.strip())
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
