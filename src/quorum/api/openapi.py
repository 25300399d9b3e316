"""The OpenAPI document: every operation's real status codes, with the error body they carry.

One place knows which errors an operation can answer, read from the route itself: 400 when it
takes parameters or a body, 401 when it needs a caller, 403 when a role check guards it or it
writes (a browser session's write needs its CSRF token), 404 when its path (or a `project` or
`batch` query parameter) names a resource, 413 when it takes a body (a JSON document within
`QUORUM_MAX_JSON_BYTES`, or an `openapi_extra` request body read raw by `deps.read_body` within
the upload limit). A route adds what only its
service knows (409 for a name taken, 403 for a membership check, 404 for a name in its body)
as `responses=` with a description. Every 4xx gets the `Error` schema here. FastAPI's 422,
which this server never answers, is taken out, and so is the success of a JSON route without
a response model: those routes are the Scale features that Quorum refuses with a 400.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from quorum.http.deps import READ_METHODS
from quorum.http.schemas import Error
from quorum.http.wire import JSONRoute
from quorum.services.accounts.permissions import lowest_role
from quorum.services.accounts.users import Role

DESCRIPTIONS = {
    400: "invalid request: the message names the parameter, field or value that is wrong",
    401: "no API key or session, or one that is malformed, unknown or revoked",
    403: "the caller's role (or project membership) does not allow this, or a browser "
    "session's write came without its CSRF token",
    404: "a resource named in the request does not exist (or the caller may not see it)",
    409: "conflicts with the current state",
    413: "the body is larger than the server's limit for it (QUORUM_MAX_JSON_BYTES for a JSON "
    "document, QUORUM_MAX_UPLOAD_BYTES for an upload)",
}
# Query parameters that name a project or a batch, which must exist.
NAMING_QUERY = frozenset({"project", "batch"})
# A 409 of every route that creates tasks or gives one a unique_id.
UNIQUE_ID_TAKEN: dict[int | str, dict[str, Any]] = {
    409: {"description": "a unique_id is already used by another task"}
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "an API key"},
    "basic": {"type": "http", "scheme": "basic", "description": "an API key as the user name"},
}


def install(app: FastAPI) -> None:
    """Serve `app`'s OpenAPI document completed with the errors of every operation."""
    done: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        if not done:
            routes = dict(_operations(app.routes))
            done.append(_complete(FastAPI.openapi(app), routes))
        return done[0]

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's way to own the schema


def _operations(routes: list[Any]) -> Iterator[tuple[str, APIRoute]]:
    """(operation id, route) of every documented route, inside included routers too."""
    for route in routes:
        if hasattr(route, "original_router"):
            yield from _operations(route.original_router.routes)
        elif isinstance(route, APIRoute) and route.include_in_schema and route.operation_id:
            yield route.operation_id, route


def _statuses(route: APIRoute) -> set[int]:
    dependant = route.dependant
    calls = list(_calls(dependant))
    statuses = {s for s in route.responses if isinstance(s, int) and 400 <= s < 500}
    if _takes_input(route, calls):
        statuses.add(400)
    rules = [p.rule for d in calls if (p := getattr(d.call, "permission", None)) and p.rule]
    if rules:
        statuses.add(401)
        if not (route.methods or set()) <= READ_METHODS:
            statuses.add(403)  # a browser session's write without its CSRF token
    if any(lowest_role(rule) != Role.annotator for rule in rules):
        statuses.add(403)
    if route.body_field is not None or "requestBody" in (route.openapi_extra or {}):
        statuses.add(413)  # a body is read within its bound (`safe_input.bounded_receive`)
    if dependant.path_params or any(
        q.name in NAMING_QUERY for d in [dependant, *calls] for q in d.query_params
    ):
        statuses.add(404)
    return statuses


def _calls(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _calls(sub)


def _takes_input(route: APIRoute, calls: list[Dependant]) -> bool:
    if route.body_field is not None or "requestBody" in (route.openapi_extra or {}):
        return True
    return any(
        d.path_params or d.query_params or d.header_params or d.cookie_params or d.body_params
        for d in [route.dependant, *calls]
    )


def _complete(schema: dict[str, Any], routes: dict[str, APIRoute]) -> dict[str, Any]:
    for operations in schema["paths"].values():
        for operation in operations.values():
            responses = operation["responses"]
            responses.pop("422", None)  # validation errors answer 400
            route = routes[operation["operationId"]]
            if isinstance(route, JSONRoute) and 200 not in route.responses:
                responses.pop("200")  # no success body: a Scale feature Quorum refuses
            statuses = _statuses(route)
            for status in sorted(statuses):
                entry = responses.setdefault(str(status), {})
                entry.setdefault("description", DESCRIPTIONS[status])
                entry.setdefault("content", {"application/json": {"schema": ERROR_REF}})
            if 401 in statuses:
                operation["security"] = [{name: []} for name in SECURITY_SCHEMES]
    components = schema.setdefault("components", {})
    models = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        models.pop(unused, None)
    error = Error.model_json_schema(ref_template="#/components/schemas/{model}")
    models.update(error.pop("$defs", {}), Error=error)
    components["securitySchemes"] = SECURITY_SCHEMES
    return schema
