"""Free-text confidence: does adaptive overlap on it buy better text than a fixed overlap?

    .venv/bin/python bench/bench_text_confidence.py [--orders 10] [--seed 0]

The verdict and confidence are those of the transcription adapter (`consensus.text.central`),
every annotator unknown (0.7). Each task's answers are taken one at a time, as adaptive overlap
buys them; a policy stops at the first count from `--min-overlap` on whose confidence reaches
the target, else at `--max-overlap`. Printed as JSON, per policy: answers per task, and the
exact-match rate and word error rate of the verdicts.

1. Simulated transcripts: the true text of each task is a gold sentence of crowdwsa2019-t1; an
   annotator of accuracy drawn from 0.6-0.9 writes it exactly, else errs: with probability
   `--shared-error` by the task's one common mishearing (and half of those by one to three
   more word errors), otherwise by one to three random word errors (substitution by a word of
   another sentence, deletion, insertion). Also the calibration: per confidence bin, the mean
   confidence and the exact-match rate of the verdicts in it.
2. crowdwsa2019-t1 itself (ten crowd translations per sentence): word error rate against the
   reference, lower-cased with punctuation split off, over `--orders` random orders per task;
   and the mean agreement (one minus the normalised edit distance) by words and by characters
   of two answers to one task and of two answers to different tasks (chance).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from quorum.quality.text import edit_distance
from quorum.quality.text import normalised_edit_distance as distance
from quorum.services.consensus.text import central, text_agreement

DATASET = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "crowdwsa2019-t1"
TARGETS = (0.7, 0.8, 0.9, 0.95)
BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0 + 1e-9)

Run = list[tuple[float, str]]
"""(confidence, verdict) after 1, 2, ... answers of one task."""


def runs_of(answers: list[str]) -> Run:
    unknown = [math.nan] * len(answers)
    out = []
    for k in range(1, len(answers) + 1):
        winner, confidence = central(answers[:k], unknown[:k])
        out.append((confidence, answers[winner]))
    return out


def evaluate(
    runs: list[tuple[Run, str]],
    error: Callable[[str, str], float],
    low: int,
    high: int,
) -> dict[str, dict[str, float]]:
    """Answers per task, exact-match rate and mean error of fixed overlaps and of each target."""

    def summary(stops: list[int]) -> dict[str, float]:
        verdicts = [(run[k - 1][1], truth) for k, (run, truth) in zip(stops, runs, strict=True)]
        return {
            "answers_per_task": round(float(np.mean(stops)), 3),
            "exact": round(float(np.mean([v == t for v, t in verdicts])), 4),
            "wer": round(float(np.mean([error(v, t) for v, t in verdicts])), 4),
        }

    def stop(run: Run, target: float) -> int:
        return next((k for k in range(low, high) if run[k - 1][0] >= target), high)

    table = {f"fixed {k}": summary([k] * len(runs)) for k in range(1, high + 1)}
    for target in TARGETS:
        table[f"target {target}"] = summary([stop(run, target) for run, _ in runs])
    return table


def calibration(runs: list[tuple[Run, str]]) -> list[dict[str, float]]:
    points = [(c, v == truth) for run, truth in runs for c, v in run[1:]]
    confidence, exact = (np.array(x, dtype=float) for x in zip(*points, strict=True))
    rows = []
    for lo, hi in zip(BINS, BINS[1:], strict=False):
        inside = (confidence >= lo) & (confidence < hi)
        if inside.any():
            rows.append({
                "bin": f"[{lo:.2f}, {min(hi, 1.0):.2f})", "verdicts": int(inside.sum()),
                "confidence": round(float(confidence[inside].mean()), 3),
                "exact": round(float(exact[inside].mean()), 3),
            })  # fmt: skip
    return rows


def simulated(sentences: list[str], args: argparse.Namespace) -> dict:
    rng = random.Random(args.seed)
    vocabulary = [w for s in sentences for w in s.split()]
    skill = [rng.uniform(0.6, 0.9) for _ in range(20)]

    def erred(words: list[str], common: tuple[int, str]) -> list[str]:
        words = words[:]
        if rng.random() < args.shared_error:
            words[common[0]] = common[1]
            if rng.random() < 0.5:
                return words
        for _ in range(rng.randint(1, 3)):
            i, op = rng.randrange(len(words)), rng.random()
            if op < 0.5:
                words[i] = rng.choice(vocabulary)
            elif op < 0.75 and len(words) > 1:
                del words[i]
            else:
                words.insert(i, rng.choice(vocabulary))
        return words

    runs = []
    for _ in range(args.orders):
        for sentence in sentences:
            words = sentence.split()
            common = (rng.randrange(len(words)), rng.choice(vocabulary))
            crowd = rng.sample(range(len(skill)), args.max_overlap)
            answers = [
                " ".join(words if rng.random() < skill[a] else erred(words, common)) for a in crowd
            ]
            runs.append((runs_of(answers), sentence))

    def wer(verdict: str, truth: str) -> float:
        return edit_distance(verdict.split(), truth.split()) / len(truth.split())

    return {
        "policies": evaluate(runs, wer, args.min_overlap, args.max_overlap),
        "calibration": calibration(runs),
    }


def crowdwsa(args: argparse.Namespace) -> dict:
    rng = random.Random(args.seed)
    with (DATASET / "labels.csv").open() as f:
        rows = list(csv.DictReader(f))
    with (DATASET / "gold.csv").open() as f:
        reference = {r["task"]: r["label"] for r in csv.DictReader(f)}
    answers: dict[str, list[str]] = {}
    for row in rows:
        answers.setdefault(row["task"], []).append(row["label"])

    def tokens(text: str) -> list[str]:
        return re.findall(r"\w+|[^\w\s]", text.lower())

    def wer(verdict: str, truth: str) -> float:
        return edit_distance(tokens(verdict), tokens(truth)) / len(tokens(truth))

    runs = []
    for task, texts in answers.items():
        for _ in range(args.orders):
            order = rng.sample(texts, len(texts))[: args.max_overlap]
            runs.append((runs_of(order), reference[task]))
    tasks = list(answers)
    pairs: dict[str, list[tuple[str, str]]] = {"same_task": [], "chance": []}
    for _ in range(2000):
        one, other = rng.sample(tasks, 2)
        pairs["same_task"].append(tuple(rng.sample(answers[one], 2)))
        pairs["chance"].append((rng.choice(answers[one]), rng.choice(answers[other])))
    measures = {
        "words": text_agreement,
        "characters": lambda a, b: 1.0 - distance(list(a), list(b)),
    }
    return {
        "policies": evaluate(runs, wer, args.min_overlap, args.max_overlap),
        "agreement": {
            name: {
                kind: round(float(np.mean([m(a, b) for a, b in p])), 3) for kind, p in pairs.items()
            }
            for name, m in measures.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-overlap", type=int, default=2)
    parser.add_argument("--max-overlap", type=int, default=7)
    parser.add_argument("--shared-error", type=float, default=0.7)
    args = parser.parse_args()
    with (DATASET / "gold.csv").open() as f:
        sentences = [r["label"] for r in csv.DictReader(f)]
    report = {
        "simulated_transcripts": simulated(sentences, args),
        "crowdwsa2019_t1": crowdwsa(args),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
