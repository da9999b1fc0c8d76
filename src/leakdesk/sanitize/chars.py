"""Character classes that sanitize removes and the residue proof checks for.

Two families of per-copy marks live below the word level:

* **invisible characters**: Unicode format characters (Cf: zero-width space,
  joiners, word joiner, BOM, soft hyphen, bidi controls, tag characters),
  variation selectors, private-use and stray control characters, and unusual
  spaces (NBSP, thin, hair, ideographic...).  :func:`invisible_replacement`
  says what each becomes: spaces become an ASCII space, line and paragraph
  separators a newline, everything else nothing.
* **homoglyphs**: a letter of another script inside a word (a Cyrillic ``а``
  in "Paris"), i.e. a *mixed-script* word in the sense of Unicode TS #39,
  restricted to the scripts whose letters are confusable with each other
  (Latin, Greek, Cyrillic, Armenian, Cherokee, Coptic).  The intended letter
  comes from the Unicode confusables table shipped by ``confusable_homoglyphs``
  (MIT licence), never from a hand list.

These functions are the engine's *safety net* (marks a detector missed are
still removed) and the proof's independent definition of "no Cf character or
homoglyph remains".  Pure functions on text; nothing here touches a file.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import regex

#: Invisible and unusual characters (see the module docstring).  Tab, LF, CR,
#: form feed and the ASCII space are ordinary text.
INVISIBLE_RE = regex.compile(
    r"[[\p{Cf}\p{Co}\p{Cs}\p{Cc}\p{Zs}\p{Zl}\p{Zp}"
    r"\uFE00-\uFE0F\U000E0100-\U000E01EF\u180B-\u180F"
    r"\u034F\u115F\u1160\u3164\uFFA0\u2800]"
    r"--[\t\n\r\f\x20]]",
    regex.V1,
)

_LINE_BREAKS = {"\u2028", "\u2029", "\u0085", "\x0b"}

#: Scripts whose letters are confused with one another in practice.
CONFUSABLE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"})

# Letters of the confusable scripts other than Latin.
_FOREIGN_RE = regex.compile(r"[\p{Cyrillic}\p{Greek}\p{Armenian}\p{Cherokee}\p{Coptic}]")
# Words for the homoglyph check: letters and marks, and the invisible format
# characters a canary mark may hide inside a word ("Pа\u200bris").
_LETTER_OR_MARK_RE = regex.compile(r"[\p{L}\p{M}\p{Cf}]")
_WORD_FROM_RE = regex.compile(r"[\p{L}\p{M}\p{Cf}]+")
_WORD_CHAR_RE = regex.compile(r"[\p{L}\p{M}\p{N}\p{Cf}]")


def is_invisible(ch: str) -> bool:
    return INVISIBLE_RE.fullmatch(ch) is not None


def invisible_replacement(ch: str) -> str:
    """What an invisible character becomes in a clean copy."""
    if ch in _LINE_BREAKS or unicodedata.category(ch) in ("Zl", "Zp"):
        return "\n"
    if unicodedata.category(ch) == "Zs":
        return " "
    return ""


def strip_invisible(text: str) -> str:
    """``text`` with every invisible character replaced as :func:`invisible_replacement` says."""
    return str(INVISIBLE_RE.sub(lambda m: invisible_replacement(m.group()), text))


def invisible_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every run of invisible characters."""
    out: list[tuple[int, int]] = []
    for m in INVISIBLE_RE.finditer(text):
        if out and out[-1][1] == m.start():
            out[-1] = (out[-1][0], m.end())
        else:
            out.append((m.start(), m.end()))
    return out


def invisible_counts(text: str) -> Counter[str]:
    """How often each invisible character occurs, by ``U+XXXX``."""
    return Counter(f"U+{ord(m.group()):04X}" for m in INVISIBLE_RE.finditer(text))


# -- homoglyphs ---------------------------------------------------------------


@lru_cache(maxsize=8192)
def script_of(ch: str) -> str:
    """The script alias of a character (LATIN, CYRILLIC, COMMON, INHERITED...)."""
    if ch.isascii():
        return "LATIN" if ch.isalpha() else "COMMON"
    from confusable_homoglyphs.categories import alias

    return str(alias(ch)).upper()


@lru_cache(maxsize=8192)
def confusable_in(ch: str, script: str) -> str | None:
    """A letter of ``script`` that ``ch`` is confusable with, or None (ASCII preferred)."""
    from confusable_homoglyphs.confusables import confusables_data

    best: str | None = None
    for entry in confusables_data.get(ch, ()):
        c = str(entry.get("c", ""))
        if len(c) != 1 or script_of(c) != script:
            continue
        if c.isascii():
            return c
        if best is None:
            best = c
    return best


@dataclass(frozen=True, slots=True)
class HomoglyphWord:
    start: int
    end: int
    word: str
    intended: str
    #: The script the word is written in (its majority script).
    script: str
    #: ``U+XXXX`` of every foreign letter that was mapped.
    foreign: tuple[str, ...]


def _map_word(word: str) -> tuple[str, str, tuple[str, ...]] | None:
    scripts = ["COMMON" if unicodedata.category(ch) == "Cf" else script_of(ch) for ch in word]
    letters = Counter(s for s in scripts if s in CONFUSABLE_SCRIPTS)
    others = {s for s in scripts if s not in CONFUSABLE_SCRIPTS | {"COMMON", "INHERITED"}}
    if len(letters) < 2 or others:
        return None
    # majority script; ties go to Latin, then alphabetically (deterministic)
    major = sorted(letters.items(), key=lambda kv: (-kv[1], kv[0] != "LATIN", kv[0]))[0][0]
    out: list[str] = []
    foreign: list[str] = []
    for ch, sc in zip(word, scripts, strict=True):
        if sc in CONFUSABLE_SCRIPTS and sc != major:
            target = confusable_in(ch, major)
            if target is not None:
                out.append(target)
                foreign.append(f"U+{ord(ch):04X}")
                continue
        out.append(ch)
    if not foreign:
        return None
    return "".join(out), major, tuple(foreign)


def homoglyph_words(text: str) -> list[HomoglyphWord]:
    """Every mixed-script word with a letter confusable with the word's own script.

    A mixed word among the confusable scripts always holds a letter of one of
    them other than Latin, so only the words around such letters are looked at
    (fast on Latin text).
    """
    found: list[HomoglyphWord] = []
    last_end = -1
    n = len(text)
    for m in _FOREIGN_RE.finditer(text):
        if m.start() < last_end:
            continue
        a = m.start()
        while a > 0 and _LETTER_OR_MARK_RE.match(text[a - 1]):
            a -= 1
        w = _WORD_FROM_RE.match(text, a)
        b = w.end() if w is not None else min(n, m.end())
        last_end = b
        word = text[a:b]
        mapped = _map_word(word)
        if mapped is not None:
            found.append(HomoglyphWord(a, b, word, *mapped))
    return found


def homoglyph_counts(text: str) -> Counter[str]:
    """How often each homoglyph word occurs (keyed by the word as written)."""
    return Counter(h.word for h in homoglyph_words(text))


def map_homoglyphs(text: str) -> str:
    """``text`` with the foreign letters of every mixed-script word mapped."""
    words = homoglyph_words(text)
    if not words:
        return text
    out: list[str] = []
    pos = 0
    for h in words:
        out.append(text[pos : h.start])
        out.append(h.intended)
        pos = h.end
    out.append(text[pos:])
    return "".join(out)


def word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Expand ``[start, end)`` to the word (letters, marks, digits, Cf) around it."""
    a, b = start, end
    while a > 0 and _WORD_CHAR_RE.match(text[a - 1]):
        a -= 1
    while b < len(text) and _WORD_CHAR_RE.match(text[b]):
        b += 1
    return a, b


def intended_for_span(text: str, start: int, end: int) -> str | None:
    """The intended letters for a homoglyph span, judged from the word around it."""
    a, b = word_bounds(text, start, end)
    word = text[a:b]
    mapped = _map_word(strip_invisible(word)) if INVISIBLE_RE.search(word) else _map_word(word)
    if mapped is None or len(mapped[0]) != len(word):
        # fall back to a letter-by-letter mapping to Latin
        span = text[start:end]
        out = [confusable_in(ch, "LATIN") or ch if script_of(ch) != "LATIN" else ch for ch in span]
        res = "".join(out)
        return res if res != span else None
    return mapped[0][start - a : end - a]


def clean_replacement(text: str) -> str:
    """A detector-supplied replacement with invisible characters and homoglyphs removed."""
    return map_homoglyphs(strip_invisible(text))
