"""The annotator's workspace keeps its keys out of fields it focused itself, undoes and redoes
edits of images and entities, refuses an entity answer nobody chose (nothing marked, or the same
words under two labels by accident), writes labels on shapes, wraps long text and marks the
chosen category by more than colour; each changed workspace passes the axe rules."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quorum.db.engine import Database
from quorum.db.models import Annotation
from quorum.services.projects import catalog
from quorum.services.tasks import creation
from tests.e2e.accessibility import assert_accessible

LONG = "https://example.com/" + "x" * 600  # one word far wider than the page

NOT_SUBMITTED = "Nothing left for you here"


@pytest.fixture
def wrap(web):
    """Project `long-text`: one categorization task whose text is one unbroken 620-letter word."""
    db = Database(web.db_url, pool_size=1)
    with db.session(write=True) as s:
        catalog.create_project(
            s, "long-text", "categorization", params={"categories": ["Spam", "Fine"]},
            instruction="Is it spam?", policy={"min_overlap": 1, "max_overlap": 1},
        )  # fmt: skip
        catalog.add_member(s, "long-text", "ann", "annotator")
        creation.create_tasks(s, "long-text", [{"attachment": LONG}])
    db.dispose()
    return web


def _answers(db_url: str) -> list[dict]:
    db = Database(db_url, pool_size=1)
    with db.session() as session:
        rows = session.execute(select(Annotation.response)).scalars().all()
    db.dispose()
    return list(rows)


def _open(page, project: str, selector: str) -> None:
    page.goto(f"/work/{project}")
    page.wait_for_selector(selector)
    page.locator(f"{selector} :focus, {selector}:focus").wait_for()


def test_digits_and_letters_never_land_in_a_field_the_page_focused(login):
    page = login("ann")
    _open(page, "preferences", ".comparison")
    page.keyboard.type("2")
    expect(page.locator(".pick")).to_have_text("Preference: Response 2")
    assert page.locator(".scale input:checked").count() == 0
    assert page.locator("#justification").input_value() == ""
    page.keyboard.press("Tab")  # into Response 1's scale: digits still choose the response
    page.keyboard.type("1")
    expect(page.locator(".pick")).to_have_text("Preference: Response 1")
    assert page.locator(".scale input:checked").count() == 0
    page.get_by_role("radio", name="4").first.click()  # a scale is clicked…
    assert page.locator("#rate-0-helpfulness-4").is_checked()
    page.keyboard.press("ArrowRight")  # …and moved along with the arrows
    assert page.locator("#rate-0-helpfulness-5").is_checked()
    page.get_by_label("Justification (required)").click()  # a field the annotator chose: digits
    page.keyboard.type("5 stars")
    assert page.locator("#justification").input_value() == "5 stars"
    assert_accessible(page)
    page.shot("workspace-comparison-scales")

    _open(page, "rubric", ".textcollection")
    page.keyboard.press("i")
    expect(page.locator("#instructions")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("s")
    expect(page.locator("#skip")).to_be_visible()
    page.keyboard.press("Escape")
    assert page.locator("#f-note-0").input_value() == ""
    assert page.locator("#f-score-0").input_value() == ""
    page.get_by_label("Yes").check()  # a form's chosen answer is marked as a category's is
    after = "(l) => getComputedStyle(l, '::after').content"
    assert page.locator("label[for=f-harmful-0-yes]").evaluate(after) == '" ✓"'
    assert page.locator("label[for=f-harmful-0-no]").evaluate(after) == "none"
    assert_accessible(page)


def test_image_edits_undo_and_redo_and_shapes_carry_their_labels(login):
    page = login("ann")
    _open(page, "street", ".imageannotation")
    page.wait_for_selector("svg.surface[viewBox]")
    page.keyboard.press("Space")
    for key in ["Shift+ArrowRight"] * 4 + ["Shift+ArrowDown"] * 2:
        page.keyboard.press(key)
    page.keyboard.press("Space")  # a car box
    page.keyboard.press("o")
    page.keyboard.press("Space")  # a light point
    page.keyboard.press("[")
    page.keyboard.press("2")  # the box becomes a person
    tags = page.locator("svg.surface text.tag")
    expect(tags).to_have_text(["1 person", "2 light"])
    point = page.locator("svg.surface circle.shape").bounding_box()
    assert point["width"] >= 14 and point["height"] >= 14  # radius 7 px on screen
    page.shot("workspace-image-labels")
    assert_accessible(page)

    page.keyboard.press("Control+z")  # the relabel
    expect(tags).to_have_text(["1 car", "2 light"])
    page.keyboard.press("Control+z")  # the point
    page.keyboard.press("Control+z")  # the box
    expect(tags).to_have_count(0)
    page.keyboard.press("Control+Shift+z")
    expect(tags).to_have_text(["1 car"])
    page.keyboard.press("Control+y")
    page.keyboard.press("Control+y")
    expect(tags).to_have_text(["1 person", "2 light"])
    page.keyboard.press("Control+y")  # nothing left to redo
    expect(tags).to_have_text(["1 person", "2 light"])
    page.keyboard.press("Delete")  # the person, selected again with its relabel; then undone
    expect(tags).to_have_text(["1 light"])
    page.keyboard.press("Control+z")
    expect(tags).to_have_text(["1 person", "2 light"])
    page.keyboard.press("Enter")
    page.get_by_text(NOT_SUBMITTED).wait_for()


def test_entity_edits_undo_and_redo(login, web):
    page = login("ann")
    _open(page, "entities", ".ner")
    entities = page.locator(".spans li")
    expect(entities).to_have_count(1)  # LOC London, the pre-label
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("1")  # PER Ada Lovelace
    expect(entities).to_have_count(2)
    page.keyboard.press("Control+z")
    expect(entities).to_have_count(1)
    expect(entities.first).to_contain_text("LOC “London”")
    page.keyboard.press("Control+Shift+z")
    expect(entities).to_have_count(2)
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+y")
    expect(entities.first).to_contain_text("PER “Ada Lovelace”")
    page.keyboard.press("Enter")
    page.get_by_text(NOT_SUBMITTED).wait_for()
    (answer,) = _answers(web.db_url)
    assert {(a["start"], a["end"], a["label"]) for a in answer["annotations"]} == {
        (0, 12, "PER"), (28, 34, "LOC"),
    }  # fmt: skip


def test_enter_on_an_entity_task_with_nothing_marked_does_not_submit(login, web):
    page = login("ann")
    _open(page, "entities", ".ner")
    page.locator(".spans").get_by_role("button", name="Remove LOC London").click()
    expect(page.locator(".spans li")).to_have_text(["None yet."])
    page.keyboard.press("Enter")
    expect(page.locator("#task-error")).to_have_text(
        "Mark the entities, or tick “No entities” (n) if the text has none."
    )
    page.shot("workspace-ner-nothing-marked")
    assert _answers(web.db_url) == []
    page.keyboard.press("n")
    expect(page.get_by_label("No entities in this text")).to_be_checked()
    page.keyboard.press("Enter")
    page.get_by_text(NOT_SUBMITTED).wait_for()
    assert _answers(web.db_url) == [{"annotations": []}]


def test_the_same_words_under_two_labels_are_flagged_and_block_submit(login, web):
    page = login("ann")
    _open(page, "entities", ".ner")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("1")  # PER Ada Lovelace
    page.keyboard.press("Shift+ArrowLeft")  # the same two words again
    page.keyboard.press("2")  # ORG too
    flagged = page.locator(".spans li.duplicate")
    expect(flagged).to_have_count(2)
    expect(flagged.first).to_contain_text("Same words under another label")
    assert page.locator(".ner-text .tok.duplicate").count() == 2
    page.shot("workspace-ner-duplicate")
    assert_accessible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#task-error")).to_contain_text("marked under two labels")
    assert _answers(web.db_url) == []
    page.get_by_role("button", name="Keep both").click()
    expect(flagged).to_have_count(0)
    page.locator(".ner-text").focus()
    page.keyboard.press("Enter")
    page.get_by_text(NOT_SUBMITTED).wait_for()
    (answer,) = _answers(web.db_url)
    assert sorted(a["label"] for a in answer["annotations"] if a["end"] == 12) == ["ORG", "PER"]


def test_long_words_wrap_and_the_chosen_category_is_marked_without_colour(login, wrap):
    page = login("ann")
    _open(page, "long-text", ".categorization")
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.keyboard.press("2")
    chosen = page.locator(".choice label", has_text="Fine")
    assert chosen.evaluate("(l) => getComputedStyle(l).fontWeight") == "700"
    assert chosen.evaluate("(l) => getComputedStyle(l, '::after').content") == '" ✓"'
    other = page.locator(".choice label", has_text="Spam")
    assert other.evaluate("(l) => getComputedStyle(l, '::after').content") == "none"
    page.shot("workspace-category-chosen")
    assert_accessible(page)
