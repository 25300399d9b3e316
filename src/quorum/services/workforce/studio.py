"""Scale's team and Studio concepts on Quorum's users, project members and task priorities.

Teammates are users, addressed by email (a user without one by name). Scale's team roles map
onto Quorum roles: labeler -> annotator, member -> reviewer, manager, admin. Managers may invite
and re-role labelers and members; making or changing a manager or admin takes an admin.
What Scale calls a Studio assignment is a project membership (Quorum keeps "assignment" for a
task leased to an annotator); a Studio project group is a project group (workforce.groups), its
labelers addressed by email. Studio batch priorities order the queue ahead of the tasks' own
priorities, which they leave alone: the tasks of the first batch
get the highest `batch_priority`, and so on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import Session

from quorum.db.models import Batch, Project, ProjectMember, Task, User
from quorum.db.statuses import BatchStatus, TaskStatus
from quorum.services.accounts import permissions, users
from quorum.services.accounts.users import Principal, Role
from quorum.services.errors import Forbidden, InvalidRequest, NotFound
from quorum.services.projects import catalog
from quorum.services.tasks import batches
from quorum.services.workforce import groups

TEAM_ROLES = {"labeler": Role.annotator, "member": Role.reviewer, "manager": Role.manager,
              "admin": Role.admin}  # fmt: skip
_SCALE_ROLE = {quorum: scale for scale, quorum in TEAM_ROLES.items()}
PENDING_BATCH = (BatchStatus.staging, BatchStatus.in_progress)


def _teammate(user: User) -> dict:
    role = Role(user.role)
    return {
        "email": user.email or user.name,
        "role": _SCALE_ROLE[role],
        "name": user.name,
        "company": None,
        "firstName": None,
        "lastName": None,
        "isStudioLabeler": role == Role.annotator,
        "expiry": None,
    }


def _emails(value: Any, *, new: bool = False) -> list[str]:
    """Teammates' emails (names for users without one); `new` ones must be addresses."""
    if not isinstance(value, list) or not value:
        raise InvalidRequest("emails must be a non-empty list of email addresses")
    for email in value:
        if not isinstance(email, str) or not email or len(email) > 320:
            raise InvalidRequest(f"emails: {email!r} is not an email address")
        if new and "@" not in email:
            raise InvalidRequest(f"emails: {email!r} is not an email address")
    return list(dict.fromkeys(value))


def _team_role(principal: Principal, value: Any) -> Role:
    if value not in TEAM_ROLES:
        raise InvalidRequest(f"team_role must be one of {', '.join(TEAM_ROLES)}")
    role = TEAM_ROLES[value]
    if not permissions.can_grant_role(principal, role):
        raise Forbidden(f"making a teammate {value} needs the admin role")
    return role


def _user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(
        select(User).where(or_(User.email == email, User.name == email)).order_by(User.id)
    )


def _teammate_by_email(session: Session, email: str) -> User:
    user = _user_by_email(session, email)
    if user is None:
        raise NotFound(f"no teammate with email {email!r}")
    return user


def list_teammates(session: Session) -> list[dict]:
    return [_teammate(u) for u in session.scalars(select(User).order_by(User.id))]


def invite(session: Session, principal: Principal, emails: Any, team_role: Any) -> list[dict]:
    """Create a user for every email not yet on the team (named by the email); teammates
    already there keep their role (set_role changes it)."""
    emails = _emails(emails, new=True)
    role = _team_role(principal, team_role)
    for email in emails:
        if _user_by_email(session, email) is None:
            users.create_user(session, email, role.value, email=email)
    return [_teammate(_teammate_by_email(session, e)) for e in emails]


def set_role(session: Session, principal: Principal, emails: Any, team_role: Any) -> list[dict]:
    emails = _emails(emails)
    role = _team_role(principal, team_role)
    found = []
    for email in emails:
        user = _teammate_by_email(session, email)
        if not permissions.can_grant_role(principal, Role(user.role)):
            raise Forbidden(f"changing the role of {email!r} ({user.role}) needs the admin role")
        found.append(user)
    for user in found:
        if role is not Role.admin:
            users.keep_an_admin(session, user, principal, "take the admin role from {who}")
        user.role = role.value
    session.commit()
    return [_teammate(u) for u in found]


def memberships(session: Session) -> dict[str, list[str]]:
    """Every teammate with projects to work on: {email: [project, ...]}."""
    rows = session.execute(
        select(User.email, User.name, Project.name)
        .join(ProjectMember, ProjectMember.user_id == User.id)
        .join(Project, Project.id == ProjectMember.project_id)
        .order_by(User.id, Project.name)
    )
    out: dict[str, list[str]] = {}
    for email, name, project in rows:
        out.setdefault(email or name, []).append(project)
    return out


def _members_and_projects(
    session: Session, emails: Any, project_names: Any
) -> tuple[list[User], list[str]]:
    """Check every teammate and project first, so that a bad one changes nothing."""
    emails = _emails(emails)
    if not isinstance(project_names, list) or not all(isinstance(p, str) for p in project_names):
        raise InvalidRequest("projects must be a list of project names")
    for name in project_names:
        catalog.get_project(session, name)
    return [_teammate_by_email(session, e) for e in emails], project_names


def add_memberships(session: Session, emails: Any, project_names: Any) -> dict[str, list[str]]:
    """Make the teammates members of the projects: annotators annotate, others review."""
    found, names = _members_and_projects(session, emails, project_names)
    for user in found:
        role = "annotator" if user.role == Role.annotator.value else "reviewer"
        for name in names:
            catalog.add_member(session, name, user.name, role)
    return memberships(session)


def remove_memberships(session: Session, emails: Any, project_names: Any) -> dict[str, list[str]]:
    found, names = _members_and_projects(session, emails, project_names)
    for name in names:
        project = catalog.get_project(session, name)
        for user in found:
            member = session.get(ProjectMember, (project.id, user.id))
            if member is not None:
                session.delete(member)
    session.commit()
    return memberships(session)


def studio_batches(session: Session, name: str | None = None) -> list[dict]:
    """Batches not yet completed (or the one named `name`), in Studio priority order
    (unordered ones last, oldest first), with their task counts (gold tasks are not counted)
    and the groups they are routed to."""
    counts = (
        select(
            Task.batch_id,
            func.count().label("total"),
            func.sum(case((Task.status == TaskStatus.completed, 1), else_=0)).label("completed"),
        )
        .where(Task.batch_id.is_not(None), ~Task.is_gold)
        .group_by(Task.batch_id)
        .subquery()
    )
    query = (
        select(Batch, Project.name, counts.c.total, counts.c.completed)
        .join(Project, Project.id == Batch.project_id)
        .outerjoin(counts, counts.c.batch_id == Batch.id)
        .where(Batch.status.in_(PENDING_BATCH))
        .order_by(Batch.studio_priority.is_(None), Batch.studio_priority, Batch.id)
    )
    if name is not None:
        query = query.where(Batch.name == name)
    rows = session.execute(query).all()
    routed = groups.groups_of_batches(session, [batch.id for batch, *_ in rows])
    return [
        {
            "id": str(batch.id),
            "name": batch.name,
            "projectId": str(batch.project_id),
            "projectName": project,
            "batchType": "Production",
            "studioPriority": batch.studio_priority,
            "total": total or 0,
            "completed": completed or 0,
            "groups": routed[batch.id],
        }
        for batch, project, total, completed in rows
    ]


def set_priorities(session: Session, names: Any) -> list[dict]:
    """Order the listed pending batches, first served first; the others lose their place."""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InvalidRequest('batches must be a list of {"name": batch name}')
    if len(set(names)) != len(names):
        raise InvalidRequest("batches: a batch is listed more than once")
    found = []
    for name in names:
        batch = session.scalar(select(Batch).where(Batch.name == name))
        if batch is None:
            raise NotFound(f"no batch named {name!r}")
        if batch.status not in PENDING_BATCH:
            raise InvalidRequest(f"batch {name!r} is {batch.status}; only pending batches")
        found.append(batch)
    _clear_priorities(session)
    for rank, batch in enumerate(found, start=1):
        batch.studio_priority = rank
        session.execute(
            update(Task)
            .where(Task.batch_id == batch.id)
            .values(batch_priority=batches.queue_rank(rank, len(found)))
            .execution_options(synchronize_session=False)
        )
    session.commit()
    return studio_batches(session)


def reset_priorities(session: Session) -> list[dict]:
    """Back to creation order: no batch ordered; the tasks' own priorities order the queue."""
    _clear_priorities(session)
    session.commit()
    return studio_batches(session)


def _clear_priorities(session: Session) -> None:
    ordered = select(Batch.id).where(Batch.studio_priority.is_not(None))
    session.execute(
        update(Task)
        .where(Task.batch_id.in_(ordered))
        .values(batch_priority=0)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Batch)
        .where(Batch.studio_priority.is_not(None))
        .values(studio_priority=None)
        .execution_options(synchronize_session=False)
    )


def _scale_group(view: dict) -> dict:
    return {
        "id": str(view["id"]),
        "name": view["name"],
        "numWorkers": len(view["members"]),
        "isSingleton": False,
        "workers": [
            {"id": str(m["user_id"]), "email": m["email"] or m["user"]} for m in view["members"]
        ],
    }


def _user_names(session: Session, emails: Any) -> list[str]:
    """Teammates' names from their emails (empty list allowed); 404 naming an unknown one."""
    if emails is None:
        return []
    if not isinstance(emails, list):
        raise InvalidRequest("emails must be a list of email addresses")
    names = []
    for email in emails:
        user = _user_by_email(session, email) if isinstance(email, str) else None
        if user is None:
            raise NotFound(f"no teammate with email {email!r}")
        names.append(user.name)
    return names


def list_project_groups(session: Session, project: str) -> list[dict]:
    return [_scale_group(g) for g in groups.list_groups(session, project)]


def create_project_group(session: Session, project: str, emails: Any, name: Any) -> dict:
    """A group of the project's labelers (they must be assigned to the project)."""
    return _scale_group(groups.create_group(session, project, name, _user_names(session, emails)))


def update_project_group(
    session: Session, project: str, name: str, add_emails: Any, remove_emails: Any
) -> dict:
    return _scale_group(
        groups.change_group(
            session,
            project,
            name,
            add=_user_names(session, add_emails),
            remove=_user_names(session, remove_emails),
        )
    )


def assign_batch(session: Session, batch: str, group_names: Any) -> dict:
    """Route a pending batch to groups of its project: only their members are served it."""
    row, _ = batches.get_batch(session, batch)
    if row.status not in PENDING_BATCH:
        raise InvalidRequest(f"batch {batch!r} is {row.status}; only pending batches")
    groups.route_batch(session, batch, group_names)
    return studio_batches(session, batch)[0]
