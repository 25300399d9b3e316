"""Quorum keeps an admin: nobody deactivates or demotes themselves or the last active admin,
over the API, Scale's teams face and the command line (one rule, in services/accounts)."""

from __future__ import annotations

import pytest
from tests.factories import api_person, ok
from typer.testing import CliRunner

LAST = "(make another user an admin first)"
SELF = "an admin cannot lock themselves out (another admin can do it)"


def _status(client, name: str, headers) -> tuple[str, bool]:
    user = next(u for u in ok(client.get("/api/users", headers=headers)) if u["name"] == name)
    return user["role"], user["is_active"]


def test_an_admin_cannot_deactivate_or_demote_themselves(client, accounts):
    admin = accounts["admin"].headers
    api_person(client, admin, "eve", role="admin")  # not the last: only "yourself" refuses
    off = client.patch("/api/users/admin", json={"is_active": False}, headers=admin)
    assert off.status_code == 409
    assert off.json()["error"] == f"you cannot deactivate yourself: {SELF}"
    down = client.post("/api/users/admin/role", json={"role": "manager"}, headers=admin)
    assert down.status_code == 409
    assert down.json()["error"] == f"you cannot take the admin role from yourself: {SELF}"
    assert _status(client, "admin", admin) == ("admin", True)
    ok(client.post("/api/users/admin/role", json={"role": "admin"}, headers=admin))


def test_the_last_active_admin_stays(client, accounts):
    admin = accounts["admin"].headers
    eve = api_person(client, admin, "eve", role="admin")
    ok(client.patch("/api/users/admin", json={"is_active": False}, headers=eve))
    # eve is now the only active admin; a deactivated admin does not count
    ann = api_person(client, eve, "ann", role="admin")
    ok(client.post("/api/users/ann/role", json={"role": "reviewer"}, headers=eve))
    alone = client.post("/api/users/eve/role", json={"role": "manager"}, headers=eve)
    assert alone.status_code == 409 and "yourself" in alone.json()["error"]
    assert _status(client, "eve", eve) == ("admin", True)
    assert client.get("/api/me", headers=ann).status_code == 200
    ok(client.patch("/api/users/admin", json={"is_active": True}, headers=eve))
    ok(client.patch("/api/users/eve", json={"is_active": False}, headers=accounts["admin"].headers))
    assert client.get("/api/me", headers=eve).status_code == 401


def test_scale_teams_cannot_demote_every_admin_at_once(client, accounts):
    admin = accounts["admin"].headers
    ok(client.post("/api/users", json={"name": "eve", "role": "admin", "email": "eve@x.org"},
                   headers=admin))  # fmt: skip
    both = client.post(
        "/v1/teams/set_role",
        json={"emails": ["eve@x.org", "admin"], "team_role": "manager"},
        headers=admin,
    )
    assert both.status_code == 409, both.text
    assert "yourself" in both.text
    assert _status(client, "eve", admin) == ("admin", True)  # nothing half-written


@pytest.fixture
def cli(db_url, settings_env):
    """`cli(*args)`: the `quorum` command on the test's database, (exit code, output)."""
    from quorum.cli.main import app

    settings_env(QUORUM_DATABASE_URL=db_url, COLUMNS="200")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, list(args))
        return result.exit_code, result.output

    return run


def test_the_command_line_keeps_the_last_admin(cli, accounts):
    assert cli("users", "deactivate", "admin") == (
        1,
        f"error: cannot deactivate admin: admin is the last active admin {LAST}\n",
    )
    assert cli("users", "set-role", "admin", "manager") == (
        1,
        f"error: cannot take the admin role from admin: admin is the last active admin {LAST}\n",
    )
    assert cli("users", "create", "eve", "--role", "admin")[0] == 0
    assert cli("users", "set-role", "admin", "manager") == (0, "admin is now a manager\n")
    code, listed = cli("users", "list")
    assert code == 0 and "manager" in listed
    assert cli("users", "deactivate", "eve")[0] == 1
