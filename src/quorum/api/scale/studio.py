"""Scale v1 Studio: assignments are project memberships, project groups are Quorum's project
groups (a batch assigned to groups is served only to their members), batch priorities order the
queue ahead of the tasks' own priorities."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends
from sqlalchemy.orm import Session

from quorum.api.scale import schemas
from quorum.http.deps import get_session, manager
from quorum.http.wire import JSONRoute
from quorum.services.accounts.users import Principal
from quorum.services.errors import InvalidRequest
from quorum.services.workforce import studio

router = APIRouter(prefix="/v1", tags=["scale v1"], route_class=JSONRoute)
_ASSIGN_BODY = Body(description='{"emails": [...], "projects": [...]}')


@router.get(
    "/studio/assignments",
    operation_id="scaleListStudioAssignments",
    response_model=schemas.StudioAssignments,
)
def list_assignments(
    _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    return studio.memberships(session)


@router.post(
    "/studio/assignments/add",
    operation_id="scaleAddStudioAssignments",
    response_model=schemas.StudioAssignments,
    responses={404: {"description": "no teammate or project by one of the names"}},
)
def add_assignments(
    body: dict[str, Any] = _ASSIGN_BODY,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return studio.add_memberships(session, body.get("emails"), body.get("projects"))


@router.post(
    "/studio/assignments/remove",
    operation_id="scaleRemoveStudioAssignments",
    response_model=schemas.StudioAssignments,
    responses={404: {"description": "no teammate or project by one of the names"}},
)
def remove_assignments(
    body: dict[str, Any] = _ASSIGN_BODY,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return studio.remove_memberships(session, body.get("emails"), body.get("projects"))


@router.get(
    "/studio/projects/{project:scale_name}/groups",
    operation_id="scaleListProjectGroups",
    response_model=list[schemas.StudioGroup],
)
def list_groups(
    project: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> list:
    return studio.list_project_groups(session, project)


@router.post(
    "/studio/projects/{project:scale_name}/groups",
    operation_id="scaleCreateProjectGroup",
    response_model=schemas.StudioGroup,
    responses={409: {"description": "the project has a group of this name"}},
)
def create_group(
    project: str,
    body: dict[str, Any] = Body(description='{"name": str, "emails": [labelers of the project]}'),
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return studio.create_project_group(session, project, body.get("emails"), body.get("name"))


@router.put(
    "/studio/projects/{project:scale_name}/groups/{group:scale_name}",
    operation_id="scaleUpdateProjectGroup",
    response_model=schemas.StudioGroup,
)
def update_group(
    project: str,
    group: str,
    body: dict[str, Any] = Body(description='{"add_emails": [...], "remove_emails": [...]}'),
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return studio.update_project_group(
        session, project, group, body.get("add_emails"), body.get("remove_emails")
    )


@router.get(
    "/studio/batches",
    operation_id="scaleListStudioBatches",
    response_model=list[schemas.StudioBatch],
)
def list_studio_batches(
    _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> list:
    return studio.studio_batches(session)


@router.put(
    "/studio/batches/{name:scale_name}",
    operation_id="scaleAssignStudioBatch",
    response_model=schemas.StudioBatch,
)
def assign_batch(
    name: str,
    body: dict[str, Any] = Body(description='{"groups": [group names of the batch\'s project]}'),
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    """Only the groups' members are served the batch's tasks; `[]` opens it to everyone."""
    return studio.assign_batch(session, name, body.get("groups"))


@router.post(
    "/studio/batches/set_priorities",
    operation_id="scaleSetStudioBatchPriorities",
    response_model=list[schemas.StudioBatch],
    responses={404: {"description": "no batch by one of the names"}},
)
def set_priorities(
    body: dict[str, Any] = Body(description='{"batches": [{"name": ...}, ...]} in order'),
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> list:
    listed = body.get("batches")
    if not isinstance(listed, list) or not all(
        isinstance(b, dict) and isinstance(b.get("name"), str) for b in listed
    ):
        raise InvalidRequest('batches must be a list of {"name": batch name}')
    return studio.set_priorities(session, [b["name"] for b in listed])


@router.post(
    "/studio/batches/reset_priorities",
    operation_id="scaleResetStudioBatchPriorities",
    response_model=list[schemas.StudioBatch],
)
def reset_priorities(
    _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> list:
    return studio.reset_priorities(session)
