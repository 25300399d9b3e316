"""Scale v1 projects: create, read, list (a bare array), new params versions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends
from sqlalchemy.orm import Session

from quorum.api.scale import shapes
from quorum.api.scale.routing import parse_bool
from quorum.api.scale.shapes import scale_type, translating
from quorum.formats.scale import of_project
from quorum.http.deps import get_session, manager
from quorum.http.schemas import Project
from quorum.http.wire import JSONRoute
from quorum.services.accounts.users import Principal
from quorum.services.errors import InvalidRequest
from quorum.services.projects import catalog

router = APIRouter(prefix="/v1", tags=["scale v1"], route_class=JSONRoute)


@router.post(
    "/projects",
    operation_id="scaleCreateProject",
    response_model=Project,
    responses={409: {"description": "a project with this name exists"}},
)
def create_project(
    body: dict[str, Any] = Body(
        description="`name`, `type`, `params` (default task params, `instruction` among them); "
        "`rapid` or `studio` true: the project's batches wait in staging for the finalize "
        "(policy `stage_batches`); `datasetId` is accepted and has no effect"
    ),
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    name = body.get("name")
    if not isinstance(name, str):
        raise InvalidRequest("name is required (a string)")
    stype = scale_type(body.get("type"))
    params = body.get("params") or {}
    if not isinstance(params, dict):
        raise InvalidRequest("params must be a JSON object")
    staged = [parse_bool(body.get(flag), flag) for flag in ("rapid", "studio")]
    with translating():
        params = stype.params_in(params)
    catalog.create_project(
        session,
        name,
        stype.quorum_type,
        params=params,
        policy={"stage_batches": any(staged)},
        created_by=principal.user_id,
        scale_type=stype.name,
    )
    return shapes.project_out(session, name)


@router.get("/projects", operation_id="scaleListProjects", response_model=list[Project])
def list_projects(
    principal: Principal = Depends(manager), session: Session = Depends(get_session)
) -> list:
    return [
        shapes.project_out(session, p["name"]) for p in catalog.list_projects(session, principal)
    ]


@router.get("/projects/{name:scale_name}", operation_id="scaleGetProject", response_model=Project)
def get_project(
    name: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    return shapes.project_out(session, name)


@router.post(
    "/projects/{name:scale_name}/setParams",
    operation_id="scaleSetProjectParams",
    response_model=Project,
)
def set_params(
    name: str,
    body: dict[str, Any] = Body(
        description="the new default params; `patch: true` keeps those not given, otherwise "
        "they are replaced; `instruction` sets the instructions"
    ),
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    params = dict(body)
    patch = params.pop("patch", False)
    if not isinstance(patch, bool):
        raise InvalidRequest("patch must be true or false")
    project = catalog.get_project(session, name)
    stype = of_project(project.task_type, project.scale_type)
    instruction = params.pop("instruction", None)
    if instruction is not None and not isinstance(instruction, str):
        raise InvalidRequest("instruction must be a string")
    with translating():
        params = stype.params_in(params)
    catalog.set_params(session, name, params, instruction=instruction, patch=patch)
    return shapes.project_out(session, name)


@router.get("/projects/{name:scale_name}/taskTemplates", operation_id="scaleGetProjectTemplate")
def get_template(
    name: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    catalog.get_project(session, name)
    raise InvalidRequest(
        "task templates (Scale's Chat and GenAI projects) are not supported; tasks carry "
        "their params directly"
    )
