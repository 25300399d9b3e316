"""JSON routes for the reviewer's and manager's pages: review queues and the project dashboard."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from quorum.http import schemas
from quorum.http.deps import get_session, manager, require
from quorum.http.wire import JSONRoute
from quorum.services.accounts import permissions
from quorum.services.accounts.users import Principal
from quorum.services.review import reviews
from quorum.services.workforce import dashboard

router = APIRouter(tags=["web"], route_class=JSONRoute)


@router.get(
    "/api/me/reviews", operation_id="listMyReviewQueues", response_model=list[schemas.ReviewQueue]
)
def my_review_queues(
    principal: Principal = Depends(require(permissions.sees_review_queues)),
    session: Session = Depends(get_session),
) -> list:
    """Projects the caller reviews (all, for managers), with the tasks waiting for review."""
    return reviews.queues(session, principal)


@router.get(
    "/api/projects/{project}/dashboard",
    operation_id="getProjectDashboard",
    response_model=schemas.Dashboard,
)
def project_dashboard(
    project: str,
    hours: int = Query(48, ge=1, le=dashboard.MAX_HOURS, description="throughput window"),
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    """Setup stage, throughput per hour, queue, confidence histogram, agreement measures,
    confusion matrix and annotators."""
    return dashboard.dashboard(session, project, hours)
