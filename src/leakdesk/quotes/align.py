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
import heapq
import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel

from ..document import Document
from .extract import Quotation
from .lexicon import STOPWORDS

#: A word: letters and digits with apostrophes between letters.  Texts that hold
#: combining accents or invisible format characters (soft hyphens, zero-width
#: spaces: canary traps) use the slower WORD_RE, which keeps them inside words;
#: normalisation then composes or drops them.
WORD_RE = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u00ad\u200b-\u200d\u2060\ufeff])+"
    r"(?:['’ʼ](?:[^\W_]|[\u0300-\u036f])+)*"
)
FAST_WORD_RE = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")
_NEEDS_SLOW = re.compile(r"[\u0300-\u036f\u00ad\u200b-\u200d\u2060\ufeff]")


def word_re(text: str) -> re.Pattern[str]:
    """The tokenizer for ``text``: the fast one unless it holds marks or invisible characters."""
    return WORD_RE if _NEEDS_SLOW.search(text) else FAST_WORD_RE


_STRIP = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_APOS = str.maketrans({"’": "'", "ʼ": "'", "‘": "'"})

#: Parts of a document that are not its text proper: page headers and footers (page
#: furniture), container metadata and file names.  E-mail headers stay: a Subject line
#: is quoted as often as a body.
SKIPPED_PARTS = frozenset({"header", "footer", "metadata", "filename"})

#: Source words a bracketed insertion may stand in for.
BRACKET_SPAN = 4
#: Bigrams more frequent than this are not used as seeds while rarer ones exist.
_SEED_CAP = 400
_CHUNK_CHARS = 1 << 15
_BIG = 1 << 32
#: How far (in words) an ellipsis is followed when trying alternative chains.
_REACH = 20000


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
    """The words of every source document, numbered; bigrams looked up on demand.

    Building costs one tokenizer pass and one dictionary look-up per word.  The
    positions of the bigrams the quotations need are then found in one pass
    over the bigram keys (:meth:`prepare`), so no table of every bigram is
    sorted or stored.
    """

    def __init__(self, sources: Iterable[tuple[str, Document]]) -> None:
        self.vocab: dict[str, int] = {}
        self._raw_ids: dict[str, int] = {}
        self.ids: list[int] = []
        self.raws: list[str] = []
        self.sources: list[SourceText] = []
        # (first token, char start, char end, source number) per chunk of text
        self._chunks: list[tuple[int, int, int, int]] = []
        self._patterns: list[re.Pattern[str]] = []
        self._chunk_ocr: list[bool] = []
        self._span_cache: dict[int, list[tuple[int, int]]] = {}
        for name, doc in sources:
            self._add(name, doc)
        self._chunk_tok = [c[0] for c in self._chunks]
        self._src_lo = [s.lo for s in self.sources]
        self._v = max(1, len(self.vocab)) + 1
        ids = self.ids
        v = self._v
        self._keys = [a * v + b for a, b in itertools.pairwise(ids)]
        self._bigrams: dict[int, list[int]] = {}
        self.counts = Counter(ids)
        self.total = max(1, len(ids))
        self._stop_ids = {self.vocab[w] for w in STOPWORDS if w in self.vocab}

    # -- building ---------------------------------------------------------------

    def _id(self, raw: str) -> int:
        i = self._raw_ids.get(raw)
        if i is None:
            i = self.vocab.setdefault(norm(raw), len(self.vocab))
            self._raw_ids[raw] = i
        return i

    def _add(self, name: str, doc: Document) -> None:
        text = doc.text
        lo = len(self.ids)
        sno = len(self.sources)
        pattern = word_re(text)
        self._patterns.append(pattern)
        segments = [(s.start, s.end, s.part) for s in doc.segments if s.part not in SKIPPED_PARTS]
        if not doc.segments:
            segments = [(0, len(text), "body")]
        furniture = page_furniture(doc)
        raw_ids = self._raw_ids
        for a, b, part in _split_ranges(segments, furniture):
            for ca, cb in _chunk_ranges(text, a, b):
                toks = pattern.findall(text, ca, cb)
                if not toks:
                    continue
                for t in set(toks).difference(raw_ids):
                    self._id(t)
                self._chunks.append((len(self.ids), ca, cb, sno))
                self._chunk_ocr.append(part == "ocr")
                self.raws.extend(toks)
                self.ids.extend(map(raw_ids.__getitem__, toks))
        self.sources.append(SourceText(name, doc, lo, len(self.ids)))

    def is_ocr(self, tok: int) -> bool:
        """Whether a source word was read by OCR (and may be misread)."""
        c = bisect.bisect_right(self._chunk_tok, tok) - 1
        return c >= 0 and self._chunk_ocr[c]

    def prepare(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Find the positions of these bigrams (word-id pairs) in one pass."""
        v = self._v
        want = {a * v + b for a, b in pairs if a >= 0 and b >= 0} - self._bigrams.keys()
        if not want:
            return
        found: dict[int, list[int]] = {k: [] for k in want}
        for i in [i for i, k in enumerate(self._keys) if k in want]:
            found[self._keys[i]].append(i)
        self._bigrams.update(found)

    # -- look-ups ---------------------------------------------------------------

    def word_id(self, raw: str) -> int:
        """The id of a word, or -1 if no source has it."""
        i = self._raw_ids.get(raw)
        if i is not None:
            return i
        return self.vocab.get(norm(raw), -1)

    def bigram(self, a: int, b: int) -> list[int]:
        """Positions of the bigram ``a b`` (ascending)."""
        if a < 0 or b < 0:
            return []
        key = a * self._v + b
        got = self._bigrams.get(key)
        if got is None:
            self.prepare([(a, b)])
            got = self._bigrams[key]
        return got

    def source_of(self, tok: int) -> int:
        return max(0, bisect.bisect_right(self._src_lo, tok) - 1)

    def is_content(self, wid: int) -> bool:
        """Not a function word: not a stop word, and (in a long source) not among the most frequent."""
        if wid < 0:
            return True
        if wid in self._stop_ids:
            return False
        return self.total < 2000 or self.counts.get(wid, 0) < 0.01 * self.total

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
                spans = [m.span() for m in self._patterns[sno].finditer(text, ca, cb)]
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
        """First (or last) exact occurrence of ``seq`` in tokens ``[lo, hi)``, or -1.

        The rarest word of ``seq`` is searched for (``list.index`` runs in C); a
        backward search looks in growing blocks from ``hi`` down.
        """
        k = len(seq)
        if k == 0 or hi - lo < k or any(x < 0 for x in seq):
            return -1
        counts = self.counts
        pivot = min(range(k), key=lambda j: counts.get(seq[j], 0))
        if not last:
            return _find_sub(self.ids, seq, pivot, lo, hi)
        block = 256
        top = hi
        while top > lo:
            bottom = max(lo, top - block)
            # occurrences may straddle blocks: search up to ``top + k - 1``
            p = _find_last(self.ids, seq, pivot, bottom, min(hi, top + k - 1))
            if p >= 0:
                return p
            top = bottom
            block *= 4
        return -1

    def exact_positions(self, seq: Sequence[int], limit: int = 1000) -> list[int]:
        """Start positions of exact occurrences of ``seq`` anywhere (at most ``limit``)."""
        k = len(seq)
        if k == 0 or any(x < 0 for x in seq):
            return []
        if k == 1:
            out: list[int] = []
            p = -1
            ids = self.ids
            while len(out) < limit:
                try:
                    p = ids.index(seq[0], p + 1)
                except ValueError:
                    break
                out.append(p)
            return out
        best: tuple[list[int], int] | None = None
        for i in range(k - 1):
            pos = self.bigram(seq[i], seq[i + 1])
            if not pos:
                return []
            if best is None or len(pos) < len(best[0]):
                best = (pos, i)
        assert best is not None
        positions, i = best
        ids = self.ids
        seq_l = list(seq)
        out = []
        for p in positions:
            s = p - i
            if s >= 0 and ids[s : s + k] == seq_l:
                out.append(s)
                if len(out) >= limit:
                    break
        return out


def _find_sub(ids: list[int], seq: Sequence[int], pivot: int, lo: int, hi: int) -> int:
    """First start ``p`` in ``[lo, hi - len(seq)]`` with ``ids[p:p+len(seq)] == seq``."""
    k = len(seq)
    word = seq[pivot]
    seq_l = list(seq)
    p = lo + pivot - 1
    stop = hi - k + pivot + 1
    while True:
        try:
            p = ids.index(word, p + 1, stop)
        except ValueError:
            return -1
        s = p - pivot
        if k == 1 or ids[s : s + k] == seq_l:
            return s


def _find_last(ids: list[int], seq: Sequence[int], pivot: int, lo: int, hi: int) -> int:
    """Last start in ``[lo, hi - len(seq)]`` of ``seq``, or -1."""
    best = -1
    p = lo
    while True:
        s = _find_sub(ids, seq, pivot, p, hi)
        if s < 0:
            return best
        best = s
        p = s + 1


def _split_ranges(
    segments: Sequence[tuple[int, int, str]], holes: Sequence[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    """The segments in text order, without overlaps and without the ``holes``."""
    out: list[tuple[int, int, str]] = []
    pos = 0
    for a, b, part in sorted(segments):
        a = max(a, pos)
        if b <= a:
            continue
        cuts = sorted((x, y) for x, y in holes if x < b and y > a)
        cur = a
        for x, y in cuts:
            if x > cur:
                out.append((cur, x, part))
            cur = max(cur, y)
        if cur < b:
            out.append((cur, b, part))
        pos = b
    return out


_DIGITS = re.compile(r"\d+")


def page_furniture(doc: Document) -> list[tuple[int, int]]:
    """Running headers and footers: lines that open or close most pages.

    A quotation that runs over a page break must not be called altered because
    "RESTRICTED — Page 2 of 5" sits between its words in the extracted text.
    """
    pages: dict[int, list[tuple[int, int]]] = {}
    for s in doc.segments:
        if s.page is not None and s.part not in SKIPPED_PARTS:
            pages.setdefault(s.page, []).append((s.start, s.end))
    if len(pages) < 3:
        return []
    text = doc.text
    seen: dict[str, list[tuple[int, int]]] = {}
    for spans in pages.values():
        a, b = min(x for x, _ in spans), max(y for _, y in spans)
        lines = []
        pos = a
        for raw in text[a:b].splitlines(keepends=True):
            content = raw.strip()
            if content:
                start = pos + raw.index(content[0])
                lines.append((start, start + len(content)))
            pos += len(raw)
        edge = lines[:2] + lines[-2:] if len(lines) > 4 else lines
        keys = set()
        for x, y in edge:
            key = _DIGITS.sub("#", " ".join(text[x:y].split()).casefold())
            if key not in keys:
                keys.add(key)
                seen.setdefault(key, []).append((x, y))
    need = max(3, len(pages) // 2)
    return sorted(span for spans in seen.values() if len(spans) >= need for span in spans)


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
    rf"(?P<sic>[\[(]\s*sic!?\s*[\])])|(?P<ell>{_ELLIPSIS})|(?P<word>{_FUSED_WORD})"
    r"|(?P<brk>\[[^\[\]\n]{1,100}\])"
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


def _merge_gaps(gaps: Sequence[Gap], at: int) -> Gap:
    if not gaps:
        return Gap("", at, at)
    unbounded = [g for g in gaps if g.kind in ("ellipsis", "split", "paragraph")]
    kind = unbounded[0].kind if unbounded else gaps[0].kind
    return Gap(kind, gaps[0].start, gaps[-1].end, sum(g.words for g in gaps))


def quote_words(text: str, q: Quotation) -> QuoteWords:
    """Cut a quotation into chunks of words at ellipses, brackets and attribution breaks."""
    elements: list[QWord | Gap] = []
    brackets: list[Gap] = []
    sic = False
    for pno, (a, b) in enumerate(q.parts):
        if pno > 0:
            join = q.joins[pno - 1] if pno - 1 < len(q.joins) else "line"
            if join in ("split", "paragraph"):
                elements.append(Gap(join, q.parts[pno - 1][1], a))
        first_in_part = True
        for m in _ELEMENT_RE.finditer(text, a, b):
            kind = m.lastgroup
            raw = m.group()
            if kind == "sic":
                sic = True
                continue
            if kind == "ell":
                elements.append(Gap("ellipsis", m.start(), m.end()))
                first_in_part = True
                continue
            whole_bracket = kind == "brk" or (
                raw.startswith("[") and raw.endswith("]") and raw.count("[") == 1
            )
            if whole_bracket:
                inner = raw[1:-1].strip()
                if inner.lower() in _SIC:
                    sic = True
                    continue
                g = Gap("bracket", m.start(), m.end(), max(1, len(WORD_RE.findall(inner))))
                brackets.append(g)
                elements.append(g)
                continue
            bracketed = "[" in raw
            if bracketed:
                raw = raw.replace("[", "").replace("]", "")
            elements.append(QWord(raw, m.start(), m.end(), pno, case_free=first_in_part,
                                  bracketed=bracketed))
            first_in_part = False
    chunks: list[list[QWord]] = []
    gaps: list[Gap] = []
    pending: list[Gap] = []
    current: list[QWord] = []
    for el in elements:
        if isinstance(el, Gap):
            pending.append(el)
            continue
        if pending or (not chunks and not current):
            if current:
                chunks.append(current)
            gap = _merge_gaps(pending, el.start)
            gaps.append(gap)
            current = []
            pending = []
            # a quote, a part of a split quote or a resumption after an ellipsis
            # may change the case of its first letter; "[the ministry] Will" may not
            el.case_free = el.case_free or gap.kind != "bracket"
        current.append(el)
    if current:
        chunks.append(current)
    gaps.append(_merge_gaps(pending, q.end))
    if not chunks:
        gaps = [Gap("", q.start, q.start)]
    return QuoteWords(chunks, gaps, brackets, sic)


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
    moved_words: list[tuple[int, int]] = field(default_factory=list)  # (chunk, word)

    @property
    def matched(self) -> int:
        return sum(m.matched for m in self.matches if m is not None)


def _pairs_from_opcodes(ops: Iterable[tuple[str, int, int, int, int]], w0: int) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
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


def _squash(sep: str) -> str:
    return "".join(ch for ch in sep if not ch.isspace())


def _chain_score(chain: Sequence[ChunkMatch | None]) -> tuple[int, int, int]:
    """More matched words first, then fewer source words skipped inside the chunks,
    then the tighter passage."""
    placed = [c for c in chain if c is not None]
    if not placed:
        return (0, 0, 0)
    inside = sum(c.s_hi - c.s_lo - c.matched for c in placed)
    span = max(c.s_hi for c in placed) - min(c.s_lo for c in placed)
    return (sum(c.matched for c in placed), -inside, -span)


class Aligner:
    """Lines quotations of one article up against an index of the sources."""

    def __init__(self, index: SourceIndex, article: str = "") -> None:
        self.index = index
        self.article = article

    def _surface(self, chunk: Sequence[QWord], p: int) -> int:
        """How many words and separators of ``chunk`` the source at ``p`` has as written."""
        idx = self.index
        k = len(chunk)
        spans = idx.spans(p, p + k)
        text = idx.sources[idx.source_of(p)].document.text
        score = sum(fold(w.raw) == fold(idx.raws[p + j]) for j, w in enumerate(chunk))
        if self.article:
            for j in range(k - 1):
                a = _squash(self.article[chunk[j].end : chunk[j + 1].start])
                b = _squash(text[spans[j][1] : spans[j + 1][0]])
                score += a == b
        return score

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
            pos = idx.bigram(seq[i], seq[i + 1])
            if pos:
                seeds.append((len(pos), i, pos))
        if not seeds:
            return []
        seeds.sort(key=lambda x: x[0])
        hits: list[tuple[int, float]] = []
        for used, (cnt, i, pos) in enumerate(seeds):
            if used and (cnt > _SEED_CAP or len(hits) > 8 * _SEED_CAP):
                break
            rare = 1.0 + 1.0 / cnt  # among equal votes, the rarer seeds win
            for p in pos if cnt <= 4 * _SEED_CAP else pos[:: cnt // (4 * _SEED_CAP) + 1]:
                hits.append((p - i, rare))
        # rank diagonals by the seeds that agree with them (within ``tol``): first
        # coarsely in buckets, then exactly inside the best buckets
        hits.sort()
        diags = [d for d, _ in hits]
        cum = [0.0]
        for _, w in hits:
            cum.append(cum[-1] + w)
        tol = 2 + k // 10
        width = tol + 1
        bucket: dict[int, float] = {}
        for d, w in hits:
            bucket[d // width] = bucket.get(d // width, 0.0) + w
        coarse = heapq.nlargest(
            4 * limit, bucket, key=lambda b: bucket[b] + bucket.get(b - 1, 0.0) + bucket.get(b + 1, 0.0)
        )
        score: dict[int, float] = {}
        for b in coarse:
            a = bisect.bisect_left(diags, (b - 1) * width)
            z = bisect.bisect_left(diags, (b + 2) * width)
            for d in set(diags[a:z]):
                score[d] = cum[bisect.bisect_right(diags, d + tol)] - cum[bisect.bisect_left(diags, d - tol)]
        ranked = sorted(score, key=lambda d: (-score[d], d))
        chosen: list[int] = []
        for d in ranked:
            if all(abs(d - c) > 2 * tol for c in chosen):
                chosen.append(d)
            if len(chosen) >= limit:
                break
        out = []
        slack = max(2, tol, k // 8)
        for d in chosen:
            near = diags[bisect.bisect_left(diags, d - tol) : bisect.bisect_right(diags, d + tol)]
            dmin, dmax = near[0], near[-1]
            sno = idx.source_of(max(0, d + k // 2))
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
            if w.wid == -1:
                w.wid = idx.word_id(w.raw)
        seqs = [[w.wid for w in c] for c in qw.chunks]
        if not seqs:
            return Alignment(qw, [])
        n = len(seqs)
        if n == 1:
            found = self.candidates(0, seqs[0])
            chosen: list[ChunkMatch | None] = [found[0] if found else None]
            best = chosen[0]
            k = len(seqs[0])
            if best is not None and best.matched == k and best.s_hi - best.s_lo == k:
                # the words occur as they are; among their occurrences, take the one
                # written the same way (a formula repeated with other punctuation)
                occ = idx.exact_positions(seqs[0], 50)
                if len(occ) > 1:
                    p = max(occ, key=lambda x: (self._surface(qw.chunks[0], x), -x))
                    chosen = [ChunkMatch(0, idx.source_of(p), [(j, p + j) for j in range(k)],
                                         p, p + k)]
        else:
            cands = [self.candidates(ci, seq) if len(seq) >= 3 else [] for ci, seq in enumerate(seqs)]
            trials = [self._chain(qw, cands)]
            for ci in range(n):
                for c in cands[ci]:
                    t: list[ChunkMatch | None] = [None] * n
                    t[ci] = c
                    trials.append(t)
            self._fill(qw, seqs, trials[0])
            for t in trials[1:]:
                self._fill(qw, seqs, t, reach=_REACH)
            trials.extend(self._exact_trials(qw, seqs))
            chosen = max(trials, key=_chain_score)
        placed = [c for c in chosen if c is not None]
        al = Alignment(qw, chosen, placed[0].source if placed else -1)
        sources = {c.source for c in placed}
        if len(sources) > 1:  # keep the chunks of the source with the most words
            top = max(sources, key=lambda s: sum(c.matched for c in placed if c.source == s))
            al.matches = [c if c is not None and c.source == top else None for c in chosen]
            al.source = top
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
                top = (c.matched * _BIG, -1, -1)
                for i in range(j):
                    for pc, prev in enumerate(cands[i]):
                        if prev.source != c.source or c.s_lo < prev.s_hi:
                            continue
                        limit = self._max_gap(qw, i, j)
                        if limit is not None and c.s_lo - prev.s_hi > limit:
                            continue
                        # more words first; among equals, the smaller gap
                        s = best[i][pc][0] + c.matched * _BIG - (c.s_lo - prev.s_hi)
                        if s > top[0]:
                            top = (s, i, pc)
                row.append(top)
            best.append(row)
        end: tuple[int, int] | None = None
        top_score = 0
        for j in range(n):
            for cn, (score, _, _) in enumerate(best[j]):
                if score > top_score:
                    top_score, end = score, (j, cn)
        chosen: list[ChunkMatch | None] = [None] * n
        while end is not None:
            j, cn = end
            chosen[j] = cands[j][cn]
            _, pi, pc = best[j][cn]
            end = (pi, pc) if pi >= 0 else None
        return chosen

    def _exact_trials(self, qw: QuoteWords, seqs: list[list[int]],
                      limit: int = 300) -> list[list[ChunkMatch | None]]:
        """Chains that start from each exact occurrence of the most selective chunk."""
        idx = self.index
        best: tuple[int, list[int]] | None = None
        for ci, seq in enumerate(seqs):
            if not seq or any(x < 0 for x in seq) or (len(seq) < 2 and best is not None):
                continue
            occ = idx.exact_positions(seq, limit + 1)
            if occ and (best is None or len(occ) < len(best[1])):
                best = (ci, occ)
        if best is None:
            return []
        ci, occ = best
        k = len(seqs[ci])
        trials: list[list[ChunkMatch | None]] = []
        for p in occ[:limit]:
            t: list[ChunkMatch | None] = [None] * len(seqs)
            t[ci] = ChunkMatch(ci, idx.source_of(p), [(j, p + j) for j in range(k)], p, p + k)
            self._fill(qw, seqs, t, reach=4000)
            trials.append(t)
        return trials

    def _fill(self, qw: QuoteWords, seqs: list[list[int]], chosen: list[ChunkMatch | None],
              reach: int | None = None) -> None:
        """Place the chunks left out, next to their placed neighbours (nearest first)."""
        n = len(seqs)
        placed = [i for i in range(n) if chosen[i] is not None]
        if not placed:
            return
        first = placed[0]
        order = list(range(first - 1, -1, -1)) + list(range(first + 1, n))
        for j in order:
            if chosen[j] is None and seqs[j]:
                chosen[j] = self._place(qw, seqs, chosen, j, reach)

    def _place(self, qw: QuoteWords, seqs: list[list[int]], chosen: list[ChunkMatch | None],
               j: int, reach: int | None = None) -> ChunkMatch | None:
        idx = self.index
        n = len(seqs)
        prev = next((i for i in range(j - 1, -1, -1) if chosen[i] is not None), None)
        nxt = next((i for i in range(j + 1, n) if chosen[i] is not None), None)
        anchor = chosen[prev if prev is not None else nxt]  # type: ignore[index]
        assert anchor is not None
        src = idx.sources[anchor.source]
        lo, hi = src.lo, src.hi
        seq = seqs[j]
        k = len(seq)
        pm = chosen[prev] if prev is not None else None
        nm = chosen[nxt] if nxt is not None else None
        if pm is not None:
            lo = pm.s_hi
            limit = self._max_gap(qw, prev, j)  # type: ignore[arg-type]
            if limit is not None:
                hi = min(hi, lo + limit + k)
        if nm is not None:
            hi = min(hi, nm.s_lo)
            limit = self._max_gap(qw, j, nxt)  # type: ignore[arg-type]
            if limit is not None and pm is None:
                lo = max(lo, nm.s_lo - limit - k)
        if reach is not None:  # how far an ellipsis may reach, in these trials
            if pm is not None:
                hi = min(hi, lo + reach)
            elif nm is not None:
                lo = max(lo, hi - reach)
        if hi <= lo:
            return None
        backward = pm is None
        p = idx.find(seq, lo, hi, last=backward)
        if p >= 0:
            return ChunkMatch(j, anchor.source, [(x, p + x) for x in range(k)], p, p + k)
        if k < 2:
            return None
        # not word for word: align in a window next to the neighbour
        reach = 2 * k + 8
        w0, w1 = (max(lo, hi - reach), hi) if backward else (lo, min(hi, lo + reach))
        m = self._window_match(j, seq, w0, w1)
        if m is not None and 2 * m.matched >= k:
            return m
        return None

    def _moved(self, seqs: list[list[int]], al: Alignment) -> int:
        """Quote words out of place: unmatched, but in a bigram of the source nearby."""
        placed = [m for m in al.matches if m is not None]
        if not placed:
            return 0
        idx = self.index
        total = sum(len(s) for s in seqs)
        lo = p_lo = min(m.s_lo for m in placed)
        hi = p_hi = max(m.s_hi for m in placed)
        src = idx.sources[placed[0].source]
        lo = max(src.lo, lo - total)
        hi = min(src.hi, hi + total)
        ids = idx.ids
        near = set(zip(ids[lo:hi], ids[lo + 1 : hi], strict=False))
        span_words = set(ids[max(src.lo, p_lo - 2) : p_hi + 2])
        moved = 0
        moved_words = al.moved_words
        for ci, seq in enumerate(seqs):
            m = al.matches[ci]
            done = {q for q, _ in m.pairs} if m is not None else set()
            for q in range(len(seq)):
                if q in done:
                    continue
                left = q > 0 and (seq[q - 1], seq[q]) in near and (
                    idx.is_content(seq[q - 1]) or idx.is_content(seq[q]))
                right = q + 1 < len(seq) and (seq[q], seq[q + 1]) in near and (
                    idx.is_content(seq[q]) or idx.is_content(seq[q + 1]))
                single = idx.is_content(seq[q]) and seq[q] in span_words
                if left or right or single:
                    moved += 1
                    moved_words.append((ci, q))
        return moved
