"""Duplicate and near-duplicate detection over 1,000,000 short texts (the import dry run's).

The texts are generated here: 8 to 20 words drawn from a 20,000-word vocabulary with Zipf's
law (so unrelated texts share common words, as real ones do), then duplicates planted: exact
copies, and near copies of a source text (a word misspelt, the case changed, punctuation added,
two words swapped, a word dropped; one to three of these). Timed, wall clock and CPU time:
`text_groups` on all texts (hashing, MinHash, LSH, grouping). Precision and recall count pairs
of texts put in one group (exact or near) against the planted ones. Target: under 60 s and
2 GB on this machine.
"""

from __future__ import annotations

import json
import random
import resource
import string
import sys
import time
from itertools import combinations

import numpy as np

from quorum.formats.duplicates import text_groups

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
SOURCES = N // 20  # texts that get planted copies
EXACT = N // 50
NEAR = N // 10


def vocabulary(rng: random.Random, size: int) -> list[str]:
    return ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 10))) for _ in range(size)]


def edit(rng: random.Random, text: str) -> str:
    words = text.split()
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(5)
        i = rng.randrange(len(words))
        if kind == 0:  # a letter changed
            w = words[i]
            j = rng.randrange(len(w))
            words[i] = w[:j] + rng.choice(string.ascii_lowercase) + w[j + 1 :]
        elif kind == 1:
            words[i] = words[i].upper() if rng.random() < 0.5 else words[i].capitalize()
        elif kind == 2:
            words[i] += rng.choice(",.;!?")
        elif kind == 3 and len(words) > 1:
            j = min(i + 1, len(words) - 1) if i + 1 < len(words) else i - 1
            words[i], words[j] = words[j], words[i]
        elif len(words) > 8:
            del words[i]
    return " ".join(words)


def build(seed: int = 7) -> tuple[list[str], np.ndarray]:
    """The texts and, for each, the planted group it belongs to (its own index if none)."""
    rng = random.Random(seed)
    vocab = vocabulary(rng, 20_000)
    weights = 1 / np.arange(1, len(vocab) + 1)
    picks = np.random.default_rng(seed).choice(
        len(vocab), size=(N - EXACT - NEAR) * 20, p=weights / weights.sum()
    )
    texts: list[str] = []
    at = 0
    for _ in range(N - EXACT - NEAR):
        k = rng.randint(8, 20)
        texts.append(" ".join(vocab[w] for w in picks[at : at + k]))
        at += k
    truth = list(range(len(texts)))
    sources = rng.sample(range(len(texts)), SOURCES)
    for _ in range(EXACT):
        s = rng.choice(sources)
        texts.append(texts[s])
        truth.append(s)
    for _ in range(NEAR):
        s = rng.choice(sources)
        texts.append(edit(rng, texts[s]))
        truth.append(s)
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], np.asarray(truth)[order]


def pairs_of(groups: list[list[int]]) -> set[tuple[int, int]]:
    return {p for g in groups for p in combinations(sorted(g), 2)}


def main() -> None:
    texts, truth = build()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start, cpu = time.perf_counter(), time.process_time()
    found = text_groups(texts)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # One cluster per text: the union of its exact and near groups.
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for group in found.exact + found.near:
        for i in group[1:]:
            parent[root(i)] = root(group[0])
    clusters: dict[int, list[int]] = {}
    for i in range(len(texts)):
        clusters.setdefault(root(i), []).append(i)
    predicted = pairs_of([g for g in clusters.values() if len(g) > 1])
    planted: dict[int, list[int]] = {}
    for i, t in enumerate(truth.tolist()):
        planted.setdefault(t, []).append(i)
    actual = pairs_of([g for g in planted.values() if len(g) > 1])
    right = len(predicted & actual)
    near_pure = sum(len({truth[i] for i in g}) == 1 for g in found.near)
    print(
        json.dumps(
            {
                "texts": len(texts),
                "planted_exact": EXACT,
                "planted_near": NEAR,
                "seconds": round(elapsed, 2),
                "cpu_seconds": round(cpu, 2),  # what other load on the machine does not inflate
                "peak_rss_mb": round(peak, 1),
                "rss_before_mb": round(rss_before, 1),
                "exact_groups": len(found.exact),
                "near_groups": len(found.near),
                "pair_precision": round(right / max(len(predicted), 1), 4),
                "pair_recall": round(right / max(len(actual), 1), 4),
                "near_group_precision": round(near_pure / max(len(found.near), 1), 4),
                "target_seconds": 60,
                "target_rss_mb": 2048,
            }
        )
    )


if __name__ == "__main__":
    main()
