"""Consensus adapters for entity spans, image annotations, rankings and forms, and partial
credit on gold: agreement and near-agreement are sure, splits are not, skill outweighs numbers,
and every verdict is a valid answer of its type."""

from __future__ import annotations

import math

import pytest

from quorum import tasktypes
from quorum.services.consensus import Verdict, gold_score, verdict

NAN = math.nan
SKILLED_VS_TWO = [0.95, 0.6, 0.6]


def decide(type_name: str, params: dict, answers: list[dict], accuracies=None) -> Verdict:
    """The verdict on validated answers, checked to be a valid answer itself."""
    task_type = tasktypes.get(type_name)
    answers = [task_type.validate_response(params, a) for a in answers]
    result = verdict(task_type, params, answers, accuracies or [NAN] * len(answers))
    assert task_type.validate_response(params, result.response) == result.response
    assert 0.0 <= result.confidence <= 1.0
    return result


# --- entity spans ------------------------------------------------------------------------

TEXT = "Ada Lovelace moved to New York City in 1835."
NER = tasktypes.get("namedentityrecognition").validate_params(
    {"text": TEXT, "labels": [{"name": "PER"}, {"name": "LOC"}], "relationships": [{"name": "in"}]}
)


def ner(answers: list[dict], accuracies=None) -> Verdict:
    return decide("namedentityrecognition", NER, answers, accuracies)


def entity(start: int, end: int, label: str, **extra: str) -> dict:
    return {"start": start, "end": end, "label": label, **extra}


PERSON, CITY = entity(0, 12, "PER"), entity(22, 35, "LOC")
NEW_YORK = entity(22, 30, "LOC")  # one token short of CITY


def spans(*marked: dict) -> dict:
    return {"annotations": list(marked)}


def texts(v: Verdict) -> list[tuple[str, str]]:
    return [(s["text"], s["label"]) for s in v.response["annotations"]]


def test_agreeing_spans_are_the_consensus():
    v = ner([spans(PERSON, CITY)] * 3)
    assert texts(v) == [("Ada Lovelace", "PER"), ("New York City", "LOC")]
    assert v.confidence > 0.9


def test_spans_a_token_apart_count_as_agreement():
    near = ner([spans(PERSON, NEW_YORK), spans(PERSON, CITY)])
    assert near.confidence == ner([spans(PERSON, CITY)] * 2).confidence
    majority = ner([spans(NEW_YORK), spans(NEW_YORK), spans(CITY)])
    assert texts(majority) == [("New York", "LOC")]
    assert majority.confidence == ner([spans(CITY)] * 3).confidence


def test_split_spans_are_unsure():
    split = ner([spans(PERSON), spans()])
    assert split.confidence == pytest.approx(0.5)
    assert ner([spans(PERSON)] * 2).confidence > 0.8


def test_a_skilled_annotator_outweighs_two_unskilled_on_spans():
    answers = [spans(PERSON, CITY), spans(PERSON), spans(PERSON)]
    assert [label for _, label in texts(ner(answers, SKILLED_VS_TWO))] == ["PER", "LOC"]
    assert [label for _, label in texts(ner(answers))] == ["PER"]


def test_relationships_most_annotators_drew_are_kept():
    related = {
        "annotations": [entity(0, 12, "PER", id="p"), entity(22, 35, "LOC", id="l")],
        "relationships": [{"source_ref": "p", "target_ref": "l", "name": "in"}],
    }
    v = ner([related, related, spans(PERSON, CITY)])
    person, city = (s["id"] for s in v.response["annotations"])
    assert v.response["relationships"] == [{"source_ref": person, "target_ref": city, "name": "in"}]


def test_nobody_marking_anything_is_agreement_on_nothing():
    v = ner([spans()] * 3)
    assert v.response == {"annotations": []} and v.confidence > 0.9


# --- image annotations -------------------------------------------------------------------

IMAGE_TYPE = tasktypes.get("imageannotation")
IMAGE = IMAGE_TYPE.validate_params(
    {
        "attachment": "https://example.com/street.jpg",
        "geometries": {
            "box": {"objects_to_annotate": ["car", "person"]},
            "polygon": {"objects_to_annotate": ["road"]},
            "line": {"objects_to_annotate": ["lane"]},
            "point": {"objects_to_annotate": ["light"]},
        },
        "annotation_attributes": {"parked": {"choices": ["yes", "no"]}},
    }
)


def image(answers: list[dict], accuracies=None) -> Verdict:
    return decide("imageannotation", IMAGE, answers, accuracies)


def box(left: float, top: float, label: str = "car", parked: str = "no") -> dict:
    return {
        "type": "box", "label": label, "left": left, "top": top, "width": 100, "height": 50,
        "attributes": {"parked": parked},
    }  # fmt: skip


def outline(kind: str, label: str, points: list[tuple[float, float]]) -> dict:
    vertices = [{"x": x, "y": y} for x, y in points]
    return {"type": kind, "label": label, "vertices": vertices, "attributes": {"parked": "no"}}


ROAD = outline("polygon", "road", [(0, 400), (200, 250), (400, 400)])
LANE = outline("line", "lane", [(0, 300), (400, 300)])  # flat: matched by a widened box
LIGHT = {"type": "point", "label": "light", "x": 50, "y": 20, "attributes": {"parked": "no"}}


def drawn(*objects: dict) -> dict:
    return IMAGE_TYPE.validate_response(IMAGE, {"annotations": list(objects)})


def test_agreeing_shapes_are_the_consensus():
    scene = drawn(box(10, 10), ROAD, LANE, LIGHT)
    v = image([scene] * 3)
    assert v.response == scene and v.confidence > 0.9


def test_nobody_drawing_anything_is_agreement_on_nothing():
    v = image([drawn()] * 3)
    assert v.response["annotations"] == [] and v.confidence > 0.9


def test_boxes_at_iou_09_count_as_agreement():
    a = drawn(box(10, 10), LANE)
    b = drawn(box(15, 10), outline("line", "lane", [(0, 303), (400, 303)]))  # IoU 95 / 105
    v = image([a, b])
    fused, lane = v.response["annotations"]
    assert (fused["left"], fused["top"], fused["width"]) == (12.5, 10, 100)
    assert lane["vertices"] in (a["annotations"][1]["vertices"], b["annotations"][1]["vertices"])
    assert v.confidence == image([a, a]).confidence


def test_split_shapes_are_unsure():
    agreed = image([drawn(box(10, 10))] * 2).confidence
    assert image([drawn(box(10, 10)), drawn()]).confidence == pytest.approx(0.5)
    assert image([drawn(box(10, 10)), drawn(box(300, 300))]).confidence < agreed
    assert image([drawn(box(10, 10)), drawn(box(10, 10, "person"))]).confidence < agreed


def test_a_skilled_annotator_outweighs_two_unskilled_on_shapes():
    answers = [drawn(box(10, 10), LIGHT), drawn(box(10, 10)), drawn(box(10, 10))]
    assert len(image(answers, SKILLED_VS_TWO).response["annotations"]) == 2
    assert len(image(answers).response["annotations"]) == 1


def test_attributes_are_voted_by_those_who_drew_the_object():
    v = image(
        [drawn(box(10, 10, parked="yes")), drawn(box(11, 10)), drawn(box(10, 11, parked="yes"))]
    )
    assert v.response["annotations"][0]["attributes"] == {"parked": "yes"}
    assert v.confidence < image([drawn(box(10, 10, parked="yes"))] * 3).confidence


# --- comparisons: rankings and ratings ---------------------------------------------------

RANKING = tasktypes.get("comparison").validate_params(
    {
        "prompt": "Explain tides.",
        "candidates": [{"id": c, "content": f"answer {c}"} for c in "abc"],
        "mode": "ranking",
        "rating_dimensions": [{"name": "helpful", "min": 1, "max": 7}],
    }
)


def ranked(order: str, helpful: tuple[int, int, int] = (6, 4, 2), why: str = "") -> dict:
    ratings = {c: {"helpful": h} for c, h in zip("abc", helpful, strict=True)}
    answer = {"ranking": list(order), "ratings": ratings}
    return {**answer, "justification": why} if why else answer


def test_agreeing_rankings_are_the_consensus_with_mean_ratings():
    v = decide("comparison", RANKING, [ranked("bac", (3, 6, 1)), ranked("bac", (4, 6, 2))] * 2)
    assert v.response["ranking"] == ["b", "a", "c"]
    assert v.response["ratings"] == {"a": {"helpful": 4}, "b": {"helpful": 6}, "c": {"helpful": 2}}
    assert v.confidence > 0.9


def test_rankings_mostly_alike_outvote_the_others():
    orders = ["abc", "abc", "acb", "bac", "cba"]
    v = decide("comparison", RANKING, [ranked(o) for o in orders])
    assert v.response["ranking"] == ["a", "b", "c"]
    unanimous = decide("comparison", RANKING, [ranked("abc")] * 5)
    split = decide("comparison", RANKING, [ranked("abc"), ranked("cba")])
    assert split.confidence == pytest.approx(0.5)
    assert 0.5 < v.confidence < unanimous.confidence


def test_a_skilled_annotator_outweighs_two_unskilled_on_rankings():
    answers = [ranked("abc", why="skilled"), ranked("cba"), ranked("cba")]
    v = decide("comparison", RANKING, answers, SKILLED_VS_TWO)
    assert v.response["ranking"] == ["a", "b", "c"] and v.response["justification"] == "skilled"
    assert decide("comparison", RANKING, answers).response["ranking"] == ["c", "b", "a"]


# --- forms -------------------------------------------------------------------------------


def choices(*values: str) -> list[dict]:
    return [{"label": v.title(), "value": v} for v in values]


FORM = tasktypes.get("textcollection").validate_params(
    {
        "fields": [
            {"type": "text", "field_id": "summary", "title": "Summary"},
            {"type": "number", "field_id": "people", "title": "People", "integer": True},
            {"type": "boolean", "field_id": "safe", "title": "Safe?"},
            {"type": "category", "field_id": "topic", "title": "Topic",
             "choices": choices("news", "sport", "tech")},
            {"type": "category", "field_id": "tags", "title": "Tags",
             "choices": choices("long", "funny", "sad"), "min_choice": 1, "max_choice": 2},
            {"type": "text", "field_id": "note", "title": "Note", "required": False},
        ]
    }
)  # fmt: skip


FIELD_TYPES = {f["field_id"]: f["type"] for f in FORM["fields"]}


def filled(
    summary="a crowd at the match", people=40, safe=True, topic="sport", tags=("long",), note=None
) -> dict:
    values = {
        "summary": [summary], "people": [people], "safe": [safe], "topic": [[topic]],
        "tags": [list(tags)],
    }  # fmt: skip
    if note:
        values["note"] = [note]
    return {
        "annotations": {
            k: {"type": FIELD_TYPES[k], "field_id": k, "response": v} for k, v in values.items()
        }
    }


def responses_of(v: Verdict) -> dict:
    return {k: a["response"] for k, a in v.response["annotations"].items()}


def test_agreeing_forms_are_the_consensus():
    v = decide("textcollection", FORM, [filled()] * 3)
    assert v.response == filled() and v.confidence > 0.9


def test_form_fields_are_aggregated_one_by_one():
    answers = [
        filled("a crowd at the match", 40, tags=("long", "funny")),
        filled("a big crowd at the match", 42, tags=("funny", "long")),
        filled("two teams play", 400, safe=False, topic="news", tags=("sad",), note="blurry"),
    ]
    got = responses_of(decide("textcollection", FORM, answers))
    assert got == {
        "summary": ["a crowd at the match"],  # the most central text
        "people": [42],  # the weighted median, a real answer
        "safe": [True],
        "topic": [["sport"]],
        "tags": [["long", "funny"]],  # per choice, in choice order
    }  # the note only one of three wrote is left out


def test_a_form_is_as_sure_as_its_least_sure_field():
    unanimous = decide("textcollection", FORM, [filled()] * 2)
    one_field_split = decide("textcollection", FORM, [filled(), filled(safe=False)])
    assert one_field_split.confidence == pytest.approx(0.5)
    assert unanimous.confidence > 0.8
    close_numbers = decide("textcollection", FORM, [filled(people=100), filled(people=104)])
    far_numbers = decide("textcollection", FORM, [filled(people=100), filled(people=150)])
    assert close_numbers.confidence == unanimous.confidence > far_numbers.confidence


def test_a_free_text_field_grows_surer_with_answers_close_to_it():
    # summaries a word apart: 0.70, 0.80, 0.87 (one minus the mean distance gave 1.0, 0.83, 0.82)
    summaries = ["a crowd at the match", "a big crowd at the match", "a crowd at a match"]
    sure = [
        decide("textcollection", FORM, [filled(summary) for summary in summaries[:n]]).confidence
        for n in (1, 2, 3)
    ]
    assert sure[0] == pytest.approx(0.7) and sure[0] < sure[1] < sure[2]
    assert sure[2] > 0.8


def test_a_skilled_annotator_outweighs_two_unskilled_on_forms():
    answers = [filled(people=7, topic="tech", safe=False), filled(), filled()]
    got = responses_of(decide("textcollection", FORM, answers, SKILLED_VS_TWO))
    assert got["people"] == [7] and got["topic"] == [["tech"]] and got["safe"] == [False]


def test_the_chosen_count_stays_within_the_field_bounds():
    # no choice has a majority, but the field needs one: the likeliest
    answers = [filled(tags=("long",)), filled(tags=("funny",)), filled(tags=("sad",))]
    got = responses_of(decide("textcollection", FORM, answers, [0.8, 0.7, 0.7]))
    assert got["tags"] == [["long"]]
    # all three have a majority, but two at most are allowed: the likeliest two
    answers = [filled(tags=t) for t in (("long", "funny"), ("funny", "sad"), ("long", "sad"))]
    got = responses_of(decide("textcollection", FORM, answers, [0.7, 0.7, 0.8]))
    assert got["tags"] == [["long", "sad"]]


# --- gold: partial credit ----------------------------------------------------------------


def credit(type_name: str, expected: dict, response: dict) -> float:
    return gold_score(tasktypes.get(type_name), expected, response)


def test_gold_credits_spans_found_and_shapes_matched():
    expected = spans(PERSON, CITY)
    found = spans(PERSON, NEW_YORK)
    assert credit("namedentityrecognition", expected, found) == 1.0  # a token off is found
    assert credit("namedentityrecognition", expected, spans(PERSON)) == pytest.approx(2 / 3)
    assert credit("namedentityrecognition", expected, spans(entity(0, 12, "LOC"))) == 0.0
    scene = drawn(box(10, 10), LIGHT)
    assert credit("imageannotation", scene, drawn(box(15, 10), LIGHT)) == 1.0  # IoU 0.9
    assert credit("imageannotation", scene, drawn(box(10, 10))) == pytest.approx(2 / 3)
    assert credit("imageannotation", scene, drawn(box(10, 10, parked="yes"), LIGHT)) == 0.5


def test_gold_credits_form_fields_rankings_and_transcripts_in_part():
    assert credit("textcollection", filled(), filled()) == 1.0
    assert credit("textcollection", filled(), filled(safe=False)) == pytest.approx(4 / 5)
    assert credit("textcollection", filled(), filled(note="extra")) == pytest.approx(5 / 6)
    ranked = credit("comparison", {"ranking": list("abc")}, {"ranking": list("bac")})
    assert ranked == pytest.approx(2 / 3)
    assert credit("comparison", {"choice": "a"}, {"choice": "a", "justification": "why"}) == 1.0
    heard = {"transcript": "one two three"}
    assert credit("audiotranscription", {"transcript": "one two three four"}, heard) == 0.75
    assert credit("categorization", {"category": "a"}, {"category": "b"}) == 0.0
