"""Delivering callback jobs: Scale's body and `scale-callback-auth` header, an HMAC-SHA256
signature of the body, and retries with exponential backoff for up to a day.

A 2xx answer is success; anything else (a redirect too: it is not followed) or a network error
is retried: after `first_retry_s`, doubling up to `max_retry_s` between tries, for as long as the
next try falls within `give_up_after_s` of the event. A URL that is or resolves to a non-public
address is refused at once, without retries. A task's `callback_succeeded` becomes true on
success and false once its callback has finally failed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select, update

from quorum import __version__
from quorum.config import Settings
from quorum.db.models import Batch, Project, Task, utcnow
from quorum.formats import scale
from quorum.jobs import Handler, JobContext, JobFailed, RetryAt
from quorum.services.callbacks.outbox import BATCH_CALLBACK, TASK_CALLBACK
from quorum.services.callbacks.urls import UnsafeCallbackUrl, resolve
from quorum.services.tasks import batches
from quorum.services.tasks.queries import task_views

# The API's JSON conventions: naive datetimes are UTC, written with a `Z`.
_JSON_OPTIONS = orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS
SIGNATURE_HEADER = "X-Quorum-Signature"


class Unreachable(Exception):
    """The receiver could not be reached this time (DNS, connection, timeout): retried."""


@dataclass(frozen=True)
class DeliveryPolicy:
    """Where deliveries may go and how they are retried (from the QUORUM_CALLBACK_* settings)."""

    allow_private: bool
    first_retry_s: float
    max_retry_s: float
    give_up_after_s: float
    timeout_s: float

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryPolicy:
        return cls(
            allow_private=settings.callback_allow_private,
            first_retry_s=settings.callback_retry_first_s,
            max_retry_s=settings.callback_retry_max_s,
            give_up_after_s=settings.callback_retry_window_s,
            timeout_s=settings.callback_timeout_s,
        )

    def retry_at(
        self, attempts: int, first_queued: dt.datetime, now: dt.datetime
    ) -> dt.datetime | None:
        """When to try again after `attempts` failed tries, or None: give up."""
        delay = min(self.first_retry_s * 2 ** (attempts - 1), self.max_retry_s)
        at = now + dt.timedelta(seconds=delay)
        if at > first_queued + dt.timedelta(seconds=self.give_up_after_s):
            return None
        return at


def sign(key: str, body: bytes) -> str:
    """The signature header's value: `sha256=` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def handlers(policy: DeliveryPolicy) -> dict[str, Handler]:
    """The job handlers of callback deliveries."""
    return {
        TASK_CALLBACK: functools.partial(deliver_task_callback, policy),
        BATCH_CALLBACK: functools.partial(deliver_batch_callback, policy),
    }


def deliver_task_callback(policy: DeliveryPolicy, ctx: JobContext) -> None:
    """POST `{task, response, task_id, status}`; the task view never carries gold answers.

    A project whose `scale_type` is set (every project `/v1` creates, others when a manager
    sets it) gets the task and response exactly as `GET /v1/task/{id}` shows them, so the
    requester's code reads one shape; other projects get Quorum's native task view.
    """
    task_id = ctx.job.payload["task_id"]
    with ctx.db.session() as session:
        project = session.execute(
            select(Project.callback_key, Project.task_type, Project.scale_type)
            .join(Task, Task.project_id == Project.id)
            .where(Task.id == task_id)
        ).first()
        if project is None:
            raise JobFailed(f"task {task_id} no longer exists")
        key, task_type, stored_scale_type = project
        native = stored_scale_type is None
        [view] = task_views(session, [task_id], with_annotations=native)
    if not native:
        view = scale.task_out(view, scale.of_project(task_type, stored_scale_type))

    def record(succeeded: bool) -> None:
        with ctx.db.begin() as session:
            session.execute(
                update(Task).where(Task.id == task_id).values(callback_succeeded=succeeded)
            )

    body = {
        "task": view,
        "response": view["response"],
        "task_id": task_id,
        "status": view["status"],
    }
    _deliver(policy, ctx, key, body, f"task.{ctx.job.payload['event']}", record)


def deliver_batch_callback(policy: DeliveryPolicy, ctx: JobContext) -> None:
    """POST `{batch, status, counts}`: the batch and how many of its tasks are in each state."""
    batch_id = ctx.job.payload["batch_id"]
    with ctx.db.session() as session:
        row = session.execute(
            select(Batch, Project.name, Project.callback_key)
            .join(Project, Project.id == Batch.project_id)
            .where(Batch.id == batch_id)
        ).first()
        if row is None:
            raise JobFailed(f"batch {batch_id} no longer exists")
        batch, project_name, key = row
        counts = batches.status_counts(session, batch.name)
    status = counts.pop("status")
    body = {"batch": batches.batch_view(batch, project_name), "status": status, "counts": counts}
    _deliver(policy, ctx, key, body, f"batch.{status}", lambda succeeded: None)


def _deliver(
    policy: DeliveryPolicy,
    ctx: JobContext,
    key: str,
    body: dict[str, Any],
    event: str,
    record: Callable[[bool], None],
) -> None:
    """One attempt; `record` keeps the final outcome (success, refusal, giving up)."""
    url = ctx.job.payload["url"]
    data = orjson.dumps(body, option=_JSON_OPTIONS)
    try:
        status = _post(policy, url, data, key, event, ctx.job.id)
    except UnsafeCallbackUrl as exc:
        record(False)
        raise JobFailed(f"refused: {exc}") from None
    except Unreachable as exc:
        problem = f"{url}: {exc}"
    else:
        if 200 <= status < 300:
            record(True)
            return
        problem = f"{url} answered HTTP {status}"
    at = policy.retry_at(ctx.job.attempts, ctx.job.created_at, utcnow())
    if at is None:
        record(False)
        raise JobFailed(f"{problem}; gave up after {ctx.job.attempts} attempts")
    raise RetryAt(problem, at)


def _post(
    policy: DeliveryPolicy, url: str, data: bytes, key: str, event: str, delivery_id: int
) -> int:
    """Send one attempt to the checked, pinned address; the HTTP status."""
    import httpx  # here, not at import: the server's start time and idle memory are budgeted

    try:
        target = resolve(url, allow_private=policy.allow_private)
    except OSError as exc:
        raise Unreachable(f"cannot resolve the host ({exc})") from exc
    headers = {
        "Host": target.host_header,
        "Content-Type": "application/json",
        "User-Agent": f"quorum/{__version__}",
        "scale-callback-auth": key,
        SIGNATURE_HEADER: sign(key, data),
        "X-Quorum-Event": event,
        "X-Quorum-Delivery": str(delivery_id),
    }
    try:
        with httpx.Client(timeout=policy.timeout_s, trust_env=False) as client:
            response = client.post(
                target.url, content=data, headers=headers, extensions=target.extensions
            )
    except httpx.TransportError as exc:
        raise Unreachable(f"{type(exc).__name__}: {exc}") from exc
    return response.status_code
