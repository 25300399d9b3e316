"""Background jobs for admins: list them (failing callbacks, stuck jobs) and retry a failed one."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from quorum.http import schemas
from quorum.http.deps import admin, get_session
from quorum.http.safe_input import DbInt
from quorum.http.wire import JSONRoute
from quorum.services.accounts.users import Principal
from quorum.services.ops import job_admin

router = APIRouter(tags=["jobs"], route_class=JSONRoute)


@router.get("/api/jobs", operation_id="listJobs", response_model=schemas.JobPage)
def list_jobs(
    status: str | None = Query(None, description="queued, running, succeeded or failed"),
    kind: str | None = Query(None, description="e.g. callback.task, callback.batch"),
    limit: int = Query(100, ge=1, le=job_admin.MAX_PAGE),
    cursor: str | None = Query(None, description="next_cursor of the previous page"),
    _: Principal = Depends(admin),
    session: Session = Depends(get_session),
) -> dict:
    return job_admin.list_jobs(session, status=status, kind=kind, limit=limit, cursor=cursor)


@router.post(
    "/api/jobs/{job_id}/retry",
    operation_id="retryJob",
    response_model=schemas.Job,
    responses={409: {"description": "the job has not failed"}},
)
def retry_job(
    job_id: DbInt, _: Principal = Depends(admin), session: Session = Depends(get_session)
) -> dict:
    return job_admin.retry_job(session, job_id)
