"""Scenario builders shared by the tests: people, projects, tasks, answers and jobs.

Each is made the way the product makes it: through the services in a session (`person`,
`project`, `tasks`, `answer`, ...; `session_at` opens one on a live server's database) or
through the native API with a test client (`api_*`). A test states its scenario in a few lines
and keeps its own code for what it checks. Keyword arguments name what a test cares about;
everything else has a default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from quorum import jobs
from quorum.db.engine import Database
from quorum.db.models import Job, Task
from quorum.services.accounts import users
from quorum.services.accounts.users import Principal
from quorum.services.labeling import assignments
from quorum.services.projects import catalog
from quorum.services.tasks import creation, lifecycle

CATEGORIES = {"categories": ["a", "b"]}


@dataclass(frozen=True)
class Person:
    """A user with an API key: who the key authenticates as, and the headers that send it."""

    name: str
    role: str
    key: str
    principal: Principal

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@contextmanager
def session_at(db_url: str) -> Iterator[Session]:
    """A write session on the database at `db_url` (a live server's), to set a scenario up
    from outside the server; committed, and its engine closed, at the end."""
    db = Database(db_url, pool_size=1)
    try:
        with db.session(write=True) as s:
            yield s
            s.commit()
    finally:
        db.dispose()


def person(
    s: Session,
    name: str,
    role: str = "annotator",
    *,
    projects: Iterable[str] = (),
    password: str | None = None,
) -> Person:
    """A new user with one API key, a member of `projects` in its role."""
    users.create_user(s, name, role, password=password)
    key = users.create_api_key(s, name)
    for project_name in projects:
        catalog.add_member(s, project_name, name, role)
    return Person(name, role, key, users.authenticate_key(s, key))


def people(
    s: Session, *names: str, role: str = "annotator", projects: Iterable[str] = ()
) -> dict[str, Person]:
    """Users of one role, by name, each a member of `projects`."""
    projects = tuple(projects)
    return {name: person(s, name, role, projects=projects) for name in names}


def project(
    s: Session,
    name: str = "p",
    task_type: str = "categorization",
    *,
    params: Mapping[str, Any] | None = None,
    policy: Mapping[str, Any] | None = None,
) -> dict:
    """A project as `catalog.create_project` returns it; a categorization project has the
    `CATEGORIES` unless given its params."""
    if params is None and task_type == "categorization":
        params = CATEGORIES
    return catalog.create_project(
        s,
        name,
        task_type,
        params=None if params is None else dict(params),
        policy=None if policy is None else dict(policy),
    )


def tasks(
    s: Session, project: str = "p", n: int = 1, *, batch: str | None = None, **fields: Any
) -> list[str]:
    """`n` tasks with attachments t0, t1, ... (and `fields` in every record); their ids."""
    records = [{"attachment": f"t{i}", **fields} for i in range(n)]
    return creation.create_tasks(s, project, records, batch=batch)


def answer(
    s: Session,
    who: Person,
    response: Any,
    project: str = "p",
    time_spent_s: float | None = None,
) -> str:
    """Claim `who`'s next task in `project` and submit `response`; the id of the task."""
    claimed = assignments.claim_next(s, who.principal, project)
    assert claimed is not None, f"no task left for {who.name} in {project}"
    assignments.submit(s, who.principal, claimed["assignment_id"], response, time_spent_s)
    return claimed["task_id"]


def complete(s: Session, task_id: str, response: Any = None, confidence: float = 1.0) -> None:
    """Complete a task without answers, as the lifecycle does after a deciding answer: status,
    timestamps, callback, batch check (committed)."""
    row = s.get(Task, task_id)
    assert row is not None, task_id
    lifecycle.complete(
        s, task_id, response or {"category": "a"}, confidence, low=False, review=False,
        batch_id=row.batch_id, callback_url=None,
    )  # fmt: skip
    s.commit()


def job(
    db: Database,
    kind: str = "k",
    payload: dict | None = None,
    *,
    run_at: dt.datetime | None = None,
    **columns: Any,
) -> int:
    """A job enqueued in its own transaction, then put in any state by setting `columns`
    (`status`, `finished_at`, `last_error`, ...) straight on its row; its id."""
    with db.begin() as s:
        job_id = jobs.enqueue(s, kind, payload or {}, run_at=run_at)
        if columns:
            s.execute(update(Job).where(Job.id == job_id).values(**columns))
    return job_id


def ok(response, status: int = 200) -> Any:
    """The JSON body of an HTTP response that must have `status`."""
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def api_person(client, headers: Mapping[str, str], name: str, role: str = "annotator") -> dict:
    """A user with a key, made through the API by the admin of `headers`; the key's headers."""
    ok(client.post("/api/users", json={"name": name, "role": role}, headers=headers))
    key = ok(client.post(f"/api/users/{name}/keys", json={}, headers=headers))["api_key"]
    return {"Authorization": f"Bearer {key}"}


def api_project(
    client,
    headers: Mapping[str, str],
    name: str = "p",
    task_type: str = "categorization",
    *,
    params: Mapping[str, Any] | None = None,
    annotators: Iterable[str] = (),
    **fields: Any,
) -> dict:
    """A project made through the API (`fields`: policy, instruction, ...), with `annotators`
    as members and, like `project`, the `CATEGORIES` by default; the project the API shows."""
    if params is None and task_type == "categorization":
        params = CATEGORIES
    body = {"name": name, "type": task_type, "params": dict(params or {}), **fields}
    created = ok(client.post("/api/projects", json=body, headers=headers))
    for user in annotators:
        member = {"user": user, "role": "annotator"}
        ok(client.post(f"/api/projects/{name}/members", json=member, headers=headers))
    return created


def api_answer(
    client, headers: Mapping[str, str], response: Any, project: str = "p", **extra: Any
) -> dict | None:
    """Claim the next task of `project` through the API and submit `response` (with `extra`,
    e.g. time_spent_s); the item claimed, or None when the queue is empty for the caller."""
    claimed = client.post(f"/api/projects/{project}/next", headers=headers)
    if claimed.status_code == 204:
        return None
    item = ok(claimed)
    body = {"response": response, **extra}
    ok(client.post(f"/api/assignments/{item['assignment_id']}/submit", json=body, headers=headers))
    return item
