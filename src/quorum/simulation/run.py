"""Drive a simulated crowd through Quorum's HTTP API and score what the platform bought.

The simulator is only a client: an admin key creates the annotators, a project per policy and
its tasks; each annotator then works through `next`/`submit` with their own key, exactly as a
person in the browser would. Everything the report says about the platform comes back over the
API (the export and the annotator statistics), scored against the dataset's gold labels.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from quorum.client import QuorumClient
from quorum.simulation.crowd import Crowd, Dataset

BULK = 1000  # tasks per create request


@dataclass(frozen=True)
class Plan:
    """What to run: a project per policy, the same crowd and the same gold tasks in each."""

    project: str
    policy: dict[str, Any]
    gold_fraction: float = 0.0
    compare_fixed: int | None = None
    concurrency: int = 1
    seed: int = 0


@dataclass(frozen=True)
class Annotator:
    index: int  # row of the crowd's answers
    name: str
    client: QuorumClient


@dataclass
class _Tally:
    answers: int = 0
    correct: int = 0
    scored: int = 0  # answers to completed tasks
    agreed: int = 0  # ... that match the final label


@dataclass(frozen=True)
class _Project:
    name: str
    policy: dict[str, Any]
    tasks: dict[str, int] = field(default_factory=dict)  # Quorum task id -> dataset index
    # What a simulated annotator reads (annotators are shown no task ids) -> dataset index.
    by_attachment: dict[str, int] = field(default_factory=dict)


def simulate(url: str, api_key: str, dataset: Dataset, crowd: Crowd, plan: Plan) -> dict[str, Any]:
    """Run the plan against the server at `url` and return the report."""
    gold = _gold_tasks(len(dataset.tasks), plan.gold_fraction, plan.seed)
    policies = [(plan.project, plan.policy)]
    if plan.compare_fixed:
        fixed = {
            **plan.policy,
            "min_overlap": plan.compare_fixed,
            "max_overlap": plan.compare_fixed,
        }
        policies.append((f"{plan.project}-fixed{plan.compare_fixed}", fixed))
    with QuorumClient(url, api_key) as admin:
        annotators = _enrol(admin, url, plan.project, len(crowd.accuracy))
        try:
            runs = []
            for name, policy in policies:
                project = _create_project(admin, name, policy, dataset, gold, annotators)
                started = time.perf_counter()
                _work(project, annotators, dataset, crowd, plan.concurrency)
                elapsed = time.perf_counter() - started
                runs.append(_score(admin, project, dataset, crowd, annotators, gold, elapsed))
        finally:
            for annotator in annotators:
                annotator.client.close()
    report: dict[str, Any] = {
        "dataset": dataset.name,
        "tasks": len(dataset.tasks) - len(gold),
        "gold_tasks": len(gold),
        "categories": len(dataset.categories),
        "annotators": len(annotators),
        "runs": runs,
    }
    if len(runs) == 2:
        adaptive, fixed = runs
        report["adaptive_vs_fixed"] = {
            "accuracy_difference": round(adaptive["accuracy"] - fixed["accuracy"], 4),
            "answer_savings": round(1 - adaptive["answers"] / fixed["answers"], 4),
        }
    return report


def _gold_tasks(n_tasks: int, fraction: float, seed: int) -> set[int]:
    """A seeded share of the dataset's tasks that Quorum gets as gold (with their answer)."""
    count = round(n_tasks * fraction)
    rng = np.random.default_rng(seed + 1)  # not the stream that picked the task subset
    return {int(i) for i in rng.choice(n_tasks, count, replace=False)}


def _enrol(admin: QuorumClient, url: str, prefix: str, count: int) -> list[Annotator]:
    annotators = []
    for index in range(count):
        name = f"{prefix}-ann{index + 1:02d}"
        admin.create_user(name, "annotator")
        annotators.append(Annotator(index, name, QuorumClient(url, admin.create_api_key(name))))
    return annotators


def _create_project(
    admin: QuorumClient,
    name: str,
    policy: dict[str, Any],
    dataset: Dataset,
    gold: set[int],
    annotators: list[Annotator],
) -> _Project:
    admin.create_project(
        name,
        "categorization",
        params={"categories": dataset.categories},
        instruction=f"Simulated annotators label tasks of {dataset.name}.",
        policy=policy,
    )
    for annotator in annotators:
        admin.add_member(name, annotator.name, "annotator")
    records = []
    for t, task in enumerate(dataset.tasks):
        record: dict[str, Any] = {"attachment": task}
        if t in gold:
            record["gold"] = {"category": dataset.categories[dataset.truth[t]]}
        records.append(record)
    project = _Project(
        name, policy, by_attachment={task: t for t, task in enumerate(dataset.tasks)}
    )
    for start in range(0, len(records), BULK):
        ids = admin.create_tasks(name, records[start : start + BULK])
        project.tasks.update(zip(ids, range(start, start + len(ids)), strict=True))
    return project


def _work(
    project: _Project,
    annotators: list[Annotator],
    dataset: Dataset,
    crowd: Crowd,
    concurrency: int,
) -> None:
    """Every annotator takes one task per round, until a whole round finds nothing to do.

    A round ends with no lease open, so an empty round means no task can still ask for
    another answer from anyone.
    """

    def step(annotator: Annotator) -> int:
        claimed = annotator.client.next_task(project.name)
        if claimed is None:
            return 0
        task = project.by_attachment[claimed["params"]["attachment"]]
        label = crowd.answers[annotator.index, task]
        annotator.client.submit(claimed["assignment_id"], {"category": dataset.categories[label]})
        return 1

    with ThreadPoolExecutor(concurrency) as pool:
        while sum(pool.map(step, annotators)):
            pass


def _score(
    admin: QuorumClient,
    project: _Project,
    dataset: Dataset,
    crowd: Crowd,
    annotators: list[Annotator],
    gold: set[int],
    seconds: float,
) -> dict[str, Any]:
    tally = {a.name: _Tally() for a in annotators}
    answers = gold_answers = completed = correct = 0
    confidence = []
    for line in admin.export(project.name):
        t = project.tasks[line["task_id"]]
        truth = dataset.categories[dataset.truth[t]]
        given = [(a["annotator"], a["response"]["category"]) for a in line["annotations"]]
        for name, label in given:
            tally[name].answers += 1
            tally[name].correct += label == truth
        if t in gold:
            gold_answers += len(given)
            continue
        answers += len(given)
        if line["status"] != "completed":
            continue
        final = line["response"]["category"]
        completed += 1
        correct += final == truth
        confidence.append(line["confidence"])
        for name, label in given:
            tally[name].scored += 1
            tally[name].agreed += label == final
    n_tasks = len(project.tasks) - len(gold)
    people = _annotator_report(admin.list_annotators(project.name), crowd, annotators, tally)
    return {
        "project": project.name,
        "policy": {
            k: v
            for k, v in project.policy.items()
            if k in ("min_overlap", "max_overlap", "confidence_target", "gold_rate")
        },
        "completed": completed,
        "incomplete": n_tasks - completed,
        "accuracy": round(correct / completed, 4) if completed else None,
        "mean_confidence": round(float(np.mean(confidence)), 4) if confidence else None,
        "answers": answers,
        "gold_answers": gold_answers,
        "answers_per_task": round(answers / n_tasks, 3),
        "answers_per_task_with_gold": round((answers + gold_answers) / n_tasks, 3),
        "seconds": round(seconds, 1),
        "round_trips_per_s": round((answers + gold_answers) / seconds, 1),
        "estimate_error": _estimate_error(people),
        "annotators": people,
    }


def _annotator_report(
    stats: list[dict[str, Any]],
    crowd: Crowd,
    annotators: list[Annotator],
    tally: dict[str, _Tally],
) -> list[dict[str, Any]]:
    """True quality (drawn and realised) beside what the platform and the labels say."""
    by_name = {row["annotator"]: row for row in stats}
    out = []
    for annotator in annotators:
        row, mine = by_name.get(annotator.name, {}), tally[annotator.name]
        gold_accuracy = row.get("gold_accuracy")
        out.append(
            {
                "annotator": annotator.name,
                "true_accuracy": round(float(crowd.accuracy[annotator.index]), 4),
                "observed_accuracy": _ratio(mine.correct, mine.answers),
                "answers": mine.answers,
                "gold_estimate": gold_accuracy["mean"] if gold_accuracy else None,
                "skill_estimate": row.get("skill"),
                "agreement": _ratio(mine.agreed, mine.scored),
                "blocked": row.get("blocked", False),
            }
        )
    return out


def _estimate_error(people: list[dict[str, Any]]) -> dict[str, float | None]:
    """Mean absolute error of each estimate against the true accuracy, where it exists."""
    errors: dict[str, float | None] = {}
    for estimate in ("gold_estimate", "skill_estimate", "agreement"):
        gaps = [abs(p[estimate] - p["true_accuracy"]) for p in people if p[estimate] is not None]
        errors[estimate] = round(float(np.mean(gaps)), 4) if gaps else None
    return errors


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
