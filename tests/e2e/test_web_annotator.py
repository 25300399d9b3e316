"""An annotator logs in and completes one task of every type with the keyboard alone."""

from __future__ import annotations

from sqlalchemy import select

from quorum.db.engine import Database
from quorum.db.models import Annotation, Assignment


def _open(page, project: str, selector: str):
    page.goto(f"/work/{project}")
    page.wait_for_selector(selector)
    page.locator(f"{selector} :focus, {selector}:focus").wait_for()


def _finish(page, name: str):
    page.shot(f"workspace-{name}")
    page.keyboard.press("Enter")
    page.get_by_text("Nothing left for you here").wait_for()


def _answers(db_url: str) -> list[tuple[dict, float | None]]:
    """Every stored answer with the time spent on it."""
    db = Database(db_url, pool_size=1)
    with db.session() as session:
        rows = session.execute(select(Annotation.response, Annotation.time_spent_s)).all()
    db.dispose()
    return [tuple(row) for row in rows]


def test_annotator_completes_every_type_by_keyboard(login, web):
    page = login("ann")
    page.get_by_text("1 task open to you").first.wait_for()
    page.shot("projects")

    _open(page, "feedback", ".categorization")
    page.keyboard.press("i")
    page.get_by_role("dialog").get_by_text("team").wait_for()
    assert page.locator("#instructions script").count() == 0
    page.shot("instructions")
    page.keyboard.press("Escape")
    page.keyboard.press("2")
    _finish(page, "categorization")

    _open(page, "preferences", ".comparison")
    assert page.locator(".candidate img").count() == 0  # raw HTML in a candidate is text
    page.keyboard.press("Tab")  # into Response 1's helpfulness scale
    page.keyboard.press("Space")  # 1
    for _ in range(4):
        page.keyboard.press("ArrowRight")  # to 5
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")  # Response 2's: 2 (arrows pick in a radio group)
    page.keyboard.press("Tab")
    page.keyboard.type("A gives the right distance.")
    page.keyboard.press("Escape")
    page.keyboard.press("1")
    _finish(page, "comparison")

    _open(page, "rubric", ".textcollection")
    page.keyboard.press("Tab")  # the form has the focus, not its first field
    page.keyboard.type("4")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # harmful: yes
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # issues: none
    page.keyboard.press("Tab")
    page.keyboard.type("Short but right.")
    page.shot("workspace-textcollection")
    page.keyboard.press("Control+Enter")
    page.get_by_text("Nothing left for you here").wait_for()

    _open(page, "entities", ".ner")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("1")  # PER: Ada Lovelace
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("2")  # ORG on Babbage, then fixed:
    page.keyboard.press("Delete")
    page.keyboard.press("1")
    _finish(page, "ner")

    _open(page, "voice", ".audio")
    page.keyboard.press("Alt+KeyK")
    page.keyboard.press("t")  # into the transcript
    page.keyboard.type("Set a timer for twelve minutes.")
    page.shot("workspace-audio")
    page.keyboard.press("Control+Enter")
    page.get_by_text("Nothing left for you here").wait_for()

    _open(page, "street", ".imageannotation")
    page.wait_for_selector("svg.surface[viewBox]")
    page.keyboard.press("Space")
    for key in ["Shift+ArrowRight"] * 4 + ["Shift+ArrowDown"] * 2:
        page.keyboard.press(key)
    page.keyboard.press("Space")  # a car box, 100 x 50
    page.keyboard.press("o")
    page.keyboard.press("Space")  # a light point at the crosshair
    page.keyboard.press("[")
    page.keyboard.press("Alt+ArrowRight")  # the box moves 5 px right
    page.keyboard.press("2")  # and becomes a person
    _finish(page, "image")

    page.goto("/stats")
    page.get_by_role("rowheader", name="street").wait_for()
    page.shot("stats")

    answers = _answers(web.db_url)
    got = [response for response, _ in answers]
    assert len(got) == 6
    assert {"category": "Shipping"} in got
    assert {
        "choice": "a",
        "ratings": {"a": {"helpfulness": 5}, "b": {"helpfulness": 2}},
        "justification": "A gives the right distance.",
    } in got
    form = next(r for r in got if "annotations" in r and isinstance(r["annotations"], dict))
    assert {k: v["response"] for k, v in form["annotations"].items()} == {
        "score": [4], "harmful": [True], "issues": [["none"]], "note": ["Short but right."],
    }  # fmt: skip
    spans = [r["annotations"] for r in got if isinstance(r.get("annotations"), list)]
    ner = next(a for a in spans if "start" in a[0])
    assert {(a["start"], a["end"], a["label"]) for a in ner} == {
        (0, 12, "PER"), (17, 24, "PER"), (28, 34, "LOC"),
    }  # fmt: skip
    assert {"transcript": "Set a timer for twelve minutes."} in got
    box, point = next(a for a in spans if "type" in a[0])
    assert (box["type"], box["label"], box["left"], box["width"], box["height"]) == (
        "box", "person", 485, 100, 50,
    )  # fmt: skip
    assert (point["type"], point["label"], point["attributes"]) == (
        "point",
        "light",
        {"occluded": "no"},
    )
    assert all(seconds is not None and seconds > 0 for _, seconds in answers)


def test_annotator_skips_a_task_with_a_reason_by_keyboard(login, web):
    page = login("ann")
    _open(page, "feedback", ".categorization")
    page.keyboard.press("s")
    page.get_by_label("Why?").fill("Offensive content")
    page.shot("skip")
    page.keyboard.press("Enter")
    page.get_by_text("Nothing left for you here").wait_for()

    db = Database(web.db_url, pool_size=1)
    with db.session() as session:
        skipped = session.execute(select(Assignment.status, Assignment.skip_reason)).all()
    db.dispose()
    assert [tuple(row) for row in skipped] == [("skipped", "Offensive content")]
