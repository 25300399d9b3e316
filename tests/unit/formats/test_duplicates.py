"""Exact and near duplicates: planted copies are grouped, unrelated texts are not."""

from __future__ import annotations

import random
import string

from quorum.formats.duplicates import (
    content_hash,
    exact_groups,
    near_image_groups,
    near_text_groups,
    text_groups,
)


def _texts(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    vocab = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(3000)]
    return [" ".join(rng.choices(vocab, k=rng.randint(8, 16))) for _ in range(n)]


def test_exact_groups_by_content_hash():
    keys = [content_hash(t) for t in ["a", "b", "a", "c", "b", "a"]] + [None, None]
    assert exact_groups(keys) == [[0, 2, 5], [1, 4]]
    assert content_hash(b"a") == content_hash("a")


def test_near_duplicates_survive_case_punctuation_swaps_and_typos():
    texts = _texts(2000)
    base = texts[7].split()
    swapped = base[:]
    swapped[2], swapped[3] = swapped[3], swapped[2]
    typo = base[:]
    typo[4] = typo[4][:-1] + ("a" if typo[4][-1] != "a" else "b")
    texts += [
        " ".join(base).upper(),
        ", ".join(base) + "!",
        " ".join(swapped),
        " ".join(typo),
    ]
    assert near_text_groups(texts) == [[7, 2000, 2001, 2002, 2003]]


def test_texts_without_words_are_never_near_each_other():
    assert near_text_groups(["!!!", "...", "", "?"]) == []


def test_text_groups_split_exact_from_near_and_say_what_to_skip():
    texts = _texts(300)
    texts += [texts[0], texts[0].upper(), None]
    groups = text_groups(texts)
    assert groups.exact == [[0, 300]]
    assert groups.near == [[0, 301]]
    assert groups.skipped(near=False) == {300}
    assert groups.skipped(near=True) == {300, 301}


def test_near_images_by_hamming_distance():
    hashes = [0, 0b111, (1 << 64) - 1, 0b1111_1111_1111]
    assert near_image_groups(hashes, max_distance=8) == [[0, 1]]
    assert near_image_groups(hashes, max_distance=12) == [[0, 1, 3]]
    assert near_image_groups([]) == []
