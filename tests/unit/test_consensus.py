"""Consensus verdicts per task type, on the answers of one task."""

from __future__ import annotations

import dataclasses
import math

import pytest

from quorum import tasktypes
from quorum.services.consensus import gold_score, verdict

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


def test_a_type_without_an_adapter_votes_on_whole_responses():
    unknown = dataclasses.replace(tasktypes.get("namedentityrecognition"), aggregator="unknown")
    span = {"annotations": [{"start": 0, "end": 5, "label": "PER"}]}
    other = {"annotations": [{"start": 0, "end": 4, "label": "PER"}]}
    v = verdict(unknown, {}, [span, other, span], [NAN] * 3)
    assert v.response == span


def test_gold_score_ignores_the_order_of_chosen_categories():
    cat = tasktypes.get("categorization")
    assert gold_score(cat, {"category": ["a", "b"]}, {"category": ["b", "a"]}) == 1.0
    assert gold_score(cat, {"category": "a"}, {"category": "b"}) == 0.0


def test_gold_is_scored_by_the_task_type_not_the_response_shape():
    # a transcript answer to a type without an adapter is right or wrong as a whole
    unknown = dataclasses.replace(tasktypes.get("audiotranscription"), aggregator="unknown")
    expected, close = {"transcript": "one two three four"}, {"transcript": "one two three"}
    assert gold_score(tasktypes.get("audiotranscription"), expected, close) == 0.75
    assert gold_score(unknown, expected, close) == 0.0
