"""The job worker as a child process of the server, living and dying with it.

CPU-heavy jobs (a skill refit fits a model over every answer of a project) must not run in a
thread of the serving process: they would hold the GIL while requests wait. So `quorum serve`
starts `quorum worker --with-parent` beside itself. The child's standard input is a pipe whose
other end only the parent holds: when the parent exits, however it exits (`kill -9` included),
the kernel closes it, the child reads end-of-file and stops, so no worker outlives its server.
Stopping the parent cleanly stops the child the same way and waits for its current job. The
child runs at a lower CPU priority, so on a busy machine requests win the cores.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence

# How long a stopping server waits for its worker to finish the job it is running.
STOP_TIMEOUT_S = 35.0
# The child's niceness above the server's (os.nice).
BACKGROUND_NICENESS = 10


class ChildWorker:
    """A running `quorum worker` tied to this process."""

    def __init__(self, command: Sequence[str], env: Mapping[str, str]) -> None:
        self.process = subprocess.Popen(list(command), env=dict(env), stdin=subprocess.PIPE)

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Ask the child to stop after its current job, wait for it, kill it past `timeout`."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def tie_to_parent(stop: threading.Event) -> None:
    """In the child: yield the CPU to the server, and set `stop` once the server is gone
    (standard input reaches its end)."""
    os.nice(BACKGROUND_NICENESS)

    def wait_for_end() -> None:
        while sys.stdin.buffer.read(4096):
            pass
        stop.set()

    threading.Thread(target=wait_for_end, name="watch-parent", daemon=True).start()
