"""Projects: create, read, settings, versioned params, quality policy, callback settings,
members and groups of members."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from quorum.http import schemas
from quorum.http.deps import any_user, get_session, manager, require
from quorum.http.wire import JSONRoute
from quorum.services.accounts import permissions
from quorum.services.accounts.users import Principal
from quorum.services.callbacks import settings as callback_settings
from quorum.services.projects import catalog, labels
from quorum.services.workforce import groups

router = APIRouter(tags=["projects"], route_class=JSONRoute)
_viewing = require(permissions.is_signed_in, then=permissions.can_see_project)


SCALE_TYPE = (
    "null: callbacks carry the native task view; a Scale type of the project's task type "
    "(`categorization`, `transcription` for a textcollection, …): they carry the task as "
    "`GET /v1/task/{id}` shows it. Projects created through `/v1` have their Scale type"
)

ARCHIVED = "archived: it takes no new tasks (409) and is off annotators' and reviewers' lists"


class ProjectIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    type: str = Field(description="task type of every task in the project")
    params: dict[str, Any] = Field(default_factory=dict, description="default task params")
    labels: list[str] | None = Field(
        None,
        description="the label set, one string per label, put where the type keeps it "
        "(categories, entity labels, objects to annotate); a type with a label set needs it "
        "here or in params",
    )
    instruction: str = Field("", description="instructions for annotators (Markdown)")
    policy: dict[str, Any] = Field(default_factory=dict, description="quality policy fields")
    scale_type: str | None = Field(None, description=SCALE_TYPE)


class ProjectChange(BaseModel):
    """The settings to change; those not given keep their values."""

    model_config = ConfigDict(extra="forbid")

    scale_type: str | None = Field(None, description=SCALE_TYPE)
    archived: bool = Field(False, description=ARCHIVED)


class ParamsIn(BaseModel):
    params: dict[str, Any] = Field(default_factory=dict)
    instruction: str | None = None
    patch: bool = Field(False, description="keep the current params not given here")


class LabelsIn(BaseModel):
    labels: list[str] = Field(description="the new label set, one string per label")


class MemberIn(BaseModel):
    user: str
    role: str = Field(description="annotator or reviewer")


class GroupIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    members: list[str] = Field(default_factory=list, description="user names of project members")


class GroupChange(BaseModel):
    add: list[str] = Field(default_factory=list, description="members to add")
    remove: list[str] = Field(default_factory=list, description="members to remove")


@router.post(
    "/api/projects",
    operation_id="createProject",
    response_model=schemas.Project,
    responses={409: {"description": "a project with this name exists"}},
)
def create_project(
    body: ProjectIn,
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return labels.create_project(
        session,
        body.name,
        body.type,
        params=body.params,
        labels=body.labels,
        instruction=body.instruction,
        policy=body.policy,
        created_by=principal.user_id,
        scale_type=body.scale_type,
    )


@router.get(
    "/api/projects", operation_id="listProjects", response_model=list[schemas.ProjectSummary]
)
def list_projects(
    principal: Principal = Depends(any_user), session: Session = Depends(get_session)
) -> list:
    return catalog.list_projects(session, principal)


@router.get("/api/projects/{name}", operation_id="getProject", response_model=schemas.Project)
def get_project(
    name: str,
    principal: Principal = Depends(_viewing),
    session: Session = Depends(get_session),
) -> dict:
    return catalog.project_view(session, catalog.project_for(session, principal, name), principal)


@router.patch("/api/projects/{name}", operation_id="changeProject", response_model=schemas.Project)
def change_project(
    name: str,
    body: ProjectChange,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return catalog.change_project(session, name, body.model_dump(exclude_unset=True))


@router.post(
    "/api/projects/{name}/params", operation_id="setProjectParams", response_model=schemas.Project
)
def set_params(
    name: str,
    body: ParamsIn,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    """A new params version; a project with labels keeps at least one (400 naming the field)."""
    return labels.set_params(
        session, name, body.params, instruction=body.instruction, patch=body.patch
    )


@router.patch(
    "/api/projects/{name}/policy", operation_id="setProjectPolicy", response_model=schemas.Project
)
def set_policy(
    name: str,
    body: dict[str, Any],
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return catalog.set_policy(session, name, body)


@router.get(
    "/api/projects/{name}/labels",
    operation_id="getProjectLabels",
    response_model=schemas.ProjectLabels,
)
def get_labels(
    name: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    """The label set of a project whose type has one (400 for the others)."""
    return labels.project_labels(session, name)


@router.put(
    "/api/projects/{name}/labels",
    operation_id="setProjectLabels",
    response_model=schemas.LabelsChanged,
    responses={409: {"description": "the labels have more structure than one list keeps"}},
)
def set_labels(
    name: str,
    body: LabelsIn,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    """A new params version with these labels. Tasks already created keep theirs; removed
    labels stay in old answers and exports; a renamed label is one removed and one added."""
    return labels.set_labels(session, name, body.labels)


@router.get(
    "/api/projects/{name}/callback",
    operation_id="getProjectCallback",
    response_model=schemas.ProjectCallback,
)
def get_callback(
    name: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    """The project's default callback URL and its callback key (the `scale-callback-auth`
    header and signing secret)."""
    return callback_settings.project_callback(session, name)


@router.patch(
    "/api/projects/{name}/callback",
    operation_id="setProjectCallback",
    response_model=schemas.ProjectCallback,
)
def set_callback(
    name: str,
    body: dict[str, Any] = Body(
        description="`callback_url` (a URL, or null to clear) and/or `rotate_key: true`"
    ),
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return callback_settings.set_project_callback(session, name, body)


@router.get(
    "/api/projects/{name}/members",
    operation_id="listProjectMembers",
    response_model=list[schemas.Member],
)
def list_members(
    name: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> list:
    return catalog.list_members(session, name)


@router.post(
    "/api/projects/{name}/members",
    operation_id="addProjectMember",
    response_model=schemas.MemberAdded,
)
def add_member(
    name: str,
    body: MemberIn,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return catalog.add_member(session, name, body.user, body.role)


@router.delete(
    "/api/projects/{name}/members/{user}",
    operation_id="removeProjectMember",
    response_model=schemas.MemberRemoved,
)
def remove_member(
    name: str, user: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    catalog.remove_member(session, name, user)
    return {"project": name, "user": user, "removed": True}


@router.get(
    "/api/projects/{name}/groups",
    operation_id="listProjectGroups",
    response_model=list[schemas.Group],
)
def list_groups(
    name: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> list:
    """The project's groups, by name: members and the batches routed to each."""
    return groups.list_groups(session, name)


@router.post(
    "/api/projects/{name}/groups",
    operation_id="createProjectGroup",
    response_model=schemas.Group,
    responses={409: {"description": "the project has a group of this name"}},
)
def create_group(
    name: str,
    body: GroupIn,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return groups.create_group(session, name, body.name, body.members)


@router.patch(
    "/api/projects/{name}/groups/{group}",
    operation_id="changeProjectGroup",
    response_model=schemas.Group,
)
def change_group(
    name: str,
    group: str,
    body: GroupChange,
    _: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> dict:
    return groups.change_group(session, name, group, add=body.add, remove=body.remove)


@router.delete(
    "/api/projects/{name}/groups/{group}",
    operation_id="deleteProjectGroup",
    response_model=schemas.GroupDeleted,
)
def delete_group(
    name: str, group: str, _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> dict:
    """Batches routed only to this group are served to every annotator again."""
    groups.delete_group(session, name, group)
    return {"project": name, "group": group, "deleted": True}
