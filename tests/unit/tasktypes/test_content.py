"""What each task type says a task shows (`TaskType.content`): the texts an import cleans and
compares, the media it checks. It reads params not yet validated, so wrong types are skipped."""

from __future__ import annotations

import pytest

from quorum import tasktypes
from quorum.tasktypes.base import Content


def _content(name: str, params: dict) -> list[Content]:
    return tasktypes.get(name).content(params)


def test_each_type_names_its_texts_and_media():
    assert _content("categorization", {"attachment": "a review"}) == [
        Content(("attachment",), "text", "a review")
    ]
    assert _content("categorization", {"attachment_type": "image", "attachment": "/i.png"}) == [
        Content(("attachment",), "image", "/i.png")
    ]
    assert _content("imageannotation", {"attachment": "/i.png"}) == [
        Content(("attachment",), "image", "/i.png")
    ]
    assert _content("audiotranscription", {"attachment": "/a.wav"}) == [
        Content(("attachment",), "audio", "/a.wav")
    ]
    assert _content("namedentityrecognition", {"text": "Ada"}) == [
        Content(("text",), "text", "Ada", anchored=True)
    ]
    chat = {
        "prompt": [{"role": "user", "content": "hi"}, {"role": "assistant"}],
        "candidates": [{"id": "a", "content": "one"}, "junk"],
    }
    assert _content("comparison", chat) == [
        Content(("prompt", 0, "content"), "text", "hi"),
        Content(("candidates", 0, "content"), "text", "one"),
    ]
    assert _content("comparison", {"prompt": "p"}) == [Content(("prompt",), "text", "p")]
    form = {"attachments": [{"type": "text", "content": "t"}, {"type": "image", "content": "/i"}]}
    assert _content("textcollection", form) == [
        Content(("attachments", 0, "content"), "text", "t"),
        Content(("attachments", 1, "content"), "image", "/i"),
    ]


@pytest.mark.parametrize("name", tasktypes.names())
def test_values_of_the_wrong_type_are_skipped(name):
    junk = {"attachment": 3, "attachment_type": [], "text": {}, "prompt": 1, "candidates": "x",
            "attachments": {"a": 1}}  # fmt: skip
    assert _content(name, junk) == []
