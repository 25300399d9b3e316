"""Projects: task type, versioned default params (`param_history`), instructions, quality policy,
settings (`scale_type`, `archived`), and who works on them."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db.models import Project, ProjectMember, ProjectParams, Task, User, utcnow
from quorum.formats import scale
from quorum.services import refit_queue
from quorum.services.accounts import permissions
from quorum.services.accounts.users import Principal, Role, get_user
from quorum.services.errors import Conflict, InvalidRequest, NotFound
from quorum.services.names import check_name
from quorum.services.projects.policy import QualityPolicy, policy_of
from quorum.tasktypes.base import FieldError, TaskValidationError

MEMBER_ROLES = (Role.annotator.value, Role.reviewer.value)


def parse_policy(policy: dict[str, Any] | None, base: dict[str, Any] | None = None) -> dict:
    try:
        return QualityPolicy.model_validate({**(base or {}), **(policy or {})}).model_dump()
    except ValidationError as exc:
        errors = [
            FieldError(".".join(["policy", *map(str, e["loc"])]), e["msg"]) for e in exc.errors()
        ]
        message = "; ".join(map(str, errors))
        raise InvalidRequest(f"invalid quality policy: {message}", errors=errors) from None


def _check_defaults(task_type: str, params: dict[str, Any]) -> None:
    if not isinstance(params, dict):
        raise InvalidRequest("params must be a JSON object")
    try:
        tasktypes.get(task_type).validate_defaults(params)
    except TaskValidationError as exc:
        err = exc.prefixed("params")
        raise InvalidRequest(f"invalid default params: {err}", errors=err.errors) from None


def _check_scale_type(task_type: str, value: Any) -> str | None:
    try:
        return scale.project_setting(task_type, value)
    except TaskValidationError as exc:
        raise InvalidRequest(str(exc), errors=exc.errors) from None


def create_project(
    session: Session,
    name: str,
    task_type: str,
    *,
    params: dict[str, Any] | None = None,
    instruction: str = "",
    policy: dict[str, Any] | None = None,
    created_by: int | None = None,
    scale_type: str | None = None,
) -> dict:
    """A new project. `scale_type` (see `change_project`) is set when `/v1` creates one."""
    check_name(name, "project")
    try:
        tasktypes.get(task_type)
    except tasktypes.UnknownTaskType as exc:
        raise InvalidRequest(str(exc)) from None
    scale_type = _check_scale_type(task_type, scale_type)
    params = dict(params or {})
    instruction = params.pop("instruction", None) or instruction or ""
    _check_defaults(task_type, params)
    project = Project(
        name=name,
        task_type=task_type,
        policy=parse_policy(policy),
        created_by=created_by,
        scale_type=scale_type,
    )
    session.add(project)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"a project named {name!r} already exists") from None
    session.add(
        ProjectParams(project_id=project.id, version=0, params=params, instruction=instruction)
    )
    refit_queue.schedule(session, project.id)
    session.commit()
    return project_view(session, project)


def get_project(session: Session, name: str) -> Project:
    project = session.scalar(select(Project).where(Project.name == name))
    if project is None:
        raise NotFound(f"no project named {name!r}")
    return project


def ensure_project(
    session: Session,
    name: str,
    task_type: str,
    *,
    scale_type: str | None = None,
    created_by: int | None = None,
) -> Project:
    """The project named `name`, created with no default params if there is none yet."""
    project = session.scalar(select(Project).where(Project.name == name))
    if project is None:
        with suppress(Conflict):  # a parallel request may have created it first
            create_project(session, name, task_type, created_by=created_by, scale_type=scale_type)
        project = get_project(session, name)
    return project


def member_role(session: Session, project_id: int, user_id: int) -> str | None:
    """The member role of the user in the project, or None."""
    return session.scalar(
        select(ProjectMember.role).where(
            ProjectMember.project_id == project_id, ProjectMember.user_id == user_id
        )
    )


def may_see(session: Session, principal: Principal, project_id: int) -> bool:
    """Whether the caller may know the project exists (`permissions.can_see_project`)."""
    return permissions.can_see_project(
        principal, member_role(session, project_id, principal.user_id)
    )


def project_for(session: Session, principal: Principal, name: str) -> Project:
    """The project, if the caller may see it.

    A non-member gets the same 404 as for a missing project, so names do not leak.
    """
    project = session.scalar(select(Project).where(Project.name == name))
    if project is None or not may_see(session, principal, project.id):
        raise NotFound(f"no project named {name!r}")
    return project


def task_for(session: Session, principal: Principal, task_id: str) -> tuple[Task, Project]:
    """The task and its project, if the caller may see that project.

    A task of a project the caller is not a member of gets the same 404 as a missing task, so
    neither task ids nor project names leak.
    """
    task = session.get(Task, task_id)
    project = None if task is None else session.get(Project, task.project_id)
    if task is None or project is None or not may_see(session, principal, project.id):
        raise NotFound(f"no task with id {task_id!r}")
    return task, project


def current_params(session: Session, project_id: int) -> ProjectParams:
    return session.scalars(
        select(ProjectParams)
        .where(ProjectParams.project_id == project_id)
        .order_by(ProjectParams.version.desc())
        .limit(1)
    ).one()


def project_view(session: Session, project: Project, viewer: Principal | None = None) -> dict:
    """The project as the API shows it; to a `viewer`, with the quality policy only if
    `permissions.sees_quality_policy`."""
    history = session.scalars(
        select(ProjectParams)
        .where(ProjectParams.project_id == project.id)
        .order_by(ProjectParams.version)
    ).all()
    latest = history[-1]
    view = {
        "id": project.id,
        "name": project.name,
        "type": project.task_type,
        "instruction": latest.instruction,
        "params": latest.params,
        "param_history": [
            {
                "version": h.version,
                "params": h.params,
                "instruction": h.instruction,
                "created_at": h.created_at,
            }
            for h in history
        ],
        "policy": policy_of(project).model_dump(),
        "scale_type": project.scale_type,
        "archived": project.archived,
        "created_at": project.created_at,
        "updated_at": project.updated_at,
    }
    if viewer is not None and not permissions.sees_quality_policy(viewer):
        del view["policy"]
    return view


def list_projects(session: Session, principal: Principal) -> list[dict]:
    """Projects the caller may see, with a small summary (no param history)."""
    query = select(Project).order_by(Project.id)
    if not permissions.sees_every_project(principal):
        query = query.join(ProjectMember, ProjectMember.project_id == Project.id).where(
            ProjectMember.user_id == principal.user_id
        )
    return [
        {
            "id": p.id,
            "name": p.name,
            "type": p.task_type,
            "archived": p.archived,
            "created_at": p.created_at,
        }
        for p in session.scalars(query)
    ]


def next_params(current: dict[str, Any], params: dict[str, Any], patch: bool) -> dict[str, Any]:
    """The params a change leaves: `patch` keeps the current keys not given."""
    return {**current, **params} if patch else params


def set_params(
    session: Session,
    name: str,
    params: dict[str, Any] | None = None,
    *,
    instruction: str | None = None,
    patch: bool = False,
) -> dict:
    """Append a new version of the default params; `patch` keeps keys not given."""
    project = get_project(session, name)
    latest = current_params(session, project.id)
    params = dict(params or {})
    instruction = params.pop("instruction", None) if instruction is None else instruction
    new_params = next_params(latest.params, params, patch)
    _check_defaults(project.task_type, new_params)
    session.add(
        ProjectParams(
            project_id=project.id,
            version=latest.version + 1,
            params=new_params,
            instruction=latest.instruction if instruction is None else instruction,
        )
    )
    project.updated_at = utcnow()
    session.commit()
    return project_view(session, project)


def set_policy(session: Session, name: str, policy: dict[str, Any]) -> dict:
    """Change some fields of the quality policy; the others keep their values."""
    project = get_project(session, name)
    project.policy = parse_policy(policy, base=policy_of(project).model_dump())
    project.updated_at = utcnow()
    session.commit()
    return project_view(session, project)


def change_project(session: Session, name: str, settings: dict[str, Any]) -> dict:
    """Change the settings given; the others keep their values.

    `scale_type`: null, or the Scale type (of this task type) whose `/v1` task object the
    project's callbacks carry; `/v1` sets it on the projects it creates. `archived`: an
    archived project takes no new tasks and is off annotators' and reviewers' lists.
    """
    project = get_project(session, name)
    if "scale_type" in settings:
        project.scale_type = _check_scale_type(project.task_type, settings["scale_type"])
    if "archived" in settings:
        project.archived = settings["archived"]
    project.updated_at = utcnow()
    session.commit()
    return project_view(session, project)


def add_member(session: Session, name: str, user_name: str, role: str) -> dict:
    if role not in MEMBER_ROLES:
        raise InvalidRequest(f"member role must be one of {', '.join(MEMBER_ROLES)}")
    project = get_project(session, name)
    user = get_user(session, user_name)
    member = session.get(ProjectMember, (project.id, user.id))
    if member is None:
        session.add(ProjectMember(project_id=project.id, user_id=user.id, role=role))
    else:
        member.role = role
    session.commit()
    return {"project": project.name, "user": user.name, "role": role}


def remove_member(session: Session, name: str, user_name: str) -> None:
    project = get_project(session, name)
    user = get_user(session, user_name)
    member = session.get(ProjectMember, (project.id, user.id))
    if member is None:
        raise NotFound(f"{user_name!r} is not a member of project {name!r}")
    session.delete(member)
    session.commit()


def list_members(session: Session, name: str) -> list[dict]:
    project = get_project(session, name)
    rows = session.execute(
        select(User.name, ProjectMember.role, ProjectMember.created_at)
        .join(ProjectMember, ProjectMember.user_id == User.id)
        .where(ProjectMember.project_id == project.id)
        .order_by(User.name)
    )
    return [{"user": r.name, "role": r.role, "added_at": r.created_at} for r in rows]
