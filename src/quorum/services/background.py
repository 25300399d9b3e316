"""The background jobs of this release: one registry {job kind: handler} for every worker,
whether it runs inside `quorum serve` or as `quorum worker`."""

from __future__ import annotations

from quorum.config import Settings
from quorum.db.engine import Database
from quorum.jobs import Handler, Worker
from quorum.services import webhook_delivery


def handlers(settings: Settings) -> dict[str, Handler]:
    return webhook_delivery.handlers(webhook_delivery.DeliveryPolicy.from_settings(settings))


def make_worker(db: Database, settings: Settings) -> Worker:
    return Worker(db, handlers(settings), poll_interval=settings.worker_poll_s)
