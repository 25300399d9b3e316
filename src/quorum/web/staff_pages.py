"""Page shells for reviewers (review queues) and managers (projects, setup, dashboard, tasks).

Like the annotator's pages, each checks the session and role: a reviewer sees only the review
queues of projects they review (others look missing); managers see every project.
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.http.deps import get_session
from quorum.http.safe_input import SafeRoute
from quorum.services.accounts import permissions
from quorum.services.errors import NotFound
from quorum.services.projects import catalog
from quorum.services.projects.policy import json_schema
from quorum.web import markdown
from quorum.web.pages import PageDenied, Viewer, viewer_for
from quorum.web.shell import data_attrs

if TYPE_CHECKING:
    from quorum.db.models import Project

router = APIRouter(include_in_schema=False, route_class=SafeRoute)


def _project(session: Session, name: str) -> Project:
    try:
        return catalog.get_project(session, name)
    except NotFound:
        raise PageDenied(404, f"No project named {name!r}.") from None


def _path(name: str) -> str:
    """A project's name as one segment of a page's path."""
    return quote(name, safe="")


def _policy_schema() -> str:
    """The quality policy's JSON schema, from which policy_fields.js draws the form."""
    return json.dumps(json_schema(), separators=(",", ":"))


def _label_fields() -> str:
    """Which types have a label set, its params field and title (the `LabelSet` each type
    declares): project_form.js offers a labels input for these types only."""
    declared = {name: tasktypes.get(name).labels for name in tasktypes.names()}
    fields = {n: {"field": d.field, "title": d.title} for n, d in declared.items() if d}
    return json.dumps(fields, separators=(",", ":"))


def _instructions_dialog(session: Session, project: Project) -> str:
    instruction = catalog.current_params(session, project.id).instruction
    return (
        '<dialog id="instructions" aria-labelledby="instructions-title">'
        '<h2 id="instructions-title">Instructions</h2>'
        f'<div class="markdown" id="instructions-body">{markdown.render(instruction or "")}</div>'
        '<form method="dialog"><button class="primary">Close (Esc)</button></form></dialog>'
    )


@router.get("/review")
def review_queues(viewer: Viewer = Depends(viewer_for(permissions.sees_review_queues))) -> Response:
    body = '<h1>Review</h1><div id="queues" aria-live="polite"><p class="muted">Loading…</p></div>'
    return viewer.page("Review", body, current="/review", script="review_queues.js")


@router.get("/review/{project}")
def review_page(
    project: str,
    viewer: Viewer = Depends(
        viewer_for(permissions.sees_review_queues, then=permissions.can_review)
    ),
    session: Session = Depends(get_session),
) -> Response:
    """One project's review queue: the task, every answer, the consensus; accept, fix, reject."""
    found = _project(session, project)
    if not permissions.can_review(
        viewer.principal, catalog.member_role(session, found.id, viewer.principal.user_id)
    ):
        raise PageDenied(404, f"No project named {project!r} is open to you for review.")
    attrs = data_attrs(project=found.name, type=found.task_type)
    body = (
        f'<div id="review" class="workspace" {attrs}>'
        f'<div class="ws-head"><h1>Review · {escape(found.name)}</h1>'
        '<p id="status" class="muted" role="status" aria-live="polite">Loading…</p></div>'
        '<div id="item"></div></div>' + _instructions_dialog(session, found)
    )
    return viewer.page(f"Review {found.name}", body, current="/review", script="review.js")


@router.get("/manage")
def manage(viewer: Viewer = Depends(viewer_for(permissions.can_manage))) -> Response:
    body = (
        '<div class="ws-head"><h1>Manage projects</h1>'
        '<a class="button primary" href="/projects/new">New project</a></div>'
        '<div id="projects" aria-live="polite"><p class="muted">Loading…</p></div>'
    )
    return viewer.page("Manage projects", body, current="/manage", script="manage.js")


@router.get("/projects/new")
def new_project(viewer: Viewer = Depends(viewer_for(permissions.can_manage))) -> Response:
    attrs = data_attrs(
        types=",".join(tasktypes.names()), labels=_label_fields(), policy_schema=_policy_schema()
    )
    body = (
        f'<h1>New project</h1><form id="new-project" class="card stack form-grid" {attrs}></form>'
    )
    return viewer.page("New project", body, current="/manage", script="project_form.js")


@router.get("/manage/{project}")
def project_dashboard(
    project: str,
    viewer: Viewer = Depends(viewer_for(permissions.can_manage)),
    session: Session = Depends(get_session),
) -> Response:
    """The project's dashboard, with upload, members, settings and exports around it."""
    found = _project(session, project)
    labels = tasktypes.get(found.task_type).labels
    attrs = data_attrs(
        project=found.name,
        type=found.task_type,
        labels_title=labels.title if labels else "",
        exports=",".join(tasktypes.get(found.task_type).exporters),
        policy_schema=_policy_schema(),
    )
    body = (
        f'<div id="dashboard" {attrs}><div class="ws-head"><h1>{escape(found.name)}</h1>'
        f'<p class="muted">{escape(found.task_type)}</p></div>'
        '<p id="status" class="muted" role="status" aria-live="polite">Loading…</p>'
        '<div id="panels"></div></div>'
    )
    return viewer.page(found.name, body, current="/manage", script="dashboard.js")


@router.get("/manage/{project}/tasks")
def task_browser(
    project: str,
    viewer: Viewer = Depends(viewer_for(permissions.can_manage)),
    session: Session = Depends(get_session),
) -> Response:
    """The project's tasks: a filter form and a sortable, paged table of them."""
    found = _project(session, project)
    attrs = data_attrs(project=found.name, type=found.task_type)
    body = (
        f'<div id="browser" {attrs}><div class="ws-head"><h1>Tasks · {escape(found.name)}</h1>'
        f'<a href="/manage/{_path(found.name)}">Dashboard</a></div>'
        '<form id="filters" class="card filters" aria-label="Filter the tasks"></form>'
        '<p id="status" class="muted" role="status" aria-live="polite">Loading…</p>'
        '<div id="results"></div></div>'
    )
    return viewer.page(f"Tasks {found.name}", body, current="/manage", script="task_browser.js")


@router.get("/manage/{project}/tasks/{task_id}")
def task_page(
    project: str,
    task_id: str,
    viewer: Viewer = Depends(viewer_for(permissions.can_manage)),
    session: Session = Depends(get_session),
) -> Response:
    """One task: its data and every answer in the type's view, the consensus, why it is
    pending, its history, and the actions its status allows (the script reads the task)."""
    found = _project(session, project)
    attrs = data_attrs(project=found.name, type=found.task_type, task=task_id)
    back = f"/manage/{_path(found.name)}/tasks"
    body = (
        f'<div id="task" {attrs}><div class="ws-head"><h1>Task <code>{escape(task_id)}</code></h1>'
        f'<a href="{back}">All tasks of {escape(found.name)}</a></div>'
        '<p id="status" class="muted" role="status" aria-live="polite">Loading…</p>'
        '<div id="detail"></div></div>'
    )
    return viewer.page(f"Task {task_id}", body, current="/manage", script="task_detail.js")
