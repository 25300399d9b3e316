"""The job worker as a child process of the server, living and dying with it.

CPU-heavy jobs (a skill refit fits a model over every answer of a project) must not run in a
thread of the serving process: they would hold the GIL while requests wait. So `quorum serve`
starts `quorum worker --with-parent` beside itself. The child's standard input is a pipe whose
other end only the parent holds: when the parent exits, however it exits (`kill -9` included),
the kernel closes it, the child reads end-of-file and stops, so no worker outlives its server.
Stopping the parent cleanly stops the child the same way and waits for its current job. The
child runs at a lower CPU priority, so on a busy machine requests win the cores. A child that
dies while its server runs (killed, out of memory) is started again, after a pause that grows
while it keeps dying, so jobs go on running as they did when the worker was a thread.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence

log = logging.getLogger("quorum.jobs")

# How long a stopping server waits for its worker to finish the job it is running.
STOP_TIMEOUT_S = 35.0
# The child's niceness above the server's (os.nice).
BACKGROUND_NICENESS = 10
# Pauses before starting a child that died again: the first, doubled up to the last; a child
# that ran for STEADY_S resets them.
RESTART_FIRST_S, RESTART_MAX_S, STEADY_S = 1.0, 60.0, 60.0


class ChildWorker:
    """A running `quorum worker` tied to this process, started again if it dies."""

    def __init__(self, command: Sequence[str], env: Mapping[str, str]) -> None:
        self._command, self._env = list(command), dict(env)
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self.process = self._spawn()
        threading.Thread(target=self._keep_running, name="job-worker-watch", daemon=True).start()

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(self._command, env=self._env, stdin=subprocess.PIPE)

    def _keep_running(self) -> None:
        pause = RESTART_FIRST_S
        while True:
            started = time.monotonic()
            code = self.process.wait()
            if time.monotonic() - started >= STEADY_S:
                pause = RESTART_FIRST_S
            if self._stopping.wait(pause):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                log.warning("the job worker exited (%s); starting another", code)
                self.process = self._spawn()
            pause = min(pause * 2, RESTART_MAX_S)

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Ask the child to stop after its current job, wait for it, kill it past `timeout`."""
        self._stopping.set()
        with self._lock:
            process = self.process
        if process.stdin is not None:
            process.stdin.close()
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tie_to_parent(stop: threading.Event) -> None:
    """In the child: yield the CPU to the server, and set `stop` once the server is gone
    (standard input reaches its end)."""
    os.nice(BACKGROUND_NICENESS)

    def wait_for_end() -> None:
        while sys.stdin.buffer.read(4096):
            pass
        stop.set()

    threading.Thread(target=wait_for_end, name="watch-parent", daemon=True).start()
