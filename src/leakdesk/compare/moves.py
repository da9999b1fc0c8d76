"""Moved sentences and paragraphs: a deletion in one place and an insertion of the same
text elsewhere are one *move*, not two unrelated changes.

Candidates are changed stretches of at least :data:`MIN_TOKENS` tokens on one
side whose other side is small.  A deleted stretch and an inserted stretch
that share most of their keys (rapidfuzz Indel similarity on the key
sequences ≥ :data:`MIN_SIMILARITY`) are paired greedily, best first.  The
changes *inside* a moved stretch are then aligned and reported too, so a mark
hidden in a moved paragraph is not lost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

#: A stretch shorter than this is not considered moved (common phrases recur).
MIN_TOKENS = 6
#: Share of the keys two stretches must have in common, in order.
MIN_SIMILARITY = 0.75
#: Longer stretches are a rewrite, not a move (and would cost a quadratic comparison).
MAX_TOKENS = 5000


@dataclass(frozen=True, slots=True)
class Stretch:
    """A changed stretch: edit number ``edit``, tokens ``[lo, hi)`` on one side."""

    edit: int
    lo: int
    hi: int


def find_moves(
    keys_a: Sequence[int],
    keys_b: Sequence[int],
    deleted: Sequence[Stretch],
    inserted: Sequence[Stretch],
) -> list[tuple[Stretch, Stretch, float]]:
    """Pairs (deleted in A, inserted in B, similarity) that are the same text moved."""
    if not deleted or not inserted:
        return []
    index: dict[int, list[int]] = defaultdict(list)
    ins_keys = []
    for n, st in enumerate(inserted):
        ks = set(keys_b[st.lo : st.hi])
        ins_keys.append(ks)
        for k in ks:
            index[k].append(n)
    scored: list[tuple[float, int, int]] = []
    for d, st in enumerate(deleted):
        ks = set(keys_a[st.lo : st.hi])
        shared: dict[int, int] = defaultdict(int)
        for k in ks:
            postings = index.get(k)
            if postings is None or len(postings) > 50:
                continue
            for n in postings:
                shared[n] += 1
        seq_a = list(keys_a[st.lo : st.hi])
        for n, common in shared.items():
            if common * 2 < min(len(ks), len(ins_keys[n])):
                continue
            other = inserted[n]
            if other.edit == st.edit:
                continue
            la, lb = st.hi - st.lo, other.hi - other.lo
            if min(la, lb) * 1.6 < max(la, lb):
                continue
            sim = Indel.normalized_similarity(seq_a, list(keys_b[other.lo : other.hi]))
            if sim >= MIN_SIMILARITY:
                scored.append((sim, d, n))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_d: set[int] = set()
    used_i: set[int] = set()
    out = []
    for sim, d, n in scored:
        if d in used_d or n in used_i:
            continue
        used_d.add(d)
        used_i.add(n)
        out.append((deleted[d], inserted[n], sim))
    out.sort(key=lambda t: t[0].lo)
    return out
