"""Project groups: named groups of a project's members, to which batches are routed.

A batch routed to groups is served only to their members (the claim query enforces it, see
quorum.db.claim); a batch routed to no group is served to every annotator of the project. Gold
tasks are not routed: they measure everyone. A member who leaves the project leaves its groups.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quorum.db.models import (
    Batch,
    BatchGroup,
    Project,
    ProjectGroup,
    ProjectGroupMember,
    ProjectMember,
    User,
)
from quorum.services.errors import Conflict, InvalidRequest, NotFound
from quorum.services.names import check_name
from quorum.services.projects.catalog import get_project
from quorum.services.tasks.batches import get_batch


def _names(value: Any, what: str) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidRequest(f"{what} must be a list of names")
    return list(dict.fromkeys(value))


def _group(session: Session, project: Project, name: str) -> ProjectGroup:
    group = session.scalar(
        select(ProjectGroup).where(ProjectGroup.project_id == project.id, ProjectGroup.name == name)
    )
    if group is None:
        raise NotFound(f"project {project.name!r} has no group named {name!r}")
    return group


def _member_ids(session: Session, project: Project, user_names: Iterable[str]) -> list[int]:
    """The users' ids; each must be a member of the project."""
    names = list(user_names)
    rows = session.execute(
        select(User.name, User.id)
        .join(ProjectMember, ProjectMember.user_id == User.id)
        .where(ProjectMember.project_id == project.id, User.name.in_(names))
    )
    found = {name: user_id for name, user_id in rows}
    missing = [n for n in names if n not in found]
    if missing:
        raise InvalidRequest(
            f"not members of project {project.name!r}: {', '.join(map(repr, missing))} "
            "(add them to the project first)"
        )
    return [found[n] for n in names]


def group_views(session: Session, project: Project, only: str | None = None) -> list[dict]:
    """The project's groups by name (or the one named `only`): members and routed batches."""
    query = select(ProjectGroup).where(ProjectGroup.project_id == project.id)
    if only is not None:
        query = query.where(ProjectGroup.name == only)
    groups = list(session.scalars(query.order_by(ProjectGroup.name)))
    ids = [g.id for g in groups]
    members: dict[int, list[dict]] = {i: [] for i in ids}
    batches: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        rows = session.execute(
            select(ProjectGroupMember.group_id, User.id, User.name, User.email)
            .join(User, User.id == ProjectGroupMember.user_id)
            .where(ProjectGroupMember.group_id.in_(ids))
            .order_by(User.name)
        )
        for group_id, user_id, name, email in rows:
            members[group_id].append({"user_id": user_id, "user": name, "email": email})
        routed = session.execute(
            select(BatchGroup.group_id, Batch.name)
            .join(Batch, Batch.id == BatchGroup.batch_id)
            .where(BatchGroup.group_id.in_(ids))
            .order_by(Batch.id)
        )
        for group_id, batch in routed:
            batches[group_id].append(batch)
    return [
        {
            "id": g.id,
            "name": g.name,
            "project": project.name,
            "members": members[g.id],
            "batches": batches[g.id],
            "created_at": g.created_at,
        }
        for g in groups
    ]


def list_groups(session: Session, project_name: str) -> list[dict]:
    return group_views(session, get_project(session, project_name))


def create_group(session: Session, project_name: str, name: Any, members: Any = ()) -> dict:
    """A new group of the project's members; 409 if the project has one of that name."""
    if not isinstance(name, str):
        raise InvalidRequest("name is required (a string)")
    check_name(name, "group")
    project = get_project(session, project_name)
    user_ids = _member_ids(session, project, _names(members, "members"))
    group = ProjectGroup(project_id=project.id, name=name)
    session.add(group)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"project {project.name!r} already has a group named {name!r}") from None
    session.add_all(
        ProjectGroupMember(group_id=group.id, user_id=u, project_id=project.id) for u in user_ids
    )
    session.commit()
    return group_views(session, project, name)[0]


def change_group(
    session: Session, project_name: str, name: str, add: Any = (), remove: Any = ()
) -> dict:
    """Add and remove members (a user both added and removed ends up removed)."""
    project = get_project(session, project_name)
    group = _group(session, project, name)
    added = _member_ids(session, project, _names(add, "add"))
    removed_names = _names(remove, "remove")
    removed = set(
        session.scalars(select(User.id).where(User.name.in_(removed_names)))
        if removed_names
        else ()
    )
    present = set(
        session.scalars(
            select(ProjectGroupMember.user_id).where(ProjectGroupMember.group_id == group.id)
        )
    )
    session.add_all(
        ProjectGroupMember(group_id=group.id, user_id=u, project_id=project.id)
        for u in dict.fromkeys(added)
        if u not in present and u not in removed
    )
    if removed:
        session.execute(
            delete(ProjectGroupMember).where(
                ProjectGroupMember.group_id == group.id, ProjectGroupMember.user_id.in_(removed)
            )
        )
    session.commit()
    return group_views(session, project, name)[0]


def delete_group(session: Session, project_name: str, name: str) -> None:
    """Batches routed only to this group are served to every annotator again."""
    project = get_project(session, project_name)
    session.delete(_group(session, project, name))
    session.commit()


def route_batch(session: Session, batch_name: str, group_names: Any) -> list[str]:
    """Serve the batch only to members of these groups of its project (none: to everyone);
    replaces its earlier routing. Returns the groups' names."""
    names = _names(group_names, "groups")
    batch, project_name = get_batch(session, batch_name)
    project = get_project(session, project_name)
    groups = [_group(session, project, n) for n in names]
    session.execute(delete(BatchGroup).where(BatchGroup.batch_id == batch.id))
    session.add_all(BatchGroup(batch_id=batch.id, group_id=g.id) for g in groups)
    session.commit()
    return names


def groups_of_batches(session: Session, batch_ids: list[int]) -> dict[int, list[str]]:
    """The names of the groups each batch is routed to."""
    found: dict[int, list[str]] = {b: [] for b in batch_ids}
    if batch_ids:
        rows = session.execute(
            select(BatchGroup.batch_id, ProjectGroup.name)
            .join(ProjectGroup, ProjectGroup.id == BatchGroup.group_id)
            .where(BatchGroup.batch_id.in_(batch_ids))
            .order_by(ProjectGroup.name)
        )
        for batch_id, name in rows:
            found[batch_id].append(name)
    return found
