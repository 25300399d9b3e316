"""Scale v1 teams: teammates are Quorum users (the role map: quorum.services.workforce.studio)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends
from sqlalchemy.orm import Session

from quorum.api.scale import schemas
from quorum.http.deps import get_session, manager
from quorum.http.wire import JSONRoute
from quorum.services.accounts.users import Principal
from quorum.services.workforce import studio

router = APIRouter(prefix="/v1", tags=["scale v1"], route_class=JSONRoute)
_TEAM_BODY = Body(description='{"emails": [...], "team_role": "labeler|member|manager|admin"}')


@router.get("/teams", operation_id="scaleListTeammates", response_model=list[schemas.Teammate])
def list_teammates(
    _: Principal = Depends(manager), session: Session = Depends(get_session)
) -> list:
    return studio.list_teammates(session)


@router.post(
    "/teams/invite",
    operation_id="scaleInviteTeammates",
    response_model=list[schemas.Teammate],
    responses={403: {"description": "making a teammate a manager or admin needs the admin role"}},
)
def invite(
    body: dict[str, Any] = _TEAM_BODY,
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> list:
    """New teammates are users named by their email; they sign in once an admin gives them
    a password or a key."""
    return studio.invite(session, principal, body.get("emails"), body.get("team_role"))


@router.post(
    "/teams/set_role",
    operation_id="scaleSetTeammatesRole",
    response_model=list[schemas.Teammate],
    responses={
        403: {"description": "changing or giving the manager or admin role needs the admin role"},
        404: {"description": "no teammate with one of the emails"},
        409: {"description": "it would take away the caller's own or the last admin role"},
    },
)
def set_role(
    body: dict[str, Any] = _TEAM_BODY,
    principal: Principal = Depends(manager),
    session: Session = Depends(get_session),
) -> list:
    return studio.set_role(session, principal, body.get("emails"), body.get("team_role"))
