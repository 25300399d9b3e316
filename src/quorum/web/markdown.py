"""Markdown for instructions, prompts and candidate responses, rendered without raw HTML.

CommonMark with tables and strikethrough; HTML in the source is shown as text, and links that
are not http(s), mailto or relative are dropped by markdown-it's link check, so text written by
a requester or a model cannot run script in an annotator's page.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])


def render(source: str) -> str:
    return _md.render(source)
