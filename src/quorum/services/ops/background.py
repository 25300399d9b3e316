"""The background jobs of this release: one registry {job kind: handler} for every worker,
whether it runs inside `quorum serve` or as `quorum worker`."""

from __future__ import annotations

from quorum.config import Settings
from quorum.db.engine import Database
from quorum.jobs import Handler, Worker
from quorum.services.exports import export_jobs
from quorum.services.files.storage import storage_for
from quorum.services.ops import callback_delivery, retention
from quorum.services.refit_queue import REFIT
from quorum.services.workforce import skills


def handlers(settings: Settings) -> dict[str, Handler]:
    return {
        **callback_delivery.handlers(callback_delivery.DeliveryPolicy.from_settings(settings)),
        REFIT: skills.handler(settings.refit_interval_s),
        retention.PURGE: retention.handler(settings.job_retention_days, storage_for(settings)),
        export_jobs.KIND: export_jobs.handler(settings),
    }


def make_worker(db: Database, settings: Settings) -> Worker:
    skills.ensure_scheduled(db)
    retention.schedule(db)
    return Worker(db, handlers(settings), poll_interval=settings.worker_poll_s)
