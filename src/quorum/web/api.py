"""JSON routes the pages need beyond the native API: the caller's own projects and statistics,
and safe Markdown rendering of task text."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from quorum.http import schemas
from quorum.http.deps import any_user, get_session
from quorum.http.wire import JSONRoute
from quorum.services.accounts.users import Principal
from quorum.services.errors import InvalidRequest
from quorum.services.workforce import my_work
from quorum.web import markdown

router = APIRouter(tags=["web"], route_class=JSONRoute)


class MarkdownIn(BaseModel):
    texts: list[str] = Field(max_length=100, description="Markdown sources, rendered in order")


@router.get(
    "/api/me/projects", operation_id="listMyProjects", response_model=list[schemas.MyProject]
)
def my_projects(
    principal: Principal = Depends(any_user), session: Session = Depends(get_session)
) -> list:
    """Projects the caller annotates or reviews, with the number of tasks still open to them."""
    return my_work.my_projects(session, principal)


@router.get("/api/me/stats", operation_id="getMyStats", response_model=schemas.MyStats)
def my_stats(
    principal: Principal = Depends(any_user), session: Session = Depends(get_session)
) -> dict:
    """The caller's own answers, time, gold accuracy band and earnings."""
    return my_work.my_stats(session, principal)


@router.post(
    "/api/markdown", operation_id="renderMarkdown", response_model=schemas.RenderedMarkdown
)
def render_markdown(body: MarkdownIn, _: Principal = Depends(any_user)) -> dict:
    """HTML for Markdown written by requesters or models; raw HTML in it is shown as text."""
    if sum(len(t) for t in body.texts) > 1_000_000:
        raise InvalidRequest("texts: more than 1,000,000 characters in total")
    return {"html": [markdown.render(t) for t in body.texts]}
