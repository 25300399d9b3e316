"""Page routes: login and logout, and the shells of the annotator's pages.

Pages are not in the OpenAPI document (they are not API), but each one checks the session and
the role exactly as the API does: no session sends the browser to the login page, a role too
low gets a 403 page, and a project the viewer is not a member of looks missing.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from quorum.http.cookie_auth import COOKIE, secret
from quorum.http.deps import Permission, declared, get_session, public
from quorum.http.safe_input import SafeRoute
from quorum.services.accounts import permissions, web_sessions
from quorum.services.accounts.users import Principal, authenticate_password
from quorum.services.errors import NotFound, Unauthorized
from quorum.services.projects import catalog
from quorum.web import markdown
from quorum.web.shell import data_attrs, page

router = APIRouter(include_in_schema=False, route_class=SafeRoute)


class PageDenied(Exception):
    """Raised by a page guard; rendered as a redirect to the login page or an error page."""

    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message


def denied_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageDenied)  # registered for PageDenied only
    if exc.status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    body = f'<section class="card narrow"><h1>{exc.status}</h1><p>{escape(exc.message)}</p>'
    body += '<p><a href="/">Back to the start page</a></p></section>'
    return page(f"Error {exc.status}", body, status=exc.status)


class Viewer:
    """The signed-in person looking at a page, with the page's CSRF token."""

    def __init__(self, principal: Principal, csrf: str) -> None:
        self.principal, self.csrf = principal, csrf

    def page(self, title: str, body: str, **kwargs) -> Response:
        return page(title, body, principal=self.principal, csrf=self.csrf, **kwargs)


def viewer_for(rule: permissions.Rule, *, then: Callable[..., bool] | None = None):
    """A page dependency: the viewer, who must be signed in and let in by `rule` (a 403 page
    otherwise); `then` is the rule the page applies next (see `deps.Permission`)."""
    lowest = permissions.lowest_role(rule)

    def guard(request: Request, session: Session = Depends(get_session)) -> Viewer:
        token = request.cookies.get(COOKIE)
        key = secret(request)
        principal = web_sessions.resolve(session, key, token) if token else None
        if principal is None or token is None:
            raise PageDenied(401, "log in first")
        if not rule(principal):
            raise PageDenied(403, f"This page needs the {lowest.value} role or higher.")
        return Viewer(principal, web_sessions.csrf_token(key, token))

    return declared(guard, Permission(rule, then))


def _safe_next(target: str | None) -> str:
    """Only a path on this server (never `//host` or a scheme) is a place to go after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    parts = urlsplit(origin)
    return parts.netloc == request.headers.get("host") and parts.scheme == request.url.scheme


def _login_page(next_url: str, error: str = "", status: int = 200) -> Response:
    alert = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        '<section class="card narrow"><h1>Log in to Quorum</h1>'
        f'{alert}<form method="post" action="/login" class="stack">'
        f'<input type="hidden" name="next" value="{escape(next_url, quote=True)}">'
        '<label for="name">User name</label>'
        '<input id="name" name="name" autocomplete="username" required autofocus>'
        '<label for="password">Password</label>'
        '<input id="password" name="password" type="password" '
        'autocomplete="current-password" required>'
        '<button type="submit" class="primary">Log in</button></form></section>'
    )
    return page("Log in", body, status=status)


@router.get("/login", dependencies=[Depends(public)])
def login_form(next: str | None = None) -> Response:
    return _login_page(_safe_next(next))


@router.post("/login", dependencies=[Depends(public)])
def login(
    request: Request,
    name: str = Form("", max_length=200),
    password: str = Form("", max_length=1000),
    next: str = Form("/", max_length=2000),
    session: Session = Depends(get_session),
) -> Response:
    """Check the password and set the session cookie (HttpOnly, SameSite=Lax, Secure on https).

    Cross-site posts are refused by their Origin, so another site cannot log a browser in to
    an account of its choosing.
    """
    target = _safe_next(next)
    if not _same_origin(request):
        return _login_page(target, "This form must be sent from Quorum's own page.", 403)
    try:
        principal = authenticate_password(session, name.strip(), password)
    except Unauthorized as exc:
        return _login_page(target, exc.message, 401)
    settings = request.app.state.settings
    lifetime = int(settings.session_hours * 3600)
    token = web_sessions.issue(secret(request), principal, lifetime)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=lifetime,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout", dependencies=[Depends(public)])
def logout(
    request: Request,
    csrf: str = Form("", max_length=200),
    session: Session = Depends(get_session),
) -> Response:
    """End the session on the server, so a copy of the cookie is dead too; a logout forged by
    another site is refused."""
    token = request.cookies.get(COOKIE)
    if token:
        key = secret(request)
        if not web_sessions.csrf_ok(key, token, csrf):
            raise PageDenied(403, "The logout form was not sent from this session's page.")
        web_sessions.revoke(session, key, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
    return response


@router.get("/")
def start(viewer: Viewer = Depends(viewer_for(permissions.is_signed_in))) -> Response:
    """Managers start on their projects' dashboards, everyone else on their work."""
    home = "/manage" if permissions.can_manage(viewer.principal) else "/work"
    return RedirectResponse(home, status_code=303)


@router.get("/work")
def work(viewer: Viewer = Depends(viewer_for(permissions.is_signed_in))) -> Response:
    body = (
        '<h1>Your projects</h1><div id="projects" aria-live="polite">'
        '<p class="muted">Loading…</p></div>'
    )
    return viewer.page("Projects", body, current="/work", script="projects.js")


@router.get("/work/{project}")
def workspace(
    project: str,
    viewer: Viewer = Depends(viewer_for(permissions.is_signed_in, then=permissions.can_work)),
    session: Session = Depends(get_session),
) -> Response:
    """The labeling workspace of one project, for those who work on it; to others (managers
    too, unless members) it looks missing."""
    try:
        found = catalog.get_project(session, project)
    except NotFound:
        found = None
    if found is None or not permissions.can_work(
        viewer.principal, catalog.member_role(session, found.id, viewer.principal.user_id)
    ):
        raise PageDenied(404, f"No project named {project!r} is open to you.")
    instruction = catalog.current_params(session, found.id).instruction
    attrs = data_attrs(project=found.name, type=found.task_type)
    body = (
        f'<div id="workspace" class="workspace" {attrs}>'
        f'<div class="ws-head"><h1>{escape(found.name)}</h1>'
        '<p id="status" class="muted" role="status" aria-live="polite">Loading the first task…</p>'
        "</div>"
        '<div id="task" class="task"></div>'
        "</div>"
        '<dialog id="instructions" aria-labelledby="instructions-title">'
        '<h2 id="instructions-title">Instructions</h2>'
        f'<div class="markdown" id="instructions-body">{markdown.render(instruction or "")}</div>'
        '<form method="dialog"><button class="primary">Close (Esc)</button></form></dialog>'
    )
    return viewer.page(found.name, body, current="/work", script="workspace.js")


@router.get("/stats")
def stats(viewer: Viewer = Depends(viewer_for(permissions.is_signed_in))) -> Response:
    body = (
        "<h1>My statistics</h1>"
        '<div id="stats" aria-live="polite"><p class="muted">Loading…</p></div>'
    )
    return viewer.page("My statistics", body, current="/stats", script="stats.js")
