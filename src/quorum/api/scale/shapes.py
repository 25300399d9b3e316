"""Quorum's task, project and batch views in the shapes Scale's client reads.

The translation itself is `quorum.formats.scale` (callbacks use it too); this module reads what
it needs from the services and turns a Scale body that does not translate into a 400.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from quorum.formats import scale
from quorum.formats.scale import ScaleType
from quorum.services.errors import InvalidRequest, NotFound
from quorum.services.projects import catalog
from quorum.services.tasks import batches, queries
from quorum.tasktypes.base import TaskValidationError


@contextmanager
def translating() -> Iterator[None]:
    """A Scale body that does not translate is the requester's mistake: 400 naming the field."""
    try:
        yield
    except TaskValidationError as exc:
        raise InvalidRequest(str(exc), errors=exc.errors) from None


def scale_type(name: Any) -> ScaleType:
    """The Scale type named in a path or body; 400 naming the supported ones otherwise."""
    with translating():
        return scale.scale_type(name)


class ProjectTypes:
    """The Scale type of each project, looked up once per request."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._known: dict[str, ScaleType] = {}

    def __call__(self, project_name: str) -> ScaleType:
        if project_name not in self._known:
            project = catalog.get_project(self.session, project_name)
            self._known[project_name] = scale.of_project(project.task_type, project.scale_type)
        return self._known[project_name]


def task(session: Session, task_id: str) -> dict:
    found = task_list(session, [task_id])
    if not found:
        raise NotFound(f"no task with id {task_id!r}")
    return found[0]


def task_list(session: Session, task_ids: list[str]) -> list[dict]:
    """A page of tasks in Scale's shape, read in a few queries whatever the page's size."""
    types = ProjectTypes(session)
    return [
        scale.task_out(view, types(view["project"]))
        for view in queries.task_views(session, task_ids, with_annotations=False)
    ]


def project_out(session: Session, name: str) -> dict:
    project = catalog.get_project(session, name)
    view = catalog.project_view(session, project)
    view["type"] = scale.of_project(project.task_type, project.scale_type).name
    return view


def batch_out(batch_dict: dict) -> dict:
    """Scale names the batch's URL `callback`."""
    return {**batch_dict, "callback": batch_dict["callback_url"]}


def batch_of(session: Session, name: str) -> dict:
    batch, project = batches.get_batch(session, name)
    return batch_out(batches.batch_view(batch, project))
