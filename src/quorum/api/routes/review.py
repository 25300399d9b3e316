"""Review queue (reviewers), requester audits, and the project's workforce (managers)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from quorum.http import schemas
from quorum.http.deps import get_session, manager, require
from quorum.http.wire import JSONRoute
from quorum.services.accounts import permissions
from quorum.services.accounts.users import Principal
from quorum.services.review import reviews
from quorum.services.workforce import annotators

router = APIRouter(tags=["review"], route_class=JSONRoute)
_reviewing = require(permissions.is_signed_in, then=permissions.can_review)


class ReviewIn(BaseModel):
    decision: Literal["accept", "fix", "reject"]
    response: Any = Field(None, description="the corrected response, with `fix`")
    comment: str | None = Field(None, max_length=5000)


class AuditIn(BaseModel):
    accepted: bool
    comments: str | None = Field(None, max_length=5000)
    response: Any = Field(None, description="a corrected response: the audit becomes `fixed`")


@router.post(
    "/api/projects/{project}/reviews/next",
    operation_id="nextReview",
    response_model=schemas.ReviewItem,
    responses={
        204: {"description": "nothing waits for review"},
        403: {"description": "the caller does not review this project"},
    },
)
def next_review(
    project: str,
    principal: Principal = Depends(_reviewing),
    session: Session = Depends(get_session),
) -> Any:
    item = reviews.next_review(session, principal, project)
    return Response(status_code=204) if item is None else item


@router.post(
    "/api/tasks/{task_id}/review",
    operation_id="reviewTask",
    response_model=schemas.Decision,
    responses={403: {"description": "the caller does not review this task's project"}},
)
def review_task(
    task_id: str,
    body: ReviewIn,
    principal: Principal = Depends(_reviewing),
    session: Session = Depends(get_session),
) -> dict:
    return reviews.decide(
        session, principal, task_id, body.decision, response=body.response, comment=body.comment
    )


@router.post(
    "/api/tasks/{task_id}/audit", operation_id="auditTask", response_model=schemas.Decision
)
def audit_task(
    task_id: str,
    body: AuditIn,
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    decision = "fix" if body.response is not None else ("accept" if body.accepted else "reject")
    return reviews.decide(
        session,
        principal,
        task_id,
        decision,
        response=body.response,
        comment=body.comments,
        source="customer",
    )


@router.get(
    "/api/projects/{project}/annotators",
    operation_id="listAnnotators",
    response_model=list[schemas.AnnotatorRecord],
)
def list_annotators(
    project: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> list:
    return annotators.annotators(session, project)


@router.get(
    "/api/projects/{project}/pay.csv",
    operation_id="payRecords",
    response_class=Response,
    responses={
        200: {
            "description": "one row per annotator: answers, time and earnings",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def pay_records(
    project: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> Response:
    return Response(
        annotators.pay_csv(session, project),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{project}-pay.csv"'},
    )


@router.post(
    "/api/projects/{project}/annotators/{user}/block",
    operation_id="blockAnnotator",
    response_model=schemas.Blocked,
)
def block(
    project: str,
    user: str,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return annotators.set_blocked(session, project, user, True)


@router.post(
    "/api/projects/{project}/annotators/{user}/unblock",
    operation_id="unblockAnnotator",
    response_model=schemas.Blocked,
)
def unblock(
    project: str,
    user: str,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return annotators.set_blocked(session, project, user, False)
