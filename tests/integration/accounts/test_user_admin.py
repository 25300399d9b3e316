"""Admins deactivate users, set their passwords and revoke single keys, over the API."""

from __future__ import annotations

import pytest
from tests.factories import api_person, ok


@pytest.fixture
def admin_headers(accounts) -> dict[str, str]:
    return accounts["admin"].headers


def _login(client, name: str, password: str) -> int:
    return client.post(
        "/login", data={"name": name, "password": password}, follow_redirects=False
    ).status_code


def test_deactivated_user_is_refused_everywhere_and_can_come_back(client, admin_headers):
    ann = api_person(client, admin_headers, "ann")
    assert client.get("/api/me", headers=ann).status_code == 200
    user = ok(client.patch("/api/users/ann", json={"is_active": False}, headers=admin_headers))
    assert user["is_active"] is False
    assert client.get("/api/me", headers=ann).status_code == 401
    ok(client.patch("/api/users/ann", json={"is_active": True}, headers=admin_headers))
    assert client.get("/api/me", headers=ann).status_code == 200


def test_admin_sets_a_password_the_user_logs_in_with(client, admin_headers):
    api_person(client, admin_headers, "ann")
    assert _login(client, "ann", "a fresh password") != 303
    ok(client.post("/api/users/ann/password", json={"password": "a fresh password"},
                   headers=admin_headers))  # fmt: skip
    assert _login(client, "ann", "a fresh password") == 303
    short = client.post(
        "/api/users/ann/password", json={"password": "short"}, headers=admin_headers
    )
    assert short.status_code == 400 and "password" in short.text


def test_one_key_is_revoked_by_its_prefix_and_the_others_keep_working(client, admin_headers):
    first = api_person(client, admin_headers, "ann")
    second_key = ok(client.post("/api/users/ann/keys", json={}, headers=admin_headers))["api_key"]
    keys = ok(client.get("/api/users/ann/keys", headers=admin_headers))
    assert [k["prefix"] for k in keys] == [second_key[:12], first["Authorization"][7:19]]
    assert all(second_key not in str(k.values()) for k in keys)
    revoked = ok(client.post(f"/api/users/ann/keys/{keys[1]['prefix']}/revoke",
                             headers=admin_headers))  # fmt: skip
    assert revoked["revoked_at"] is not None
    assert client.get("/api/me", headers=first).status_code == 401
    assert (
        client.get("/api/me", headers={"Authorization": f"Bearer {second_key}"}).status_code == 200
    )
    again = client.post(f"/api/users/ann/keys/{keys[1]['prefix']}/revoke", headers=admin_headers)
    assert again.status_code == 404 and "ann" in again.text


def test_only_admins_manage_users(client, admin_headers):
    mia = api_person(client, admin_headers, "mia", role="manager")
    for call in (
        client.patch("/api/users/mia", json={"is_active": False}, headers=mia),
        client.post("/api/users/mia/password", json={"password": "x" * 10}, headers=mia),
        client.get("/api/users/mia/keys", headers=mia),
    ):
        assert call.status_code == 403
