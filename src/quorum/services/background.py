"""The background jobs of this release: one registry {job kind: handler} for every worker,
whether it runs inside `quorum serve` or as `quorum worker`."""

from __future__ import annotations

from quorum.config import Settings
from quorum.db.engine import Database
from quorum.jobs import Handler, Worker
from quorum.services import refit, retention, webhook_delivery


def handlers(settings: Settings) -> dict[str, Handler]:
    return {
        **webhook_delivery.handlers(webhook_delivery.DeliveryPolicy.from_settings(settings)),
        refit.REFIT: refit.handler(settings.refit_interval_s),
        retention.PURGE: retention.handler(settings.job_retention_days),
    }


def make_worker(db: Database, settings: Settings) -> Worker:
    refit.ensure_scheduled(db)
    retention.schedule(db)
    return Worker(db, handlers(settings), poll_interval=settings.worker_poll_s)
