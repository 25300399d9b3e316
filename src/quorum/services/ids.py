"""Task ids: 24 hex digits ordered by creation time, like Scale's (and MongoDB's) ObjectIds.

4 bytes of seconds, 5 random bytes fixed per process, 3 bytes of a counter. Ids made by one
process are strictly increasing; across processes they are ordered to the second.
"""

from __future__ import annotations

import os
import secrets
import threading
import time

_PROCESS = secrets.token_bytes(5).hex()
_PID = os.getpid()
_lock = threading.Lock()
_next = secrets.randbelow(1 << 23)


def new_ids(n: int) -> list[str]:
    """`n` fresh ids in increasing order."""
    global _PROCESS, _PID, _next
    with _lock:
        if os.getpid() != _PID:  # a forked worker must not repeat its parent's ids
            _PROCESS, _PID = secrets.token_bytes(5).hex(), os.getpid()
        start, _next = _next, _next + n
    head = f"{int(time.time()):08x}{_PROCESS}"
    return [f"{head}{(start + i) & 0xFFFFFF:06x}" for i in range(n)]


def new_id() -> str:
    return new_ids(1)[0]
