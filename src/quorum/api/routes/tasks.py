"""Tasks: create one, bulk create (JSON array), import a file, list, count, read, change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import IO, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from quorum.api.openapi import UNIQUE_ID_TAKEN
from quorum.formats.importers import IMPORTERS, ImportAs, guess_format, importer_for
from quorum.http import schemas
from quorum.http.deps import get_session, manager, read_body, spooled_body
from quorum.http.safe_input import parse_json
from quorum.http.wire import JSONRoute
from quorum.services.accounts.users import Principal
from quorum.services.errors import InvalidRequest
from quorum.services.files.import_media import StoredMedia
from quorum.services.labeling import test_mode
from quorum.services.review import task_detail
from quorum.services.tasks import creation, edits, file_import, ordering, queries
from quorum.services.tasks.import_checks import SkipDuplicates

router = APIRouter(tags=["tasks"], route_class=JSONRoute)

RECORD_DOC = (
    "A task record: the task's params (merged over the project's default params) plus optional "
    "`unique_id`, `metadata`, `tags`, `priority`, `callback_url`, `instruction`, `batch`, and "
    "`gold` (the expected response, which makes it a gold task)."
)
_ARRAY_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "array", "items": {"type": "object"}, "description": RECORD_DOC}
            }
        },
    }
}
_FILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-ndjson": {"schema": {"type": "string", "format": "binary"}},
            "text/csv": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
_CONTENT_TYPES = {
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "text/csv": "csv",
    "application/json": "json",
}


@router.post(
    "/api/projects/{project}/tasks",
    operation_id="createTask",
    response_model=schemas.Task,
    responses=UNIQUE_ID_TAKEN,
)
def create_task(
    project: str,
    record: dict[str, Any] = Body(description=RECORD_DOC),
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    [task_id] = creation.create_tasks(
        session, project, [record], created_by=principal.user_id, describe=lambda _: "task"
    )
    if principal.is_test_key:
        test_mode.complete_by_machine(session, [task_id])
    return queries.task_view(session, task_id, with_gold=True)


@router.post(
    "/api/projects/{project}/tasks/bulk",
    operation_id="createTasks",
    response_model=schemas.TasksCreated,
    responses=UNIQUE_ID_TAKEN,
    openapi_extra=_ARRAY_BODY,
)
async def create_tasks(
    project: str,
    request: Request,
    batch: str | None = None,
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    body = await read_body(request)

    def parse_and_create() -> list[str]:
        with creation.paused_gc():
            records = parse_json(body)
            if not isinstance(records, list):
                raise InvalidRequest("body must be a JSON array of task records")
            ids = creation.create_tasks(
                session, project, records, batch=batch, created_by=principal.user_id
            )
            if principal.is_test_key:
                test_mode.complete_by_machine(session, ids)
            return ids

    ids = await run_in_threadpool(parse_and_create)
    return {"created": len(ids), "task_ids": ids}


@router.post(
    "/api/projects/{project}/tasks/import",
    operation_id="importTasks",
    response_model=schemas.TasksCreated | schemas.ImportReport,
    responses=UNIQUE_ID_TAKEN,
    openapi_extra=_FILE_BODY,
    description="Import a file of tasks, all or nothing. With `dry_run=true`, nothing is "
    "written: the answer is a report (an `ImportReport`) of the records that would fail, "
    "duplicate groups, the text cleaning applied and the media checked.",
)
async def import_tasks(
    project: str,
    request: Request,
    format: str | None = Query(None, description="the file's format; else from the file name"),
    filename: str | None = Query(None, description="the uploaded file's name"),
    batch: str | None = None,
    as_: ImportAs = Query(
        ImportAs.tasks,
        alias="as",
        description="what the labels a file carries become: pre-labels (hypothesis) or gold",
    ),
    media_url: str | None = Query(
        None,
        description="base URL of the images a COCO, YOLO or VOC file names: "
        "an image `cat.jpg` becomes `{media_url}/cat.jpg`",
    ),
    dry_run: bool = Query(False, description="report what the import would do; write nothing"),
    skip_duplicates: SkipDuplicates = Query(
        SkipDuplicates.none,
        description="leave out exact duplicates, near duplicates too, or none (the default), "
        "among the file's records and against the project's tasks",
    ),
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    fmt = _import_format(format, filename, request.headers.get("content-type", ""))
    name = filename or "body"
    media = StoredMedia(session, request.app.state.settings, principal)
    skipped: list[str] = []

    def parse_and_create(body: IO[bytes]) -> list[str]:
        return file_import.import_stream(
            session,
            project,
            body,
            fmt=fmt,
            name=name,
            as_=as_,
            batch=batch,
            media_url=media_url,
            created_by=principal.user_id,
            skip_duplicates=skip_duplicates,
            media=media,
            skipped=skipped.extend,
        )

    def check(body: IO[bytes]) -> dict:
        return file_import.dry_run(
            session, project, body, fmt=fmt, name=name, as_=as_, media_url=media_url, media=media
        )

    # Spooled to disk as it arrives and parsed from there, in a worker thread.
    async with spooled_body(request) as body:
        if dry_run:
            return await run_in_threadpool(check, body)
        ids = await run_in_threadpool(parse_and_create, body)
    if principal.is_test_key:
        await run_in_threadpool(test_mode.complete_by_machine, session, ids)
    return {"created": len(ids), "task_ids": ids, "skipped": skipped}


def _import_format(fmt: str | None, filename: str | None, content_type: str) -> str:
    try:
        if fmt:
            return importer_for(fmt).name
        if filename:
            return guess_format(filename)
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None
    media = content_type.split(";")[0].strip().lower()
    if media in _CONTENT_TYPES:
        return _CONTENT_TYPES[media]
    raise InvalidRequest(
        f"say the file's format: ?format={'|'.join(IMPORTERS)} or ?filename=NAME.jsonl"
    )


def _filter(
    project: str | None = None,
    batch: str | None = None,
    status: str | None = None,
    tags: list[str] = Query([], description="tasks with all of these tags"),
    unique_id: list[str] = Query([]),
    created_after: dt.datetime | None = None,
    created_before: dt.datetime | None = None,
    completed_after: dt.datetime | None = None,
    completed_before: dt.datetime | None = None,
    updated_after: dt.datetime | None = None,
    updated_before: dt.datetime | None = None,
    is_gold: bool | None = Query(None, description="gold tasks only (true) or none (false)"),
    confidence_min: float | None = Query(None, ge=0, le=1),
    confidence_max: float | None = Query(None, ge=0, le=1),
    disagreement_min: float | None = Query(None, ge=0, le=1, description="1 - confidence"),
    annotator: str | None = Query(None, description="tasks this user (a name) answered"),
    text: str | None = Query(
        None, max_length=200, description="words in the task's data (its values)"
    ),
) -> queries.TaskFilter:
    return queries.TaskFilter(
        project=project,
        batch=batch,
        status=status,
        tags=tags,
        unique_ids=unique_id,
        created_after=created_after,
        created_before=created_before,
        completed_after=completed_after,
        completed_before=completed_before,
        updated_after=updated_after,
        updated_before=updated_before,
        is_gold=is_gold,
        confidence_min=confidence_min,
        confidence_max=confidence_max,
        disagreement_min=disagreement_min,
        annotator=annotator,
        text=text,
    )


@router.get("/api/tasks", operation_id="listTasks", response_model=schemas.TaskPage)
def list_tasks(
    f: queries.TaskFilter = Depends(_filter),
    limit: int = Query(100, ge=1, le=queries.MAX_PAGE),
    cursor: str | None = Query(None, description="next_cursor of the previous page"),
    sort: str = Query(
        ordering.DEFAULT_SORT,
        description=f"one of {', '.join(ordering.SORTS)} ('-': descending); completed, "
        "confidence and disagreement list only the tasks that have a confidence or a completion",
    ),
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return queries.list_tasks(session, f, limit=limit, cursor=cursor, sort=sort)


@router.get("/api/tasks/count", operation_id="countTasks", response_model=schemas.TaskCount)
def count_tasks(
    f: queries.TaskFilter = Depends(_filter),
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return {"total": queries.count_tasks(session, f)}


@router.get("/api/tasks/{task_id}", operation_id="getTask", response_model=schemas.Task)
def get_task(
    task_id: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    return queries.task_view(session, task_id, with_gold=True)


@router.get(
    "/api/tasks/{task_id}/detail", operation_id="getTaskDetail", response_model=schemas.TaskDetail
)
def get_task_detail(
    task_id: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    """The task with every answer, the consensus, why it is pending, its history."""
    return task_detail.task_detail(session, task_id)


@router.post("/api/tasks/{task_id}/reopen", operation_id="reopenTask", response_model=schemas.Task)
def reopen_task(
    task_id: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    """Back to the queue for one more answer: a completed, failed or canceled task."""
    edits.reopen_task(session, task_id)
    return queries.task_view(session, task_id, with_gold=True)


@router.post(
    "/api/tasks/{task_id}/send-to-review", operation_id="sendTaskToReview",
    response_model=schemas.Task,
)  # fmt: skip
def send_task_to_review(
    task_id: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    """Put a completed task in its project's review queue."""
    task_detail.send_to_review(session, task_id)
    return queries.task_view(session, task_id, with_gold=True)


@router.post("/api/tasks/{task_id}/cancel", operation_id="cancelTask", response_model=schemas.Task)
def cancel_task(
    task_id: str,
    clear_unique_id: bool = False,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    edits.cancel_task(session, task_id, clear_unique_id=clear_unique_id)
    return queries.task_view(session, task_id, with_gold=True)


@router.put(
    "/api/tasks/{task_id}/metadata", operation_id="setTaskMetadata", response_model=schemas.Task
)
def set_metadata(
    task_id: str,
    metadata: dict[str, Any] = Body(),
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    edits.set_metadata(session, task_id, metadata)
    return queries.task_view(session, task_id, with_gold=True)


class TaskPatch(BaseModel):
    priority: int


@router.patch("/api/tasks/{task_id}", operation_id="updateTask", response_model=schemas.Task)
def update_task(
    task_id: str,
    body: TaskPatch,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    edits.set_priority(session, task_id, body.priority)
    return queries.task_view(session, task_id, with_gold=True)


def _tag_route(mode: str) -> Callable[..., dict]:
    def change(
        task_id: str,
        tags: list[str] = Body(),
        _: Principal = Depends(manager),
        session: Session = Depends(get_session),
    ) -> dict:
        return {"task_id": task_id, "tags": edits.change_tags(session, task_id, tags, mode=mode)}

    return change


router.add_api_route(
    "/api/tasks/{task_id}/tags",
    _tag_route("set"),
    methods=["PUT"],
    operation_id="setTaskTags",
    response_model=schemas.TaskTags,
    summary="Replace the task's tags",
)
router.add_api_route(
    "/api/tasks/{task_id}/tags",
    _tag_route("add"),
    methods=["POST"],
    operation_id="addTaskTags",
    response_model=schemas.TaskTags,
    summary="Add tags to the task",
)
router.add_api_route(
    "/api/tasks/{task_id}/tags",
    _tag_route("remove"),
    methods=["DELETE"],
    operation_id="removeTaskTags",
    response_model=schemas.TaskTags,
    summary="Remove tags from the task",
)
