"""The OpenAPI document tells the truth: every route, called by each role with well-formed
input, answers a status code the document lists, with a body its schema accepts."""

from __future__ import annotations

import jsonschema_rs
import pytest
from tests.integration.api.test_route_roles import (  # noqa: F401
    REFUSED_INPUT,
    _request,
    declared_permissions,
    world,
)

from quorum.http.wire import JSONRoute

ROLES = ["anonymous", "annotator", "admin"]


def _validator(document: dict, schema: dict) -> jsonschema_rs.Draft202012Validator:
    """`schema` with the document's components beside it, where its `$ref`s point."""
    root = {**schema, "components": document["components"]}
    return jsonschema_rs.Draft202012Validator(root, validate_formats=True)


def test_the_document_lists_the_real_error_answers(client):
    document = client.app.openapi()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    declared = declared_permissions(client.app)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            responses = operation["responses"]
            assert "422" not in responses, where  # validation errors answer 400
            for status, response in responses.items():
                if status.startswith("4"):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, where
            if declared[(method.upper(), path)].rule is not None:
                assert {"401", "400"} <= set(responses) or "401" in responses, where
                assert operation["security"], where


def test_success_bodies_have_schemas(client):
    """Except on the Scale features Quorum refuses, which never succeed."""
    never = set()
    for path, operations in client.app.openapi()["paths"].items():
        for method, operation in operations.items():
            if "200" not in operation["responses"]:
                never.add((method.upper(), path))
                continue
            content = operation["responses"]["200"].get("content", {})
            if "application/json" in content:
                assert content["application/json"]["schema"], f"{method.upper()} {path}"
    assert never == REFUSED_INPUT - {("POST", "/v1/files/import")}


@pytest.mark.parametrize("role", ROLES)
def test_every_answer_matches_the_document(client, accounts, world, role):  # noqa: F811
    document = client.app.openapi()
    headers = {} if role == "anonymous" else accounts[role].headers
    for method, path in sorted(declared_permissions(client.app)):
        url, kwargs = _request(method, path, world)
        response = client.request(method, url, headers=headers, **kwargs)
        where = f"{method} {path} as {role}: {response.status_code} {response.text[:300]}"
        documented = document["paths"][path][method.lower()]["responses"]
        assert str(response.status_code) in documented, where
        content = documented[str(response.status_code)].get("content", {})
        media = response.headers.get("content-type", "").split(";")[0]
        if media == "application/json":
            schema = content["application/json"]["schema"]
            errors = list(_validator(document, schema).iter_errors(response.json()))
            assert not errors, f"{where}: {[e.message for e in errors][:3]}"
        elif response.status_code != 204:
            assert media in content or "*/*" in content, where


def test_documented_bodies_are_not_validated_at_request_time(client):
    """The schemas only document: a JSON route's plain dict goes to orjson as it is (the
    annotator loop's speed), never through pydantic or jsonable_encoder."""
    routes = [r for r in _all_routes(client.app.routes) if isinstance(r, JSONRoute)]
    assert len(routes) > 80
    for route in routes:
        assert route.response_model is None and route.response_field is None, route.path


def _all_routes(routes):
    for route in routes:
        if hasattr(route, "original_router"):
            yield from _all_routes(route.original_router.routes)
        else:
            yield route
