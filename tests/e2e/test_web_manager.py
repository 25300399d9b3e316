"""A manager creates a project, uploads its tasks with progress shown, watches the dashboard
follow the annotators' answers (sent through the native API), and blocks an annotator."""

from __future__ import annotations

import json

import httpx
from playwright.sync_api import expect

from quorum.db.engine import Database
from quorum.services.accounts import users
from quorum.services.projects import catalog
from quorum.services.projects.policy import QualityPolicy
from quorum.services.tasks import batches, creation

TASKS = 300


def _annotator_key(db_url: str) -> str:
    db = Database(db_url, pool_size=1)
    with db.session(write=True) as s:
        key = users.create_api_key(s, "ann")
    db.dispose()
    return key


def _answer(url: str, key: str, project: str, count: int) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=url, headers=headers) as client:
        for i in range(count):
            claim = client.post(f"/api/projects/{project}/next").json()
            label = "Bug" if i % 3 else "Question"
            done = client.post(
                f"/api/assignments/{claim['assignment_id']}/submit",
                json={"response": {"category": label}, "time_spent_s": 4.0},
            )
            assert done.status_code == 200, done.text


def test_manager_creates_uploads_watches_and_blocks(login, web, tmp_path):
    page = login("boss")
    page.get_by_role("link", name="Manage").click()
    page.get_by_role("link", name="feedback").wait_for()
    page.shot("manage")

    page.get_by_role("link", name="New project").click()
    page.get_by_label("Name").fill("intake")
    page.get_by_label("Task type").select_option("categorization")
    page.get_by_label("Categories").fill("Bug\nQuestion\nOther")
    page.get_by_label("Instructions for annotators").fill("Sort each **ticket**.")
    page.get_by_label("Answers per task, at least").fill("1")
    page.get_by_label("Answers per task, at most").fill("1")
    page.shot("new-project")
    page.get_by_role("button", name="Create project").click()
    page.wait_for_url("**/manage/intake")

    page.get_by_label("User", exact=True).fill("ann")
    page.get_by_role("button", name="Add").click()
    page.locator("#members").get_by_text("ann · annotator").wait_for()

    upload = tmp_path / "tickets.jsonl"
    upload.write_text(
        "".join(json.dumps({"attachment": f"ticket {i}"}) + "\n" for i in range(TASKS))
    )
    page.get_by_label("Task file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload").click()
    page.get_by_text(f"{TASKS} tasks created from tickets.jsonl.").wait_for()
    progress = page.locator("#upload-progress")
    assert progress.evaluate("p => p.value > 0 && p.value === p.max")
    tasks_tile = page.locator(".tile", has_text="Tasks")
    expect(tasks_tile.first).to_contain_text(str(TASKS))

    _answer(web.url, _annotator_key(web.db_url), "intake", 6)
    page.get_by_role("button", name="Refresh").click()
    expect(page.locator(".tile", has_text="Completed")).to_contain_text("6 (2%)")
    row = page.locator("#annotators tbody tr", has_text="ann")
    expect(row.locator("td").first).to_have_text("6")
    assert page.locator("table.confusion").count() == 1
    assert page.locator("svg.chart rect").count() > 0
    page.shot("dashboard")

    page.get_by_role("button", name="Block ann").click()
    page.get_by_role("button", name="Unblock ann").wait_for()
    with httpx.Client(base_url=web.url, headers={}) as client:
        ann = {"Authorization": f"Bearer {_annotator_key(web.db_url)}"}
        assert client.post("/api/projects/intake/next", headers=ann).status_code == 403


def _stored_policy(db_url: str, project: str) -> dict:
    db = Database(db_url, pool_size=1)
    with db.session() as s:
        policy = catalog.get_project(s, project).policy
    db.dispose()
    return policy


def test_policy_form_is_drawn_from_the_model(login, web):
    """Both policy forms show every field of the model, labelled by its title, explained by its
    description, with its limits and default; a new project created as shown stores the
    defaults, and the settings save changed values (stage_batches among them, a field the
    hand-written form lacked)."""
    fields = QualityPolicy.model_json_schema()["properties"]
    page = login("boss")
    page.goto(f"{web.url}/projects/new")
    assert page.locator("fieldset.policy input").count() == len(fields)
    for field in fields.values():
        control = page.get_by_label(field["title"], exact=True)
        expect(control).to_have_accessible_description(field["description"])
        if field["type"] == "boolean":
            assert control.is_checked() is field["default"]
            continue
        assert float(control.input_value()) == field["default"]
        low = field.get("minimum", field.get("exclusiveMinimum"))
        assert float(control.get_attribute("min")) == low
        if "maximum" in field:
            assert float(control.get_attribute("max")) == field["maximum"]
    page.get_by_label("Name").fill("defaults")
    page.get_by_label("Categories").fill("a\nb")
    page.get_by_role("button", name="Create project").click()
    page.wait_for_url("**/manage/defaults")
    assert _stored_policy(web.db_url, "defaults") == QualityPolicy().model_dump()

    page.goto(f"{web.url}/manage/feedback")
    settings = page.locator("section", has=page.get_by_role("heading", name="Settings"))
    expect(settings.get_by_label("Answers per task, at most")).to_have_value("1")
    settings.get_by_label("Stage new batches").check()
    settings.get_by_label("Qualification pass mark").fill("0.85")
    settings.get_by_role("button", name="Save settings").click()
    expect(settings.get_by_role("status")).to_have_text("Saved.")
    expected = {
        **QualityPolicy().model_dump(),
        "min_overlap": 1,
        "max_overlap": 1,
        "stage_batches": True,
        "qualification_pass": 0.85,
    }
    assert _stored_policy(web.db_url, "feedback") == expected
    page.reload()
    settings.get_by_label("Stage new batches").wait_for()
    expect(settings.get_by_label("Stage new batches")).to_be_checked()
    expect(settings.get_by_label("Qualification pass mark")).to_have_value("0.85")
    page.shot("policy-settings")


def test_manager_groups_members_and_routes_a_batch_to_them(login, web):
    """On the project's page: a group of members, a batch routed to it, and only the group's
    members are served that batch (native annotator API)."""
    db = Database(web.db_url, pool_size=1)
    with db.session(write=True) as s:
        users.create_user(s, "ann2", "annotator")
        catalog.add_member(s, "feedback", "ann2", "annotator")
        batches.create_batch(s, "feedback", "tricky")
        creation.create_tasks(s, "feedback", [{"attachment": "hard one"}], batch="tricky")
        keys = {name: users.create_api_key(s, name) for name in ("ann", "ann2")}
    db.dispose()
    page = login("boss")
    page.goto(f"{web.url}/manage/feedback")
    page.get_by_text("No groups: every member is served every batch.").wait_for()
    page.get_by_label("Group", exact=True).fill("experts")
    page.get_by_label("Members (comma-separated)").fill("ann2")
    page.get_by_role("button", name="Create group").click()
    group = page.locator('[data-group="experts"]')
    expect(group).to_contain_text("Members: ann2")
    group.get_by_label("Add a member to experts").fill("ann")
    group.get_by_role("button", name="Add").click()
    page.get_by_role("button", name="Remove ann from experts").wait_for()
    group.get_by_label("Serve a batch only to experts").fill("tricky")
    group.get_by_role("button", name="Route").click()
    expect(group).to_contain_text("Batches: tricky")
    remove = page.get_by_role("button", name="Remove ann from experts")
    remove.click()  # confirmed first, saying what it does
    dialog = page.get_by_role("dialog", name="Remove from a group")
    expect(dialog).to_contain_text(
        "Remove ann from experts? The batches routed to it (tricky) are no longer served to ann"
    )
    expect(dialog).to_contain_text("ann stays a member of the project")
    page.shot("group-member-confirm")
    dialog.get_by_role("button", name="Cancel").click()
    expect(remove).to_be_focused()
    expect(remove).to_be_visible()  # still in the group
    remove.click()
    dialog.get_by_role("button", name="Remove").click()
    expect(remove).to_have_count(0)
    expect(group.get_by_role("button", name="Remove ann2 from experts")).to_be_visible()
    page.shot("groups")

    def next_for(name: str) -> str | None:
        headers = {"Authorization": f"Bearer {keys[name]}"}
        claimed = httpx.post(f"{web.url}/api/projects/feedback/next", headers=headers)
        return None if claimed.status_code == 204 else claimed.json()["params"]["attachment"]

    # ann is outside the group: the project's own task, never the routed batch's.
    assert next_for("ann") == "The lid broke after two days."
    assert next_for("ann") is None
    assert next_for("ann2") == "hard one"

    page.get_by_role("button", name="Delete group experts").click()
    page.get_by_text("No groups: every member is served every batch.").wait_for()
