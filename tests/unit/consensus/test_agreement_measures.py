"""Each task type's dashboard agreement measures, declared by its consensus adapter, on answers
whose agreement is known by hand; and per-annotator agreement with the others."""

from __future__ import annotations

import pytest

from quorum import tasktypes
from quorum.services.consensus import agreement
from quorum.services.consensus.base import Measure, ParsedScore
from quorum.services.consensus.measures import evaluate, pairwise
from quorum.services.consensus.registry import BY_AGGREGATOR


def measures(type_name: str, params: dict, tasks: list[list[tuple[int, dict]]]) -> dict:
    got = agreement(tasktypes.get(type_name), params, tasks)
    return {m["name"]: (m["value"], m["n"]) for m in got["measures"]} | {
        "per_annotator": got["per_annotator"]
    }


def cat(label: str) -> dict:
    return {"category": label}


def test_categories_alpha_and_percent_agreement():
    # Krippendorff's textbook-style case: 2 annotators, 4 tasks, agreeing on 3
    tasks = [[(0, cat(x)), (1, cat(y))] for x, y in ("aa", "bb", "aa", "ab")]
    got = measures("categorization", {"categories": ["a", "b"]}, tasks)
    # coincidences: a-a 4, b-b 2, a-b 1 + b-a 1; n=8, n_a=5, n_b=3: 1 - 7 * 2 / (2 * 15)
    assert got["Krippendorff's alpha"] == (pytest.approx(1 - 7 * 2 / 30, abs=1e-4), 4)
    assert got["Percent agreement"] == (0.75, 4)
    assert got["per_annotator"] == {0: (0.75, 4), 1: (0.75, 4)}


def test_one_answer_per_task_has_no_agreement_to_measure():
    got = measures("categorization", {"categories": ["a", "b"]}, [[(0, cat("a"))], [(1, cat("b"))]])
    assert got["Krippendorff's alpha"] == (None, 0)
    assert got["Percent agreement"] == (None, 0)
    assert got["per_annotator"] == {}
    assert measures("categorization", {"categories": ["a"]}, [])["Percent agreement"] == (None, 0)


def test_everyone_agreeing_on_one_label_leaves_alpha_undefined_but_percent_at_one():
    got = measures("categorization", {"categories": ["a", "b"]}, [[(0, cat("a")), (1, cat("a"))]])
    assert got["Krippendorff's alpha"] == (None, 1)
    assert got["Percent agreement"] == (1.0, 1)


PER = {"start": 0, "end": 3, "label": "PER"}
LOC = {"start": 10, "end": 16, "label": "LOC"}


def test_span_f1_between_annotators():
    tasks = [
        [(0, {"annotations": [PER, LOC]}), (1, {"annotations": [PER]})],  # F1 2*1/3
        [(0, {"annotations": []}), (1, {"annotations": []})],  # both marked nothing: 1
    ]
    got = measures("namedentityrecognition", {"labels": [{"name": "PER"}]}, tasks)
    assert got["Span F1 between annotators"] == (pytest.approx((2 / 3 + 1) / 2, abs=1e-4), 2)


def box(label: str, left: float, width: float = 10.0) -> dict:
    return {"type": "box", "label": label, "left": left, "top": 0, "width": width,
            "height": 10, "attributes": {}}  # fmt: skip


def shapes(*objects: dict) -> dict:
    return {"annotations": list(objects), "links": [], "global_attributes": {}}


def test_shapes_mean_iou_and_object_f1():
    tasks = [
        [(0, shapes(box("car", 0))), (1, shapes(box("car", 5)))],  # IoU 50/150
        [(0, shapes()), (1, shapes())],  # empty shapes on both sides: full agreement
        [(0, shapes(box("car", 0))), (1, shapes(box("person", 0)))],  # labels differ: 0
    ]
    got = measures("imageannotation", {}, tasks)
    assert got["Mean IoU between annotators"] == (pytest.approx((1 / 3 + 1 + 0) / 3, abs=1e-4), 3)
    # IoU 1/3 is below the 0.5 match: the first pair has no object in common either
    assert got["Object F1 between annotators"] == (pytest.approx(1 / 3, abs=1e-4), 3)


def test_transcripts_word_error_rate():
    said = {"transcript": "the cat sat"}
    tasks = [
        [(0, said), (1, {"transcript": "the bat sat"}), (2, said)],  # WERs 1/3, 0, 1/3
        [(0, {"transcript": ""}), (1, {"transcript": ""})],
    ]
    got = agreement(tasktypes.get("audiotranscription"), {}, tasks)
    (wer,) = got["measures"]
    assert (wer["value"], wer["n"], wer["higher_is_better"]) == (
        pytest.approx((2 / 9 + 0) / 2, abs=1e-4), 2, False,
    )  # fmt: skip
    assert got["per_annotator"][2][0] == pytest.approx((1 + 2 / 3) / 2, abs=1e-4)


def test_rankings_kendall_tau_and_pairs_in_order():
    rank = lambda *ids: {"ranking": list(ids)}  # noqa: E731
    tasks = [[(0, rank("a", "b", "c")), (1, rank("a", "c", "b"))], [(0, rank("a", "b", "c")),
             (1, rank("c", "b", "a"))]]  # fmt: skip
    got = measures("comparison", {"mode": "ranking"}, tasks)
    assert got["Kendall's tau between annotators"] == (pytest.approx((1 / 3 - 1) / 2, abs=1e-4), 2)
    assert got["Pairs in the same order"] == (pytest.approx((2 / 3 + 0) / 2, abs=1e-4), 2)


def test_choices_are_measured_like_categories():
    tasks = [[(0, {"choice": "a"}), (1, {"choice": "a"})], [(0, {"choice": "a"}),
             (1, {"choice": "b"})]]  # fmt: skip
    got = measures("comparison", {}, tasks)
    assert got["Percent agreement"] == (0.5, 2)
    assert "Krippendorff's alpha" in got and "Pairs in the same order" not in got


def field(kind: str, field_id: str, *values) -> dict:
    return {field_id: {"type": kind, "field_id": field_id, "response": list(values)}}


def test_forms_per_field_and_whole():
    params = {"fields": [{"type": "number", "field_id": "n", "title": "Count"},
                         {"type": "text", "field_id": "note", "title": "Note"}]}  # fmt: skip
    tasks = [
        [(0, {"annotations": field("number", "n", 100) | field("text", "note", "a b")}),
         (1, {"annotations": field("number", "n", 104) | field("text", "note", "a c")})],
        [(0, {"annotations": field("number", "n", 1)}),
         (1, {"annotations": field("number", "n", 2)})],
    ]  # fmt: skip
    got = measures("textcollection", params, tasks)
    assert got["Field “Count”"] == (0.5, 2)  # within 5%, then not
    assert got["Field “Note”"] == (0.5, 1)  # one word of two; nobody wrote a note on task 2
    assert got["Whole form"] == (pytest.approx(((1 + 0.5) / 2 + 0) / 2, abs=1e-4), 2)


def test_every_aggregator_declares_explained_measures():
    for aggregator, entry in BY_AGGREGATOR.items():
        declared = entry.measures({})
        assert declared, aggregator
        assert all(m.name and len(m.explanation) > 40 for m in declared), aggregator


def test_a_measure_is_a_pair_score_or_a_whole_one():
    with pytest.raises(ValueError, match="either a pair score or a whole one"):
        Measure("nothing", "computes nothing")
    with pytest.raises(ValueError, match="either"):
        Measure("both", "", pair=lambda a, b: 1.0, whole=lambda tasks: (1.0, 0))


def test_scores_sharing_a_parse_parse_each_answer_once():
    """Two pair scores over the same parse (as the shape measures are) and the per-annotator
    agreement by one of them: each answer is parsed once, and each score sees parsed values."""
    parsed: list[int] = []

    def parse(response: dict) -> int:
        parsed.append(response["n"])
        return response["n"]

    same = ParsedScore(parse, lambda a, b: float(a == b))
    close = ParsedScore(parse, lambda a, b: 1 / (1 + abs(a - b)))
    tasks = [[(0, {"n": 1}), (1, {"n": 1}), (2, {"n": 3})], [(0, {"n": 2}), (1, {"n": 4})]]
    values, per = evaluate([pairwise("same", "", same), pairwise("close", "", close)], same, tasks)
    assert sorted(parsed) == [1, 1, 2, 3, 4]
    assert values == [(pytest.approx((1 / 3 + 0) / 2), 2), (pytest.approx((5 / 9 + 1 / 3) / 2), 2)]
    assert per[2] == (0.0, 2) and same({"n": 5}, {"n": 5}) == 1.0
