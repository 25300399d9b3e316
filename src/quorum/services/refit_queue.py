"""Queue a project's skill refit (run by quorum.services.workforce.skills): a leaf, so that
creating a project starts its chain without importing the domain above it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from quorum import jobs
from quorum.db.models import utcnow

REFIT = "quality.refit"


def schedule(session: Session, project_id: int, *, delay_s: float = 0.0, answers: int = 0) -> None:
    """Queue the project's next refit unless one is queued already (caller commits): the
    unique key keeps one chain per project whatever the number of workers and processes."""
    jobs.enqueue_once(
        session,
        REFIT,
        {"project_id": project_id, "answers": answers},
        key=f"{REFIT}:{project_id}",
        run_at=utcnow() + dt.timedelta(seconds=delay_s),
    )
