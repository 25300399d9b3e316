"""Users, API keys and browser sessions (admins), and `GET /api/me` for anyone signed in."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from quorum.http import schemas
from quorum.http.deps import admin, any_user, get_session, manager
from quorum.http.wire import JSONRoute
from quorum.services.accounts import users, web_sessions
from quorum.services.accounts.users import Principal

router = APIRouter(tags=["users"], route_class=JSONRoute)


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: str
    email: str | None = None
    password: str | None = None


class RoleIn(BaseModel):
    role: str


class PasswordIn(BaseModel):
    password: str = Field(min_length=8, max_length=1000)


class UserChange(BaseModel):
    is_active: bool = Field(
        description="false: the user's keys, password and sessions stop working"
    )


class KeyIn(BaseModel):
    test: bool = Field(False, description="a test key: its tasks complete at once by machine")


@router.get("/api/me", operation_id="getMe", response_model=schemas.Me)
def me(principal: Principal = Depends(any_user)) -> dict:
    return {"name": principal.name, "role": principal.role.value, "id": principal.user_id}


@router.post(
    "/api/users",
    operation_id="createUser",
    response_model=schemas.User,
    responses={409: {"description": "a user with this name or email exists"}},
)
def create_user(
    body: UserIn, _: Principal = Depends(admin), session: Session = Depends(get_session)
) -> dict:
    return users.create_user(
        session, body.name, body.role, email=body.email, password=body.password
    )


@router.get("/api/users", operation_id="listUsers", response_model=list[schemas.User])
def list_users(_: Principal = Depends(manager), session: Session = Depends(get_session)) -> list:
    return users.list_users(session)


LOCKOUT: dict[int | str, dict[str, Any]] = {
    409: {"description": "it would take away the caller's own or the last admin"}
}


@router.post(
    "/api/users/{name}/role",
    operation_id="setUserRole",
    response_model=schemas.User,
    responses=LOCKOUT,
)
def set_role(
    name: str,
    body: RoleIn,
    principal: Principal = Depends(admin),
    session: Session = Depends(get_session),
) -> dict:
    return users.set_role(session, name, body.role, by=principal)


@router.post("/api/users/{name}/keys", operation_id="createApiKey", response_model=schemas.ApiKey)
def create_key(
    name: str,
    body: KeyIn | None = None,
    _: Principal = Depends(admin),
    session: Session = Depends(get_session),
) -> dict:
    key = users.create_api_key(session, name, test=bool(body and body.test))
    return {"user": name, "api_key": key}


@router.post(
    "/api/users/{name}/sessions/revoke",
    operation_id="revokeUserSessions",
    response_model=schemas.SessionsRevoked,
)
def revoke_sessions(
    name: str, _: Principal = Depends(admin), session: Session = Depends(get_session)
) -> dict:
    """End every browser session the user has open now, on every server (a stolen laptop).

    API keys are not sessions and stay valid; the user can log in again.
    """
    return web_sessions.end_all(session, name)


@router.patch(
    "/api/users/{name}", operation_id="changeUser", response_model=schemas.User, responses=LOCKOUT
)
def change_user(
    name: str,
    body: UserChange,
    principal: Principal = Depends(admin),
    session: Session = Depends(get_session),
) -> dict:
    """Deactivate or reactivate a user; their answers and history stay. An admin cannot
    deactivate themselves, and nobody the last active admin."""
    return users.set_active(session, name, body.is_active, by=principal)


@router.post(
    "/api/users/{name}/password", operation_id="setUserPassword", response_model=schemas.User
)
def set_password(
    name: str,
    body: PasswordIn,
    _: Principal = Depends(admin),
    session: Session = Depends(get_session),
) -> dict:
    """Set (or reset) a user's web password; their open browser sessions end."""
    return users.set_password(session, name, body.password)


@router.get(
    "/api/users/{name}/keys", operation_id="listApiKeys", response_model=list[schemas.ApiKeyInfo]
)
def list_keys(
    name: str, _: Principal = Depends(admin), session: Session = Depends(get_session)
) -> list:
    return users.list_api_keys(session, name)


@router.post(
    "/api/users/{name}/keys/{prefix}/revoke",
    operation_id="revokeApiKey",
    response_model=schemas.ApiKeyInfo,
)
def revoke_key(
    name: str, prefix: str, _: Principal = Depends(admin), session: Session = Depends(get_session)
) -> dict:
    """Revoke one key; it stops working on the next request, on every server."""
    return users.revoke_api_key(session, name, prefix)
