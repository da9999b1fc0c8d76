"""Find a quotation's best passage in the source documents, word by word.

The sources are indexed once (:class:`SourceIndex`): their words are
normalised (Unicode NFKC, case folded, apostrophes unified, invisible format
characters dropped), numbered, and every word bigram is put in a sorted table.
A quotation is cut into *chunks* at its ellipses, brackets and attribution
breaks; each chunk finds candidate places by voting of its bigrams along the
alignment diagonal (the way BLAST seeds an alignment), then the best window is
aligned word by word with rapidfuzz's bit-parallel ``Indel.opcodes`` (C++).
Chunks are chained in order: after an ellipsis (or between the parts of a
split quote) any amount of source text may be skipped; a bracketed insertion
may stand in for a few source words or none.  No step loops over the source
in Python once the index is built.

This module finds *where* a quotation comes from and how the words line up;
:mod:`leakdesk.quotes.verdict` says what that means.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel

from ..document import Document
from .extract import Quotation

#: A word: letters and digits (with combining marks and invisible format
#: characters inside, which normalisation drops), apostrophes between letters.
WORD_PATTERN = (
    r"(?:[^\W_]|[\u0300-\u036f\u00ad\u200b-\u200d\u2060\ufeff])+"
    r"(?:['’ʼ](?:[^\W_]|[\u0300-\u036f])+)*"
)
WORD_RE = re.compile(WORD_PATTERN)

_STRIP = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_APOS = str.maketrans({"’": "'", "ʼ": "'", "‘": "'"})

#: Parts of a source document that are not its text proper.
SKIPPED_PARTS = frozenset({"header", "footer", "metadata", "filename", "email-header"})

#: Source words a bracketed insertion may stand in for.
BRACKET_SPAN = 4
#: Bigrams more frequent than this are not used as seeds while rarer ones exist.
_SEED_CAP = 400
_CHUNK_CHARS = 1 << 15


def fold(raw: str) -> str:
    """A word as compared for *verbatim*: NFKC, no invisible characters, one apostrophe."""
    return unicodedata.normalize("NFKC", raw.translate(_STRIP)).translate(_APOS)


def norm(raw: str) -> str:
    """A word as compared for *matching*: :func:`fold` and case folded."""
    return fold(raw).casefold()


# -- the index of the sources ----------------------------------------------------


@dataclass(slots=True)
class SourceText:
    name: str
    document: Document
    lo: int  # first token (global index)
    hi: int  # one past the last token


class SourceIndex:
    """The words of every source document, numbered and indexed by bigram."""

    def __init__(self, sources: Iterable[tuple[str, Document]]) -> None:
        self.vocab: dict[str, int] = {}
        self._raw_ids: dict[str, int] = {}
        self.ids: list[int] = []
        self.raws: list[str] = []
        self.sources: list[SourceText] = []
        # (first token, char start, char end, source number) per chunk of text
        self._chunks: list[tuple[int, int, int, int]] = []
        self._span_cache: dict[int, list[tuple[int, int]]] = {}
        for name, doc in sources:
            self._add(name, doc)
        self._chunk_tok = [c[0] for c in self._chunks]
        self._src_lo = [s.lo for s in self.sources]
        self._build_bigrams()
        counts = Counter(self.ids)
        self.total = max(1, len(self.ids))
        self.counts = counts

    # -- building ---------------------------------------------------------------

    def _id(self, raw: str) -> int:
        i = self._raw_ids.get(raw)
        if i is None:
            n = norm(raw)
            i = self.vocab.setdefault(n, len(self.vocab))
            self._raw_ids[raw] = i
        return i

    def _add(self, name: str, doc: Document) -> None:
        text = doc.text
        lo = len(self.ids)
        sno = len(self.sources)
        segments = [(s.start, s.end) for s in doc.segments if s.part not in SKIPPED_PARTS]
        if not doc.segments:
            segments = [(0, len(text))]
        raw_ids = self._raw_ids
        for a, b in _merge_ranges(segments):
            for ca, cb in _chunk_ranges(text, a, b):
                toks = WORD_RE.findall(text, ca, cb)
                if not toks:
                    continue
                self._chunks.append((len(self.ids), ca, cb, sno))
                self.raws.extend(toks)
                self.ids.extend([raw_ids[t] if t in raw_ids else self._id(t) for t in toks])
        self.sources.append(SourceText(name, doc, lo, len(self.ids)))

    def _build_bigrams(self) -> None:
        ids = self.ids
        v = max(1, len(self.vocab))
        self._v = v
        keys = [a * v + b for a, b in zip(ids, ids[1:], strict=False)]
        order = sorted(range(len(keys)), key=keys.__getitem__)
        self._order = order
        self._skeys = [keys[i] for i in order]

    # -- look-ups ---------------------------------------------------------------

    def word_id(self, raw: str) -> int:
        """The id of a word, or -1 if no source has it."""
        i = self._raw_ids.get(raw)
        if i is not None:
            return i
        return self.vocab.get(norm(raw), -1)

    def bigram_range(self, a: int, b: int) -> tuple[int, int]:
        if a < 0 or b < 0:
            return 0, 0
        key = a * self._v + b
        lo = bisect.bisect_left(self._skeys, key)
        hi = bisect.bisect_right(self._skeys, key, lo)
        return lo, hi

    def bigram_positions(self, lo: int, hi: int) -> list[int]:
        return self._order[lo:hi]

    def source_of(self, tok: int) -> int:
        return max(0, bisect.bisect_right(self._src_lo, tok) - 1)

    def weight(self, wid: int) -> float:
        """Inverse frequency of a word in the sources (rare words weigh more)."""
        c = self.counts.get(wid, 0) if wid >= 0 else 0
        return math.log((self.total + 1) / (c + 1))

    def spans(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """Code-point spans (in their source's text) of tokens ``[lo, hi)``."""
        out: list[tuple[int, int]] = []
        t = lo
        while t < hi:
            c = bisect.bisect_right(self._chunk_tok, t) - 1
            first = self._chunk_tok[c]
            spans = self._span_cache.get(c)
            if spans is None:
                _, ca, cb, sno = self._chunks[c]
                text = self.sources[sno].document.text
                spans = [m.span() for m in WORD_RE.finditer(text, ca, cb)]
                if len(self._span_cache) > 256:
                    self._span_cache.clear()
                self._span_cache[c] = spans
            take = min(hi, first + len(spans))
            out.extend(spans[t - first : take - first])
            t = take
        return out

    def span(self, tok: int) -> tuple[int, int]:
        return self.spans(tok, tok + 1)[0]

    def find(self, seq: Sequence[int], lo: int, hi: int, *, last: bool = False) -> int:
        """First (or last) exact occurrence of ``seq`` in tokens ``[lo, hi)``, or -1."""
        k = len(seq)
        if k == 0 or hi - lo < k or any(x < 0 for x in seq):
            return -1
        ids = self.ids
        if last:
            window = ids[lo:hi]
            window.reverse()
            rev = list(reversed(seq))
            p = _find_sub(window, rev, 0, len(window))
            return -1 if p < 0 else hi - p - k
        return _find_sub(ids, seq, lo, hi)

    def exact_positions(self, seq: Sequence[int], limit: int = 1000) -> list[int]:
        """Start positions of exact occurrences of ``seq`` anywhere (at most ``limit``)."""
        k = len(seq)
        if k == 0 or any(x < 0 for x in seq):
            return []
        if k == 1:
            out = []
            p = -1
            ids = self.ids
            while len(out) < limit:
                try:
                    p = ids.index(seq[0], p + 1)
                except ValueError:
                    break
                out.append(p)
            return out
        best: tuple[int, int, int] | None = None
        for i in range(k - 1):
            lo, hi = self.bigram_range(seq[i], seq[i + 1])
            if hi == lo:
                return []
            if best is None or hi - lo < best[1] - best[0]:
                best = (lo, hi, i)
        assert best is not None
        lo, hi, i = best
        ids = self.ids
        seq_l = list(seq)
        out = []
        for p in sorted(self._order[lo:hi]):
            s = p - i
            if s >= 0 and ids[s : s + k] == seq_l:
                out.append(s)
                if len(out) >= limit:
                    break
        return out


def _find_sub(ids: list[int], seq: Sequence[int], lo: int, hi: int) -> int:
    k = len(seq)
    first = seq[0]
    seq_l = list(seq)
    p = lo - 1
    while True:
        try:
            p = ids.index(first, p + 1, hi - k + 1)
        except ValueError:
            return -1
        if k == 1 or ids[p : p + k] == seq_l:
            return p


def _merge_ranges(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        elif b > a:
            out.append((a, b))
    return out


def _chunk_ranges(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Cut ``[a, b)`` at white space into pieces of about 32k characters."""
    out = []
    while b - a > _CHUNK_CHARS:
        cut = a + _CHUNK_CHARS
        while cut < b and not text[cut].isspace():
            cut += 1
        out.append((a, cut))
        a = cut
    out.append((a, b))
    return out


# -- the quotation side -------------------------------------------------------------

_ELLIPSIS = r"\[\s*(?:\.\s*){3}\]|\[\s*…\s*\]|\(\s*(?:\.\s*){3}\)|\(\s*…\s*\)|…|\.\s?\.\s?\.(?:\s?\.)?"
_FUSED_WORD = (
    r"(?:[^\W_]|[\u0300-\u036f\u00ad\u200b-\u200d\u2060\ufeff]|\[[^\W_]{1,20}\])+"
    r"(?:['’ʼ](?:[^\W_]|[\u0300-\u036f])+)*"
)
_ELEMENT_RE = re.compile(
    rf"(?P<ell>{_ELLIPSIS})|(?P<word>{_FUSED_WORD})|(?P<brk>[\[(][^\[\]()\n]{{1,100}}[\])])"
)
_SIC = {"sic", "sic!"}


@dataclass(slots=True)
class QWord:
    raw: str  # as written (without brackets)
    start: int
    end: int
    part: int
    wid: int = -1
    case_free: bool = False  # its first letter's case may differ (quote or chunk start)
    bracketed: bool = False  # "[W]e": partly supplied by the journalist


@dataclass(slots=True)
class Gap:
    """What separates two chunks of a quotation."""

    kind: str  # "ellipsis", "split", "paragraph", "bracket"
    start: int  # article span of the mark (or the attribution)
    end: int
    words: int = 0  # for a bracket: how many words it holds


@dataclass(slots=True)
class QuoteWords:
    chunks: list[list[QWord]]
    gaps: list[Gap]  # len(chunks) + 1: before the first chunk ... after the last
    brackets: list[Gap] = field(default_factory=list)
    sic: bool = False

    @property
    def words(self) -> list[QWord]:
        return [w for c in self.chunks for w in c]


def quote_words(text: str, q: Quotation) -> QuoteWords:
    """Cut a quotation into chunks of words at ellipses, brackets and attribution breaks."""
    chunks: list[list[QWord]] = [[]]
    gaps: list[Gap] = [Gap("", q.start, q.start)]
    brackets: list[Gap] = []
    sic = False

    def cut(g: Gap) -> None:
        if chunks[-1]:
            chunks.append([])
            gaps.append(g)
        else:
            # two gaps in a row (or a gap at the start): keep the stronger one
            prev = gaps[-1]
            if prev.kind in ("", "bracket") or g.kind in ("ellipsis",):
                gaps[-1] = Gap(g.kind if g.kind != "bracket" or prev.kind in ("", "bracket") else prev.kind,
                               min(prev.start, g.start) if prev.kind else g.start, g.end,
                               prev.words + g.words)

    for pno, (a, b) in enumerate(q.parts):
        if pno > 0:
            join = q.joins[pno - 1] if pno - 1 < len(q.joins) else "line"
            if join in ("split", "paragraph"):
                cut(Gap(join, q.parts[pno - 1][1], a))
        first_in_part = True
        for m in _ELEMENT_RE.finditer(text, a, b):
            kind = m.lastgroup
            if kind == "ell":
                cut(Gap("ellipsis", m.start(), m.end()))
                first_in_part = True
                continue
            if kind == "brk":
                inner = m.group()[1:-1].strip()
                if inner.lower() in _SIC:
                    sic = True
                    continue
                n = len(WORD_RE.findall(inner))
                g = Gap("bracket", m.start(), m.end(), n)
                brackets.append(g)
                cut(g)
                continue
            raw = m.group()
            bracketed = "[" in raw
            if bracketed:
                inner = raw.replace("[", "").replace("]", "")
                if raw.startswith("[") and raw.endswith("]") and raw.count("[") == 1:
                    # a whole word in brackets: an insertion
                    if inner.lower() in _SIC:
                        sic = True
                        continue
                    g = Gap("bracket", m.start(), m.end(), 1)
                    brackets.append(g)
                    cut(g)
                    continue
                raw = inner
            chunks[-1].append(
                QWord(raw, m.start(), m.end(), pno, case_free=first_in_part or not chunks[-1],
                      bracketed=bracketed)
            )
            first_in_part = False
    if not chunks[-1] and len(chunks) > 1:
        chunks.pop()
        tail = gaps.pop()
        gaps.append(tail)
    else:
        gaps.append(Gap("", q.end, q.end))
    if chunks and not chunks[-1]:
        chunks.pop()
    while len(gaps) < len(chunks) + 1:
        gaps.append(Gap("", q.end, q.end))
    return QuoteWords(chunks, gaps[: len(chunks) + 1], brackets, sic)


# -- aligning ------------------------------------------------------------------------


@dataclass(slots=True)
class ChunkMatch:
    """Where one chunk lines up: ``pairs`` of (chunk word, global source token)."""

    chunk: int
    source: int
    pairs: list[tuple[int, int]]
    s_lo: int
    s_hi: int

    @property
    def matched(self) -> int:
        return len(self.pairs)


@dataclass(slots=True)
class Alignment:
    """A quotation lined up against one source: one match (or none) per chunk."""

    words: QuoteWords
    matches: list[ChunkMatch | None]
    source: int = -1
    moved: int = 0  # quote words found nearby but out of order

    @property
    def matched(self) -> int:
        return sum(m.matched for m in self.matches if m is not None)


def _pairs_from_opcodes(ops: Iterable[tuple[str, int, int, int, int]], w0: int) -> list[tuple[int, int]]:
    pairs = []
    for tag, s0, s1, q0, _q1 in ops:
        if tag == "equal":
            pairs.extend((q0 + k, w0 + s0 + k) for k in range(s1 - s0))
    return pairs


def _blocks(pairs: Sequence[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    out: list[list[tuple[int, int]]] = []
    for p in pairs:
        if out and p[0] == out[-1][-1][0] + 1 and p[1] == out[-1][-1][1] + 1:
            out[-1].append(p)
        else:
            out.append([p])
    return out


def _compact(pairs: list[tuple[int, int]], seq: Sequence[int], ids: Sequence[int]) -> list[tuple[int, int]]:
    """Slide matched blocks over skipped source words so matches are contiguous.

    An LCS alignment may match "the" five words too early; when the same words
    sit right next to the following (or preceding) block, move them there.
    """
    changed = True
    while changed:
        changed = False
        blocks = _blocks(pairs)
        for b in range(len(blocks) - 1):
            cur, nxt = blocks[b], blocks[b + 1]
            if nxt[0][0] != cur[-1][0] + 1:
                continue  # quote words between: not a pure source gap
            gap = nxt[0][1] - cur[-1][1] - 1
            if gap <= 0:
                continue
            if len(cur) <= len(nxt):
                n = len(cur)
                s = nxt[0][1] - n
                if list(ids[s : s + n]) == [seq[q] for q, _ in cur]:
                    blocks[b] = [(q, s + k) for k, (q, _) in enumerate(cur)]
                    changed = True
            else:
                n = len(nxt)
                s = cur[-1][1] + 1
                if list(ids[s : s + n]) == [seq[q] for q, _ in nxt]:
                    blocks[b + 1] = [(q, s + k) for k, (q, _) in enumerate(nxt)]
                    changed = True
            if changed:
                pairs = [p for blk in blocks for p in blk]
                break
    return pairs


class Aligner:
    def __init__(self, index: SourceIndex) -> None:
        self.index = index

    def _window_match(self, ci: int, seq: Sequence[int], w0: int, w1: int) -> ChunkMatch | None:
        idx = self.index
        window = idx.ids[w0:w1]
        ops = Indel.opcodes(window, list(seq))
        pairs = _pairs_from_opcodes(((o.tag, o.src_start, o.src_end, o.dest_start, o.dest_end) for o in ops), w0)
        if not pairs:
            return None
        pairs = _compact(pairs, seq, idx.ids)
        sno = idx.source_of(pairs[0][1])
        return ChunkMatch(ci, sno, pairs, pairs[0][1], pairs[-1][1] + 1)

    def candidates(self, ci: int, seq: Sequence[int], limit: int = 3) -> list[ChunkMatch]:
        """The best places for a chunk of at least two words, best first."""
        idx = self.index
        k = len(seq)
        if k == 1:
            return [ChunkMatch(ci, idx.source_of(p), [(0, p)], p, p + 1)
                    for p in idx.exact_positions(seq, 1)]
        if k <= 4:
            exact = idx.exact_positions(seq, limit)
            if exact:
                return [ChunkMatch(ci, idx.source_of(p), [(j, p + j) for j in range(k)], p, p + k)
                        for p in exact]
        seeds = []
        for i in range(k - 1):
            lo, hi = idx.bigram_range(seq[i], seq[i + 1])
            if hi > lo:
                seeds.append((hi - lo, i, lo, hi))
        if not seeds:
            return []
        seeds.sort()
        hits: dict[int, list[int]] = {}
        used = 0
        for cnt, i, lo, hi in seeds:
            if cnt > _SEED_CAP and used:
                break
            for p in idx.bigram_positions(lo, min(hi, lo + 4 * _SEED_CAP)):
                d = p - i
                hits.setdefault(d >> 3, []).append(d)
            used += 1
        score = {b: len(v) + len(hits.get(b - 1, ())) + len(hits.get(b + 1, ())) for b, v in hits.items()}
        ranked = sorted(score, key=lambda b: (-score[b], b))
        chosen: list[int] = []
        for b in ranked:
            if all(abs(b - c) > 2 for c in chosen):
                chosen.append(b)
            if len(chosen) >= limit:
                break
        out = []
        slack = max(2, k // 8)
        for b in chosen:
            diags = hits.get(b - 1, []) + hits[b] + hits.get(b + 1, [])
            dmin, dmax = min(diags), max(diags)
            sno = idx.source_of(max(0, dmin + k // 2))
            src = idx.sources[sno]
            w0 = max(src.lo, dmin - slack)
            w1 = min(src.hi, dmax + k + slack)
            if w1 <= w0:
                continue
            m = self._window_match(ci, seq, w0, w1)
            if m is not None:
                out.append(m)
        out.sort(key=lambda m: (-m.matched, m.s_hi - m.s_lo))
        return out

    def align(self, qw: QuoteWords) -> Alignment:
        idx = self.index
        for w in qw.words:
            w.wid = idx.word_id(w.raw)
        seqs = [[w.wid for w in c] for c in qw.chunks]
        if not seqs:
            return Alignment(qw, [])
        n = len(seqs)
        cands: list[list[ChunkMatch]] = []
        for ci, seq in enumerate(seqs):
            cands.append(self.candidates(ci, seq) if len(seq) >= 3 or n == 1 else [])
        chosen = self._chain(qw, cands)
        if all(c is None for c in chosen) and n > 1:
            chosen = self._chain_short(qw, seqs)
        self._fill(qw, seqs, chosen)
        sources = {c.source for c in chosen if c is not None}
        al = Alignment(qw, chosen, sources.pop() if len(sources) == 1 else -1)
        if len(sources) > 1:  # keep the chunks of the source with the most words
            best = max(sources | {al.source}, key=lambda s: sum(c.matched for c in chosen if c and c.source == s))
            al.matches = [c if c is not None and c.source == best else None for c in chosen]
            al.source = best
        al.moved = self._moved(seqs, al)
        return al

    # -- chaining chunks --------------------------------------------------------

    def _max_gap(self, qw: QuoteWords, i: int, j: int) -> int | None:
        """Most source words allowed between chunk ``i`` and chunk ``j`` (None: any)."""
        total = 0
        for g in qw.gaps[i + 1 : j + 1]:
            if g.kind in ("ellipsis", "split", "paragraph"):
                return None
            total += max(BRACKET_SPAN, g.words + 2)
        for c in qw.chunks[i + 1 : j]:
            total += len(c) + 2
        return total

    def _chain(self, qw: QuoteWords, cands: list[list[ChunkMatch]]) -> list[ChunkMatch | None]:
        n = len(cands)
        # best[j][c] = (score, prev chunk, prev cand) for chains ending with cands[j][c]
        best: list[list[tuple[int, int, int]]] = []
        for j in range(n):
            row = []
            for c in cands[j]:
                top = (c.matched, -1, -1)
                for i in range(j):
                    for pc, prev in enumerate(cands[i]):
                        if prev.source != c.source or c.s_lo < prev.s_hi:
                            continue
                        limit = self._max_gap(qw, i, j)
                        if limit is not None and c.s_lo - prev.s_hi > limit:
                            continue
                        s = best[i][pc][0] + c.matched
                        if s > top[0]:
                            top = (s, i, pc)
                row.append(top)
            best.append(row)
        end: tuple[int, int] | None = None
        top_score = 0
        for j in range(n):
            for c, (s, _, _) in enumerate(best[j]):
                if s > top_score:
                    top_score, end = s, (j, c)
        chosen: list[ChunkMatch | None] = [None] * n
        while end is not None:
            j, c = end
            chosen[j] = cands[j][c]
            _, pi, pc = best[j][c]
            end = (pi, pc) if pi >= 0 else None
        return chosen

    def _chain_short(self, qw: QuoteWords, seqs: list[list[int]]) -> list[ChunkMatch | None]:
        """Only short chunks: find the first in full, then the others after it."""
        idx = self.index
        first = next((i for i, s in enumerate(seqs) if s and all(x >= 0 for x in s)), None)
        if first is None:
            return [None] * len(seqs)
        best: list[ChunkMatch | None] = [None] * len(seqs)
        best_n = 0
        for p in idx.exact_positions(seqs[first], 200):
            trial: list[ChunkMatch | None] = [None] * len(seqs)
            trial[first] = ChunkMatch(first, idx.source_of(p), [(j, p + j) for j in range(len(seqs[first]))], p, p + len(seqs[first]))
            self._fill(qw, seqs, trial)
            found = sum(1 for t in trial if t is not None)
            if found > best_n:
                best, best_n = trial, found
            if found == len(seqs):
                break
        return best

    def _fill(self, qw: QuoteWords, seqs: list[list[int]], chosen: list[ChunkMatch | None]) -> None:
        """Place the chunks the chain left out, between their placed neighbours."""
        idx = self.index
        n = len(seqs)
        for j in range(n):
            if chosen[j] is not None or not seqs[j]:
                continue
            prev = next(((i, chosen[i]) for i in range(j - 1, -1, -1) if chosen[i] is not None), None)
            nxt = next(((i, chosen[i]) for i in range(j + 1, n) if chosen[i] is not None), None)
            if prev is None and nxt is None:
                continue
            anchor = (prev or nxt)[1]  # type: ignore[index]
            assert anchor is not None
            src = idx.sources[anchor.source]
            lo, hi = src.lo, src.hi
            if prev is not None:
                pm = prev[1]
                assert pm is not None
                lo = pm.s_hi
                limit = self._max_gap(qw, prev[0], j)
                if limit is not None:
                    hi = min(hi, lo + limit + len(seqs[j]))
            if nxt is not None:
                nm = nxt[1]
                assert nm is not None
                hi = min(hi, nm.s_lo)
                limit = self._max_gap(qw, j, nxt[0])
                if limit is not None and prev is None:
                    lo = max(lo, nm.s_lo - limit - len(seqs[j]))
            if hi <= lo:
                continue
            p = idx.find(seqs[j], lo, hi, last=prev is None)
            if p >= 0:
                k = len(seqs[j])
                chosen[j] = ChunkMatch(j, anchor.source, [(x, p + x) for x in range(k)], p, p + k)
            elif len(seqs[j]) >= 3 and hi - lo <= 4 * len(seqs[j]) + 20:
                m = self.index_window(j, seqs[j], lo, hi)
                if m is not None:
                    chosen[j] = m

    def index_window(self, ci: int, seq: Sequence[int], lo: int, hi: int) -> ChunkMatch | None:
        return self._window_match(ci, seq, lo, hi)

    def _moved(self, seqs: list[list[int]], al: Alignment) -> int:
        """Quote words out of place: unmatched, but in a bigram of the source nearby."""
        placed = [m for m in al.matches if m is not None]
        if not placed:
            return 0
        idx = self.index
        total = sum(len(s) for s in seqs)
        lo = min(m.s_lo for m in placed)
        hi = max(m.s_hi for m in placed)
        src = idx.sources[placed[0].source]
        lo = max(src.lo, lo - total)
        hi = min(src.hi, hi + total)
        ids = idx.ids
        near = set(zip(ids[lo:hi], ids[lo + 1 : hi], strict=False))
        moved = 0
        for ci, seq in enumerate(seqs):
            m = al.matches[ci]
            done = {q for q, _ in m.pairs} if m is not None else set()
            for q in range(len(seq)):
                if q in done:
                    continue
                left = q > 0 and (seq[q - 1], seq[q]) in near
                right = q + 1 < len(seq) and (seq[q], seq[q + 1]) in near
                if left or right:
                    moved += 1
        return moved
