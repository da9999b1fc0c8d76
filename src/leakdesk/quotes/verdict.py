"""What an alignment means: verbatim, variation, altered or not in the source.

- ``verbatim``: the same words, in the same case, with the same punctuation
  between them.  The case of a quotation's first letter and the punctuation
  at its edges are the journalist's (a closing period becomes a comma).
- ``variation``: only case, punctuation, quote marks, an ellipsis or a
  bracketed insertion differ; the words are the source's.
- ``altered``: words changed, added or dropped beyond that, or moved.
- ``not_in_source``: no passage is close enough.  Short quotations need an
  exact match: a one- to three-word quotation is found only word for word, so
  common phrases do not match by chance; longer ones need most of their words,
  weighted by rarity, in one place and in a run of at least three.

Each verdict carries the score (the share of matching words, 0..1), the source
passage with its code-point offsets, and a word-level diff.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Indel, Levenshtein

from .align import Alignment, ChunkMatch, QuoteWords, QWord, SourceIndex, fold, norm

VERDICTS = ("verbatim", "variation", "altered", "not_in_source")

#: A hyphen at the end of a line (or a soft hyphen) inside a word.
_LINE_HYPHEN = re.compile(r"[-\u00ad‐]\s*(?:\r\n|\r|\n)\s*|\u00ad")

#: Source text longer than this (in words) skipped by an ellipsis is shown abridged.
_ABRIDGE = 60

_QUOTE_CLASS = str.maketrans(
    {
        "“": '"', "”": '"', "„": '"', "‟": '"', "＂": '"', "«": '"', "»": '"',
        "〝": '"', "〞": '"', "〟": '"', "‘": "'", "’": "'", "‚": "'", "‛": "'",
        "‹": "'", "›": "'", "–": "—", "\u00ad": None, "\u200b": None, "\u200c": None,
        "\u200d": None, "\u2060": None, "\ufeff": None,
    }
)


@dataclass(slots=True)
class Verdict:
    verdict: str
    score: float
    source: int = -1  # source number in the index
    start: int = 0  # code points in the source document
    end: int = 0
    diff: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def _sep(s: str) -> str:
    s = s.translate(_QUOTE_CLASS).replace("--", "—").replace("...", "…")
    return "".join(ch for ch in s if not ch.isspace())


class Judge:
    def __init__(self, article: str, index: SourceIndex) -> None:
        self.article = article
        self.index = index

    # -- texts --------------------------------------------------------------------

    def _art(self, words: Sequence[QWord]) -> str:
        if not words:
            return ""
        groups: list[list[QWord]] = []
        for w in words:
            if groups and groups[-1][-1].part == w.part:
                groups[-1].append(w)
            else:
                groups.append([w])
        return " ".join(self.article[g[0].start : g[-1].end] for g in groups)

    def _src(self, source: int, lo: int, hi: int) -> str:
        if hi <= lo:
            return ""
        text = self.index.sources[source].document.text
        if hi - lo > _ABRIDGE:
            a = self.index.spans(lo, lo + 25)
            b = self.index.spans(hi - 25, hi)
            return f"{text[a[0][0] : a[-1][1]]} … {text[b[0][0] : b[-1][1]]}"
        spans = self.index.spans(lo, hi)
        return text[spans[0][0] : spans[-1][1]]

    # -- the judgement ----------------------------------------------------------------

    def judge(self, qw: QuoteWords, al: Alignment) -> Verdict:
        words = qw.words
        m = len(words)
        if m == 0:
            return Verdict("not_in_source", 0.0, reasons=["no words to check"])
        placed = [c for c in al.matches if c is not None]
        matched = al.matched
        span = sum(c.s_hi - c.s_lo for c in placed)
        sim = 2 * matched / (m + span) if m + span else 0.0
        if not placed:
            return Verdict("not_in_source", 0.0, reasons=["no passage of the sources shares its words"])
        diff, illegit, cosmetic = self._diff(qw, al)
        run = max((len(b) for c in placed for b in _runs(c.pairs)), default=0)
        covered = matched + al.moved
        wcov, content, content_matched = self._coverage(qw, al)
        if not _found(m, matched, covered, run, sim, wcov, illegit, content, content_matched):
            return Verdict("not_in_source", round(sim, 3), reasons=[
                f"best passage shares {matched} of {m} words"])
        sno = placed[0].source
        spans_a = self.index.span(min(c.s_lo for c in placed))
        spans_b = self.index.span(max(c.s_hi for c in placed) - 1)
        if illegit:
            verdict, reasons = "altered", illegit
        elif cosmetic:
            verdict, reasons = "variation", cosmetic
        else:
            verdict, reasons = "verbatim", []
        score = 1.0 if verdict != "altered" else round(min(sim, 0.999), 3)
        return Verdict(verdict, score, sno, spans_a[0], spans_b[1], diff, reasons)

    def _coverage(self, qw: QuoteWords, al: Alignment) -> tuple[float, int, int]:
        """Weighted share of the quote's words found, content words in it and matched."""
        total = 0.0
        got = 0.0
        content = 0
        content_matched = 0
        moved = set(al.moved_words)
        for ci, chunk in enumerate(qw.chunks):
            m = al.matches[ci] if ci < len(al.matches) else None
            done = {q for q, _ in m.pairs} if m is not None else set()
            for q, w in enumerate(chunk):
                wt = self.index.weight(w.wid)
                total += wt
                is_content = self.index.is_content(w.wid)
                content += is_content
                if q in done or (ci, q) in moved:
                    got += wt
                    content_matched += is_content
        return (got / total if total else 0.0), content, content_matched

    def _diff(self, qw: QuoteWords, al: Alignment) -> tuple[list[dict[str, Any]], list[str], list[str]]:
        ops: list[dict[str, Any]] = []
        illegit: list[str] = []
        cosmetic: list[str] = []
        src = al.source
        chunks = qw.chunks
        if qw.sic:
            cosmetic.append("[sic]")
        for g in qw.brackets:
            if g.kind == "bracket":
                pass
        lead = qw.gaps[0]
        if lead.kind:
            self._edge_gap(ops, lead, cosmetic)
        prev: ChunkMatch | None = None
        for ci, chunk in enumerate(chunks):
            m = al.matches[ci] if ci < len(al.matches) else None
            if ci > 0:
                g = qw.gaps[ci]
                if prev is not None and m is not None:
                    skipped = m.s_lo - prev.s_hi
                    note = g.kind
                    mark = self.article[g.start : g.end] if g.kind in ("ellipsis", "bracket") else ""
                    if g.kind == "bracket":
                        cosmetic.append("bracketed insertion")
                        ops.append({"op": "replace" if skipped else "insert", "article": mark,
                                    "source": self._src(src, prev.s_hi, m.s_lo), "note": note})
                    elif skipped or g.kind == "ellipsis":
                        cosmetic.append("ellipsis" if g.kind == "ellipsis" else
                                        f"source words skipped between the parts ({g.kind})")
                        op: dict[str, Any] = {"op": "delete", "article": mark,
                                              "source": self._src(src, prev.s_hi, m.s_lo),
                                              "note": note}
                        if skipped > _ABRIDGE:
                            op["words"] = skipped
                        ops.append(op)
                else:
                    if g.kind == "bracket":
                        cosmetic.append("bracketed insertion")
                        ops.append({"op": "insert", "article": self.article[g.start : g.end],
                                    "source": "", "note": "bracket"})
                    elif g.kind == "ellipsis":
                        cosmetic.append("ellipsis")
            if m is None:
                ops.append({"op": "insert", "article": self._art(chunk), "source": ""})
                illegit.append(f"words not in the source: {self._art(chunk)!r}")
                continue
            nxt = next((al.matches[x] for x in range(ci + 1, len(chunks))
                        if x < len(al.matches) and al.matches[x] is not None), None)
            src_lo = self.index.sources[m.source].lo
            src_hi = self.index.sources[m.source].hi
            self._extend_edges(chunk, m, prev.s_hi if prev else src_lo, nxt.s_lo if nxt else src_hi)
            self._chunk_ops(ops, chunk, m, illegit, cosmetic)
            prev = m
        tail = qw.gaps[-1]
        if tail.kind and len(qw.gaps) > 1:
            self._edge_gap(ops, tail, cosmetic)
        if illegit:
            illegit = _moved_reasons(ops, illegit)
        return ops, _dedupe(illegit), _dedupe(cosmetic)

    def _edge_gap(self, ops: list[dict[str, Any]], g: Any, cosmetic: list[str]) -> None:
        if g.kind == "bracket":
            cosmetic.append("bracketed insertion")
            ops.append({"op": "insert", "article": self.article[g.start : g.end], "source": "",
                        "note": "bracket"})
        elif g.kind == "ellipsis":
            cosmetic.append("ellipsis")

    def _extend_edges(self, chunk: Sequence[QWord], m: ChunkMatch, lo: int, hi: int) -> None:
        """Pair unmatched words at a chunk's edges with similar source words next to it.

        "Reverse the decision" against "Review the decision" is then one word
        replaced (not one added), and an OCR misreading at the edge is seen.
        """
        raws = self.index.raws
        lead = m.pairs[0][0]
        x = 0
        while x < min(lead, 3) and m.s_lo - x - 1 >= lo and _similar(
            chunk[lead - x - 1].raw, raws[m.s_lo - x - 1]
        ):
            x += 1
        m.s_lo -= x
        trail = len(chunk) - 1 - m.pairs[-1][0]
        y = 0
        while y < min(trail, 3) and m.s_hi + y < hi and _similar(
            chunk[m.pairs[-1][0] + y + 1].raw, raws[m.s_hi + y]
        ):
            y += 1
        m.s_hi += y

    def _ocr_misreading(self, art_words: Sequence[QWord], s0: int, s1: int) -> bool:
        """One word against one OCR-read word, a letter or two apart ("tbe" for "the")."""
        if len(art_words) != 1 or s1 - s0 != 1 or not self.index.is_ocr(s0):
            return False
        a, b = norm(art_words[0].raw), norm(self.index.raws[s0])
        if min(len(a), len(b)) < 3:
            return False
        return Levenshtein.distance(a, b) <= (1 if max(len(a), len(b)) < 8 else 2)

    def _chunk_ops(self, ops: list[dict[str, Any]], chunk: Sequence[QWord], m: ChunkMatch,
                   illegit: list[str], cosmetic: list[str]) -> None:
        idx = self.index
        src = m.source
        pairs = m.pairs
        text = idx.sources[src].document.text
        spans = idx.spans(m.s_lo, m.s_hi)

        def sspan(t: int) -> tuple[int, int]:
            return spans[t - m.s_lo]

        q = 0
        s = m.s_lo
        k = 0
        eq_q: list[QWord] = []
        eq_s: tuple[int, int] | None = None

        def flush_equal() -> None:
            nonlocal eq_q, eq_s
            if eq_q and eq_s is not None:
                a, b = eq_s
                ops.append({"op": "equal", "article": self._art(eq_q),
                            "source": text[sspan(a)[0] : sspan(b - 1)[1]]})
            eq_q, eq_s = [], None

        while q < len(chunk) or s < m.s_hi:
            nq, ns = pairs[k] if k < len(pairs) else (len(chunk), m.s_hi)
            if q < nq or s < ns:
                flush_equal()
                art_words = list(chunk[q:nq])
                src_words = idx.raws[s:ns]
                if art_words and src_words:
                    joined_a = "".join(norm(w.raw) for w in art_words)
                    joined_s = "".join(norm(w) for w in src_words)
                    op = {"op": "replace", "article": self._art(art_words),
                          "source": text[sspan(s)[0] : sspan(ns - 1)[1]]}
                    if joined_a == joined_s:
                        s_seps = [text[sspan(t)[1] : sspan(t + 1)[0]] for t in range(s, ns - 1)]
                        a_seps = [self.article[x.end : y.start]
                                  for x, y in itertools.pairwise(art_words)]
                        if all(_LINE_HYPHEN.fullmatch(x) for x in s_seps + a_seps):
                            # "deci-\nsion": a word hyphenated at a line end is the same word
                            op["note"] = "hyphenation"
                        else:
                            op["note"] = "spacing"
                            cosmetic.append("words joined or split differently")
                    elif self._ocr_misreading(art_words, s, ns):
                        op["note"] = "ocr"
                        cosmetic.append("the source's OCR misread a letter")
                    else:
                        illegit.append(f"{op['source']!r} became {op['article']!r}")
                    ops.append(op)
                elif art_words:
                    a = self._art(art_words)
                    ops.append({"op": "insert", "article": a, "source": ""})
                    illegit.append(f"added {a!r}")
                elif src_words:
                    srct = text[sspan(s)[0] : sspan(ns - 1)[1]]
                    ops.append({"op": "delete", "article": "", "source": srct})
                    illegit.append(f"dropped {srct!r}")
                q, s = nq, ns
            if k >= len(pairs):
                break
            # an equal pair
            w = chunk[nq]
            if eq_s is not None and eq_s[1] == ns and eq_q and eq_q[-1] is chunk[nq - 1]:
                # consecutive: compare the punctuation between the two words
                prev_w = eq_q[-1]
                raw_sep = text[sspan(ns - 1)[1] : sspan(ns)[0]]
                if prev_w.part == w.part and not any(c.isalnum() for c in raw_sep):
                    a_sep = _sep(self.article[prev_w.end : w.start])
                    s_sep = _sep(raw_sep)
                    if a_sep != s_sep:
                        if a_sep.replace('"', "'") == s_sep.replace('"', "'"):
                            cosmetic.append("quote marks differ")
                        else:
                            cosmetic.append(
                                f"punctuation {s_sep or '(none)'!r} became {a_sep or '(none)'!r}")
                eq_s = (eq_s[0], ns + 1)
            else:
                flush_equal()
                eq_s = (ns, ns + 1)
            eq_q.append(w)
            a_raw, s_raw = fold(w.raw), fold(idx.raws[ns])
            if w.bracketed:
                cosmetic.append("bracketed letters")
            elif a_raw != s_raw:
                if w.case_free and a_raw[:1].casefold() == s_raw[:1].casefold() and a_raw[1:] == s_raw[1:]:
                    pass
                else:
                    cosmetic.append(f"case {s_raw!r} became {a_raw!r}")
            q, s = nq + 1, ns + 1
            k += 1
        flush_equal()


def _moved_reasons(ops: Sequence[dict[str, Any]], reasons: list[str]) -> list[str]:
    """Say "moved" for words the article added in one place and dropped in another."""
    added = {norm(op["article"]) for op in ops if op["op"] == "insert" and not op.get("note")}
    dropped = {norm(op["source"]) for op in ops if op["op"] == "delete" and not op.get("note")}
    moved = added & dropped
    if not moved:
        return reasons
    out = [r for r in reasons if not any(
        r in (f"added {m!r}", f"dropped {m!r}") for m in moved)]
    raw = {norm(op["article"]): op["article"] for op in ops if op["op"] == "insert"}
    return out + [f"{raw.get(m, m)!r} moved" for m in sorted(moved)]


def _similar(a: str, b: str) -> bool:
    a, b = norm(a), norm(b)
    return min(len(a), len(b)) >= 2 and Indel.normalized_similarity(a, b) >= 0.5


def _runs(pairs: Sequence[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    out: list[list[tuple[int, int]]] = []
    for p in pairs:
        if out and p[0] == out[-1][-1][0] + 1 and p[1] == out[-1][-1][1] + 1:
            out[-1].append(p)
        else:
            out.append([p])
    return out


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def _found(m: int, matched: int, covered: int, run: int, sim: float, wcov: float,
           illegit: Sequence[str], content: int, content_matched: int) -> bool:
    """Whether the best passage is this quotation's source (possibly altered).

    ``m`` quote words, ``matched`` lined up with the passage, ``covered`` also
    counting words found nearby in another order; ``run`` the longest run of
    matched words; ``sim`` the share of matching words over quote and passage;
    ``wcov`` the share of the quote's weight (rarity) found; ``content`` the
    quote's content words (not function words), ``content_matched`` those matched.
    """
    if matched == 0:
        return False
    if m <= 3:
        return matched == m and not illegit
    need_content = min(content, 1 if m <= 6 else 2)
    # seven words or more, all but one in order: the one may be the content word changed
    near_complete = m >= 7 and matched >= m - 1 and content_matched >= content - 1
    if content_matched < need_content and not near_complete:
        return False
    if m <= 6:
        return covered >= m - 1 and matched >= m - 2 and run >= 2 and sim >= 0.6 and wcov >= 0.5
    return covered >= 0.6 * m and run >= 3 and sim >= 0.45 and wcov >= 0.45
