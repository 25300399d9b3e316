"""The contract of a browser task-type module (static/js/types/contract.js): every shipped module
meets it, the check names each member a module lacks, and the workspace and the review page
report a broken module when they load it instead of failing in the middle of a task."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from quorum import tasktypes

# The check run in the page on each shipped module, and on made-up modules and views; the
# message of each refusal, or null.
CHECK = """async (names) => {
  const { taskType } = await import("/static/js/types/index.js");
  const { checked } = await import("/static/js/types/contract.js");
  const fault = (make) => { try { make(); return null; } catch (e) { return e.message; } };
  const el = document.createElement("div");
  const view = { el, shortcuts: [["1", "one"]], response: () => ({}) };
  const made = (create) => checked("made", { create, summary: String });
  return {
    shipped: Object.fromEntries(names.map((name) => [name, fault(() => taskType(name))])),
    module: fault(() => checked("made", { create: () => view, preload: "soon" })),
    complete: fault(() => made(() => view).create({}, {})),
    view: fault(() => made(() => ({ el })).create({}, {})),
  };
}"""

# A categorization module that exports its editor but not its summary of answers.
BROKEN = "export function create() { return null; }"


@pytest.fixture
def reviewer(db_url, request):
    """A reviewer's page; on SQLite only, since the contract is the browser's alone."""
    if db_url.startswith("postgresql"):
        pytest.skip("the browser's module contract does not depend on the database")
    return request.getfixturevalue("login")("rev")


def test_shipped_modules_meet_the_contract_and_the_check_names_what_is_missing(reviewer):
    names = tasktypes.names()  # every type the server knows has a module in the browser
    assert "imageannotation" in names
    found = reviewer.evaluate(CHECK, names)
    assert found["shipped"] == dict.fromkeys(names)
    assert found["module"] == (
        "The workspace of task type made breaks its contract: "
        "summary(response, params) is missing; preload(params) is not a function."
    )
    assert found["view"] == (
        "The workspace of task type made breaks its contract: create(params, ctx) returned a "
        "view whose shortcuts is missing; response() is missing."
    )
    assert found["complete"] is None


@pytest.mark.parametrize(
    ("path", "failure"),
    [("/work/feedback", "Could not load a task."),
     ("/review/feedback", "Could not load the review queue.")],
)  # fmt: skip
def test_a_page_reports_a_broken_module_when_it_loads_it(reviewer, path, failure):
    reviewer.route(
        "**/static/js/types/categorization.js",
        lambda route: route.fulfill(body=BROKEN, content_type="text/javascript"),
    )
    reviewer.goto(path)
    expect(reviewer.get_by_role("alert")).to_have_text(
        "The workspace of task type categorization breaks its contract: "
        "summary(response, params) is missing."
    )
    expect(reviewer.locator("#status")).to_have_text(failure)
