"""Two copies: from aligned tokens to an edit script, moves, and classified differences.

The *edit script* lists every place where the raw texts differ, in order of
copy A: a matched token whose characters differ (``token``), a gap between two
matched tokens whose whitespace differs (``gap``), and a stretch of unmatched
tokens (``block``).  Outside these spans the two texts are identical, so
replaying the script on A gives B exactly (a tested property).  Moves are
then found among the blocks, and each place is classified
(:mod:`.classify`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..document import Document
from .align import Tokens, matching_blocks, similarity_from_blocks, slide
from .classify import PairContext, PairProfile, Verdict, classify, profile_pair
from .model import Difference, Span
from .moves import MAX_TOKENS, MIN_TOKENS, Stretch, find_moves
from .normalize import count_newlines

#: Above this many line-ending-only differences they are reported once.
CRLF_COLLAPSE = 3


@dataclass(slots=True)
class Edit:
    """One place where copy A's text ``[a0, a1)`` differs from copy B's ``[b0, b1)``."""

    origin: str
    a0: int
    a1: int
    b0: int
    b1: int
    #: token ranges of a block (``[ia0, ia1)`` in A, ``[jb0, jb1)`` in B)
    ia0: int = 0
    ia1: int = 0
    jb0: int = 0
    jb1: int = 0
    verdict: Verdict | None = None
    #: number of the move this edit's text belongs to
    move: int | None = None


@dataclass(slots=True)
class PairResult:
    """Copy A against copy B."""

    name_a: str
    name_b: str
    doc_a: Document
    doc_b: Document
    similarity: float
    profile: PairProfile
    edits: list[Edit]
    differences: list[Difference] = field(default_factory=list)
    #: differences of the files rather than the texts (byte-order mark, encoding, format)
    notes: list[str] = field(default_factory=list)

    @property
    def files_marked(self) -> bool:
        """The files differ in a way that can tell them apart even if the texts do not."""
        return any("byte-order mark" in n or "encoded as" in n for n in self.notes)

    @property
    def deliberate(self) -> list[Difference]:
        return [d for d in self.differences if not d.noise]

    @property
    def noise(self) -> list[Difference]:
        return [d for d in self.differences if d.noise]


def _block(
    ta: Tokens, tb: Tokens, i1: int, i2: int, j1: int, j2: int, lead_eq: bool, trail_eq: bool
) -> Edit:
    """The spans of a changed stretch; bounding gaps are included unless equal in both copies."""
    if i1 < i2 and j1 < j2:
        a0 = ta.starts[i1] if lead_eq else ta.gap_span(i1)[0]
        b0 = tb.starts[j1] if lead_eq else tb.gap_span(j1)[0]
        a1 = ta.ends[i2 - 1] if trail_eq else ta.gap_span(i2)[1]
        b1 = tb.ends[j2 - 1] if trail_eq else tb.gap_span(j2)[1]
    elif i1 == i2:
        gs, ge = ta.gap_span(i1)
        if lead_eq:
            a0 = a1 = ge
            b0, b1 = tb.starts[j1], tb.gap_span(j2)[1]
        elif trail_eq:
            a0 = a1 = gs
            b0, b1 = tb.gap_span(j1)[0], tb.ends[j2 - 1]
        else:
            a0, a1 = gs, ge
            b0, b1 = tb.gap_span(j1)[0], tb.gap_span(j2)[1]
    else:
        gs, ge = tb.gap_span(j1)
        if lead_eq:
            b0 = b1 = ge
            a0, a1 = ta.starts[i1], ta.gap_span(i2)[1]
        elif trail_eq:
            b0 = b1 = gs
            a0, a1 = ta.gap_span(i1)[0], ta.ends[i2 - 1]
        else:
            b0, b1 = gs, ge
            a0, a1 = ta.gap_span(i1)[0], ta.gap_span(i2)[1]
    return Edit("block", a0, a1, b0, b1, i1, i2, j1, j2)


def edit_script(
    ta: Tokens,
    tb: Tokens,
    blocks: list[tuple[int, int, int]],
    lo: tuple[int, int] | None = None,
    hi: tuple[int, int] | None = None,
) -> list[Edit]:
    """Every difference between the raw texts, given matching token blocks.

    With ``lo``/``hi`` (token index pairs), only the stretch between them is
    compared and its bounding gaps are left out (used inside moved text).
    """
    inner = lo is not None
    ilo, jlo = lo if lo is not None else (0, 0)
    ihi, jhi = hi if hi is not None else (len(ta), len(tb))
    ga, gb = ta.gaps, tb.gaps
    ra, rb = ta.raws, tb.raws
    out: list[Edit] = []
    pi, pj = ilo - 1, jlo - 1
    for i, j, n in [*blocks, (ihi, jhi, 0)]:
        if i == pi + 1 and j == pj + 1:
            at_edge = inner and i in (ilo, ihi)
            if not at_edge and ga[i] != gb[j]:
                a0, a1 = ta.gap_span(i)
                b0, b1 = tb.gap_span(j)
                out.append(Edit("gap", a0, a1, b0, b1, i, i, j, j))
        else:
            i1, j1 = pi + 1, pj + 1
            lead_eq = (inner and i1 == ilo) or ga[i1] == gb[j1]
            trail_eq = (inner and i == ihi) or ga[i] == gb[j]
            out.append(_block(ta, tb, i1, i, j1, j, lead_eq, trail_eq))
        if n:
            raw_diff = ra[i : i + n] != rb[j : j + n]
            gap_diff = n > 1 and ga[i + 1 : i + n] != gb[j + 1 : j + n]
            if raw_diff or gap_diff:
                for k in range(n):
                    if k and ga[i + k] != gb[j + k]:
                        a0, a1 = ta.gap_span(i + k)
                        b0, b1 = tb.gap_span(j + k)
                        out.append(Edit("gap", a0, a1, b0, b1, i + k, i + k, j + k, j + k))
                    if ra[i + k] != rb[j + k]:
                        out.append(Edit("token", ta.starts[i + k], ta.ends[i + k],
                                        tb.starts[j + k], tb.ends[j + k],
                                        i + k, i + k + 1, j + k, j + k + 1))
            pi, pj = i + n - 1, j + n - 1
        else:
            pi, pj = i - 1, j - 1
    return out


def compare_pair(
    ta: Tokens,
    tb: Tokens,
    doc_a: Document,
    doc_b: Document,
    name_a: str = "A",
    name_b: str = "B",
    *,
    moves: bool = True,
    strength: Callable[[Tokens], list[int]] | None = None,
) -> PairResult:
    """Align two tokenized copies and classify every difference."""
    blocks = matching_blocks(ta.keys, tb.keys)
    if strength is not None:
        blocks = slide(blocks, ta.keys, tb.keys, strength(ta), strength(tb))
    similarity = similarity_from_blocks(blocks, len(ta), len(tb))
    edits = edit_script(ta, tb, blocks)
    text_a, text_b = ta.text, tb.text

    gap_pairs = [(text_a[e.a0:e.a1], text_b[e.b0:e.b1]) for e in edits if e.origin == "gap"]
    token_pairs = [(text_a[e.a0:e.a1], text_b[e.b0:e.b1]) for e in edits if e.origin != "gap"]
    profile = profile_pair(gap_pairs, token_pairs, count_newlines(text_a), count_newlines(text_b))
    profile.cross_format = doc_a.format != doc_b.format
    ctx = PairContext(text_a, text_b, profile, name_a, name_b, doc_a, doc_b)
    gap_cache: dict[tuple[str, str], Verdict] = {}
    for e in edits:
        ta_, tb_ = text_a[e.a0:e.a1], text_b[e.b0:e.b1]
        if e.origin == "gap":  # whitespace only: the verdict depends on the texts alone
            v = gap_cache.get((ta_, tb_))
            if v is None:
                v = gap_cache[(ta_, tb_)] = classify(ta_, tb_, ctx, e.a0, e.b0)
            e.verdict = v
        else:
            e.verdict = classify(ta_, tb_, ctx, e.a0, e.b0)

    result = PairResult(name_a, name_b, doc_a, doc_b, similarity, profile, edits)
    result.differences = _differences(ta, tb, edits, ctx, moves)
    result.notes = file_notes(doc_a, doc_b, name_a, name_b)
    return result


def file_notes(doc_a: Document, doc_b: Document, name_a: str, name_b: str) -> list[str]:
    """Differences between the files that the texts do not show (each can tell copies apart)."""
    notes = []
    if doc_a.format != doc_b.format:
        notes.append(f"{name_a} is {doc_a.format}, {name_b} is {doc_b.format}: "
                     "layout differences between them are treated as noise")
    bom_a, bom_b = bool(doc_a.meta.get("bom")), bool(doc_b.meta.get("bom"))
    if bom_a != bom_b:
        with_bom, without = (name_a, name_b) if bom_a else (name_b, name_a)
        notes.append(f"{with_bom} starts with a byte-order mark (U+FEFF), {without} does not")
    if doc_a.format == doc_b.format and doc_a.encoding and doc_b.encoding and (
        doc_a.encoding != doc_b.encoding
    ):
        notes.append(f"{name_a} is encoded as {doc_a.encoding}, {name_b} as {doc_b.encoding}")
    return notes


def _differences(
    ta: Tokens, tb: Tokens, edits: list[Edit], ctx: PairContext, with_moves: bool
) -> list[Difference]:
    text_a, text_b = ta.text, tb.text
    diffs: list[Difference] = []
    replaced: dict[int, list[Difference]] = {}
    if with_moves:
        deleted = [Stretch(k, e.ia0, e.ia1) for k, e in enumerate(edits)
                   if e.origin == "block" and MIN_TOKENS <= e.ia1 - e.ia0 <= MAX_TOKENS
                   and (e.jb1 - e.jb0) * 4 <= e.ia1 - e.ia0]
        inserted = [Stretch(k, e.jb0, e.jb1) for k, e in enumerate(edits)
                    if e.origin == "block" and MIN_TOKENS <= e.jb1 - e.jb0 <= MAX_TOKENS
                    and (e.ia1 - e.ia0) * 4 <= e.jb1 - e.jb0]
        for number, (d, i, _sim) in enumerate(find_moves(ta.keys, tb.keys, deleted, inserted), 1):
            ed, ei = edits[d.edit], edits[i.edit]
            ed.move = ei.move = number
            a0, a1 = ta.starts[d.lo], ta.ends[d.hi - 1]
            b0, b1 = tb.starts[i.lo], tb.ends[i.hi - 1]
            move_diffs = [_move_diff(ta, tb, a0, a1, b0, b1, ctx, number, i.hi - i.lo)]
            sub = matching_blocks(ta.keys[d.lo:d.hi], tb.keys[i.lo:i.hi])
            sub = [(x + d.lo, y + i.lo, n) for x, y, n in sub]
            for e in edit_script(ta, tb, sub, (d.lo, i.lo), (d.hi, i.hi)):
                v = classify(text_a[e.a0:e.a1], text_b[e.b0:e.b1], ctx, e.a0, e.b0)
                move_diffs.append(_diff(text_a, text_b, e.a0, e.a1, e.b0, e.b1, v, "inner",
                                        number))
            replaced.setdefault(d.edit, []).extend(move_diffs)
            # what is left of each block once the moved text is taken out
            if ed.jb1 > ed.jb0:
                left = _rest(tb, ed.jb0, ed.jb1)
                v = classify("", text_b[left[0]:left[1]], ctx, ed.a0, left[0])
                replaced[d.edit].append(_diff(text_a, text_b, ed.a0, ed.a0, left[0], left[1],
                                              v, "block"))
            replaced.setdefault(i.edit, [])
            if ei.ia1 > ei.ia0:
                left = _rest(ta, ei.ia0, ei.ia1)
                v = classify(text_a[left[0]:left[1]], "", ctx, left[0], ei.b0)
                replaced[i.edit].append(_diff(text_a, text_b, left[0], left[1], ei.b0, ei.b0,
                                              v, "block"))
    for k, e in enumerate(edits):
        if k in replaced:
            diffs.extend(replaced[k])
            continue
        assert e.verdict is not None
        diffs.append(_diff(text_a, text_b, e.a0, e.a1, e.b0, e.b1, e.verdict, e.origin))
    diffs.sort(key=lambda d: (d.a.start, d.a.end, d.b.start))
    return _collapse_line_endings(diffs, ctx)


def _rest(t: Tokens, lo: int, hi: int) -> tuple[int, int]:
    return t.starts[lo], t.ends[hi - 1]


def _diff(
    text_a: str, text_b: str, a0: int, a1: int, b0: int, b1: int, v: Verdict, origin: str,
    move: int | None = None,
) -> Difference:
    return Difference(v.kind, Span(a0, a1, text_a[a0:a1]), Span(b0, b1, text_b[b0:b1]),
                      v.noise, v.reason, v.components, origin, move)


def _move_diff(
    ta: Tokens, tb: Tokens, a0: int, a1: int, b0: int, b1: int, ctx: PairContext, number: int,
    ntokens: int,
) -> Difference:
    furniture = ctx.furniture_a.covers(a0, a1) and ctx.furniture_b.covers(b0, b1)
    if furniture:
        reason = "page header or footer at another place (noise)"
    else:
        unit = "paragraph" if "\n\n" in ta.text[a0:a1] or ntokens > 60 else "sentence or phrase"
        reason = f"{unit} moved ({ntokens} words and marks); changes inside are listed after it"
    return Difference("move", Span(a0, a1, ta.text[a0:a1]), Span(b0, b1, tb.text[b0:b1]),
                      furniture, reason, ("move",), "move", number)


def _collapse_line_endings(diffs: list[Difference], ctx: PairContext) -> list[Difference]:
    crlf = [d for d in diffs if d.reason == "line ending differs (CRLF vs LF)"]
    if len(crlf) <= CRLF_COLLAPSE:
        return diffs
    first = crlf[0]
    a_crlf = "\r\n" in first.a.text
    first.reason = (
        f"line endings differ: {ctx.name_a if a_crlf else ctx.name_b} uses CRLF, "
        f"{ctx.name_b if a_crlf else ctx.name_a} LF ({len(crlf)} places; the first is listed)"
    )
    drop = {id(d) for d in crlf[1:]}
    return [d for d in diffs if id(d) not in drop]
