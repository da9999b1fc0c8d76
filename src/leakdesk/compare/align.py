"""Token alignment of two copies: patience-style anchors, then rapidfuzz inside the gaps.

Each copy is tokenized once (:mod:`.normalize`), every token's canonical key
is interned to an int, and the two int sequences are aligned:

1. the common prefix and suffix are matched directly;
2. keys that occur exactly once in each copy are *anchors*; the longest
   increasing subsequence of their positions (patience diff) fixes the
   alignment in O(n log n) without a single quadratic step;
3. each stretch between two anchors is aligned the same way (keys unique in
   that stretch become anchors), and a stretch with no anchor left is aligned
   by rapidfuzz's bit-parallel Indel (LCS) in C, as long as it is not huge.

The result is difflib-style matching blocks ``(i, j, size)``: token ``i+k``
of copy A matches token ``j+k`` of copy B.  Everything between two blocks is
a changed stretch.  The raw text of matched tokens and of the gaps between
them is compared afterwards by :mod:`.diff`.
"""

from __future__ import annotations

import bisect
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, islice

import regex
from rapidfuzz.distance import Indel

from .normalize import TOKEN_RE, token_key

#: The tokenizer as a split: ``[gap, token, gap, token, ..., gap]``.
_SPLIT_RE = regex.compile(f"({TOKEN_RE.pattern})")

#: Largest changed stretch (tokens of A × tokens of B) handed to rapidfuzz's
#: Indel; it is bit-parallel, so 5e7 cells take a few milliseconds.
FINE_LIMIT = 50_000_000


@dataclass(slots=True)
class Tokens:
    """A copy's text cut into tokens, each with interned raw, key and preceding-gap ids.

    ``gaps[i]`` is the id of the text between token ``i-1`` and token ``i``;
    ``gaps[n]`` is the text after the last token.
    """

    text: str
    starts: list[int]
    ends: list[int]
    keys: list[int]
    raws: list[int]
    gaps: list[int]

    def __len__(self) -> int:
        return len(self.starts)

    def gap_span(self, i: int) -> tuple[int, int]:
        """``[start, end)`` of the gap before token ``i`` (``i == len``: after the last)."""
        start = self.ends[i - 1] if i > 0 else 0
        end = self.starts[i] if i < len(self.starts) else len(self.text)
        return start, end


class Vocabulary:
    """Interns raw tokens, keys and gaps to ints, shared by every copy of one comparison."""

    def __init__(self) -> None:
        self.raw_ids: dict[str, int] = {}
        self.raw_key: list[int] = []
        self.key_ids: dict[str, int] = {}
        self.gap_ids: dict[str, int] = {"": 0}
        self.gap_strings: list[str] = [""]
        self._strengths: list[int] = []

    def break_strength(self, tokens: Tokens) -> list[int]:
        """For each gap: 2 for a paragraph break, 1 for a line break, 0 otherwise."""
        strengths = self._strengths
        if len(strengths) < len(self.gap_strings):
            for g in self.gap_strings[len(strengths):]:
                nl = g.count("\n") + g.count("\r") - g.count("\r\n") + g.count("\f")
                strengths.append(2 if nl >= 2 else nl)
        return [strengths[g] for g in tokens.gaps]

    def tokenize(self, text: str) -> Tokens:
        """Cut ``text`` into tokens and gaps in one C-level split; intern everything to ints."""
        parts = _SPLIT_RE.split(text)
        offsets = list(accumulate(map(len, parts), initial=0))
        tok_strs = parts[1::2]
        gap_strs = parts[0::2]
        raw_ids = self.raw_ids
        known = len(raw_ids)
        raws = [raw_ids.setdefault(r, len(raw_ids)) for r in tok_strs]
        if len(raw_ids) > known:
            key_ids = self.key_ids
            for raw in islice(raw_ids, known, None):
                self.raw_key.append(key_ids.setdefault(token_key(raw), len(key_ids)))
        gap_ids = self.gap_ids
        known = len(gap_ids)
        gaps = [gap_ids.setdefault(g, len(gap_ids)) for g in gap_strs]
        if len(gap_ids) > known:
            self.gap_strings.extend(islice(gap_ids, known, None))
        raw_key = self.raw_key
        keys = [raw_key[r] for r in raws]
        return Tokens(text, offsets[1:-1:2], offsets[2::2], keys, raws, gaps)


Block = tuple[int, int, int]


def matching_blocks(a: Sequence[int], b: Sequence[int]) -> list[Block]:
    """Matching blocks ``(i, j, size)`` of two key sequences, in order, adjacent ones merged."""
    out: list[Block] = []
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, 10_000))
        _align(a, b, 0, len(a), 0, len(b), out, 0)
    finally:
        sys.setrecursionlimit(limit)
    merged: list[Block] = []
    for i, j, n in out:
        if n <= 0:
            continue
        if merged:
            pi, pj, pn = merged[-1]
            if pi + pn == i and pj + pn == j:
                merged[-1] = (pi, pj, pn + n)
                continue
        merged.append((i, j, n))
    return merged


def _align(
    a: Sequence[int], b: Sequence[int], alo: int, ahi: int, blo: int, bhi: int,
    out: list[Block], depth: int,
) -> None:
    # common prefix
    i, j = alo, blo
    while i < ahi and j < bhi and a[i] == b[j]:
        i += 1
        j += 1
    if i > alo:
        out.append((alo, blo, i - alo))
    alo, blo = i, j
    # common suffix
    i, j = ahi, bhi
    while i > alo and j > blo and a[i - 1] == b[j - 1]:
        i -= 1
        j -= 1
    suffix = (i, j, ahi - i) if i < ahi else None
    ahi, bhi = i, j
    if alo < ahi and blo < bhi:
        anchors: list[tuple[int, int]] = []
        k = 1
        if depth < 200:
            anchors = _anchors(a, b, alo, ahi, blo, bhi, 1)
            # no word unique to both: anchor on unique runs of words instead, as long
            # as the stretch is too large for the exact LCS
            while not anchors and k < 16 and (ahi - alo) * (bhi - blo) > FINE_LIMIT:
                k *= 4
                anchors = _anchors(a, b, alo, ahi, blo, bhi, k)
        if anchors:
            pa, pb = alo, blo
            for ia, ib in anchors:
                if ia < pa or ib < pb:
                    continue  # overlaps the previous run anchor
                if pa < ia or pb < ib:
                    _align(a, b, pa, ia, pb, ib, out, depth + 1)
                out.append((ia, ib, k))
                pa, pb = ia + k, ib + k
            if pa < ahi or pb < bhi:
                _align(a, b, pa, ahi, pb, bhi, out, depth + 1)
        else:
            _fine(a, b, alo, ahi, blo, bhi, out)
    if suffix is not None:
        out.append(suffix)


def _anchors(
    a: Sequence[int], b: Sequence[int], alo: int, ahi: int, blo: int, bhi: int, k: int = 1
) -> list[tuple[int, int]]:
    """Positions of keys (or runs of ``k`` keys) unique in both stretches, longest increasing run."""
    if k == 1:
        sa: Sequence[object] = a[alo:ahi]
        sb: Sequence[object] = b[blo:bhi]
    else:
        if ahi - alo < k or bhi - blo < k:
            return []
        sa = list(zip(*(a[alo + d : ahi - k + 1 + d] for d in range(k)), strict=True))
        sb = list(zip(*(b[blo + d : bhi - k + 1 + d] for d in range(k)), strict=True))
    ca = Counter(sa)
    cb = Counter(sb)
    if len(ca) < len(cb):
        uniq = {x for x, c in ca.items() if c == 1 and cb.get(x) == 1}
    else:
        uniq = {x for x, c in cb.items() if c == 1 and ca.get(x) == 1}
    if not uniq:
        return []
    posb = {x: blo + j for j, x in enumerate(sb) if x in uniq}
    pairs = [(alo + i, posb[x]) for i, x in enumerate(sa) if x in uniq]
    return _lis(pairs)


def _lis(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence of ``pairs`` (sorted by first item) increasing in the second."""
    tails: list[int] = []  # smallest second item ending a run of each length
    tail_idx: list[int] = []
    prev: list[int] = [-1] * len(pairs)
    for idx, (_, y) in enumerate(pairs):
        k = bisect.bisect_left(tails, y)
        if k == len(tails):
            tails.append(y)
            tail_idx.append(idx)
        else:
            tails[k] = y
            tail_idx[k] = idx
        prev[idx] = tail_idx[k - 1] if k > 0 else -1
    res: list[tuple[int, int]] = []
    idx = tail_idx[-1] if tail_idx else -1
    while idx >= 0:
        res.append(pairs[idx])
        idx = prev[idx]
    res.reverse()
    return res


def _fine(
    a: Sequence[int], b: Sequence[int], alo: int, ahi: int, blo: int, bhi: int,
    out: list[Block],
) -> None:
    """Align a stretch without unique anchors by LCS (rapidfuzz Indel), if not too large."""
    if (ahi - alo) * (bhi - blo) > FINE_LIMIT:
        return  # left as one changed stretch
    for op in Indel.opcodes(a[alo:ahi], b[blo:bhi]):
        if op.tag == "equal":
            out.append((alo + op.src_start, blo + op.dest_start, op.src_end - op.src_start))


def slide(
    blocks: list[Block],
    a: Sequence[int],
    b: Sequence[int],
    strength_a: Sequence[int],
    strength_b: Sequence[int],
) -> list[Block]:
    """Shift each pure insertion or deletion to sit on line or paragraph boundaries.

    A deleted stretch that starts with the token it is followed by can slide
    ("x. [4 ... provinces.] 5" or "x[. 4 ... provinces]. 5"); like git's
    heuristics, the position whose bounding gaps hold the strongest breaks
    (``strength_*[i]``: of the gap before token ``i``) wins.
    """
    out = list(blocks)
    for k in range(len(out) - 1):
        i, j, n = out[k]
        i2, j2, n2 = out[k + 1]
        if n == 0 or n2 == 0:
            continue
        if j + n == j2 and i + n < i2:  # deletion from A
            seq, strength, s, e = a, strength_a, i + n, i2
        elif i + n == i2 and j + n < j2:  # insertion in B
            seq, strength, s, e = b, strength_b, j + n, j2
        else:
            continue
        left = 0
        while left < n - 1 and seq[s - left - 1] == seq[e - left - 1]:
            left += 1
        right = 0
        while right < n2 - 1 and seq[s + right] == seq[e + right]:
            right += 1
        if not left and not right:
            continue
        best, best_score = 0, strength[s] + strength[e]
        for shift in range(-left, right + 1):
            score = strength[s + shift] + strength[e + shift]
            if score > best_score:
                best, best_score = shift, score
        if best:
            out[k] = (i, j, n + best)
            out[k + 1] = (i2 + best, j2 + best, n2 - best)
    return out


def similarity_from_blocks(blocks: Sequence[Block], na: int, nb: int) -> float:
    """Share of tokens matched: 2·matched / (na + nb); 1.0 for two empty texts."""
    if na + nb == 0:
        return 1.0
    matched = sum(n for _, _, n in blocks)
    return 2.0 * matched / (na + nb)


def shingle_overlap(a: Sequence[int], b: Sequence[int], n: int = 3) -> float:
    """Share of the shorter copy's word triples found in the other (quick same-document test)."""
    if len(a) < n or len(b) < n:
        return 1.0 if list(a) == list(b) else (0.0 if (a and b) else 1.0)
    if max(max(a), max(b)) < 1 << 21:  # pack a triple of key ids into one int: fast sets
        sa = {x << 42 | y << 21 | z for x, y, z in zip(a, a[1:], a[2:])}  # noqa: B905
        sb = {x << 42 | y << 21 | z for x, y, z in zip(b, b[1:], b[2:])}  # noqa: B905
        small, big = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
        return len(small & big) / len(small)
    ta = set(zip(a, a[1:], a[2:]))  # noqa: B905
    tb = set(zip(b, b[1:], b[2:]))  # noqa: B905
    small_t, big_t = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return len(small_t & big_t) / len(small_t)
