"""Page shells for admins: users (roles, passwords, deactivation, API keys) and background jobs
(failing callbacks first), drawn by admin_users.js and admin_jobs.js from the admin-only API."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from quorum.http.safe_input import SafeRoute
from quorum.services.accounts import permissions
from quorum.services.accounts.users import Role
from quorum.services.ops import background, job_admin
from quorum.web.pages import Viewer, viewer_for
from quorum.web.shell import data_attrs

router = APIRouter(include_in_schema=False, route_class=SafeRoute)
_admin = viewer_for(permissions.can_administer)
# The admin pages, in the order of their tabs; the main navigation's "Admin" link
# (shell._NAV) opens the first and stays current on each.
_TABS = (("/admin/users", "Users"), ("/admin/jobs", "Jobs and callbacks"))
_NAV_LINK = _TABS[0][0]


def _tabs(current: str) -> str:
    links = "".join(
        f'<li><a href="{href}"{" aria-current=page" if href == current else ""}>{label}</a></li>'
        for href, label in _TABS
    )
    return f'<nav class="tabs" aria-label="Admin"><ul>{links}</ul></nav>'


@router.get("/admin/users")
def users_page(viewer: Viewer = Depends(_admin)) -> Response:
    attrs = data_attrs(roles=",".join(r.value for r in Role), me=viewer.principal.name)
    body = (
        f"{_tabs('/admin/users')}<h1>Users</h1>"
        f'<div id="admin-users" {attrs}><p class="muted">Loading…</p></div>'
    )
    return viewer.page("Users", body, current=_NAV_LINK, script="admin_users.js")


@router.get("/admin/jobs")
def jobs_page(request: Request, viewer: Viewer = Depends(_admin)) -> Response:
    kinds = sorted(background.handlers(request.app.state.settings))
    attrs = data_attrs(kinds=",".join(kinds), statuses=",".join(job_admin.STATUSES))
    body = (
        f"{_tabs('/admin/jobs')}<h1>Jobs and callbacks</h1>"
        f'<div id="admin-jobs" {attrs}><p class="muted">Loading…</p></div>'
    )
    return viewer.page("Jobs and callbacks", body, current=_NAV_LINK, script="admin_jobs.js")
