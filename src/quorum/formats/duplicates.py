"""Finding duplicate records before they are imported: exact copies and near copies.

Exact: the same bytes (SHA-256 of the normalised text, or of a media file). Near, for texts:
MinHash signatures over word shingles (the words and word pairs of the text lower-cased with
punctuation dropped), grouped by LSH banding, each candidate pair then kept only if its
signatures agree on at least `threshold` of their slots (an estimate of the Jaccard similarity
of the shingle sets). Near, for images: perceptual hashes (64 bits) at most `max_distance`
bits apart.

MinHash is computed here with NumPy over all texts at once rather than with `datasketch`,
whose per-text Python loop (a `MinHash` and an LSH insert per text) took 3.9 CPU seconds for
20,000 texts, over three minutes for a million, where this takes 0.2 s (bench/bench_dedup.py
runs the million).
"""

from __future__ import annotations

import hashlib
import re
import sys
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

ROWS = 4  # slots per LSH band
BANDS = 16  # a pair at Jaccard 0.7 shares one of 16 bands of 4 with probability 0.99
NUM_PERM = ROWS * BANDS
THRESHOLD = (
    0.5  # the share of signature slots two near duplicates have in common (an estimated Jaccard)
)
MAX_DISTANCE = 8  # perceptual-hash bits two near-duplicate images may differ by
CHUNK = 50_000  # texts hashed at once: bounded memory, arrays that stay in cache
THREADS = 2

_NON_WORD = re.compile(r"[^\w\s]+")
_PRIME = np.uint64(0x9E3779B97F4A7C15)
_PAIR = np.uint64(0xC2B2AE3D27D4EB4F)
_LITTLE = sys.byteorder == "little"
_rng = np.random.default_rng(20261203)  # fixed: a text's signature is the same in every run
_A = _rng.integers(1, 2**63, NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64)


def content_hash(data: str | bytes) -> str:
    """The SHA-256 of a text (UTF-8) or of bytes: what "exact duplicate" compares."""
    return hashlib.sha256(
        data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    ).hexdigest()


def exact_groups(keys: Sequence[str | None]) -> list[list[int]]:
    """Indices sharing a key, groups of two or more, in order of their first member; a None
    key (nothing to compare) is in no group."""
    seen: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        if key is not None:
            seen.setdefault(key, []).append(index)
    return [group for group in seen.values() if len(group) > 1]


def _word_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The CRC-32 of every word of `texts` (lower-cased, punctuation dropped), one array for
    all, and each text's number of words. CRC-32, not `hash()`: the same in every process, so
    a dry run and the import that follows group alike."""
    split = [_NON_WORD.sub(" ", t.lower()).split() for t in texts]
    lengths = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
    words = list(chain.from_iterable(split))
    known = {w: zlib.crc32(w.encode("utf-8", "surrogatepass")) for w in dict.fromkeys(words)}
    return np.fromiter(map(known.__getitem__, words), dtype=np.uint64, count=len(words)), lengths


def _chunk_signatures(texts: Sequence[str], rows: np.ndarray) -> None:
    """Fill `rows` with the signatures of `texts` (one chunk)."""
    words, lengths = _word_hashes(texts)
    present = np.flatnonzero(lengths)
    if not present.size:
        return
    words *= _PRIME  # spread the 32-bit hashes over 64 bits
    ends = np.cumsum(lengths)[present]
    # Each word beside the pair it starts; a text's last word has no pair, so it stands in
    # for itself there (the set is unchanged), and every text keeps its own segment.
    pairs = words.copy()
    pairs[:-1] = words[:-1] * _PAIR + (words[1:] ^ (words[1:] >> np.uint64(29)))
    pairs[ends - 1] = words[ends - 1]
    shingles = np.stack([words, pairs], axis=1).ravel()
    offsets = 2 * (ends - lengths[present])
    mixed = np.empty_like(shingles)
    high = mixed.view(np.uint32)[1 if _LITTLE else 0 :: 2]  # the upper 32 bits, in place
    for k in range(NUM_PERM):
        np.multiply(shingles, _A[k], out=mixed)
        np.add(mixed, _B[k], out=mixed)
        rows[present, k] = np.minimum.reduceat(high, offsets)


def signatures(texts: Sequence[str]) -> np.ndarray:
    """MinHash signatures (len(texts) x NUM_PERM, uint32) of the texts' shingle sets (their
    words and pairs of neighbouring words); a text without words gets the all-ones signature,
    which nothing real shares. Chunks go to two threads: NumPy's loops release the GIL, so
    one chunk's arithmetic runs while the next one's words are split."""
    out = np.full((len(texts), NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    starts = range(0, len(texts), CHUNK)
    with ThreadPoolExecutor(THREADS) as pool:
        list(
            pool.map(lambda s: _chunk_signatures(texts[s : s + CHUNK], out[s : s + CHUNK]), starts)
        )
    return out


def _components(n: int, left: np.ndarray, right: np.ndarray) -> list[list[int]]:
    """Connected groups of two or more among `n` nodes joined by the edges left[i]-right[i]."""
    if not left.size:
        return []
    graph = coo_matrix((np.ones(left.size, dtype=np.int8), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    groups = [g for g in np.split(order, cuts) if g.size > 1]
    return sorted((sorted(g.tolist()) for g in groups), key=lambda g: g[0])


def near_text_groups(texts: Sequence[str], threshold: float = THRESHOLD) -> list[list[int]]:
    """Groups of near-duplicate texts (indices), by MinHash and LSH banding."""
    sig = signatures(texts)
    n = len(texts)
    left: list[np.ndarray] = []
    right: list[np.ndarray] = []
    words = sig.max(axis=1) != np.iinfo(np.uint32).max
    for band in range(BANDS):
        # A band's four 32-bit slots, read as two 64-bit words, mixed into one key.
        pair = np.ascontiguousarray(sig[:, band * ROWS : (band + 1) * ROWS]).view(np.uint64)
        key = (pair[:, 0] * _PRIME) ^ pair[:, 1]
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        same = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1  # positions joining the run
        if not same.size:
            continue
        # Join each member of a run to the run's first member (a star, never all pairs).
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        first = order[starts[np.searchsorted(starts, same, side="right") - 1]]
        left.append(first)
        right.append(order[same])
    if not left:
        return []
    a, b = np.concatenate(left), np.concatenate(right)
    pairs = np.unique(np.stack([a, b], axis=1), axis=0)
    a, b = pairs[:, 0], pairs[:, 1]
    agree = (sig[a] == sig[b]).mean(axis=1)
    keep = (agree >= threshold) & words[a] & words[b]
    return _components(n, a[keep], b[keep])


def near_image_groups(hashes: Sequence[int], max_distance: int = MAX_DISTANCE) -> list[list[int]]:
    """Groups of images whose 64-bit perceptual hashes differ in at most `max_distance` bits
    (all pairs, in blocks: an import's images are thousands, not millions)."""
    values = np.asarray(hashes, dtype=np.uint64)
    left, right = [], []
    for start in range(0, values.size, 2048):
        block = values[start : start + 2048]
        distance = np.bitwise_count(block[:, None] ^ values[None, :])
        i, j = np.nonzero(distance <= max_distance)
        i = i + start
        keep = i < j
        left.append(i[keep])
        right.append(j[keep])
    if not left:
        return []
    return _components(values.size, np.concatenate(left), np.concatenate(right))


@dataclass(frozen=True, slots=True)
class Groups:
    """Duplicate groups over one list of items (indices): `exact` share their bytes, `near`
    are alike but not the same (each near group lists one member of each exact group in it)."""

    exact: list[list[int]]
    near: list[list[int]]

    def skipped(self, near: bool) -> set[int]:
        """The indices an import skipping duplicates leaves out: every member of a group but
        its first (with `near`, near groups too)."""
        out = {i for g in self.exact for i in g[1:]}
        if near:
            out |= {i for g in self.near for i in g[1:]}
        return out


def text_groups(texts: Sequence[str | None], threshold: float = THRESHOLD) -> Groups:
    """Exact and near groups of `texts` (None: an item without text, in no group)."""
    exact = exact_groups([None if t is None else content_hash(t) for t in texts])
    copies = {i for g in exact for i in g[1:]}
    kept = [i for i, t in enumerate(texts) if t is not None and i not in copies]
    near = near_text_groups([texts[i] for i in kept], threshold)  # type: ignore[misc]
    return Groups(exact, [[kept[i] for i in g] for g in near])
