"""The HTML around every page: head, navigation by role, CSRF token, security headers.

Pages are shells: the server fills in what it knows (who is signed in, the project, its rendered
instructions) and an ES module under /static draws the rest from Quorum's JSON API.
"""

from __future__ import annotations

from html import escape

from fastapi.responses import HTMLResponse

from quorum.services.accounts import permissions
from quorum.services.accounts.users import Principal

# Task media (images, audio) may live anywhere the requester keeps them; code and styles come
# only from this server.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src * data: blob:; "
    "media-src * blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
# Each link is shown to those its page lets in.
_NAV = (
    ("/work", "Projects", permissions.is_signed_in),
    ("/stats", "My statistics", permissions.is_signed_in),
    ("/review", "Review", permissions.sees_review_queues),
    ("/manage", "Manage", permissions.can_manage),
    ("/admin/users", "Admin", permissions.can_administer),
)


def _nav(principal: Principal, csrf: str, current: str) -> str:
    links = "".join(
        f'<li><a href="{href}"{" aria-current=page" if current == href else ""}>{label}</a></li>'
        for href, label, shown in _NAV
        if shown(principal)
    )
    return (
        '<header class="top"><a class="brand" href="/">Quorum</a>'
        f'<nav aria-label="Main"><ul>{links}</ul></nav>'
        f'<form class="logout" method="post" action="/logout">'
        f'<span class="who">{escape(principal.name)} · {principal.role.value}</span>'
        f'<input type="hidden" name="csrf" value="{csrf}">'
        '<button type="submit" class="link">Log out</button></form></header>'
    )


def page(
    title: str,
    body: str,
    *,
    principal: Principal | None = None,
    csrf: str = "",
    current: str = "",
    script: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """A whole page; `body` is trusted HTML (callers escape what they put in it)."""
    nav = _nav(principal, csrf, current) if principal else ""
    module = f'<script type="module" src="/static/js/{script}"></script>' if script else ""
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="csrf-token" content="{csrf}">'
        f"<title>{escape(title)} · Quorum</title>"
        '<link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="/static/css/app.css">'
        f"{module}</head><body>"
        '<a class="skip-link" href="#main">Skip to content</a>'
        f'{nav}<main id="main" tabindex="-1">{body}</main></body></html>'
    )
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def data_attrs(**values: str | int) -> str:
    """`data-*` attributes for the page's script, escaped."""
    return " ".join(
        f'data-{k.replace("_", "-")}="{escape(str(v), quote=True)}"' for k, v in values.items()
    )
