"""Scale v1 tasks: create (also evaluation and training tasks), read, list, change, audit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query
from sqlalchemy.orm import Session

from quorum.api.openapi import UNIQUE_ID_TAKEN
from quorum.api.scale import schemas, shapes
from quorum.api.scale.routing import parse_bool, parse_time
from quorum.api.scale.shapes import scale_type
from quorum.formats import scale
from quorum.formats.scale import ScaleType
from quorum.http.deps import get_session, manager
from quorum.http.wire import JSONRoute
from quorum.services.accounts.users import Principal
from quorum.services.cursors import BadCursor
from quorum.services.errors import InvalidRequest
from quorum.services.files import stored_files
from quorum.services.labeling import gold, test_mode
from quorum.services.projects import catalog
from quorum.services.review import reviews
from quorum.services.tasks import batches, creation, edits, queries

router = APIRouter(prefix="/v1", tags=["scale v1"], route_class=JSONRoute)

PAGE = 100
REVIEW_STATUSES = ("pending", "accepted", "fixed", "rejected", "commented")
_BODY = Body(description="Scale's create-task parameters (see docs/scale-compatibility.md)")


def default_project(stype: ScaleType) -> str:
    """Where tasks created without a project (or batch) go, as Scale's v1 API allows: one
    project per Scale type, created on first use."""
    return f"default-{stype.name}"


def _create(
    session: Session,
    principal: Principal,
    stype: ScaleType,
    body: dict[str, Any],
    *,
    expected: Any = None,
    tags: tuple[str, ...] = (),
) -> str:
    """Create one task from Scale's create body; `expected` makes it a gold task."""
    record = dict(body)
    project_name = record.pop("project", None)
    if project_name is None and isinstance(record.get("batch"), str):
        project_name = batches.get_batch(session, record["batch"])[1]
    if project_name is None:
        project = catalog.ensure_project(
            session,
            default_project(stype),
            stype.quorum_type,
            scale_type=stype.name,
            created_by=principal.user_id,
        )
        project_name = project.name
    elif not isinstance(project_name, str) or not project_name:
        raise InvalidRequest("project must be the name of a project")
    else:
        project = catalog.get_project(session, project_name)
    if project.task_type != stype.quorum_type:
        raise InvalidRequest(
            f"project {project_name!r} has task type {project.task_type}; "
            f"{stype.name} tasks go to a {stype.quorum_type} project"
        )
    if stype.translates_responses and project.scale_type != stype.name:
        raise InvalidRequest(f"{stype.name} tasks go to a project created as {stype.name}")
    with shapes.translating():
        record = stype.params_in(record)
        if record.get("hypothesis") is not None:
            record["hypothesis"] = stype.response_in(record["hypothesis"], record)
        if expected is not None:
            record["gold"] = stype.response_in(expected, record)
    if tags:
        given = record.get("tags")
        record["tags"] = [*(given if isinstance(given, list) else []), *tags]
    [task_id] = creation.create_tasks(
        session, project_name, [record], created_by=principal.user_id, describe=lambda _: "task"
    )
    stored_files.link_to_project(session, project.id, record)
    catalog.mark_used_through_scale(project)
    session.commit()
    if principal.is_test_key:
        test_mode.complete_by_machine(session, [task_id])
    return task_id


@router.post(
    "/task/{task_type}",
    operation_id="scaleCreateTask",
    response_model=schemas.Task,
    responses=UNIQUE_ID_TAKEN,
)
def create_task(
    task_type: str,
    body: dict[str, Any] = _BODY,
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    task_id = _create(session, principal, scale_type(task_type), body)
    return shapes.task(session, task_id)


def _quality_task(
    session: Session, principal: Principal, task_type: str, body: dict[str, Any], tags: tuple
) -> tuple[str, Any]:
    body = dict(body)
    expected = body.pop("expected_response", None)
    if not isinstance(expected, dict):
        raise InvalidRequest("expected_response is required: the correct response, an object")
    if body.pop("initial_response", None) is not None:
        raise InvalidRequest("initial_response (review-phase evaluation) is not supported")
    return _create(session, principal, scale_type(task_type), body, expected=expected, tags=tags)


@router.post(
    "/evaluation_tasks/{task_type}",
    operation_id="scaleCreateEvaluationTask",
    response_model=schemas.QualityTask,
    responses=UNIQUE_ID_TAKEN,
)
def create_evaluation_task(
    task_type: str,
    body: dict[str, Any] = _BODY,
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    """A gold task: served to annotators like any other, scored against `expected_response`."""
    task_id = _quality_task(session, principal, task_type, body, ())
    return {"id": task_id, "expected_response": body["expected_response"],
            **shapes.task(session, task_id)}  # fmt: skip


@router.post(
    "/training_tasks/{task_type}",
    operation_id="scaleCreateTrainingTask",
    response_model=schemas.QualityTask,
    responses=UNIQUE_ID_TAKEN,
)
def create_training_task(
    task_type: str,
    body: dict[str, Any] = _BODY,
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    """A gold task tagged `training`; the project's qualification covers every training task,
    and the gold queue serves training tasks first, so each new annotator answers them before
    other work."""
    task_id = _quality_task(session, principal, task_type, body, (gold.TRAINING_TAG,))
    view = shapes.task(session, task_id)
    gold.cover_training(session, view["project"])
    return {"id": task_id, "expected_response": body["expected_response"], **view}


@router.get("/task/{task_id}", operation_id="scaleGetTask", response_model=schemas.Task)
def get_task(
    task_id: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    return shapes.task(session, task_id)


@router.post("/task/{task_id}/cancel", operation_id="scaleCancelTask", response_model=schemas.Task)
def cancel_task(
    task_id: str,
    clear_unique_id: str | None = None,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    """Only pending tasks; any other gets 400 (never 409: the client would crash on it)."""
    clear = bool(parse_bool(clear_unique_id, "clear_unique_id"))
    edits.cancel_task(session, task_id, clear_unique_id=clear)
    return shapes.task(session, task_id)


@router.post("/task/{task_id}/audit", operation_id="scaleAuditTask", response_model=schemas.Task)
def audit_task(
    task_id: str,
    body: dict[str, Any] = Body(description='{"accepted": bool, "comments": str | null}'),
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    accepted = body.get("accepted")
    if not isinstance(accepted, bool):
        raise InvalidRequest("accepted must be true or false")
    comments = body.get("comments")
    if comments is not None and not isinstance(comments, str):
        raise InvalidRequest("comments must be a string")
    decision = "accept" if accepted else "reject"
    reviews.decide(session, principal, task_id, decision, comment=comments, source="customer")
    return shapes.task(session, task_id)


@router.post(
    "/task/{task_id}/unique_id",
    operation_id="scaleSetTaskUniqueId",
    response_model=schemas.Task,
    responses=UNIQUE_ID_TAKEN,
)
def set_unique_id(
    task_id: str,
    body: dict[str, Any] = Body(description='{"unique_id": str}'),
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    if body.get("unique_id") is None:
        raise InvalidRequest("unique_id is required")
    edits.set_unique_id(session, task_id, body["unique_id"])
    return shapes.task(session, task_id)


@router.delete(
    "/task/{task_id}/unique_id", operation_id="scaleClearTaskUniqueId", response_model=schemas.Task
)
def clear_unique_id(
    task_id: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    edits.set_unique_id(session, task_id, None)
    return shapes.task(session, task_id)


@router.post(
    "/task/{task_id}/setMetadata", operation_id="scaleSetTaskMetadata", response_model=schemas.Task
)
def set_metadata(
    task_id: str,
    metadata: Any = Body(description="the new metadata (replaces the old)"),
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    edits.set_metadata(session, task_id, metadata)
    return shapes.task(session, task_id)


def _tag_route(mode: str):
    def change(
        task_id: str,
        tags: Any = Body(description="a JSON list of tags"),
        _: Principal = Depends(manager),
        session: Session = Depends(get_session),
    ) -> dict:
        edits.change_tags(session, task_id, tags, mode=mode)
        return shapes.task(session, task_id)

    return change


for _method, _mode, _summary in (
    ("POST", "set", "Replace the task's tags"),
    ("PUT", "add", "Add tags to the task"),
    ("DELETE", "remove", "Remove tags from the task"),
):
    router.add_api_route(
        "/task/{task_id}/tags",
        _tag_route(_mode),
        methods=[_method],
        operation_id=f"scale{_mode.capitalize()}TaskTags",
        response_model=schemas.Task,
        summary=_summary,
    )


@router.get("/tasks", operation_id="scaleListTasks", response_model=schemas.TaskPage)
def list_tasks(
    project: str | None = None,
    batch: str | None = None,
    status: str | None = None,
    type: str | None = None,
    start_time: str | None = None,
    end_time: str | None = None,
    completed_after: str | None = None,
    completed_before: str | None = None,
    updated_after: str | None = None,
    updated_before: str | None = None,
    customer_review_status: str | None = None,
    tags: list[str] = Query([], description="tasks with all of these tags"),
    unique_id: list[str] = Query([]),
    limit: int = Query(PAGE, ge=1, le=PAGE),
    next_token: str | None = None,
    limited_response: str | None = None,
    include_attachment_url: str | None = Query(None, description="accepted; URLs are plain"),
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    """Newest first; `next_token` carries the cursor and the offset of the next page."""
    review_statuses = [s for s in (customer_review_status or "").split(",") if s]
    for value in review_statuses:
        if value not in REVIEW_STATUSES:
            raise InvalidRequest(f"customer_review_status must be among {REVIEW_STATUSES}")
    f = queries.TaskFilter(
        project=project,
        batch=batch,
        status=status,
        tags=tags,
        unique_ids=unique_id,
        created_after=parse_time(start_time, "start_time"),
        created_before=parse_time(end_time, "end_time"),
        completed_after=parse_time(completed_after, "completed_after"),
        completed_before=parse_time(completed_before, "completed_before"),
        updated_after=parse_time(updated_after, "updated_after"),
        updated_before=parse_time(updated_before, "updated_before"),
        task_type=scale_type(type).quorum_type if type else None,
        review_statuses=review_statuses,
    )
    cursor, offset = _read_token(next_token)
    try:
        page = queries.list_tasks(session, f, limit=limit, cursor=cursor)
    except BadCursor:
        raise InvalidRequest("next_token is not one this server issued") from None
    if parse_bool(limited_response, "limited_response"):
        docs = [scale.limited(d) for d in page["docs"]]
    else:
        docs = shapes.task_list(session, [d["task_id"] for d in page["docs"]])
    after = offset + len(docs)
    return {
        "docs": docs,
        "total": queries.count_tasks(session, f),
        "limit": limit,
        "offset": offset,
        "has_more": page["has_more"],
        "next_token": f"{page['next_cursor']}.{after}" if page["has_more"] else None,
    }


def _read_token(token: str | None) -> tuple[str | None, int]:
    if not token:
        return None, 0
    cursor, _, offset = token.partition(".")
    if not (offset.isascii() and offset.isdigit() and len(offset) <= 18):
        raise InvalidRequest("next_token is not one this server issued")
    return cursor, int(offset)
