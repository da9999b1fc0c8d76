"""Find every direct quotation in an article's text.

Handles straight and curly double quotes; single quotes told apart from
apostrophes ("don't", "the '90s", "students'"); guillemets «…» and »…«, „…“,
‚…‘, 「…」 and 『…』; nested quotes (kept inside the outer quotation); quotes
that run over several paragraphs with the opening mark repeated at each one;
quotes split by an attribution ('"X," he said, "Y."' is one quotation); and
block quotes (lines starting with ">", or indented paragraphs).

Marks that do not pair up are reported as :class:`Unbalanced` with their offset,
and the quotation they open still ends at its paragraph's end, so a damaged
article gives a result.  Pure functions on a ``str``: no I/O.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .lexicon import ABBREVIATIONS, CHARACTERISING_VERBS, REPORTING_VERBS

#: Every character that may open or close a quotation.
QUOTE_MARKS = "\"“”„‟«»‘’‚‛‹›'「」『』＂〝〞〟"
_MARK_RE = re.compile("[" + re.escape(QUOTE_MARKS) + "]")

DOUBLE_FAMILY = frozenset("\"“”„‟«»＂〝〞〟")
SINGLE_FAMILY = frozenset("'‘’‚‛‹›")


def _level(mark: str) -> int:
    """1 for outer marks (double, guillemets, 「), 2 for inner ones (single, ‹, 『)."""
    return 2 if mark in SINGLE_FAMILY or mark in "『』" else 1


#: opening mark -> the marks that may close it
CLOSERS: dict[str, str] = {
    '"': '"”“',
    "“": "”“\"",
    "„": "“”\"",
    "‟": "”\"",
    "”": "”",
    "«": "»",
    "»": "«»",
    "＂": "＂",
    "〝": "〞〟",
    "‘": "’'‘",
    "‚": "‘’",
    "‛": "’'",
    "'": "'’",
    "’": "’",
    "‹": "›",
    "›": "‹›",
    "「": "」",
    "『": "』",
}
#: Marks that only ever open (in some language), so they open whatever flanks them.
_PURE_OPENERS = frozenset("“„‟‘‚‛«‹「『〝＂")
#: Marks that both open and close; flanking decides.
_AMBIGUOUS = frozenset("\"'’”»›")
#: Marks that never open.
_PURE_CLOSERS = frozenset("」』〞〟")

_OPEN_CONTEXT = frozenset("([{<—–-/:;,=…")
_CLOSE_CONTEXT = frozenset(".,;:!?)]}>—–-/…")
_ELISIONS = ("tis", "twas", "em", "cause", "til", "n", "nuff", "round", "bout")
_SENTENCE_END = frozenset(".!?…:")
#: Quotes nest two or three deep; deeper "nesting" is noise.
_MAX_DEPTH = 6
_LINE_FINAL = frozenset(".!?:\"”’»」")


@dataclass(frozen=True, slots=True)
class Unbalanced:
    """A quotation mark that does not pair up."""

    offset: int
    mark: str
    message: str


@dataclass(slots=True)
class Quotation:
    """One quotation: its quoted text, in one or more parts of the article.

    ``parts`` are the ``[start, end)`` spans of the quoted words (inside the
    marks), ``marks`` the spans of each part *with* its marks.  A quotation
    split by an attribution or running over paragraphs has several parts;
    ``joins[i]`` says what separates part ``i`` from part ``i + 1``: "split"
    (an attribution), "paragraph" (a new paragraph that repeats the opening
    mark) or "line" (the next line of a block quote).
    """

    parts: list[tuple[int, int]]
    marks: list[tuple[int, int]]
    text: str
    style: str = "inline"  # "inline" or "block"
    opener: str = '"'
    joins: list[str] = field(default_factory=list)
    unclosed: bool = False
    nested: list[tuple[int, int]] = field(default_factory=list)
    paragraph: int = 0

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]

    @property
    def outer_start(self) -> int:
        return self.marks[0][0]

    @property
    def outer_end(self) -> int:
        return self.marks[-1][1]

    def interruptions(self) -> list[tuple[int, int]]:
        """Spans of the article text between the parts (attributions, paragraph breaks)."""
        return [(self.marks[i][1], self.marks[i + 1][0]) for i in range(len(self.marks) - 1)]


@dataclass(slots=True)
class Extraction:
    quotes: list[Quotation]
    unbalanced: list[Unbalanced]
    paragraphs: list[tuple[int, int]]


# -- paragraphs -------------------------------------------------------------

_LINE_END = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@dataclass(slots=True)
class _Para:
    start: int
    end: int
    lines: list[tuple[int, int]]
    block: str = ""  # "" inline, ">" or "indent" for block quotes


def _lines(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        content = raw.rstrip(_LINE_END)
        out.append((pos, pos + len(content)))
        pos += len(raw)
    return out


def _first_word_len(s: str) -> int:
    s = s.lstrip()
    n = 0
    while n < len(s) and not s[n].isspace():
        n += 1
    return n


def _wrapped(text: str, lines: Sequence[tuple[int, int]]) -> bool:
    """Whether consecutive lines are one hard-wrapped paragraph (not one paragraph each)."""
    if len(lines) < 2:
        return False
    lengths = [len(text[a:b].rstrip()) for a, b in lines]
    width = max(lengths)
    if width > 100 or width < 40:
        return False
    fits = 0
    sentence_breaks = 0
    for i in range(len(lines) - 1):
        nxt = text[lines[i + 1][0] : lines[i + 1][1]].lstrip()
        if lengths[i] + 1 + _first_word_len(nxt) > width:
            fits += 1
        line = text[lines[i][0] : lines[i][1]].rstrip()
        if line[-1:] in _LINE_FINAL and (nxt[:1].isupper() or nxt[:1] in QUOTE_MARKS):
            sentence_breaks += 1
    if sentence_breaks == len(lines) - 1:
        return False  # every line ends a sentence: one paragraph per line
    return fits >= 0.75 * (len(lines) - 1)


_GT_RE = re.compile(r"[ \t]*>")
_LIST_RE = re.compile(r"\s*(?:[-*•–]\s|\d{1,3}[.)]\s)")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every paragraph (blank-line blocks, or lines when not wrapped)."""
    return [(p.start, p.end) for p in _paragraphs(text)]


def _paragraphs(text: str) -> list[_Para]:
    lines = _lines(text)
    paras: list[_Para] = []
    run: list[tuple[int, int]] = []
    run_gt: bool | None = None

    def flush() -> None:
        nonlocal run, run_gt
        if not run:
            return
        if run_gt:
            paras.append(_Para(run[0][0], run[-1][1], list(run), ">"))
        elif _wrapped(text, run):
            paras.append(_Para(run[0][0], run[-1][1], list(run)))
        else:
            for ln in run:
                paras.append(_Para(ln[0], ln[1], [ln]))
        run = []
        run_gt = None

    for a, b in lines:
        content = text[a:b]
        if not content.strip():
            flush()
            continue
        gt = bool(_GT_RE.match(content))
        if run and gt != run_gt:
            flush()
        run.append((a, b))
        run_gt = gt
    flush()
    _mark_indented(text, paras)
    return paras


def _indented(text: str, p: _Para) -> bool:
    return all(text[a:b].startswith(("    ", "\t")) for a, b in p.lines)


def _mark_indented(text: str, paras: list[_Para]) -> None:
    ordinary = [p for p in paras if not p.block]
    if len(ordinary) < 2:
        return
    indented = [p for p in ordinary if _indented(text, p)]
    if not indented or len(indented) * 2 >= len(ordinary):
        return
    for p in indented:
        body = text[p.start : p.end]
        if len(body.split()) >= 4 and not _LIST_RE.match(body):
            p.block = "indent"


# -- marks ------------------------------------------------------------------


def _is_space(ch: str) -> bool:
    return ch.isspace() or ch == ""


def _flanks(text: str, p: int, lo: int, hi: int) -> tuple[bool, bool, str, str]:
    left = text[p - 1] if p > lo else ""
    right = text[p + 1] if p + 1 < hi else ""
    can_open = not _is_space(right) and (
        _is_space(left) or left in _OPEN_CONTEXT or left in QUOTE_MARKS
    )
    can_close = not _is_space(left) and (
        _is_space(right) or right in _CLOSE_CONTEXT or right in QUOTE_MARKS
    )
    return can_open, can_close, left, right


def _is_apostrophe(text: str, p: int, lo: int, hi: int) -> bool:
    """A ' or ’ that is an apostrophe: inside a word, or an elision ('90s, 'tis)."""
    ch = text[p]
    if ch not in "'’":
        return False
    left = text[p - 1] if p > lo else ""
    right = text[p + 1] if p + 1 < hi else ""
    if left.isalnum() and right.isalpha():
        return True  # don't, O'Brien, rock'n'roll
    if re.match(r"['’][nN]['’](?!\w)", text[p : p + 4]) or re.fullmatch(
        r"['’][nN]['’]", text[max(0, p - 2) : p + 1]
    ):
        return True  # rock 'n' roll
    if _is_space(left) or left in "([":
        tail = text[p + 1 : min(hi, p + 8)]
        if re.match(r"\d\d(?:s\b|\b)", tail):
            return True  # the '90s, class of '07
        word = re.match(r"[A-Za-z]+", tail)
        if word and word.group().lower() in _ELISIONS and not _closer_ahead(text, p + 1, hi):
            return True
    return False


def _closer_ahead(text: str, start: int, hi: int) -> bool:
    """Whether a single closing mark follows in ``[start, hi)`` before another opener."""
    for m in _MARK_RE.finditer(text, start, hi):
        q = m.start()
        ch = text[q]
        if ch not in SINGLE_FAMILY:
            continue
        if _is_apostrophe(text, q, start - 1, hi):
            continue
        can_open, can_close, _, _ = _flanks(text, q, start - 1, hi)
        if ch in "’'" and can_close:
            return True
        if ch in "‘‚" or (ch == "'" and can_open and not can_close):
            return False
    return False


def _possessive(text: str, p: int, lo: int, hi: int) -> bool:
    """``students'`` or ``Jones’``: a closing-shaped mark that may be an apostrophe."""
    left = text[p - 1] if p > lo else ""
    right = text[p + 1] if p + 1 < hi else ""
    return left in "sSzZxX" and not right.isalpha() and (p - 2 < lo or text[p - 2].isalpha())


@dataclass(slots=True)
class _Open:
    mark: str
    pos: int
    part_start: int
    parts: list[tuple[int, int]] = field(default_factory=list)
    marks: list[tuple[int, int]] = field(default_factory=list)
    joins: list[str] = field(default_factory=list)
    nested: list[tuple[int, int]] = field(default_factory=list)
    mark_start: int = 0
    paragraph: int = 0


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


class _Scanner:
    def __init__(self, text: str, paras: list[_Para]) -> None:
        self.text = text
        self.paras = paras
        self.quotes: list[Quotation] = []
        self.unbalanced: list[Unbalanced] = []
        self.stack: list[_Open] = []
        self._mark_index: tuple[int, dict[str, list[int]]] = (-1, {})

    def run(self) -> None:
        skip = -1
        for i, para in enumerate(self.paras):
            if para.block:
                self._finish_paragraph(i)
                continue
            for m in _MARK_RE.finditer(self.text, para.start, para.end):
                if m.start() == skip:
                    continue
                self._mark(m.start(), para, i)
            skip = self._finish_paragraph(i)

    # -- one mark ----------------------------------------------------------

    def _mark(self, p: int, para: _Para, index: int) -> None:
        text = self.text
        ch = text[p]
        lo, hi = para.start, para.end
        if _is_apostrophe(text, p, lo, hi):
            return
        can_open, can_close, _left, right = _flanks(text, p, lo, hi)
        # closing something on the stack (the top first)
        for depth in range(len(self.stack) - 1, -1, -1):
            entry = self.stack[depth]
            if ch not in CLOSERS[entry.mark]:
                continue
            if (ch in _AMBIGUOUS or (ch in "“‘" and entry.mark == ch)) and can_open and not can_close:
                break  # it opens something
            if ch in "’'" and _possessive(text, p, lo, hi) and _closer_ahead(text, p + 1, hi):
                return  # "the students' union" inside a single-quoted quotation
            self._close(depth, p)
            return
        # opening
        if ch in _PURE_CLOSERS:
            self._stray(p, ch)
            return
        if ch in _PURE_OPENERS:
            opens = not (can_close and not can_open) or ch in "«‹「『"
        else:
            opens = can_open
        if not opens:
            if ch in "”»" and not self.stack:
                self._stray(p, ch)
            return
        if ch in "'’" and not _closer_ahead(text, p + 1, hi):
            return  # a lone straight single mark is an apostrophe
        if ch == "‘" and re.match(r"\d\d", text[p + 1 : p + 3]):
            return  # ‘90s typed with the wrong mark
        if right == "":
            self._stray(p, ch)
            return
        if len(self.stack) >= _MAX_DEPTH:
            self.unbalanced.append(Unbalanced(p, ch, f"{ch} nested too deep to be a quotation"))
            return
        top = self.stack[-1] if self.stack else None
        # the same level again: nested (rare) or the previous one never closed
        if (
            top is not None
            and _level(ch) == _level(top.mark)
            and self._closers_after(para, p, CLOSERS[top.mark]) < 2
        ):
            self._unclosed(len(self.stack) - 1, p)
        self.stack.append(_Open(ch, p, p + 1, mark_start=p, paragraph=index))

    def _closers_after(self, para: _Para, p: int, closers: str) -> int:
        """How many of the ``closers`` marks follow ``p`` in the paragraph (indexed once)."""
        if self._mark_index[0] != para.start:
            positions: dict[str, list[int]] = {}
            for m in _MARK_RE.finditer(self.text, para.start, para.end):
                positions.setdefault(m.group(), []).append(m.start())
            self._mark_index = (para.start, positions)
        positions = self._mark_index[1]
        return sum(len(v) - bisect.bisect_right(v, p) for c in closers if (v := positions.get(c)))

    def _stray(self, p: int, ch: str) -> None:
        self.unbalanced.append(Unbalanced(p, ch, f"closing {ch} without an opening mark"))

    def _close(self, depth: int, p: int) -> None:
        # anything opened above ``depth`` was never closed
        while len(self.stack) - 1 > depth:
            inner = self.stack.pop()
            self._note_unclosed(inner)
        entry = self.stack.pop()
        a, b = _trim(self.text, entry.part_start, p)
        if self.stack:
            self.stack[0].nested.append((a, b))
            return
        entry.parts.append((a, b))
        entry.marks.append((entry.mark_start, p + 1))
        self._emit(entry, unclosed=False)

    def _note_unclosed(self, entry: _Open) -> None:
        if entry.mark in _PURE_OPENERS or entry.mark in DOUBLE_FAMILY:
            self.unbalanced.append(
                Unbalanced(entry.pos, entry.mark, f"opening {entry.mark} is never closed")
            )

    def _unclosed(self, depth: int, p: int) -> None:
        """Close the entry at ``depth`` (and above) just before ``p``: its mark was missing."""
        while len(self.stack) - 1 > depth:
            self._note_unclosed(self.stack.pop())
        entry = self.stack.pop()
        self._note_unclosed(entry)
        stop = p
        for k in range(entry.part_start, p):
            if self.text[k] in _LINE_END:
                stop = k  # a missing closing mark ends the quotation at its line's end
                break
        a, b = _trim(self.text, entry.part_start, stop)
        if self.stack:
            return
        entry.parts.append((a, b))
        entry.marks.append((entry.mark_start, b))
        self._emit(entry, unclosed=True)

    def _emit(self, entry: _Open, *, unclosed: bool) -> None:
        parts = [(a, b) for a, b in entry.parts]
        if not any(any(c.isalnum() for c in self.text[a:b]) for a, b in parts):
            return
        self.quotes.append(
            Quotation(
                parts=parts,
                marks=list(entry.marks),
                text=" ".join(self.text[a:b] for a, b in parts),
                opener=entry.mark,
                joins=list(entry.joins),
                unclosed=unclosed,
                nested=list(entry.nested),
                paragraph=entry.paragraph,
            )
        )

    # -- paragraph ends ------------------------------------------------------

    def _finish_paragraph(self, i: int) -> int:
        """Resolve quotes still open at the end of paragraph ``i``.

        Returns the offset of a continuation mark to skip in the next paragraph.
        """
        if not self.stack:
            return -1
        para = self.paras[i]
        while len(self.stack) > 1:
            self._note_unclosed(self.stack.pop())
        entry = self.stack[0]
        a, b = _trim(self.text, entry.part_start, para.end)
        nxt = self.paras[i + 1] if i + 1 < len(self.paras) else None
        if nxt is not None and not nxt.block and not para.block:
            body = self.text[nxt.start : nxt.end]
            q = nxt.start + (len(body) - len(body.lstrip()))
            ch = self.text[q] if q < nxt.end else ""
            same = ch == entry.mark or (entry.mark in "«»" and ch in "«»") or (
                entry.mark in "“„\"" and ch in "“„\""
            )
            sentence_done = b > a and self.text[b - 1] in _SENTENCE_END
            if same and sentence_done and len(self.text[a:b].split()) >= 4:
                entry.parts.append((a, b))
                entry.marks.append((entry.mark_start, para.end))
                entry.joins.append("paragraph")
                entry.part_start = q + 1
                entry.mark_start = q
                return q
        self.stack.pop()
        self._note_unclosed(entry)
        entry.parts.append((a, b))
        entry.marks.append((entry.mark_start, b))
        self._emit(entry, unclosed=True)
        return -1


# -- block quotes -----------------------------------------------------------


def _block_quote(text: str, para: _Para, index: int) -> Quotation | None:
    parts: list[tuple[int, int]] = []
    for a, b in para.lines:
        if para.block == ">":
            m = _GT_RE.match(text, a, b)
            if m is None:
                continue
            a = m.end()
            while a < b and text[a] == ">":
                a += 1
        a, b = _trim(text, a, b)
        if a < b:
            parts.append((a, b))
    if not parts:
        return None
    # a block quote wrapped in its own quote marks: drop the marks
    first, last = parts[0], parts[-1]
    ch = text[first[0]]
    if ch in CLOSERS and first[1] > first[0] + 1 and text[last[1] - 1] in CLOSERS[ch]:
        parts[0] = (first[0] + 1, first[1])
        parts[-1] = (parts[-1][0], last[1] - 1)
        parts = [_trim(text, a, b) for a, b in parts]
        parts = [(a, b) for a, b in parts if a < b]
        if not parts:
            return None
    if not any(c.isalnum() for a, b in parts for c in text[a:b]):
        return None
    return Quotation(
        parts=parts,
        marks=[(para.lines[0][0] if k == 0 else a, b) for k, (a, b) in enumerate(parts)],
        text=" ".join(text[a:b] for a, b in parts),
        style="block",
        opener=">" if para.block == ">" else "indent",
        joins=["line"] * (len(parts) - 1),
        paragraph=index,
    )


# -- split quotes -----------------------------------------------------------

_MID_TOKEN = re.compile(r"[\w’'.-]+|[^\w\s]", re.UNICODE)


def attribution_fragment(fragment: str) -> bool:
    """Whether ``fragment`` (text between two quote parts) is a short attribution.

    '," he said, "' and '", according to the memo, "' are; '" and the "' is not.
    """
    core = fragment.strip()
    if not core or len(core) > 160:
        return False
    core = core.lstrip(",;—–- ").rstrip()
    if not core.endswith((",", ":", "—", "–")):
        return False  # '"X," he said, "Y."': the attribution ends with a comma
    core = core.rstrip(",:—–- ")
    toks = _MID_TOKEN.findall(core)
    words = [t for t in toks if t[0].isalnum()]
    if not 1 <= len(words) <= 14:
        return False
    for t in toks:
        if t in ".!?" or (t.endswith(".") and t[:-1].lower() not in ABBREVIATIONS and len(t) > 2):
            return False
    low = [w.lower().rstrip(".") for w in words]
    if "according" in low:
        return True
    return any(w in REPORTING_VERBS or w in CHARACTERISING_VERBS for w in low)


def _merge_split(text: str, quotes: list[Quotation]) -> list[Quotation]:
    out: list[Quotation] = []
    for q in quotes:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.style == "inline"
            and q.style == "inline"
            and not prev.unclosed
            and prev.paragraph == q.paragraph
            and len(q.parts) == 1
        ):
            mid = text[prev.outer_end : q.outer_start]
            head = text[prev.parts[-1][0] : prev.parts[-1][1]].rstrip()
            ends_sentence = head[-1:] in ".!?…"
            if not ends_sentence and "\n" not in mid and attribution_fragment(mid):
                mid_end = mid.rstrip()
                if not mid_end.endswith("."):
                    prev.parts.extend(q.parts)
                    prev.marks.extend(q.marks)
                    prev.joins.append("split")
                    prev.nested.extend(q.nested)
                    prev.unclosed = q.unclosed
                    prev.text = " ".join(text[a:b] for a, b in prev.parts)
                    continue
        out.append(q)
    return out


# -- entry points -----------------------------------------------------------


def extract(text: str) -> Extraction:
    """Every quotation in ``text``, the unbalanced marks, and the paragraphs."""
    paras = _paragraphs(text)
    scanner = _Scanner(text, paras)
    scanner.run()
    quotes = list(scanner.quotes)
    for i, para in enumerate(paras):
        if para.block:
            bq = _block_quote(text, para, i)
            if bq is not None:
                quotes.append(bq)
    quotes.sort(key=lambda q: q.start)
    quotes = _merge_split(text, quotes)
    unbalanced = sorted(set(scanner.unbalanced), key=lambda u: u.offset)
    return Extraction(quotes, unbalanced, [(p.start, p.end) for p in paras])


def extract_quotes(text: str) -> list[Quotation]:
    """Every quotation in ``text``, in order."""
    return extract(text).quotes


def word_count(text: str) -> int:
    return len(re.findall(r"[^\W_]+(?:['’][^\W_]+)*", text))
