"""Scale v1 batches: create, read, list (newest first, offset paging, `totalDocs`), finalize,
status, metadata."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from sqlalchemy.orm import Session

from quorum.api.scale import schemas, shapes
from quorum.api.scale.routing import parse_bool, parse_time
from quorum.http.deps import get_session, manager
from quorum.http.safe_input import DbInt
from quorum.http.schemas import BatchStatus
from quorum.http.wire import JSONRoute
from quorum.services.accounts.users import Principal
from quorum.services.errors import InvalidRequest
from quorum.services.tasks import batches

router = APIRouter(prefix="/v1", tags=["scale v1"], route_class=JSONRoute)


@router.post(
    "/batches",
    operation_id="scaleCreateBatch",
    response_model=schemas.ScaleBatch,
    responses={
        404: {"description": "no project by that name"},
        409: {"description": "a batch with this name exists"},
    },
)
def create_batch(
    body: dict[str, Any] = Body(
        description="`project`, `name`, `callback` (a URL or empty), `metadata`, "
        "`staging_batch` (true: wait in staging for the finalize; default: the project's "
        "`stage_batches` policy); `calibration_batch` and `self_label_batch` are accepted and "
        "have no effect"
    ),
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    for key in ("project", "name"):
        if not isinstance(body.get(key), str):
            raise InvalidRequest(f"{key} is required (a string)")
    callback = body.get("callback") or None
    if callback is not None and not isinstance(callback, str):
        raise InvalidRequest("callback must be a URL")
    staging = body.get("staging_batch")
    if staging is not None and not isinstance(staging, bool):
        raise InvalidRequest("staging_batch must be true or false")
    view = batches.create_batch(
        session,
        body["project"],
        body["name"],
        callback_url=callback,
        metadata=body.get("metadata"),
        staging=staging,
    )
    return shapes.batch_out(view)


@router.get("/batches", operation_id="scaleListBatches", response_model=schemas.BatchPage)
def list_batches(
    project: str | None = None,
    status: str | None = None,
    start_time: str | None = None,
    end_time: str | None = None,
    exclude_archived: str | None = Query(None, description="accepted; batches are not archived"),
    limit: int = Query(100, ge=1, le=100),
    offset: Annotated[DbInt, Query(ge=0)] = 0,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    parse_bool(exclude_archived, "exclude_archived")
    docs, total = batches.list_batches(
        session,
        project=project,
        status=status,
        limit=limit,
        offset=offset,
        created_after=parse_time(start_time, "start_time"),
        created_before=parse_time(end_time, "end_time"),
    )
    return {
        "docs": [shapes.batch_out(d) for d in docs],
        "totalDocs": total,
        "limit": limit,
        "offset": offset,
        "has_more": offset + len(docs) < total,
    }


@router.get(
    "/batches/{name:scale_name}", operation_id="scaleGetBatch", response_model=schemas.ScaleBatch
)
def get_batch(
    name: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    return shapes.batch_of(session, name)


@router.post(
    "/batches/{name:scale_name}/finalize",
    operation_id="scaleFinalizeBatch",
    response_model=schemas.ScaleBatch,
)
def finalize(
    name: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    """Releases the batch's tasks to annotators; finalizing again is a no-op."""
    return shapes.batch_out(batches.finalize_batch(session, name))


@router.get(
    "/batches/{name:scale_name}/status",
    operation_id="scaleGetBatchStatus",
    response_model=BatchStatus,
)
def status(
    name: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    return batches.status_counts(session, name)


@router.post(
    "/batches/{name:scale_name}/setMetadata",
    operation_id="scaleSetBatchMetadata",
    response_model=schemas.ScaleBatch,
)
def set_metadata(
    name: str,
    metadata: Any = Body(description="the new metadata (replaces the old)"),
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return shapes.batch_out(batches.set_metadata(session, name, metadata))
