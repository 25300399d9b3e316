"""Quorum's task, project and batch views in the shapes Scale's client reads.

A task shows `tags` and `unique_id` only when it has them (the client's tests expect the keys
absent otherwise), its response in the Scale type's shape, and never annotators' individual
answers or a gold task's expected response.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from quorum.api.scale.tasktypes import ScaleType, of_project
from quorum.services import batches, projects, tasks


class ProjectTypes:
    """The Scale type of each project, looked up once per request."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._known: dict[str, ScaleType] = {}

    def __call__(self, project_name: str) -> ScaleType:
        if project_name not in self._known:
            project = projects.get_project(self.session, project_name)
            self._known[project_name] = of_project(project.task_type, project.scale_type)
        return self._known[project_name]


def task(session: Session, task_id: str, types: ProjectTypes | None = None) -> dict:
    view = tasks.task_view(session, task_id)
    return task_out(view, (types or ProjectTypes(session))(view["project"]))


def task_out(view: dict, stype: ScaleType) -> dict:
    params = view["params"]
    response = view["response"]
    out = {
        "task_id": view["task_id"],
        "type": stype.name,
        "status": view["status"],
        "project": view["project"],
        "batch": view["batch"],
        "instruction": view["instruction"],
        "params": params,
        "response": None if response is None else stype.response_out(response, params),
        "metadata": view["metadata"],
        "callback_url": view["callback_url"],
        "callback_succeeded": view["callback_succeeded"],
        "priority": view["priority"],
        "confidence": view["confidence"],
        "created_at": view["created_at"],
        "updated_at": view["updated_at"],
        "completed_at": view["completed_at"],
        "audits": view["audits"],
    }
    if view["review_status"]:
        out["customer_review_status"] = view["review_status"]
        comments = [
            a["comment"] for a in view["audits"] if a["audit_source"] == "customer" and a["comment"]
        ]
        if comments:
            out["customer_review_comments"] = comments
    if view["tags"]:
        out["tags"] = view["tags"]
    if view["unique_id"] is not None:
        out["unique_id"] = view["unique_id"]
    return out


def limited(summary: dict) -> dict:
    """What Scale returns with `limited_response=true`."""
    return {k: summary[k] for k in ("task_id", "status", "metadata", "project")}


def project_out(session: Session, name: str) -> dict:
    project = projects.get_project(session, name)
    view = projects.project_view(session, project)
    view["type"] = of_project(project.task_type, project.scale_type).name
    return view


def batch_out(batch_dict: dict) -> dict:
    """Scale names the batch's URL `callback`."""
    return {**batch_dict, "callback": batch_dict["callback_url"]}


def batch_of(session: Session, name: str) -> dict:
    batch, project = batches.get_batch(session, name)
    return batch_out(batches.batch_view(batch, project))
