"""A project's default callback URL and the key its callbacks are signed with."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from quorum.db.models import Project, new_callback_key, utcnow
from quorum.services.callbacks.urls import check_callback_url
from quorum.services.errors import InvalidRequest
from quorum.services.projects.catalog import get_project


def _callback_view(project: Project) -> dict:
    return {
        "project": project.name,
        "callback_url": project.callback_url,
        "callback_key": project.callback_key,
    }


def project_callback(session: Session, name: str) -> dict:
    """A project's default callback URL and its callback key (a secret: managers only)."""
    return _callback_view(get_project(session, name))


def set_project_callback(session: Session, name: str, changes: dict[str, Any]) -> dict:
    """Change `callback_url` (null or "" clears it) and/or `rotate_key` (a new key)."""
    unknown = sorted(set(changes) - {"callback_url", "rotate_key"})
    if unknown:
        raise InvalidRequest(f"unknown field {unknown[0]!r}; give callback_url or rotate_key")
    rotate = changes.get("rotate_key", False)
    if not isinstance(rotate, bool):
        raise InvalidRequest("rotate_key must be true or false")
    project = get_project(session, name)
    if "callback_url" in changes:
        url = changes["callback_url"]
        if url is not None and not isinstance(url, str):
            raise InvalidRequest("callback_url must be a URL string or null")
        project.callback_url = check_callback_url(url)
    if rotate:
        project.callback_key = new_callback_key()
    project.updated_at = utcnow()
    session.commit()
    return _callback_view(project)
