"""Training data for language models, as JSON Lines in the conversational shape TRL reads.

`preference` (comparison projects): one row per preferred pair, `prompt` (the chat so far),
`chosen` and `rejected` (each one assistant message), as `DPOTrainer` and `RewardTrainer` take
them, plus `margin`, `tie`, `chosen_id`, `rejected_id`, `task_id` and `confidence`. A choice
gives the winner against each other candidate; a ranking every ordered pair; a tie every pair
with `tie: true` and margin 0 (filter them out before DPO). The margin is the difference of
the two candidates' mean ratings when the label has ratings, else the distance of their ranks
(1 for a choice).

`sft` (comparison, textcollection): one row per task, `messages` as `SFTTrainer` takes them. A
comparison gives the prompt and its best candidate. A form's text attachments open the chat as
the user's turn, and its text fields' answers follow in form order, turns alternating (the
first answer is the user's when there is no text attachment); a trailing user turn is dropped,
and a task without an assistant turn is left out. Other field types stay in the `hf` export.

Tasks without a label are left out of both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import combinations
from typing import Any

from quorum.formats import exported
from quorum.formats.exporters import ExportContext, jsonl

Message = dict[str, str]
TIE = "tie"


def _prompt(prompt: str | list[Message]) -> list[Message]:
    return [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt


def _assistant(content: str) -> list[Message]:
    return [{"role": "assistant", "content": content}]


def _pairs(params: dict[str, Any], label: dict[str, Any]) -> Iterator[tuple[str, str, bool, float]]:
    """(chosen id, rejected id, tie, margin) of each pair a comparison label prefers."""
    ids = [c["id"] for c in params["candidates"]]
    ratings = label.get("ratings") or {}

    def mean(cid: str) -> float:
        given = ratings.get(cid) or {}
        return sum(given.values()) / len(given) if given else 0.0

    def margin(better: str, worse: str, distance: int) -> float:
        return mean(better) - mean(worse) if ratings else float(distance)

    if label.get("ranking"):
        ranking = label["ranking"]
        for (i, better), (j, worse) in combinations(enumerate(ranking), 2):
            yield better, worse, False, margin(better, worse, j - i)
    elif label.get("choice") == TIE:
        for a, b in combinations(ids, 2):
            yield a, b, True, 0.0
    elif label.get("choice"):
        for other in ids:
            if other != label["choice"]:
                yield label["choice"], other, False, margin(label["choice"], other, 1)


def preference(tasks: Iterable[dict[str, Any]], ctx: ExportContext) -> Iterator[bytes]:
    def rows() -> Iterator[dict[str, Any]]:
        for task, params, label in exported.labelled(tasks):
            content = {c["id"]: c["content"] for c in params["candidates"]}
            prompt = _prompt(params["prompt"])
            for chosen, rejected, tie, margin in _pairs(params, label):
                yield {
                    "prompt": prompt,
                    "chosen": _assistant(content[chosen]),
                    "rejected": _assistant(content[rejected]),
                    "margin": margin,
                    "tie": tie,
                    "chosen_id": chosen,
                    "rejected_id": rejected,
                    "task_id": task["task_id"],
                    "confidence": task.get("confidence"),
                }

    return jsonl(rows(), ctx)


def _comparison_chat(params: dict[str, Any], label: dict[str, Any]) -> list[Message] | None:
    best = (label.get("ranking") or [label.get("choice")])[0]
    content = {c["id"]: c["content"] for c in params["candidates"]}
    if best not in content:  # a tie has no best candidate
        return None
    return _prompt(params["prompt"]) + _assistant(content[best])


def _form_chat(params: dict[str, Any], label: dict[str, Any]) -> list[Message] | None:
    turns = [a["content"] for a in params.get("attachments") or () if a["type"] == "text"]
    opened = bool(turns)
    if opened:
        turns = ["\n\n".join(turns)]
    answers = label.get("annotations") or {}
    for field in params["fields"]:
        answer = answers.get(field["field_id"])
        if field["type"] == "text" and answer and answer["response"]:
            turns.append(answer["response"][0])
    roles = ("user", "assistant")
    messages = [{"role": roles[i % 2], "content": text} for i, text in enumerate(turns)]
    if messages and messages[-1]["role"] == "user":
        messages.pop()
    return messages or None


_CHATS: dict[str, Callable[[dict[str, Any], dict[str, Any]], list[Message] | None]] = {
    "comparison": _comparison_chat,
    "textcollection": _form_chat,
}


def sft(tasks: Iterable[dict[str, Any]], ctx: ExportContext) -> Iterator[bytes]:
    chat = _CHATS[ctx.task_type]

    def rows() -> Iterator[dict[str, Any]]:
        for task, params, label in exported.labelled(tasks):
            messages = chat(params, label)
            if messages:
                yield {
                    "messages": messages,
                    "task_id": task["task_id"],
                    "confidence": task.get("confidence"),
                }

    return jsonl(rows(), ctx)
