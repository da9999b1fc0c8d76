"""Canonical forms of text for lining up copies, and the character classes behind them.

Nothing here changes a document: the compare engine aligns *keys* computed
from the original tokens and always reports spans of the original text, so
every offset stays a code-point offset into ``Document.text``.  What this
module holds:

- the tokenizer: words (letters, marks and digits, with invisible characters
  and apostrophes inside them, and a hyphenated line break joined: ``recom-⏎
  mendation`` is one token) and single punctuation marks; what lies between
  two tokens is a *gap* (whitespace and stray invisible characters);
- :func:`token_key`, the canonical form a token is aligned by: invisible
  characters dropped, NFKC (ligatures, full-width forms), every confusable
  letter mapped to its Latin prototype (Unicode's confusables data, UTS #39),
  typographic quotes and dashes folded;
- :func:`latin_for`, :func:`canonical_text`: the display-safe normal form the
  consensus uses (invisible characters removed, Latin letters for homoglyphs,
  spacing collapsed), with a map back to the original offsets;
- :func:`furniture_lines`: page headers and footers (short lines repeated on
  many pages, page numbers), so that text found in only one copy's page
  furniture is labelled noise;
- :class:`SpacingStats`: how common each spacing habit is in a copy, so that a
  rare double space is read as a mark and a habit the scan dropped as noise.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import regex

#: Characters that render as nothing: format characters (zero-width space and
#: joiners, bidi controls, soft hyphen, word joiner, BOM...), variation
#: selectors, the combining grapheme joiner, Hangul and Mongolian fillers.
INVISIBLE_CLASS = (
    r"\p{Cf}\u034F\u115F\u1160\u3164\uFFA0\u180B-\u180F\uFE00-\uFE0F\U000E0100-\U000E01EF"
)
INVISIBLE_RE = regex.compile(f"[{INVISIBLE_CLASS}]")

_W = r"\p{L}\p{M}\p{N}"
#: A hyphen at the end of a line followed by a lower-case letter on the next:
#: a word broken by the typesetter (or re-wrapped by a scan).
HYPHEN_BREAK = r"[-\u2010\u00AC][ \t]*(?:\r\n|\r|\n|\f|\u2028)[ \t]*(?=\p{Ll})"
HYPHEN_BREAK_RE = regex.compile(HYPHEN_BREAK)

TOKEN_RE = regex.compile(
    rf"[{_W}](?:[{_W}{INVISIBLE_CLASS}]|['’](?=[{_W}])|{HYPHEN_BREAK})*"
    rf"|[^\s{_W}{INVISIBLE_CLASS}]"
)

#: Whitespace characters that end a line.
NEWLINES = "\n\r\f\v\x85\u2028\u2029"
_NEWLINE_RE = regex.compile(r"\r\n|[\n\r\f\v\x85\u2028\u2029]")
_SPACE_RE = regex.compile(r"\s+")

#: Typographic variants folded for alignment (and for the "punctuation" kind).
_TYPO_FOLD = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "`": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
    "\u2026": "...",
}
TYPO_TABLE = str.maketrans(_TYPO_FOLD)

#: Ligatures that PDF text extraction and OCR produce on their own.
LIGATURES = frozenset("\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06")

#: ASCII letters and digits that look alike (UTS #39 prototypes).
_ASCII_FOLD = {"I": "l", "1": "l", "|": "l", "0": "O"}


@cache
def _prototypes() -> dict[str, str]:
    """Every non-ASCII character that Unicode lists as confusable with one ASCII letter or digit."""
    from confusable_homoglyphs.confusables import confusables_data

    out: dict[str, str] = {}
    for ch, glyphs in confusables_data.items():
        if len(ch) != 1 or ord(ch) < 0x80:
            continue
        for g in glyphs:
            c = g.get("c", "").replace("\u200e", "")
            if len(c) == 1 and c.isascii() and c.isalnum():
                out[ch] = c
                break
    return out


@cache
def _key_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for ch, proto in _prototypes().items():
        table[ord(ch)] = _ASCII_FOLD.get(proto, proto)
    for ch, proto in _ASCII_FOLD.items():
        table[ord(ch)] = proto
    for ch, rep in _TYPO_FOLD.items():
        table[ord(ch)] = rep
    return table


def is_invisible(ch: str) -> bool:
    return INVISIBLE_RE.match(ch) is not None


def strip_invisible(text: str) -> str:
    return str(INVISIBLE_RE.sub("", text))


@lru_cache(maxsize=200_000)
def token_key(raw: str) -> str:
    """The canonical form a token is aligned by (two copies' tokens match if keys are equal)."""
    s = raw
    if "\n" in s or "\r" in s or "\f" in s or "\u2028" in s:
        s = HYPHEN_BREAK_RE.sub("", s)
    s = INVISIBLE_RE.sub("", s)
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)
    return s.translate(_key_table())


def latin_for(ch: str) -> str | None:
    """The Latin letter a confusable character imitates (``'а'`` → ``'a'``), or None."""
    if ch.isascii():
        return None
    proto = _prototypes().get(ch)
    if proto is None:
        return None
    if proto == "l" and ch.isupper():
        return "I"
    if proto == "O" and ch.islower():
        return "o"
    return proto


def script_of(ch: str) -> str:
    """A rough script name from the Unicode character name ("LATIN", "CYRILLIC"...)."""
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def skeleton(text: str) -> str:
    """Homoglyphs and compatibility forms mapped to Latin; invisibles dropped; ASCII untouched."""
    s: str = INVISIBLE_RE.sub("", text)
    if s.isascii():
        return s
    out = []
    for ch in s:
        if ch.isascii():
            out.append(ch)
            continue
        lat = latin_for(ch)
        if lat is not None:
            out.append(lat)
        else:
            out.append(unicodedata.normalize("NFKC", ch))
    return "".join(out)


def fold_typography(text: str) -> str:
    return text.translate(TYPO_TABLE)


def collapse_space(text: str) -> str:
    return " ".join(text.split())


def count_newlines(text: str) -> int:
    return len(_NEWLINE_RE.findall(text))


# -- page furniture --------------------------------------------------------------

_PAGE_NO_RE = regex.compile(
    r"^\s*(?:-\s*)?(?:page|p\.|seite|página|pagina)?\s*\d{1,4}\s*(?:(?:of|/|von|de|sur)\s*\d{1,4})?\s*(?:-\s*)?$",
    regex.IGNORECASE,
)
_DIGITS_RE = regex.compile(r"\d+")


def furniture_lines(
    text: str, *, min_repeats: int = 3, max_len: int = 100, min_spacing: int = 150
) -> list[tuple[int, int]]:
    """Spans of lines that look like page headers or footers.

    A line is page furniture when, with its digits masked, it recurs at least
    ``min_repeats`` times and is short ("Page 3 of 12", "CONFIDENTIAL - 2 -"),
    or when it is a bare page number, and its occurrences lie on average at
    least ``min_spacing`` characters apart (a page, not a list).  Sorted
    ``(start, end)`` spans.
    """
    lines: list[tuple[int, int, str]] = []
    for m in regex.finditer(r"[^\n\r\f]+", text):
        s = m.group().strip()
        if s and len(s) <= max_len:
            lines.append((m.start(), m.end(), s))
    if not lines:
        return []
    masked = [_DIGITS_RE.sub("#", s) for _, _, s in lines]
    where: dict[str, list[int]] = {}
    for (start, _e, _s), mk in zip(lines, masked, strict=True):
        where.setdefault(mk, []).append(start)
    out = []
    for (start, end, s), mk in zip(lines, masked, strict=True):
        places = where[mk]
        n = len(places)
        # page furniture recurs a page apart, not on consecutive lines
        spread = n > 1 and (places[-1] - places[0]) / (n - 1) >= min_spacing
        repeated = n >= min_repeats and (len(s) >= 2 or n >= 2 * min_repeats)
        if spread and (repeated or (_PAGE_NO_RE.match(s) and n >= 2)):
            out.append((start, end))
    return out


class IntervalSet:
    """Sorted, non-overlapping ``[start, end)`` spans with a containment test."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self._starts = [s for s, _ in self.spans]

    def covers(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` lies inside the union of the spans (gaps of whitespace allowed)."""
        if not self.spans or end <= start:
            return False
        i = bisect.bisect_right(self._starts, start) - 1
        if i < 0:
            return False
        return self.spans[i][0] <= start and end <= self.spans[i][1] + 1

    def __bool__(self) -> bool:
        return bool(self.spans)


# -- spacing habits ------------------------------------------------------------

_MULTISPACE_RE = regex.compile(r"(?<=\S)[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}(?=\S)")
_TRAILING_RE = regex.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+(?=\r\n|[\n\r\f])")
_ODDSPACE_RE = regex.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPACE_BEFORE_PUNCT_RE = regex.compile(r"(?<=\w) [,.;:!?)]")


@dataclass(frozen=True, slots=True)
class SpacingStats:
    """How often a copy uses each spacing habit that canary traps also use."""

    multispace: int
    trailing: int
    oddspace: Counter[str]
    space_before_punct: int
    words: int

    @classmethod
    def of(cls, text: str) -> SpacingStats:
        return cls(
            multispace=len(_MULTISPACE_RE.findall(text)),
            trailing=len(_TRAILING_RE.findall(text)),
            oddspace=Counter(_ODDSPACE_RE.findall(text)),
            space_before_punct=len(_SPACE_BEFORE_PUNCT_RE.findall(text)),
            words=max(1, len(text) // 6),
        )

    def rare(self, count: int) -> bool:
        """A habit used this few times is a candidate mark, not the copy's style."""
        return count <= max(8, self.words // 200)


def spacing_features(gap: str) -> dict[str, int]:
    """The spacing habits present in one run of whitespace (with its line structure)."""
    feats: dict[str, int] = {}
    lines = _NEWLINE_RE.split(gap)
    for idx, line in enumerate(lines):
        last = idx == len(lines) - 1
        first = idx == 0
        if not line:
            continue
        if len(lines) > 1 and not last:
            if first or line.strip(" \t") == "":
                feats["trailing"] = feats.get("trailing", 0) + 1
        elif len(lines) == 1 and len(line) >= 2:
            feats["multispace"] = feats.get("multispace", 0) + 1
        for ch in line:
            if ch != " " and ch.isspace():
                feats[f"odd:{ch}"] = feats.get(f"odd:{ch}", 0) + 1
    return feats


# -- canonical text with an offset map ------------------------------------------


class OffsetMap:
    """Maps offsets of an original text to offsets of an edited one (monotonic)."""

    def __init__(self) -> None:
        # per edit: old start, old end, new start, new end
        self._old_starts: list[int] = []
        self._edits: list[tuple[int, int, int, int]] = []

    def add(self, old_start: int, old_end: int, new_start: int, new_end: int) -> None:
        self._old_starts.append(old_start)
        self._edits.append((old_start, old_end, new_start, new_end))

    def __call__(self, old: int) -> int:
        i = bisect.bisect_right(self._old_starts, old) - 1
        if i < 0:
            return old
        os_, oe, ns, ne = self._edits[i]
        if old < oe:  # inside a replaced stretch: clamp to its replacement
            return min(ns + (old - os_), ne)
        return ne + (old - oe)


def apply_edits(text: str, edits: Iterable[tuple[int, int, str]]) -> tuple[str, OffsetMap]:
    """Apply sorted, non-overlapping ``(start, end, replacement)`` edits; return text and map."""
    out: list[str] = []
    omap = OffsetMap()
    pos = 0
    length = 0
    for start, end, rep in edits:
        if start < pos:
            continue
        out.append(text[pos:start])
        length += start - pos
        out.append(rep)
        omap.add(start, end, length, length + len(rep))
        length += len(rep)
        pos = end
    out.append(text[pos:])
    return "".join(out), omap


#: Look-alike Latin letters that are ordinary letters of some orthography (Turkish
#: dotless i, Ewe, yogh, long s): the consensus leaves them alone.
_LATIN_LETTERS_KEPT = frozenset("ıʋɣƷȜȝſƖ")

_CANON_RE = regex.compile(
    rf"(?P<inv>[{INVISIBLE_CLASS}]+)"
    r"|(?P<trail>[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+(?=\r\n|[\n\r\f]))"
    r"|(?P<multi>(?<=\S)[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]{2,})"
    r"|(?P<odd>[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000])"
    r"|(?P<crlf>\r\n?)"
    r"|(?P<hy>[\u2010\u2011\u2012\u2013\u2014\u2015\u2212])"
    r"|(?P<q1>[\u2018\u2019\u201a\u201b\u02bc])"
    r"|(?P<q2>[\u201c\u201d\u201e\u201f])"
    r"|(?P<compat>[\ufb00-\ufb06\uff01-\uff5e]|[\U0001D400-\U0001D7FF])"
    r"|(?P<nonascii>[^\x00-\x7f])"
)


def canonical_text(text: str) -> tuple[str, OffsetMap]:
    """The neutral form of a text: the same whichever copy it comes from.

    Removes invisible characters and trailing spaces, collapses runs of spaces
    inside a line to one space and unusual spaces to ASCII spaces, writes line
    ends as ``\\n``, straight quotes and ASCII hyphens for their typographic
    variants (dashes included), Latin letters for homoglyphs that sit in Latin words, and NFKC for
    ligatures and full-width forms.  Returns the text and a map from original
    offsets to offsets in it.
    """
    edits: list[tuple[int, int, str]] = []
    for m in _CANON_RE.finditer(text):
        kind = m.lastgroup
        s, e = m.span()
        if kind in ("inv", "trail"):
            edits.append((s, e, ""))
        elif kind in ("multi", "odd"):
            edits.append((s, e, " "))
        elif kind == "crlf":
            edits.append((s, e, "\n"))
        elif kind == "hy":
            edits.append((s, e, "-"))
        elif kind == "q1":
            edits.append((s, e, "'"))
        elif kind == "q2":
            edits.append((s, e, '"'))
        elif kind == "compat":
            edits.append((s, e, unicodedata.normalize("NFKC", m.group())))
        elif kind == "nonascii":
            ch = m.group()
            lat = latin_for(ch) if ch.isalpha() and ch not in _LATIN_LETTERS_KEPT else None
            if lat is not None and _in_latin_word(text, s):
                edits.append((s, e, lat))
    return apply_edits(text, edits)


def _in_latin_word(text: str, pos: int) -> bool:
    """True when the letter at ``pos`` sits in a word whose other letters are mostly Latin."""
    lo = pos
    while lo > 0 and (text[lo - 1].isalpha() or is_invisible(text[lo - 1])):
        lo -= 1
    hi = pos + 1
    while hi < len(text) and (text[hi].isalpha() or is_invisible(text[hi])):
        hi += 1
    others = [c for i, c in enumerate(text[lo:hi], lo) if c.isalpha() and i != pos]
    if not others:
        # a lone letter: Latin if the letters around it are
        others = [c for c in text[max(0, pos - 40) : pos + 40] if c.isalpha()]
    latin = sum(1 for c in others if c.isascii() or script_of(c) == "LATIN")
    return latin * 2 > len(others)
