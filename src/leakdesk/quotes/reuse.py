"""Republication: paragraphs repeated inside an article, and passages copied between texts.

:func:`find_duplicates` groups the paragraphs of one text that are the same or
nearly the same (at least 90% of their words in common, after normalising
case and punctuation).  :func:`find_reuse` lists the passages of ``b`` copied
from ``a`` (runs of at least eight words, with small edits inside) and the
share of ``b`` they make up.

Both work on word ids with hashing (shingles of four words) to find candidate
pairs, and rapidfuzz's ``Indel`` to measure similarity, so a long text costs
little more than reading it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Indel

from ..document import Document
from .align import norm, word_re
from .extract import paragraphs

#: Paragraphs shorter than this (in words) are not compared.
MIN_PARAGRAPH_WORDS = 8
#: Share of words two paragraphs must have in common to be near-duplicates.
NEAR_DUPLICATE = 0.9
_SHINGLE = 4


@dataclass(slots=True)
class Duplicate:
    """A paragraph that occurs more than once, and where."""

    text: str
    occurrences: list[tuple[int, int]]
    similarity: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "occurrences": [{"start": a, "end": b} for a, b in self.occurrences],
            "similarity": round(self.similarity, 3),
        }


class _Vocab:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.raw: dict[str, int] = {}

    def __call__(self, raw: str) -> int:
        i = self.raw.get(raw)
        if i is None:
            i = self.ids.setdefault(norm(raw), len(self.ids))
            self.raw[raw] = i
        return i


def _find(parent: list[int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def find_duplicates(
    text: str, *, min_words: int = MIN_PARAGRAPH_WORDS, threshold: float = NEAR_DUPLICATE
) -> list[Duplicate]:
    """Paragraphs of ``text`` that occur twice or more, exactly or nearly."""
    vocab = _Vocab()
    units: list[tuple[int, int, list[int]]] = []
    pattern = word_re(text)
    for a, b in paragraphs(text):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        ids = [vocab(w) for w in pattern.findall(text, a, b)]
        if len(ids) >= min_words:
            units.append((a, b, ids))
    n = len(units)
    parent = list(range(n))
    sims: dict[int, float] = {}
    # exact repeats
    seen: dict[tuple[int, ...], int] = {}
    for i, (_, _, ids) in enumerate(units):
        key = tuple(ids)
        if key in seen:
            parent[_find(parent, i)] = _find(parent, seen[key])
        else:
            seen[key] = i
    # near repeats: paragraphs sharing shingles
    post: dict[tuple[int, ...], list[int]] = {}
    for i, (_, _, ids) in enumerate(units):
        for sh in {tuple(ids[k : k + _SHINGLE]) for k in range(len(ids) - _SHINGLE + 1)}:
            post.setdefault(sh, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for members in post.values():
        if len(members) < 2 or len(members) > 50:
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pair = (members[x], members[y])
                shared[pair] = shared.get(pair, 0) + 1
    for (i, j), count in shared.items():
        if _find(parent, i) == _find(parent, j):
            continue
        li, lj = len(units[i][2]), len(units[j][2])
        if min(li, lj) < threshold * max(li, lj):
            continue
        if count < 0.5 * (min(li, lj) - _SHINGLE + 1):
            continue
        sim = Indel.normalized_similarity(units[i][2], units[j][2])
        if sim >= threshold:
            parent[_find(parent, j)] = _find(parent, i)
            sims[_find(parent, i)] = min(sims.get(_find(parent, i), 1.0), sim)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(_find(parent, i), []).append(i)
    out = []
    for root, members in groups.items():
        if len(members) < 2:
            continue
        members.sort()
        first = units[members[0]]
        occ = [(units[m][0], units[m][1]) for m in members]
        out.append(Duplicate(text[first[0] : first[1]], occ, sims.get(root, 1.0)))
    covered = [span for d in out for span in d.occurrences]
    out.extend(_repeated_runs(text, covered, pattern))
    out.sort(key=lambda d: d.occurrences[0][0])
    return out


#: A repeated run of words this long is reported even when paragraphs cannot be told
#: apart (a PDF print of a web page, hard-wrapped text without blank lines).
MIN_REPEATED_RUN = 20


def _repeated_runs(
    text: str, covered: list[tuple[int, int]], pattern: re.Pattern[str]
) -> list[Duplicate]:
    """Long word runs that occur twice, outside the paragraphs already reported."""
    vocab = _Vocab()
    ids: list[int] = []
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(text):
        ids.append(vocab(m.group()))
        spans.append(m.span())
    n = len(ids)
    k = 6
    first: dict[tuple[int, ...], int] = {}
    out: list[Duplicate] = []
    j = 0
    while j <= n - k:
        key = tuple(ids[j : j + k])
        i = first.get(key)
        if i is None or i + k > j:
            first.setdefault(key, j)
            j += 1
            continue
        length = k
        while j + length < n and i + length < j and ids[i + length] == ids[j + length]:
            length += 1
        if length >= MIN_REPEATED_RUN:
            a = (spans[i][0], spans[i + length - 1][1])
            b = (spans[j][0], spans[j + length - 1][1])
            if not any(x <= b[0] and b[1] <= y for x, y in covered):
                out.append(Duplicate(text[a[0] : a[1]], [a, b], 1.0))
                covered.append(b)
            j += length
            continue
        j += 1
    return out


# -- copied passages between two texts --------------------------------------------


@dataclass(slots=True)
class Passage:
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    words: int  # words of b matched in a
    similarity: float
    a_text: str = ""
    b_text: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "a": {"start": self.a_start, "end": self.a_end, "text": self.a_text},
            "b": {"start": self.b_start, "end": self.b_end, "text": self.b_text},
            "words": self.words,
            "similarity": round(self.similarity, 3),
        }


@dataclass(slots=True)
class ReuseReport:
    a_words: int
    b_words: int
    passages: list[Passage] = field(default_factory=list)

    @property
    def copied_words(self) -> int:
        return sum(p.words for p in self.passages)

    @property
    def copied_share(self) -> float:
        return self.copied_words / self.b_words if self.b_words else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "passages": [p.to_json() for p in self.passages],
            "copied_words": self.copied_words,
            "copied_share": round(self.copied_share, 4),
            "words": {"a": self.a_words, "b": self.b_words},
        }


def _tokens(text: str, vocab: _Vocab) -> tuple[list[int], list[tuple[int, int]]]:
    ids: list[int] = []
    spans: list[tuple[int, int]] = []
    for m in word_re(text).finditer(text):
        ids.append(vocab(m.group()))
        spans.append(m.span())
    return ids, spans


def _text(doc: Document | str) -> str:
    return doc.text if isinstance(doc, Document) else doc


def find_reuse(
    a: Document | str, b: Document | str, *, min_words: int = 8, max_gap: int = 8
) -> ReuseReport:
    """Which passages of ``b`` were copied from ``a``, and how much of ``b`` they are."""
    ta, tb = _text(a), _text(b)
    vocab = _Vocab()
    ia, sa = _tokens(ta, vocab)
    ib, sb = _tokens(tb, vocab)
    report = ReuseReport(len(ia), len(ib))
    if len(ia) < _SHINGLE or len(ib) < _SHINGLE:
        return report
    index: dict[tuple[int, ...], list[int]] = {}
    for i in range(len(ia) - _SHINGLE + 1):
        index.setdefault(tuple(ia[i : i + _SHINGLE]), []).append(i)
    # greedy exact runs of b found in a
    runs: list[tuple[int, int, int]] = []  # (i in a, j in b, length)
    j = 0
    nb, na = len(ib), len(ia)
    while j <= nb - _SHINGLE:
        cands = index.get(tuple(ib[j : j + _SHINGLE]))
        if not cands:
            j += 1
            continue
        best_i, best_len = -1, 0
        for i in cands[:64]:
            n = _SHINGLE
            while i + n < na and j + n < nb and ia[i + n] == ib[j + n]:
                n += 1
            if n > best_len:
                best_i, best_len = i, n
        runs.append((best_i, j, best_len))
        j += best_len
    # merge runs close in both texts into passages with small edits
    merged: list[list[tuple[int, int, int]]] = []
    for r in runs:
        if merged:
            pi, pj, pl = merged[-1][-1]
            gap_a = r[0] - (pi + pl)
            gap_b = r[1] - (pj + pl)
            if 0 <= gap_a <= max_gap and 0 <= gap_b <= max_gap and abs(gap_a - gap_b) <= 3:
                merged[-1].append(r)
                continue
        merged.append([r])
    for group in merged:
        words = sum(r[2] for r in group)
        if words < min_words:
            continue
        a0, a1 = group[0][0], group[-1][0] + group[-1][2]
        b0, b1 = group[0][1], group[-1][1] + group[-1][2]
        sim = Indel.normalized_similarity(ia[a0:a1], ib[b0:b1])
        p = Passage(sa[a0][0], sa[a1 - 1][1], sb[b0][0], sb[b1 - 1][1], words, sim)
        p.a_text = ta[p.a_start : p.a_end]
        p.b_text = tb[p.b_start : p.b_end]
        report.passages.append(p)
    return report


def passages_json(report: ReuseReport) -> list[dict[str, Any]]:
    return [p.to_json() for p in report.passages]
