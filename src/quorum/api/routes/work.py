"""The annotator loop: next task, submit, skip, release, and correcting one's previous answer
(members who annotate or review)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from quorum.db.engine import Database
from quorum.http import schemas
from quorum.http.deps import caller_for, get_db, get_session, require
from quorum.http.safe_input import DbInt
from quorum.http.wire import JSONRoute
from quorum.services.accounts import permissions, users
from quorum.services.accounts.users import Principal
from quorum.services.labeling import assignments, corrections

router = APIRouter(tags=["annotator"], route_class=JSONRoute)


def _for_caller(work: Callable[..., Any]) -> Callable[..., Any]:
    """`work(session, principal, ...)` for a caller that may still be an API key (see
    `deps.caller_for`), its result as the caller may see it."""

    def run(session: Session, caller: Principal | str, *args: Any) -> Any:
        principal = caller if isinstance(caller, Principal) else users.authenticate_key(
            session, caller
        )  # fmt: skip
        return assignments.as_seen_by(principal, work(session, principal, *args))

    return run


_claim_next = _for_caller(assignments.claim_next)
_submit = _for_caller(assignments.submit)
_correct = _for_caller(corrections.correct)
_working = caller_for(permissions.can_work)
_holding_caller = caller_for(permissions.holds_assignment)
_holding = require(permissions.is_signed_in, then=permissions.holds_assignment)
_worker = require(permissions.is_signed_in, then=permissions.can_work)


class SubmitIn(BaseModel):
    response: Any = Field(description="the answer, in the task type's response shape")
    time_spent_s: float | None = Field(None, description="seconds the annotator spent")


class SkipIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


@router.post(
    "/api/projects/{project}/next",
    operation_id="claimNextTask",
    response_model=schemas.Claim,
    responses={
        204: {"description": "nothing is left for you in this project"},
        403: {"description": "the caller does not annotate or review the project, or is blocked"},
        409: {"description": "a parallel claim of the same task; try again"},
    },
)
async def next_task(
    project: str, caller: Principal | str = Depends(_working), db: Database = Depends(get_db)
) -> Any:
    claimed = await db.run_write(_claim_next, caller, project)
    return Response(status_code=204) if claimed is None else claimed


@router.post(
    "/api/assignments/{assignment_id}/submit",
    operation_id="submitAssignment",
    response_model=schemas.AssignmentDone,
    responses={
        409: {
            "description": "the assignment is another annotator's or finished, or its lease "
            "ran out and the task went to someone else"
        }
    },
)
async def submit(
    assignment_id: DbInt,
    body: SubmitIn,
    caller: Principal | str = Depends(_holding_caller),
    db: Database = Depends(get_db),
) -> dict:
    return await db.run_write(_submit, caller, assignment_id, body.response, body.time_spent_s)


@router.post(
    "/api/assignments/{assignment_id}/skip",
    operation_id="skipAssignment",
    response_model=schemas.AssignmentDone,
    responses={409: {"description": "the assignment is another annotator's or already finished"}},
)
def skip(
    assignment_id: DbInt,
    body: SkipIn,
    principal: Principal = Depends(_holding),
    session: Session = Depends(get_session),
) -> dict | None:  # as_seen_by's type; never None here
    return assignments.as_seen_by(
        principal, assignments.skip(session, principal, assignment_id, body.reason)
    )


@router.post(
    "/api/assignments/{assignment_id}/release",
    operation_id="releaseAssignment",
    response_model=schemas.AssignmentDone,
    responses={409: {"description": "the assignment is another annotator's or already finished"}},
)
def release(
    assignment_id: DbInt,
    principal: Principal = Depends(_holding),
    session: Session = Depends(get_session),
) -> dict | None:  # as_seen_by's type; never None here
    return assignments.as_seen_by(principal, assignments.release(session, principal, assignment_id))


@router.get(
    "/api/projects/{project}/previous",
    operation_id="getPreviousAnswer",
    response_model=schemas.PreviousAnswer,
    responses={
        403: {"description": "the caller does not annotate or review the project, or is blocked"},
        404: {
            "description": "no such project, or the caller has no answer there that can still "
            "be corrected"
        },
    },
)
def previous_answer(
    project: str,
    principal: Principal = Depends(_worker),
    session: Session = Depends(get_session),
) -> dict | None:  # as_seen_by's type; never None here
    """The caller's most recent answer in the project, while it can be corrected, with its
    task as the workspace shows it."""
    return assignments.as_seen_by(principal, corrections.previous(session, principal, project))


@router.post(
    "/api/assignments/{assignment_id}/correct",
    operation_id="correctAssignment",
    response_model=schemas.Corrected,
    responses={
        403: {"description": "the caller is blocked from the project"},
        409: {
            "description": "the assignment is another annotator's, or its answer is no longer "
            "the caller's most recent in the project or its correction window has closed"
        },
    },
)
async def correct(
    assignment_id: DbInt,
    body: SubmitIn,
    caller: Principal | str = Depends(_holding_caller),
    db: Database = Depends(get_db),
) -> dict:
    """Replace the caller's most recent answer in its project, validated as a submission (on
    the submission's own path: one write transaction that also resolves an API key)."""
    return await db.run_write(_correct, caller, assignment_id, body.response, body.time_spent_s)
