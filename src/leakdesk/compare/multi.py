"""N copies: every varying position, with the groups of copies that share each variant.

Each copy is compared with the first (the reference).  The edit scripts of
all these pairs are laid over the reference text; overlapping edits make one
*position*.  Outside its edits a copy's text equals the reference, so each
copy's variant at a position is read off exactly: its span starts where the
reference span starts, shifted by the length changes of that copy's earlier
edits.  Copies whose variants are identical form a group.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from .classify import Component, verdict_of
from .model import Position, Span, Variant
from .pair import Edit, PairResult


class _Shift:
    """Maps a reference offset outside a pair's edits to the other copy's offset."""

    def __init__(self, edits: Sequence[Edit]) -> None:
        self.ends: list[int] = []
        self.deltas: list[int] = []
        delta = 0
        for e in edits:
            delta += (e.b1 - e.b0) - (e.a1 - e.a0)
            self.ends.append(e.a1)
            self.deltas.append(delta)

    def __call__(self, offset: int) -> int:
        k = bisect.bisect_right(self.ends, offset) - 1
        return offset + (self.deltas[k] if k >= 0 else 0)


def _overlap(s0: int, e0: int, s1: int, e1: int) -> bool:
    if s0 == e0:
        return (s1 < s0 < e1) or (s1 == e1 == s0)
    if s1 == e1:
        return s0 < s1 < e0
    return s0 < e1 and s1 < e0


def positions(names: Sequence[str], texts: Sequence[str], pairs: Sequence[PairResult]) -> list[Position]:
    """Varying positions over the reference copy ``names[0]``; ``pairs[k]`` is copy 0 vs k+1."""
    items: list[tuple[int, int, int, int]] = []  # (a0, a1, pair index, edit index)
    for p, pair in enumerate(pairs):
        for n, ed in enumerate(pair.edits):
            items.append((ed.a0, ed.a1, p, n))
    items.sort(key=lambda t: (t[0], t[1]))
    clusters: list[tuple[int, int, list[tuple[int, int]]]] = []
    for a0, a1, p, n in items:
        if clusters:
            c0, c1, members = clusters[-1]
            if _overlap(a0, a1, c0, c1):
                clusters[-1] = (c0, max(c1, a1), [*members, (p, n)])
                continue
        clusters.append((a0, a1, [(p, n)]))
    shifts = [_Shift(pair.edits) for pair in pairs]
    ref_text = texts[0]
    out: list[Position] = []
    for c0, c1, members in clusters:
        spans: dict[str, Span] = {names[0]: Span(c0, c1, ref_text[c0:c1])}
        comps: list[Component] = []
        by_pair: dict[int, list[Edit]] = {}
        for p, n in members:
            by_pair.setdefault(p, []).append(pairs[p].edits[n])
        for p in range(len(pairs)):
            name = names[p + 1]
            mine = by_pair.get(p)
            if not mine:
                b0 = shifts[p](c0)
                b1 = b0 + (c1 - c0)
            else:
                first, last = mine[0], mine[-1]
                b0 = first.b0 - (first.a0 - c0)
                b1 = last.b1 + (c1 - last.a1)
                for ed in mine:
                    verdict = ed.verdict
                    if verdict is not None:
                        for kind in verdict.components or (verdict.kind,):
                            comps.append(Component(kind, verdict.noise, verdict.reason))
                    if ed.move is not None:
                        comps.append(Component("move", False, f"text moved in {name}"))
            spans[name] = Span(b0, b1, texts[p + 1][b0:b1])
        variants: list[Variant] = []
        for name, sp in spans.items():
            for var in variants:
                if var.text == sp.text:
                    var.copies.append(name)
                    var.spans[name] = sp
                    break
            else:
                variants.append(Variant(sp.text, [name], {name: sp}))
        if len(variants) < 2:
            continue
        overall = verdict_of(_dedupe(comps))
        out.append(Position(overall.kind, overall.noise, overall.reason, spans, variants,
                            overall.components))
    return out


def _dedupe(comps: list[Component]) -> list[Component]:
    seen: set[tuple[str, bool, str]] = set()
    out = []
    for c in comps:
        key = (c.kind, c.noise, c.reason)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out[:6]
