"""The manager's forms guard their input: a refused field shows its error next to it (named by
aria-describedby, marked aria-invalid) until it is fixed; label inputs only where the type has
labels; labels edited after creation; member removal and role changes confirmed; a failed
upload looks failed. Each state is screenshotted and passes axe with no violations."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from quorum.db.engine import Database
from quorum.services.projects import catalog
from tests.e2e.accessibility import assert_accessible

REFUSED = r"status of 400"  # Chromium's console line for the refusals these tests provoke


def _members(db_url: str, project: str) -> dict[str, str]:
    db = Database(db_url, pool_size=1)
    with db.session() as s:
        found = {m["user"]: m["role"] for m in catalog.list_members(s, project)}
    db.dispose()
    return found


def test_project_form_shows_label_errors_next_to_the_field(login, web):
    page = login("boss")
    page.allow_console_error(REFUSED)
    page.goto("/projects/new")
    page.get_by_label("Task type").select_option("comparison")
    expect(page.get_by_label("Entity labels")).to_have_count(0)
    expect(page.locator("#labels")).to_be_hidden()
    page.get_by_label("Task type").select_option("namedentityrecognition")
    expect(page.get_by_label("Entity labels")).to_be_visible()

    page.get_by_label("Task type").select_option("categorization")
    page.get_by_label("Name").fill("tickets")
    page.get_by_role("button", name="Create project").click()
    categories = page.get_by_label("Categories")
    expect(categories).to_have_attribute("aria-invalid", "true")
    expect(categories).to_have_accessible_description(
        "give at least one category One per line, in the order of their number keys."
    )
    expect(page.locator("#form-error")).to_have_text("Not saved: see the marked fields.")
    expect(categories).to_be_focused()
    page.shot("form-label-error")
    assert_accessible(page)

    categories.fill("Bug")
    expect(categories).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error")).to_have_count(0)
    page.get_by_role("button", name="Create project").click()  # one category is too few
    expect(categories).to_have_accessible_description(
        "List should have at least 2 items after validation, not 1 "
        "One per line, in the order of their number keys."
    )
    categories.fill("Bug\nQuestion")
    page.get_by_label("More params (JSON object, optional)").fill("{oops")
    page.get_by_role("button", name="Create project").click()
    more = page.get_by_label("More params (JSON object, optional)")
    expect(more).to_have_accessible_description("not valid JSON")
    more.fill("")
    page.get_by_role("button", name="Create project").click()
    page.wait_for_url("**/manage/tickets")


def test_a_cross_field_policy_error_shows_next_to_its_input(login, web):
    page = login("boss")
    page.allow_console_error(REFUSED)
    page.goto("/projects/new")
    page.get_by_label("Task type").select_option("categorization")
    page.get_by_label("Name").fill("overlaps")
    page.get_by_label("Categories").fill("Bug\nQuestion")
    page.get_by_label("Answers per task, at least").fill("4")  # above the default at most (3)
    page.get_by_role("button", name="Create project").click()
    most = page.get_by_label("Answers per task, at most")
    expect(most).to_have_attribute("aria-invalid", "true")
    expect(most).to_have_accessible_description(
        "must be at least min_overlap (4) a task whose consensus is unsure gets more answers, "
        "up to this many"
    )
    expect(page.get_by_label("Answers per task, at least")).not_to_have_attribute(
        "aria-invalid", "true"
    )
    expect(page.locator("#form-error")).to_have_text("Not saved: see the marked fields.")
    page.shot("form-policy-error")
    assert_accessible(page)
    most.fill("4")
    expect(most).not_to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Create project").click()
    page.wait_for_url("**/manage/overlaps")


def test_labels_with_structure_are_shown_not_flattened(login, web):
    page = login("boss")
    page.goto("/manage/street")  # box and point each have their own objects to annotate
    panel = page.locator("section", has=page.get_by_role("heading", name="Labels"))
    editor = panel.get_by_label("Objects to annotate")
    expect(editor).to_have_value("car\nperson\nlight")
    expect(editor).not_to_be_editable()
    expect(editor).to_have_accessible_description(
        "Not editable here: box, point each have their own objects to annotate, which one list "
        "would make the same; change params.geometries instead."
    )
    expect(panel.get_by_role("button", name="Save labels")).to_be_hidden()
    page.shot("labels-locked")
    assert_accessible(page)


def test_labels_are_edited_on_the_project_page(login, web):
    page = login("boss")
    page.goto("/manage/feedback")
    panel = page.locator("section", has=page.get_by_role("heading", name="Labels"))
    editor = panel.get_by_label("Categories")
    expect(editor).to_have_value("Defect\nShipping\nPraise")
    expect(editor).to_have_accessible_description(
        re.compile("removed label stays in old answers and exports")
    )
    editor.fill("Defect\nDelivery\nPraise")
    panel.get_by_role("button", name="Save labels").click()
    dialog = page.get_by_role("dialog", name="Remove labels")
    expect(dialog).to_contain_text("Remove Shipping?")
    page.shot("labels-confirm")
    assert_accessible(page)
    dialog.get_by_role("button", name="Cancel").click()
    expect(panel.get_by_role("status")).to_have_text("")
    panel.get_by_role("button", name="Save labels").click()
    dialog.get_by_role("button", name="Save labels").click()
    expect(panel.get_by_role("status")).to_have_text(
        "Saved (params version 1): added Delivery; removed Shipping."
    )
    page.allow_console_error(REFUSED)
    editor.fill("")
    panel.get_by_role("button", name="Save labels").click()
    dialog.get_by_role("button", name="Save labels").click()
    expect(editor).to_have_accessible_description(re.compile("^give at least one category"))
    page.shot("labels-error")
    assert_accessible(page)
    editor.fill("Defect")
    expect(editor).not_to_have_attribute("aria-invalid", "true")
    page.goto("/manage/preferences")  # a comparison has no labels to edit
    page.get_by_role("heading", name="Members").wait_for()
    expect(page.get_by_role("heading", name="Labels")).to_have_count(0)


def test_member_removal_and_role_changes_are_confirmed(login, web):
    page = login("boss")
    page.goto("/manage/feedback")
    members = page.locator("#members")
    role = members.get_by_label("Role of ann")
    expect(role).to_have_value("annotator")
    role.select_option("reviewer")
    dialog = page.get_by_role("dialog", name="Change a role")
    expect(dialog).to_contain_text("ann becomes a reviewer of feedback instead of an annotator.")
    page.shot("member-role-confirm")
    assert_accessible(page)
    dialog.get_by_role("button", name="Cancel").click()
    expect(role).to_have_value("annotator")
    assert _members(web.db_url, "feedback")["ann"] == "annotator"
    role.select_option("reviewer")
    dialog.get_by_role("button", name="Change role").click()
    members.get_by_text("ann · reviewer").wait_for()
    assert _members(web.db_url, "feedback")["ann"] == "reviewer"

    members.get_by_role("button", name="Remove rev").click()
    removal = page.get_by_role("dialog", name="Remove a member")
    expect(removal).to_contain_text("Remove rev (reviewer) from feedback?")
    removal.get_by_role("button", name="Cancel").click()
    assert "rev" in _members(web.db_url, "feedback")
    members.get_by_role("button", name="Remove rev").click()
    removal.get_by_role("button", name="Remove").click()
    expect(members.get_by_role("button", name="Remove rev")).to_have_count(0)
    assert "rev" not in _members(web.db_url, "feedback")
    page.shot("members")


def test_a_failed_upload_looks_failed_and_can_be_retried(login, web, tmp_path):
    page = login("boss")
    page.allow_console_error(REFUSED)
    page.goto("/manage/feedback")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"attachment": "fine"}\n{"attachment": ""}\n')
    page.get_by_label("Task file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    failure = page.locator("#upload-error")
    expect(failure).to_contain_text("Upload of bad.jsonl failed: bad.jsonl, line 2")
    expect(failure).to_have_attribute("role", "alert")
    expect(page.locator("#upload-progress")).to_have_class("failed")
    expect(page.locator("#upload-result")).to_have_text("")
    page.shot("upload-failed")
    assert_accessible(page)
    sent = []
    page.on("request", lambda r: "/tasks/import" in r.url and sent.append(r.url))
    page.get_by_role("button", name="Retry upload").click()  # the same file: refused again
    expect(page.get_by_role("button", name="Retry upload")).to_be_visible()
    expect(failure).to_contain_text("bad.jsonl, line 2")
    assert len(sent) == 1
    fixed = tmp_path / "fixed.jsonl"
    fixed.write_text('{"attachment": "fine"}\n{"attachment": "mended"}\n')
    page.get_by_label("Task file").set_input_files(str(fixed))
    page.get_by_role("button", name="Retry upload").click()
    expect(page.locator("#upload-result")).to_have_text("2 tasks created from fixed.jsonl.")
    expect(failure).to_have_text("")
    expect(page.get_by_role("button", name="Retry upload")).to_be_hidden()
    expect(page.locator("#upload-progress")).not_to_have_class("failed")
