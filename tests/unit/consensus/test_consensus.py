"""Consensus verdicts per task type, on the answers of one task."""

from __future__ import annotations

import dataclasses
import math

import pytest

from quorum import tasktypes
from quorum.services.consensus import gold_score, verdict
from quorum.services.consensus.registry import BY_AGGREGATOR, covering
from quorum.tasktypes import Aggregator

NAN = math.nan


def test_categorical_single_and_multiple():
    cat = tasktypes.get("categorization")
    params = {"categories": ["cat", "dog", "bird"]}
    v = verdict(cat, params, [{"category": "dog"}] * 3, [NAN] * 3)
    assert v.response == {"category": "dog"} and v.confidence > 0.9
    split = verdict(cat, params, [{"category": "dog"}, {"category": "cat"}], [0.9, 0.6])
    assert split.response == {"category": "dog"} and split.confidence < 0.9
    multi = {"categories": ["a", "b", "c"], "allow_multiple": True}
    answers = [{"category": ["a", "b"]}, {"category": ["a"]}, {"category": ["a", "b"]}]
    assert verdict(cat, multi, answers, [NAN] * 3).response == {"category": ["a", "b"]}


def test_below_chance_skill_is_no_information():
    cat = tasktypes.get("categorization")
    params = {"categories": ["cat", "dog"]}
    v = verdict(cat, params, [{"category": "dog"}, {"category": "cat"}], [0.1, NAN])
    assert v.response == {"category": "cat"}  # the low estimate does not vote for "cat"


def test_comparison_choice_keeps_the_winning_answer():
    comparison = tasktypes.get("comparison")
    params = {"candidates": [{"id": "m1"}, {"id": "m2"}]}
    answers = [
        {"choice": "m2", "justification": "more accurate"},
        {"choice": "m1", "justification": "shorter"},
        {"choice": "m2", "justification": "correct facts"},
    ]
    v = verdict(comparison, params, answers, [NAN] * 3)
    assert v.response == answers[0] and 0.5 < v.confidence < 1


def test_transcripts_take_the_most_central_answer():
    audio = tasktypes.get("audiotranscription")
    answers = [
        {"transcript": "turn left at the lights"},
        {"transcript": "turn left at the light"},
        {"transcript": "turn left at the lights"},
    ]
    v = verdict(audio, {}, answers, [NAN] * 3)
    assert v.response == {"transcript": "turn left at the lights"}
    # the near miss agrees on four words in five: more sure than two answers, less than three
    agreeing = [verdict(audio, {}, answers[:1] * n, [NAN] * n).confidence for n in (2, 3)]
    assert agreeing[0] < v.confidence < agreeing[1]


def test_transcript_confidence_grows_with_agreement_and_skill():
    audio = tasktypes.get("audiotranscription")
    said, other = {"transcript": "turn left at the lights"}, {"transcript": "go straight on"}

    def confidence(answers: list[dict], accuracies: list[float]) -> float:
        return verdict(audio, {}, answers, accuracies).confidence

    # one answer is as sure as its annotator: it cannot complete a task at a higher target
    assert confidence([said], [NAN]) == pytest.approx(0.7)
    assert confidence([said], [0.9]) == pytest.approx(0.9)
    assert confidence([said] * 2, [NAN] * 2) == pytest.approx(0.845, abs=0.001)
    assert confidence([said] * 3, [NAN] * 3) == pytest.approx(0.927, abs=0.001)
    assert confidence([said, other], [NAN] * 2) == pytest.approx(0.5)  # nothing in common
    assert confidence([said, other], [0.9, NAN]) > 0.7


def test_a_type_naming_an_unknown_aggregator_is_refused_not_voted_as_a_whole():
    ner = tasktypes.get("namedentityrecognition")
    with pytest.raises(ValueError, match="'spanz'") as info:
        dataclasses.replace(ner, aggregator="spanz")
    assert all(a.value in str(info.value) for a in Aggregator)
    with pytest.raises(ValueError, match="must be an Aggregator"):
        dataclasses.replace(ner, aggregator="spans")  # the name alone is not the reference


def test_every_aggregator_has_a_verdict_and_a_gold_measure():
    assert set(BY_AGGREGATOR) == set(Aggregator)
    partial = {a: c for a, c in BY_AGGREGATOR.items() if a is not Aggregator.form}
    with pytest.raises(LookupError, match="aggregator\\(s\\) form"):
        covering(partial)


def test_gold_score_ignores_the_order_of_chosen_categories():
    cat = tasktypes.get("categorization")
    assert gold_score(cat, {"category": ["a", "b"]}, {"category": ["b", "a"]}) == 1.0
    assert gold_score(cat, {"category": "a"}, {"category": "b"}) == 0.0


def test_gold_is_scored_by_the_task_type_not_the_response_shape():
    # the same transcripts, scored as a type whose answers are right or wrong as a whole
    audio = tasktypes.get("audiotranscription")
    whole = dataclasses.replace(audio, aggregator=Aggregator.categorical)
    expected, close = {"transcript": "one two three four"}, {"transcript": "one two three"}
    assert gold_score(audio, expected, close) == 0.75
    assert gold_score(whole, expected, close) == 0.0
