"""Batches: create, list (newest first), finalize, status counts, routing to project groups."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from quorum.http import schemas
from quorum.http.deps import get_session, manager
from quorum.http.safe_input import DbInt
from quorum.http.wire import JSONRoute
from quorum.services.accounts.users import Principal
from quorum.services.tasks import batches
from quorum.services.workforce import groups

router = APIRouter(tags=["batches"], route_class=JSONRoute)


class BatchIn(BaseModel):
    project: str
    name: str = Field(min_length=1, max_length=200)
    callback_url: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    staging: bool | None = Field(
        None,
        description="true: the tasks wait for the finalize; false: served at once; "
        "default: the project's `stage_batches` policy",
    )


class RoutingIn(BaseModel):
    groups: list[str] = Field(description="group names of the batch's project; [] for everyone")


@router.post(
    "/api/batches",
    operation_id="createBatch",
    response_model=schemas.Batch,
    responses={
        404: {"description": "no project by that name"},
        409: {"description": "a batch with this name exists"},
    },
)
def create_batch(
    body: BatchIn, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    return batches.create_batch(
        session,
        body.project,
        body.name,
        callback_url=body.callback_url,
        metadata=body.metadata,
        staging=body.staging,
    )


@router.get("/api/batches", operation_id="listBatches", response_model=schemas.BatchPage)
def list_batches(
    project: str | None = None,
    status: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: Annotated[DbInt, Query(ge=0)] = 0,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    docs, total = batches.list_batches(
        session, project=project, status=status, limit=limit, offset=offset
    )
    return {
        "docs": docs,
        "total": total,
        "limit": limit,
        "offset": offset,
        "has_more": offset + len(docs) < total,
    }


@router.get("/api/batches/{name}", operation_id="getBatch", response_model=schemas.Batch)
def get_batch(
    name: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    batch, project = batches.get_batch(session, name)
    return batches.batch_view(batch, project)


@router.post(
    "/api/batches/{name}/finalize", operation_id="finalizeBatch", response_model=schemas.Batch
)
def finalize(
    name: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    return batches.finalize_batch(session, name)


@router.get(
    "/api/batches/{name}/status", operation_id="getBatchStatus", response_model=schemas.BatchStatus
)
def status(
    name: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    return batches.status_counts(session, name)


@router.put(
    "/api/batches/{name}/groups", operation_id="routeBatch", response_model=schemas.BatchRouting
)
def route(
    name: str,
    body: RoutingIn,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    """Serve the batch only to members of these groups (replaces the earlier routing)."""
    return {"batch": name, "groups": groups.route_batch(session, name, body.groups)}
