"""Seeding the demo: users with known passwords, one project per task type with sample tasks,
and past work on one of them (services/history.py).

Safe to run on every start: what exists already is left as it is.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from quorum.db.models import Project, User
from quorum.demo import history
from quorum.services.accounts import users
from quorum.services.projects import catalog
from quorum.services.tasks import creation

DEMO_USERS = (
    ("admin", "admin", "quorum-admin"),
    ("manager", "manager", "quorum-manager"),
    ("reviewer", "reviewer", "quorum-reviewer"),
    ("annotator1", "annotator", "quorum-annotator1"),
    ("annotator2", "annotator", "quorum-annotator2"),
)


def _demo_file(name: str) -> bytes:
    return resources.files("quorum.demo").joinpath(name).read_bytes()


def seed(session: Session) -> dict[str, Any]:
    """Create what is missing of the demo; returns the logins and project names."""
    for name, role, password in DEMO_USERS:
        if session.scalar(select(User.id).where(User.name == name)) is None:
            users.create_user(session, name, role, password=password)
    admin_id = session.scalar(select(User.id).where(User.name == "admin"))
    created = []
    for spec in orjson.loads(_demo_file("projects.json")):
        if session.scalar(select(Project.id).where(Project.name == spec["name"])) is not None:
            continue
        catalog.create_project(
            session,
            spec["name"],
            spec["type"],
            params=spec.get("params", {}),
            instruction=spec.get("instruction", ""),
            policy=spec.get("policy", {}),
            created_by=admin_id,
        )
        for name, role, _ in DEMO_USERS:
            if role in catalog.MEMBER_ROLES:
                catalog.add_member(session, spec["name"], name, role)
        records = [
            orjson.loads(line) for line in _demo_file(spec["tasks"]).splitlines() if line.strip()
        ]
        creation.create_tasks(session, spec["name"], records, created_by=admin_id)
        created.append(spec["name"])
    if history.PROJECT in created:
        history.seed_history(session)
    return {"users": DEMO_USERS, "created_projects": created}
