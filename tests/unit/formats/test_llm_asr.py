"""Preference pairs, SFT chats and ASR manifests, loaded with `datasets` as TRL and ASR
trainers load them."""

from __future__ import annotations

import datasets
import orjson

from quorum.formats import asr, llm
from quorum.formats.exporters import ExportContext

from .exported_tasks import task

MESSAGE = {"role": datasets.Value("string"), "content": datasets.Value("string")}
CANDIDATES = [{"id": c, "content": f"answer {c}"} for c in "abc"]


def _load(tmp_path, name: str, data: bytes) -> datasets.Dataset:
    path = tmp_path / f"{name}.jsonl"
    path.write_bytes(data)
    return datasets.load_dataset(
        "json", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache")
    )


def _messages_feature(feature) -> dict:
    """A list-of-messages feature's item, whichever way this datasets version spells lists."""
    return getattr(feature, "feature", feature[0] if isinstance(feature, list) else feature)


def test_preference_pairs_have_trl_columns(tmp_path):
    chat = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi?"}]
    tasks = [
        task(0, {"prompt": "Hi?", "candidates": CANDIDATES}, {"choice": "b"}),
        task(1, {"prompt": chat, "candidates": CANDIDATES[:2], "allow_tie": True},
             {"choice": "tie"}),
        task(2, {"prompt": "Rank", "candidates": CANDIDATES, "mode": "ranking"},
             {"ranking": ["c", "a", "b"]}),
        task(3, {"prompt": "Rate", "candidates": CANDIDATES[:2]},
             {"choice": "a", "ratings": {"a": {"x": 6}, "b": {"x": 2}}}),
        task(4, {"prompt": "unlabelled", "candidates": CANDIDATES[:2]}),
    ]  # fmt: skip
    ds = _load(tmp_path, "pref", b"".join(llm.preference(tasks, ExportContext("p", "comparison"))))
    for column in ("prompt", "chosen", "rejected"):
        assert _messages_feature(ds.features[column]) == MESSAGE
    assert ds.features["margin"] == datasets.Value("float64")
    assert ds.features["tie"] == datasets.Value("bool")
    pairs = [(r["task_id"], r["chosen_id"], r["rejected_id"], r["margin"], r["tie"]) for r in ds]
    assert pairs == [
        ("task_0", "b", "a", 1.0, False),
        ("task_0", "b", "c", 1.0, False),
        ("task_1", "a", "b", 0.0, True),
        ("task_2", "c", "a", 1.0, False),
        ("task_2", "c", "b", 2.0, False),
        ("task_2", "a", "b", 1.0, False),
        ("task_3", "a", "b", 4.0, False),
    ]
    assert ds[0]["prompt"] == [{"role": "user", "content": "Hi?"}]
    assert ds[0]["chosen"] == [{"role": "assistant", "content": "answer b"}]
    assert ds[2]["prompt"] == chat and ds[0]["confidence"] == 0.9


def test_sft_conversations_from_comparisons_and_forms(tmp_path):
    comparisons = [
        task(0, {"prompt": "Hi?", "candidates": CANDIDATES}, {"choice": "c"}),
        task(1, {"prompt": "Hi?", "candidates": CANDIDATES, "allow_tie": True}, {"choice": "tie"}),
        task(2, {"prompt": "Rank", "candidates": CANDIDATES, "mode": "ranking"},
             {"ranking": ["b", "a", "c"]}),
    ]  # fmt: skip
    data = b"".join(llm.sft(comparisons, ExportContext("p", "comparison")))
    ds = _load(tmp_path, "sft_cmp", data)
    assert _messages_feature(ds.features["messages"]) == MESSAGE
    assert ds["messages"] == [
        [{"role": "user", "content": "Hi?"}, {"role": "assistant", "content": "answer c"}],
        [{"role": "user", "content": "Rank"}, {"role": "assistant", "content": "answer b"}],
    ]

    def answer(fid: str, value) -> dict:
        return {"type": "text", "field_id": fid, "response": [value]}

    fields = [
        {"type": "text", "field_id": "prompt", "title": "Prompt"},
        {"type": "number", "field_id": "score", "title": "Score"},
        {"type": "text", "field_id": "reply", "title": "Reply"},
    ]
    written = {"prompt": answer("prompt", "Tell a joke"), "reply": answer("reply", "Knock knock")}
    summary = {"fields": fields[2:], "attachments": [{"type": "text", "content": "Long text."}]}
    forms = [
        task(0, {"fields": fields}, {"annotations": written}),
        task(1, summary, {"annotations": {"reply": answer("reply", "Short.")}}),
        task(2, {"fields": fields[:1]}, {"annotations": {"prompt": answer("prompt", "alone")}}),
    ]
    ds = _load(tmp_path, "sft_form", b"".join(llm.sft(forms, ExportContext("p", "textcollection"))))
    assert ds["messages"] == [
        [
            {"role": "user", "content": "Tell a joke"},
            {"role": "assistant", "content": "Knock knock"},
        ],
        [{"role": "user", "content": "Long text."}, {"role": "assistant", "content": "Short."}],
    ]
    assert ds["task_id"] == ["task_0", "task_1"]


def test_asr_manifest_parses_back():
    segments = [
        {"start": 0.0, "end": 1.5, "text": "hello"},
        {"start": 1.5, "end": 2.25, "text": "you"},
    ]
    tasks = [
        task(0, {"attachment": "https://x.test/a.wav", "duration": 3.0, "language": "en"},
             {"transcript": "hello you"}),
        task(1, {"attachment": "/data/b.flac"}, {"transcript": "hello you", "segments": segments}),
        task(2, {"attachment": "/data/c.flac"}),
    ]  # fmt: skip
    rows = [
        orjson.loads(line)
        for line in b"".join(asr.encode(tasks, ExportContext("p", "a"))).splitlines()
    ]
    assert [(r["audio_filepath"], r["duration"], r["text"]) for r in rows] == [
        ("https://x.test/a.wav", 3.0, "hello you"),
        ("/data/b.flac", 2.25, "hello you"),
    ]
    assert rows[0]["language"] == "en" and rows[1]["segments"] == segments
