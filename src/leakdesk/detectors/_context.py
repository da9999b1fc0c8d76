"""Where a span sits in a document: lines, header blocks, banners and fields.

The four structural detectors (markings, identifiers, datetimes,
distribution) share one analysis of a document's layout, built once per
document by :func:`layout` and cached:

* **Lines** are found with ``str.find`` around candidate offsets, never by
  walking every line of a long text.
* **Header blocks** ("zones") are the non-prose lines at the top and bottom
  of the document and around any strong header signal (a banner, a routing
  line, a labelled field) anywhere in it: the place where a cable keeps its
  markings, numbers and distribution.
* **Claims** are whole header lines or fields taken by one detector: a
  banner line by *markings*, ``Dated: ...`` by *datetimes*, a ``From/To/
  Info`` block (with its continuation lines) by *distribution*, ``REF:`` or
  ``Copy No. 4 of 9`` by *identifiers*.  A claim is reported as one finding;
  the token scans of every detector skip spans inside a claim, so a header
  line gives one finding, not one per word.
* **Prose** lines are the running text; the detectors report what they find
  there at a lower severity, or not at all.

All offsets are code points into ``Document.text``.  Scanning happens on a
copy of the text in which ``\\r\\n`` became `` \\n`` and ``\\r`` became
``\\n`` (same length), so offsets are shared.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import regex

from ..document import Action, Document, Severity
from .rules import FieldRule, PatternRule, RuleSet, TermInfo, active

# -- tries ----------------------------------------------------------------

_SPACE = r"[ \t]+"
_HYPHEN = r"[-‐‑–—]"
_SLASH = r"[ \t]?/[ \t]?"


def _char(ch: str) -> str:
    if ch == " ":
        return _SPACE
    if ch == "-":
        return _HYPHEN
    if ch == "/":
        return _SLASH
    return re.escape(ch)


def trie_regex(words: Iterable[str], char: Any = _char) -> str:
    """A regular expression matching any of ``words``, longest first, as a trie.

    Alternatives sharing a prefix are factored (``S(?:ECRET|ENSITIVE)``), so
    a scan tries each first character once instead of every word.
    """
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        end = node.get("") is True
        alts = [char(ch) + build(sub) for ch, sub in sorted(node.items()) if ch != ""]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return build(trie)


# -- matchers compiled from a rule set ---------------------------------------


@dataclass(frozen=True, slots=True)
class FieldMatcher:
    rule: FieldRule
    pattern: regex.Pattern[str]


@dataclass(slots=True)
class Matchers:
    rules: RuleSet
    #: Uppercase marking terms (case-sensitive), matched at prefilter hits.
    terms_upper: re.Pattern[str]
    #: First words of the terms (``TOP``, ``SECRET``...): a hit must start with one.
    term_heads: frozenset[str]
    #: Terms in scripts without capitals (Hindi, Urdu, Bengali).
    other_script: re.Pattern[str] | None
    #: Terms, case-insensitive, for checking one line.
    terms_ci: regex.Pattern[str]
    #: Candidate lines: ``\\n`` + a label, a marking alone, a spaced marking, a line rule.
    line_start: re.Pattern[str]
    #: A field label at the start of a line (a labelled line is never prose).
    label_start: re.Pattern[str]
    #: A whole banner cell (case-insensitive; verified afterwards).
    banner_cell: regex.Pattern[str]
    portion: re.Pattern[str]
    fields: tuple[FieldMatcher, ...]
    #: Any field label at all: one match rules out most positions before the
    #: field patterns are tried one by one.
    any_field: regex.Pattern[str] | None
    line_rules: tuple[PatternRule, ...]
    header_rules: tuple[PatternRule, ...]
    #: uppercase term text without spaces -> term (for spaced-out markings)
    squeezed: dict[str, str]
    qualifiers: frozenset[str]


def _case_variants(text: str) -> list[str]:
    """The ways a label or marking is written: as given, CAPITALS, lower, Title, First."""
    return list(dict.fromkeys([text, text.upper(), text.lower(), text.title(), text[:1].upper() + text[1:].lower()]))


def _loose_char(ch: str) -> str:
    if ch == " ":
        return _SPACE
    if ch == ".":
        return r"\.?"
    if ch == "-":
        return _HYPHEN
    if ch == "/":
        return _SLASH
    return re.escape(ch)


def _label_regex(label: str, separator: str) -> str:
    parts: list[str] = []
    n = len(label)
    for i, ch in enumerate(label):
        if ch == ".":
            parts.append(r"\." if i == n - 1 else r"\.?[ \t]*")
        elif ch == " ":
            if i > 0 and label[i - 1] == ".":
                continue
            parts.append(r"[ \t]+")
        elif ch == "/":
            parts.append(r"[ \t]*/[ \t]*")
        elif ch == "-":
            parts.append(_HYPHEN)
        else:
            parts.append(re.escape(ch))
    body = "".join(parts)
    if label[-1].isalnum():
        body += r"(?![\w])"
    return body


_SEPARATORS = {
    "colon": r"[ \t]*[:：]",
    "space": r"[ \t]+(?=\S)",
    "any": r"(?:[ \t]*[:：]|[ \t]+(?=\S)|(?<=\.)(?=\S))",
}


_matchers_cache: dict[int, tuple[RuleSet, Matchers]] = {}


def _matchers_for(rules: RuleSet) -> Matchers:
    got = _matchers_cache.get(id(rules))
    if got is not None and got[0] is rules:
        return got[1]
    built = _build_matchers(rules)
    if len(_matchers_cache) > 8:
        _matchers_cache.clear()
    _matchers_cache[id(rules)] = (rules, built)
    return built


def _build_matchers(rules: RuleSet) -> Matchers:
    terms = rules.terms
    qualifiers = frozenset(
        t for t, info in terms.items() if info.rules and all(r.endswith(".qualifier") for r in info.rules)
    )
    real = [t for t in terms if t not in qualifiers]
    squeezed = {t.replace(" ", ""): t for t in terms}
    words_upper = sorted(
        set(real) | {q for q in squeezed if q not in terms and q.replace("/", "").isalpha() and len(q) > 3}
    )
    # Matched at the hits of a cheap ``[A-Z][A-Z]`` prefilter, never scanned.
    terms_upper = re.compile(trie_regex(words_upper) + r"(?![^\W_])")
    term_heads = frozenset(h.group() for h in (_HEAD.match(w) for w in words_upper) if h is not None)
    other_script = sorted(w for w in words_upper if not regex.match(r"[A-Z]", w))
    terms_ci = regex.compile(
        r"(?<![^\W_])(?:" + trie_regex(sorted(set(terms) | set(squeezed))) + r")(?![^\W_])",
        regex.IGNORECASE,
    )
    field_matchers = []
    starts: set[str] = set()
    label_alts: list[str] = []
    for fr in rules.fields:
        alts = "|".join(_label_regex(lab, fr.separator) for lab in sorted(fr.labels, key=len, reverse=True))
        flags = 0 if fr.uppercase_only else regex.IGNORECASE
        pat = regex.compile(r"(?:" + alts + r")" + _SEPARATORS[fr.separator], flags)
        field_matchers.append(FieldMatcher(fr, pat))
        for lab in fr.labels:
            starts.update([lab] if fr.uppercase_only else _case_variants(lab))
        variants = sorted({v for lab in fr.labels for v in ([lab] if fr.uppercase_only else _case_variants(lab))})
        # Lines opening with "Label:" or "FM"/"TO" are never prose; "No. 10
        # Downing Street said..." may be.
        if fr.separator == "colon":
            label_alts.append(trie_regex(variants, char=_loose_char) + r"[ \t]*[:：]")
        elif fr.uppercase_only:
            label_alts.append(trie_regex(variants, char=_loose_char) + r"[ \t]")
    line_rules = tuple(p for p in rules.patterns if p.where == "line")
    header_rules = tuple(p for p in rules.patterns if p.where == "header")
    for t, info in terms.items():
        if info.titlecase != "never" and t not in qualifiers:
            starts.update(_case_variants(t))
    # Candidate lines: a case-sensitive trie of every label and marking in the
    # case variants it may be written in, so each line start costs a couple of
    # character comparisons; the line is then analysed properly.
    cand = [trie_regex(sorted(starts), char=_loose_char) + r"(?![^\W\d_])"]
    cand.append(r"[A-Z] {1,3}[A-Z] {1,3}[A-Z] {1,3}[A-Z]")
    cand.extend(r"(?:" + p.source + r")" for p in line_rules)
    line_start = re.compile(r"\n[ \t]*(?:[-*•>|#=_/]+[ \t]*)?(?:" + "|".join(cand) + r")")
    label_start = re.compile(r"(?:" + "|".join(label_alts) + r")")
    # A banner cell: markings, separators, and what banners carry beside them.
    all_terms = trie_regex(sorted(set(terms) | set(squeezed)))
    pcls = trie_regex(sorted(rules.portion_classification, key=len, reverse=True) or ["U"])
    pcav = trie_regex(sorted(rules.portion_caveats, key=len, reverse=True) or ["NF"])
    item = (
        r"(?:(?:" + all_terms + r")(?![^\W_])"
        r"|REL(?:EASABLE)?[ \t]+TO[ \t]+[A-Z]{2,5}(?:[ \t]*(?:,|AND|&)[ \t]*[A-Z]{2,5})*"
        r"|SECTION[ \t]+\d{1,3}[ \t]+OF[ \t]+\d{1,3}"
        r"|PAGE[ \t]+\d{1,4}(?:[ \t]+OF[ \t]+\d{1,4})?"
        r"|\d{1,4}"
        r"|[A-Z]{4,}(?:[ \t][A-Z]{3,})?[ \t]+\d{3,7}"
        r"|\((?:" + pcls + r")(?:[ \t]*/{1,2}[ \t]*(?:" + pcav + r"|[A-Z]{2,5}))*\)"
        r"|//[ \t]*[A-Z0-9][A-Z0-9 ,-]*(?:/{1,2}[ \t]*[A-Z0-9][A-Z0-9 ,-]*)*)"
    )
    sep = r"(?:[ \t]*(?://|/|[-‐‑–—]+|,|:|;|\||&|\+|\bAND\b)?[ \t]*)"
    banner_cell = regex.compile(
        r"[ \t]*(?:[-*=_#|/]+[ \t]*)?" + item + r"(?:" + sep + item + r")*[ \t]*[.]?(?:[ \t]*[-*=_#|/]+)?[ \t]*",
        regex.IGNORECASE | regex.V0,
    )
    portion = re.compile(
        r"\((?:" + pcls + r")(?:[ \t]*/{1,2}[ \t]*(?:" + pcav
        + r"|REL[ \t]+TO[ \t]+[A-Z]{2,5}(?:[ \t]*,[ \t]*[A-Z]{2,5})*|[A-Z]{2,6}))*\)"
    )
    return Matchers(
        rules=rules,
        terms_upper=terms_upper,
        term_heads=term_heads,
        other_script=re.compile("|".join(re.escape(w) for w in other_script)) if other_script else None,
        terms_ci=terms_ci,
        line_start=line_start,
        label_start=label_start,
        banner_cell=banner_cell,
        portion=portion,
        fields=tuple(field_matchers),
        any_field=regex.compile(
            "|".join(
                ("(?:" if fm.rule.uppercase_only else "(?i:") + fm.pattern.pattern + ")"
                for fm in field_matchers
            )
        ) if field_matchers else None,
        line_rules=line_rules,
        header_rules=header_rules,
        squeezed=squeezed,
        qualifiers=qualifiers,
    )


def matchers(rules: RuleSet | None = None) -> Matchers:
    rules = rules or active()
    return _matchers_for(rules)


# -- lines ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    start: int
    #: End of the line's content (trailing spaces and the line ending excluded).
    end: int
    #: First non-blank character (== end for a blank line).
    body: int
    text: str
    prose: bool
    lower: bool

    @property
    def blank(self) -> bool:
        return self.body >= self.end


_PARA_NUM = regex.compile(r"[ \t]*(?:¶[ \t]*)?(?:\d{1,3}|[A-Za-z]|[ivxIVX]{1,4})[.)][ \t]")


#: From the first code character of a word to its end: one match per word.
_CODE_WORD = re.compile(r"[0-9/@#=\\|<>_]\S*")


def is_prose(text: str) -> bool:
    """Whether a line reads as running text rather than a header or a list item.

    At least 40 characters and 7 words; runs of digits, slashes and other
    code characters in at most 30 % of the words (routing lines and lists of
    numbers have more); and not a comma-separated list of names.
    """
    if len(text) < 40:
        return False
    words = len(text.split())
    if words < 7:
        return False
    if text.count(",") + text.count(";") > 0.35 * words:
        return False
    return len(_CODE_WORD.findall(text)) <= 0.3 * words


_LOWER = regex.compile(r"\p{Ll}")


# -- claims ----------------------------------------------------------------


@dataclass(slots=True)
class Claim:
    """A whole line, cell or field taken by one detector (one finding)."""

    start: int
    end: int
    owner: str  # markings | identifiers | datetimes | distribution
    kind: str
    severity: Severity
    rule: str
    pack: str
    message: str | None = None
    label: str | None = None
    action: Action = Action.REPLACE
    suppress: bool = True
    evidence: dict[str, Any] = field(default_factory=dict)
    lines: int = 1


@dataclass(frozen=True, slots=True)
class TermHit:
    start: int
    end: int
    terms: tuple[str, ...]
    infos: tuple[TermInfo, ...]
    spaced: bool = False


_OWNER = {"marking": "markings", "identifier": "identifiers", "datetime": "datetimes", "distribution": "distribution"}

_GAP = regex.compile(r"\t[ \t]*|[ ]{2,}")
_SPACED = regex.compile(r"(?<![^\W_])[A-Z](?: {1,3}[A-Z]){3,}(?![^\W_])")
#: The prefilter of the term scan: an uppercase word (``[A-Z][A-Z]`` is cheap to find).
#: What may precede a label at the start of a line (indentation and bullets).
_LEAD_CHARS = " \t-*•>|#=_/"
#: Lines up to this long may be a banner or a field written in lower case.
_SHORT_LINE = 40
_SPACED_HINT = re.compile(r"[A-Z] {1,3}[A-Z] {1,3}[A-Z] {1,3}[A-Z]")
_CAPS = regex.compile(r"[A-Z][A-Z\u00C0-\u00DE]+")
_TAIL = re.compile(r"[ \t]*//[ \t]*[A-Z0-9][A-Z0-9 ,/-]*|[ \t]+REL(?:EASABLE)?[ \t]+TO[ \t]+[A-Z]{2,5}(?:[ \t]*,[ \t]*[A-Z]{2,5})*")
_RUN_GAP = re.compile(r"[ \t]*(?://|/|[-‐‑–—]|,|;|:)?[ \t]*")
_ROUTING_TOKEN = regex.compile(r"R[A-Z]{3,}/")
_STRONG_VALUE = regex.compile(r"[/\d@]|TELNO|IMMEDIATE|PRIORITY|ROUTINE|FLASH|DESKBY|AMEMBASSY|SECSTATE|EMBASSY|MISSION|CONSULATE|HIGH COMMISSION|FOREIGN|UKMIS|UKREP|UKDEL", regex.IGNORECASE)
_GENERIC_FIELD = regex.compile(r"[ \t]*(?P<label>[A-Z][A-Za-z][A-Za-z .&/'()-]{0,28}?)[ \t]*:(?=[ \t])[ \t]*(?P<value>\S.{0,118})")
_PROSE_LABELS = frozenset(
    "summary comment comments note notes background action request begin end text quote unquote para "
    "paragraph introduction conclusion recommendation recommendations question answer update source "
    "sources example examples warning caution result results objective purpose scope context issue issues "
    "discussion analysis assessment".split()
)
_SIGNATURE = regex.compile(r"[ \t]*(?:\(?(?:signed|sgd)\)?\.?[ \t]+)?(?:[\p{Lu}][\p{L}.'’-]*)(?:[ \t]+[\p{Lu}][\p{L}.'’-]*){0,3}[ \t]*[.,]?[ \t]*")
_STOP_LINE = regex.compile(r"BT|NNNN|ZZZZ|(?:END )?SUMMARY|SUMMARY:?|TEXT|BEGIN TEXT|SIPDIS")
_NOT_SIGNATURE = frozenset("END ENDS BT NNNN UNQUOTE QUOTE SUMMARY COMMENT TEXT END CABLE NOTE".split())
_CODE_TOKEN = regex.compile(r"(?=[A-Z0-9/#.-]*\d)(?=[A-Z0-9/#.-]*[A-Z])[A-Z0-9/#.-]{3,}|[A-Z]{2,}/[A-Z0-9/]+|#\d+")


class Layout:
    """The shared analysis of one document; see the module docstring."""

    MAX_HEAD_LINES = 160
    MAX_TAIL_LINES = 60
    MAX_BLOCK_LINES = 80
    MAX_CONTINUATION = 60

    def __init__(self, doc: Document, rules: RuleSet | None = None) -> None:
        self.doc = doc
        self.text = doc.text
        self.m = matchers(rules)
        self.rules = self.m.rules
        s = self.text
        if "\r" in s:
            s = s.replace("\r\n", " \n").replace("\r", "\n")
        self.s = s
        self.n = len(s)
        self._lines: dict[int, Line] = {}
        self._zones: list[tuple[int, int]] = []
        self._zone_starts: list[int] = []
        self.claims: list[Claim] = []
        self._claim_starts: list[int] = []
        self._claim_maxend: list[int] = []
        self.term_hits: list[TermHit] = []
        self._enumerated: bool | None = None
        self._spaced_candidates: list[int] = []
        self._digit_windows: list[tuple[int, int]] | None = None
        self._build()

    # -- lines -------------------------------------------------------------

    def line_at(self, pos: int) -> Line:
        s = self.s
        start = s.rfind("\n", 0, pos) + 1 if pos > 0 else 0
        got = self._lines.get(start)
        if got is not None:
            return got
        end = s.find("\n", start)
        if end < 0:
            end = self.n
        while end > start and s[end - 1] in " \t\f\v":
            end -= 1
        body = start
        while body < end and s[body] in " \t\f\v":
            body += 1
        text = s[start:end]
        prose = is_prose(text) and self.m.label_start.match(s, body, end) is None
        ln = Line(start, end, body, text, prose, bool(_LOWER.search(text)))
        self._lines[start] = ln
        return ln

    def next_line(self, ln: Line) -> Line | None:
        nl = self.s.find("\n", ln.end)
        if nl < 0 or nl + 1 > self.n:
            return None
        if nl + 1 == self.n:
            return None
        return self.line_at(nl + 1)

    def prev_line(self, ln: Line) -> Line | None:
        if ln.start == 0:
            return None
        return self.line_at(ln.start - 1)

    def lines_between(self, start: int, end: int) -> Iterator[Line]:
        ln: Line | None = self.line_at(start)
        while ln is not None and ln.start < end:
            yield ln
            ln = self.next_line(ln)

    # -- scanning helpers ------------------------------------------------------

    def digit_windows(self) -> list[tuple[int, int]]:
        """Spans around the digits of the text (the whole text when digits are dense).

        Every pattern whose matches hold a digit is searched only there: on
        literary prose that skips nearly all the text.
        """
        if self._digit_windows is None:
            self._digit_windows = _windows(self.s)
        return self._digit_windows

    def finditer(self, pattern: Any, digits: bool = False) -> Iterator[Any]:
        """``pattern.finditer`` over the text, or only over the digit windows."""
        if not digits:
            yield from pattern.finditer(self.s)
            return
        for a, b in self.digit_windows():
            yield from pattern.finditer(self.s, a, b)

    def left_ok(self, start: int) -> bool:
        """No letter or digit glued to the left of ``start`` (a token boundary)."""
        if start <= 0:
            return True
        c = self.s[start - 1]
        return not (c.isalnum() or c == "_")

    def right_ok(self, end: int) -> bool:
        if end >= self.n:
            return True
        c = self.s[end]
        return not (c.isalnum() or c == "_")

    # -- zones ---------------------------------------------------------------

    def in_zone(self, pos: int) -> bool:
        i = bisect.bisect_right(self._zone_starts, pos) - 1
        if i >= 0 and self._zones[i][0] <= pos < self._zones[i][1]:
            return True
        seg = self.doc.segment_at(pos)
        return seg is not None and seg.part in _HEADERISH_PARTS

    def _add_zone(self, a: int, b: int) -> None:
        if b <= a:
            return
        zones = [*self._zones, (a, b)]
        zones.sort()
        merged: list[tuple[int, int]] = []
        for za, zb in zones:
            if merged and za <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], zb))
            else:
                merged.append((za, zb))
        self._zones = merged
        self._zone_starts = [z[0] for z in merged]

    def _expand_block(self, ln: Line) -> tuple[int, int]:
        """Non-prose lines around ``ln`` (blank lines included), bounded."""
        first = ln
        cur: Line | None = ln
        for _ in range(self.MAX_BLOCK_LINES):
            cur = self.prev_line(cur) if cur is not None else None
            if cur is None or cur.prose:
                break
            first = cur
        last = ln
        cur = ln
        for _ in range(self.MAX_BLOCK_LINES):
            cur = self.next_line(cur) if cur is not None else None
            if cur is None or cur.prose:
                break
            last = cur
        return first.start, last.end

    def zones(self) -> list[tuple[int, int]]:
        return list(self._zones)

    # -- claims --------------------------------------------------------------

    def covered(self, start: int, end: int) -> Claim | None:
        """The suppressing claim that contains ``[start, end)``, if any."""
        i = bisect.bisect_right(self._claim_starts, start) - 1
        while i >= 0:
            c = self.claims[i]
            if self._claim_maxend[i] < end:
                return None
            if c.suppress and c.start <= start and end <= c.end:
                return c
            i -= 1
        return None

    def overlaps_claim(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._claim_starts, end) - 1
        while i >= 0:
            c = self.claims[i]
            if self._claim_maxend[i] <= start:
                return False
            if c.suppress and c.start < end and start < c.end:
                return True
            i -= 1
        return False

    def claims_of(self, owner: str) -> list[Claim]:
        return [c for c in self.claims if c.owner == owner]

    # -- building ------------------------------------------------------------

    def _build(self) -> None:
        s = self.s
        m = self.m
        candidates: set[int] = set()
        scan = "\n" + s
        n = self.n
        for mt in m.line_start.finditer(scan):
            # mt.start() indexes the "\n" in ``scan``; in ``s`` it is the line's start.
            a = mt.start()
            end = mt.end() - 1  # in ``s``
            if s[end - 1].islower() and s[a:end].lstrip(_LEAD_CHARS)[:1].islower():
                # A lower-case word opening a long line ("to the...", "from her")
                # is a prose continuation unless a colon follows it at once.
                nl = s.find("\n", a)
                if (nl if nl >= 0 else n) - a > _SHORT_LINE and (s[end : end + 2].lstrip()[:1] or "x") not in ":：":
                    continue
            candidates.add(self.line_at(a).start)
        self._spaced_candidates = sorted(candidates)
        self._scan_terms()
        for h in self.term_hits:
            candidates.add(self.line_at(h.start).start)
        # Head and tail of the document.
        head_end = self._head_end()
        self._add_zone(0, head_end)
        tail_start = self._tail_start()
        self._add_zone(tail_start, self.n)
        # Strong lines anywhere open a header block around them.
        for start in sorted(candidates):
            if self.in_zone(start):
                continue
            ln = self.line_at(start)
            if ln.prose or ln.blank:
                continue
            if self._strong(ln):
                a, b = self._expand_block(ln)
                self._add_zone(a, b)
        # Analyse every zone line, then candidates outside zones.
        todo = set(candidates)
        for za, zb in self._zones:
            for ln in self.lines_between(za, zb):
                todo.add(ln.start)
        consumed: set[int] = set()
        claims: list[Claim] = []
        for start in sorted(todo):
            if start in consumed:
                continue
            ln = self.line_at(start)
            if ln.blank:
                continue
            claims.extend(self._analyse_line(ln, self.in_zone(start), consumed))
        claims = self._merge_distribution(claims)
        claims.sort(key=lambda c: (c.start, -c.end))
        self.claims = claims
        self._claim_starts = [c.start for c in claims]
        maxend = 0
        self._claim_maxend = []
        for c in claims:
            maxend = max(maxend, c.end)
            self._claim_maxend.append(maxend)

    def _head_end(self) -> int:
        """Where the body starts: the first prose line that opens a paragraph."""
        ln: Line | None = self.line_at(0) if self.n else None
        count = 0
        prev_blank = True
        while ln is not None and count < self.MAX_HEAD_LINES:
            if ln.prose and (prev_blank or _PARA_NUM.match(self.s, ln.start, ln.end)):
                return ln.start
            prev_blank = ln.blank
            count += 1
            ln = self.next_line(ln)
        return ln.start if ln is not None else self.n

    def _tail_start(self) -> int:
        if not self.n:
            return 0
        ln: Line | None = self.line_at(self.n)
        count = 0
        last = self.n
        while ln is not None and count < self.MAX_TAIL_LINES:
            if ln.prose:
                nl = self.s.find("\n", ln.end)
                return self.n if nl < 0 else nl + 1
            last = ln.start
            count += 1
            ln = self.prev_line(ln)
        return last

    def _strong(self, ln: Line) -> bool:
        return bool(self._analyse_line(ln, False, None, probe=True))

    # -- term scan -----------------------------------------------------------

    def _scan_terms(self) -> None:
        s = self.s
        terms = self.rules.terms
        m = self.m
        hits: list[TermHit] = []
        match = m.terms_upper.match
        heads = m.term_heads
        # Which capitalised words that open a term occur at all (findall and a
        # set intersection, in C); most texts have none and skip the loop.
        present = heads.intersection(_CAPS.findall(s))
        for pm in _CAPS.finditer(s) if present else ():
            a = pm.start()
            if pm.group() not in present:
                continue
            if a > 0 and (s[a - 1].isalnum() or s[a - 1] == "_"):
                continue
            mt = match(s, a)
            if mt is None:
                continue
            info = self._term_info(mt.group())
            if info is not None:
                hits.append(TermHit(a, mt.end(), (info.term,), (info,)))
        if m.other_script is not None and not s.isascii():
            for mt in m.other_script.finditer(s):
                a, b = mt.span()
                if (a > 0 and s[a - 1].isalnum()) or (b < self.n and s[b].isalnum()):
                    continue
                info = terms.get(mt.group())
                if info is not None:
                    hits.append(TermHit(a, b, (info.term,), (info,)))
        hint = _SPACED_HINT.search
        for start in self._spaced_candidates:
            ln = self.line_at(start)
            if hint(s, ln.start, ln.end) is None:
                continue  # no four spaced capitals on the line (checked with ``re``, cheaply)
            for mt in _SPACED.finditer(s, ln.start, ln.end):
                raw = mt.group()
                squeezed = regex.sub(r" {2,}", "\0", raw).replace(" ", "").replace("\0", " ")
                t = squeezed if squeezed in terms else m.squeezed.get(squeezed.replace(" ", ""))
                if t is None or t not in terms:
                    continue
                hits.append(TermHit(mt.start(), mt.end(), (t,), (terms[t],), spaced=True))
        hits.sort(key=lambda h: h.start)
        # Extend with //-tails and REL TO lists; merge adjacent terms into runs.
        runs: list[TermHit] = []
        for h in hits:
            end = h.end
            tail = _TAIL.match(s, end)
            if tail and tail.end() > end:
                end = tail.end()
                while end > h.end and s[end - 1] in " ,-/":
                    end -= 1
            h = TermHit(h.start, end, h.terms, h.infos, h.spaced)
            if runs:
                prev = runs[-1]
                if h.start < prev.end:
                    continue
                gap = _RUN_GAP.match(s, prev.end)
                if gap is not None and gap.end() == h.start and "\n" not in s[prev.end : h.start]:
                    runs[-1] = TermHit(prev.start, h.end, prev.terms + h.terms, prev.infos + h.infos, prev.spaced or h.spaced)
                    continue
            runs.append(h)
        # Qualifiers alone (PERSONAL, COPY...) are no marking.
        self.term_hits = [r for r in runs if any(t not in self.m.qualifiers for t in r.terms)]

    def _term_info(self, raw: str) -> TermInfo | None:
        word = " ".join(raw.replace("\t", " ").split())
        if "/" in word:
            word = regex.sub(r" ?/ ?", "/", word)
        word = regex.sub(r"[‐‑–—]", "-", word)
        terms = self.rules.terms
        return terms.get(word) or terms.get(self.m.squeezed.get(word.replace(" ", ""), ""))

    # -- one line ------------------------------------------------------------

    def _cells(self, ln: Line) -> list[tuple[int, int]]:
        if ln.prose:
            return [(ln.body, ln.end)]
        cells: list[tuple[int, int]] = []
        pos = ln.body
        for g in _GAP.finditer(self.s, ln.body, ln.end):
            if g.start() > pos:
                cells.append((pos, g.start()))
            pos = g.end()
        if pos < ln.end:
            cells.append((pos, ln.end))
        # Re-join cells split by exactly two spaces unless a field label follows.
        merged: list[tuple[int, int]] = []
        for a, b in cells:
            if merged:
                pa, pb = merged[-1]
                gap = self.s[pb:a]
                if "\t" not in gap and len(gap) < 3 and self._field_at(a, ln, True) is None:
                    merged[-1] = (pa, b)
                    continue
            merged.append((a, b))
        return merged

    def _field_at(self, pos: int, ln: Line, in_zone: bool) -> tuple[FieldRule, int, int] | None:
        """The longest field label at ``pos``: (rule, label end, value start)."""
        best: tuple[FieldRule, int, int] | None = None
        s = self.s
        any_field = self.m.any_field
        if any_field is None or any_field.match(s, pos, ln.end) is None:
            return None
        for fm in self.m.fields:
            mt = fm.pattern.match(s, pos, ln.end)
            if mt is None:
                continue
            fr = fm.rule
            if fr.separator != "colon" and ln.prose:
                continue
            if fr.uppercase_only and ln.lower and not in_zone:
                continue
            vstart = mt.end()
            while vstart < ln.end and s[vstart] in " \t":
                vstart += 1
            if best is None or mt.end() > best[2] or (mt.end() == best[2] and vstart > best[2]):
                best = (fr, mt.end(), vstart)
        return best

    def _analyse_line(
        self, ln: Line, in_zone: bool, consumed: set[int] | None, probe: bool = False
    ) -> list[Claim]:
        s = self.s
        claims: list[Claim] = []
        cells = self._cells(ln)
        i = 0
        while i < len(cells):
            cs, ce = cells[i]
            f = self._field_at(cs, ln, in_zone)
            if f is not None:
                fr, label_end, vstart = f
                j = i + 1
                while j < len(cells) and self._field_at(cells[j][0], ln, in_zone) is None:
                    j += 1
                fe = cells[j - 1][1]
                value = s[vstart:fe] if vstart < fe else ""
                ok = True
                if fr.value is not None and not fr.value.search(value):
                    ok = False
                if not value and not fr.continues:
                    ok = False
                if fr.uppercase_only and not in_zone and not _STRONG_VALUE.search(value):
                    ok = False
                if ln.prose and (ce - cs) > 160 and fr.category != "marking":
                    ok = False
                if ok:
                    if probe:
                        if fr.kind == "subject":
                            i = j
                            continue
                        return [self._field_claim(fr, cs, fe, label_end)]
                    claim = self._field_claim(fr, cs, fe, label_end)
                    if fr.continues and consumed is not None and j == len(cells):
                        self._continue(claim, ln, in_zone, consumed, empty=not value)
                    claims.append(claim)
                    i = j
                    continue
            b = self._banner(cs, ce, in_zone)
            if b is not None:
                if probe:
                    return [b]
                claims.append(b)
                i += 1
                continue
            r = self._line_rule(cs, ce, in_zone)
            if r is not None:
                if probe:
                    return [r]
                claims.append(r)
                i += 1
                continue
            i += 1
        if claims or probe or not in_zone:
            return claims
        # Nothing specific: header-block lines that still carry traces.
        g = self._generic(ln)
        return [g] if g is not None else []

    def _field_claim(self, fr: FieldRule, start: int, end: int, label_end: int) -> Claim:
        label = " ".join(self.s[start:label_end].rstrip(" \t:：").split())
        return Claim(
            start=start,
            end=end,
            owner=_OWNER[fr.category],
            kind=fr.kind,
            severity=fr.severity,
            rule=fr.id,
            pack=fr.pack,
            message=fr.message,
            label=label,
            action=Action.REVIEW if fr.action == "review" else Action(fr.action),
            suppress=fr.severity is not Severity.LOW,
            evidence={"field": label},
        )

    def _continue(self, claim: Claim, ln: Line, in_zone: bool, consumed: set[int], empty: bool) -> None:
        """Extend a field over its continuation lines (indented, routing, list)."""
        cur = ln
        for _ in range(self.MAX_CONTINUATION):
            nxt = self.next_line(cur)
            if nxt is None or nxt.blank:
                break
            indented = nxt.body > nxt.start
            routing = bool(_ROUTING_TOKEN.match(self.s, nxt.body))
            if self._field_at(nxt.body, nxt, in_zone) is not None:
                break
            if self._banner(nxt.body, nxt.end, in_zone) is not None:
                break
            if self._line_rule(nxt.body, nxt.end, in_zone) is not None and not routing:
                break
            if not (indented or routing or (in_zone and (empty or claim.owner in ("distribution", "identifiers", "markings")))):
                break
            if nxt.prose and not (indented and self.s[ln.start : cur.end].rstrip().endswith((",", ";", "&"))):
                break
            if _PARA_NUM.match(self.s, nxt.start, nxt.end) and claim.kind not in ("reference",):
                break
            if _STOP_LINE.fullmatch(self.s, nxt.body, nxt.end):
                break
            claim.end = nxt.end
            claim.lines += 1
            consumed.add(nxt.start)
            cur = nxt

    def _banner(self, cs: int, ce: int, in_zone: bool) -> Claim | None:
        text = self.s[cs:ce]
        if not text.strip() or len(text) > 200:
            return None
        check = _SPACED.sub(_squeeze, text) if " " in text else text
        if not self.m.banner_cell.fullmatch(check):
            return None
        found: list[str] = []
        infos: list[TermInfo] = []
        for mt in self.m.terms_ci.finditer(check):
            raw = mt.group()
            key = " ".join(raw.upper().replace("\t", " ").split())
            key = regex.sub(r" ?/ ?", "/", key)
            key = regex.sub(r"[‐‑–—]", "-", key)
            term = key if key in self.rules.terms else self.m.squeezed.get(key.replace(" ", ""))
            if term is None:
                continue
            info = self.rules.terms[term]
            if term in self.m.qualifiers:
                continue
            if raw != raw.upper():
                # Title case counts only where the pack allows it.
                if not _titled(raw):
                    return None
                if info.titlecase == "never" or (info.titlecase == "header" and not in_zone):
                    return None
            found.append(term)
            infos.append(info)
        if not found:
            return None
        sev = max((i.severity for i in infos), key=lambda x: x.rank)
        kinds = [i.kind for i in infos]
        primary = next((i for i in infos if i.kind == "classification"), infos[0])
        cable = regex.search(r"\b[A-Z]{4,}(?: [A-Z]{3,})? \d{3,7}\b", text)
        section = regex.search(r"(?i)\bSECTION \d+ OF \d+\b", text)
        ev: dict[str, Any] = {
            "markings": list(dict.fromkeys(found)),
            "kinds": list(dict.fromkeys(kinds)),
            "packs": list(dict.fromkeys(p for i in infos for p in i.packs)),
        }
        if cable:
            ev["cable_number"] = cable.group()
        if section:
            ev["section"] = section.group()
        if check != text:
            ev["spaced_out"] = True
        return Claim(
            start=cs,
            end=ce,
            owner="markings",
            kind="banner",
            severity=sev,
            rule=primary.rules[0],
            pack=primary.packs[0],
            message=primary.message,
            evidence=ev,
        )

    def _line_rule(self, cs: int, ce: int, in_zone: bool) -> Claim | None:
        rules: tuple[PatternRule, ...] = self.m.line_rules
        if in_zone:
            rules = rules + self.m.header_rules
        for pr in rules:
            mt = pr.pattern.match(self.s, cs, ce)
            if mt is None:
                continue
            end = mt.end()
            if end < ce and self.s[end].isalnum() and self.s[end - 1].isalnum():
                continue
            return Claim(
                start=cs,
                end=ce,
                owner=_OWNER[pr.category],
                kind=pr.kind,
                severity=pr.severity,
                rule=pr.id,
                pack=pr.pack,
                message=pr.message,
                action=Action.REVIEW if pr.action == "review" else Action(pr.action),
                evidence={"pattern": pr.kind},
            )
        return None

    def _generic(self, ln: Line) -> Claim | None:
        """A header-block line no rule names: an unknown field, a code line, a signature."""
        if ln.prose or ln.blank:
            return None
        s = self.s
        text = s[ln.body : ln.end]
        gf = _GENERIC_FIELD.fullmatch(text)
        if gf is not None:
            label = gf.group("label").strip()
            if label.lower() not in _PROSE_LABELS and len(label.split()) <= 3:
                return Claim(
                    ln.body, ln.end, "identifiers", "header-field", Severity.MEDIUM,
                    "leakdesk.header-field", "leakdesk", label=label,
                    evidence={"field": label},
                )
        if not ln.lower:
            codes = _CODE_TOKEN.findall(text)
            if codes:
                return Claim(
                    ln.body, ln.end, "identifiers", "routing", Severity.MEDIUM,
                    "leakdesk.header-line", "leakdesk", evidence={"codes": codes[:10]},
                )
        if ln.start >= self._tail_zone_start() and _SIGNATURE.fullmatch(text):
            words = text.replace(".", " ").split()
            if words and not any(w.upper() in _NOT_SIGNATURE for w in words) and len(text) <= 60:
                return Claim(
                    ln.body, ln.end, "distribution", "signature", Severity.MEDIUM,
                    "leakdesk.signature", "leakdesk", evidence={"names": [text.strip()]},
                )
        return None

    def _tail_zone_start(self) -> int:
        if not self._zones:
            return self.n
        za, zb = self._zones[-1]
        return za if zb >= self.n else self.n

    def _merge_distribution(self, claims: list[Claim]) -> list[Claim]:
        """Consecutive distribution lines (FM, TO, INFO...) become one block."""
        claims.sort(key=lambda c: (c.start, -c.end))
        out: list[Claim] = []
        for c in claims:
            if out and c.owner == "distribution" and out[-1].owner == "distribution" and c.kind == out[-1].kind == "distribution":
                prev = out[-1]
                between = self.s[prev.end : c.start]
                if between.count("\n") <= 1 and not between.strip():
                    prev.end = max(prev.end, c.end)
                    prev.lines += c.lines
                    labels = prev.evidence.setdefault("fields", [prev.label] if prev.label else [])
                    if c.label:
                        labels.append(c.label)
                    continue
            out.append(c)
        return out

    # -- portion marks ---------------------------------------------------------

    def portion_marks(self) -> Iterator[tuple[int, int, str]]:
        """Parenthesised portion marks ``(S)``, ``(C)``, ``(S//NF)`` in marking position."""
        s = self.s
        for mt in self.m.portion.finditer(s):
            a, b = mt.span()
            inner = mt.group()[1:-1]
            if a > 0 and (s[a - 1].isalnum()):
                continue
            if b < self.n and s[b].isalnum():
                continue
            if "/" not in inner:
                if inner in ("C", "R") and regex.match(r"[ \t]*(?:(?:19|20)\d\d|copyright)", s[b : b + 16], regex.I):
                    continue
                if len(inner) == 1 and self.enumerated():
                    continue
                if not self._marking_position(a):
                    continue
            yield a, b, mt.group()

    def enumerated(self) -> bool:
        """Whether the document enumerates with (A), (B)...: then (C) is a list item."""
        if self._enumerated is None:
            self._enumerated = bool(re.search(r"\((?:A|B|D|E)\)[ \t]", self.s))
        return self._enumerated

    def _marking_position(self, a: int) -> bool:
        ln = self.line_at(a)
        before = self.s[ln.start : a]
        if not before.strip():
            return True
        if _PARA_NUM.fullmatch(before + " ") or regex.fullmatch(r"[ \t]*(?:¶[ \t]*)?\d{1,3}[.)]?[ \t]*|[ \t]*[-*•][ \t]*", before):
            return True
        return bool(regex.search(r"[:：][ \t]*$", before)) and len(before) < 40


_DIGIT_RUN = regex.compile(r"[0-9]+")
_WINDOW_MARGIN = 100
_WINDOW_JOIN = 2000


def _windows(s: str) -> list[tuple[int, int]]:
    n = len(s)
    limit = max(64, n // 1500)
    out: list[tuple[int, int]] = []
    for count, mt in enumerate(_DIGIT_RUN.finditer(s)):
        if count > limit:
            return [(0, n)]
        a = max(0, mt.start() - _WINDOW_MARGIN)
        b = min(n, mt.end() + _WINDOW_MARGIN)
        if out and a - out[-1][1] < _WINDOW_JOIN:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


_HEAD = regex.compile(r"[^\W\d_]+")


def _squeeze(mt: regex.Match[str]) -> str:
    raw: str = mt.group()
    joined: str = regex.sub(r" {2,}", "\0", raw)
    return joined.replace(" ", "").replace("\0", " ")


def _titled(raw: str) -> bool:
    words = [w for w in regex.split(r"[\s/-]+", raw) if w]
    return bool(words) and words[0][0].isupper()


_HEADERISH_PARTS = frozenset({"header", "footer", "metadata", "email-header", "filename"})

# -- cache ---------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: tuple[str, int, Layout] | None = None


def layout(doc: Document) -> Layout:
    """The layout of ``doc`` (cached for the last document analysed)."""
    global _cache
    rules = active()
    c = _cache
    if c is not None and c[0] is doc.text and c[1] == id(rules) and c[2].doc is doc:
        return c[2]
    lay = Layout(doc, rules)
    with _cache_lock:
        _cache = (doc.text, id(rules), lay)
    return lay
