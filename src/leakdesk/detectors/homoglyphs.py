"""Detector: homoglyphs, letters of another script that look like the intended ones.

A Cyrillic ``а`` in "Pаris" or a Greek ``Ο`` in "Οttawa" looks exactly right
on screen and on paper, survives copy and paste, and changes the bytes: a
classic per-copy mark.  Three shapes are reported, following Unicode TS #39
(Security Mechanisms):

``mixed-script``
    A word whose letters come from more than one script (TS #39 "mixed
    script"; Common and Inherited characters such as digits and combining
    marks do not count, and Han with Hiragana, Katakana, Hangul or Bopomofo
    is ordinary Japanese, Korean or Chinese), where the letters outside the
    word's main script are *confusable* with letters of it.  High.
``lookalike``
    A word of ASCII letters or digits with a character that is not ASCII but
    is confusable with an ASCII one: a dotless ``ı`` in "Parıs", a fullwidth
    ``２`` or a mathematical ``𝐚``, a Cyrillic ``О`` inside the number
    "2О22".  High, or medium for Latin letters with a real use elsewhere
    (Turkish ``ı``, IPA ``ɑ``).
``whole-script``
    A whole word in another script that reads as an English word, between
    ASCII words (Cyrillic "Тор" for "Top").  Medium.

The intended word (``replacement``; action ``normalize``) maps each foreign
letter through the Unicode confusables table (``confusables.txt`` of TS #39 as
shipped by the maintained ``confusable_homoglyphs`` package, MIT licence) and
script data from the same package; nothing here is a hand-made list.

Only words holding a non-ASCII letter or digit are examined, so plain ASCII
text costs one ``str.isascii`` call.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..document import Action, Document, Finding, Severity
from ..textutil import make_visible
from . import detector

ID = "homoglyphs"

# A non-ASCII character that may be part of a word: everything except the
# punctuation, symbol and space blocks that fill ordinary typeset prose.
_TRIGGER_RE = re.compile(
    "[^\x00-\x7f\u00a0-\u00bf\u00d7\u00f7\u2000-\u206f\u2190-\u2bff\u3000-\u303f"
    "\ufe00-\ufe0f\ufeff]"
)
_ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+")
#: Script sets that are one writing system (TS #39 "augmented script sets").
_ONE_SYSTEM = (
    frozenset({"HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"HAN", "HANGUL"}),
    frozenset({"HAN", "BOPOMOFO"}),
)
_NEUTRAL = frozenset({"COMMON", "INHERITED", "Unknown"})
#: Context window (code points) searched for the words around a whole-script word.
_NEIGHBOUR_WINDOW = 40


@lru_cache(maxsize=16384)
def script_of(ch: str) -> str:
    """Script alias of ``ch`` (LATIN, CYRILLIC, COMMON, INHERITED...)."""
    if ch.isascii():
        return "LATIN" if ch.isalpha() else "COMMON"
    from confusable_homoglyphs.categories import alias

    return str(alias(ch))


@lru_cache(maxsize=16384)
def _token_char(ch: str) -> bool:
    """Letters, marks, digits and format characters make up a word."""
    if ch.isascii():
        return ch.isalnum()
    return unicodedata.category(ch)[0] in "LMN" or unicodedata.category(ch) == "Cf"


def _targets(ch: str) -> list[str]:
    from confusable_homoglyphs.confusables import confusables_data

    out = [str(e["c"]) for e in confusables_data.get(ch, ()) if len(str(e["c"])) == 1]
    nfkc = unicodedata.normalize("NFKC", ch)
    if len(nfkc) == 1 and nfkc != ch:
        out.insert(0, nfkc)
    return out


def _case_fit(src: str, target: str) -> str:
    # The TS #39 skeleton folds I-like letters to "l"; an upper-case source
    # meant "I".
    if target == "l" and src.isupper():
        return "I"
    return target


@lru_cache(maxsize=16384)
def looks_like(ch: str, script: str) -> str | None:
    """A letter of ``script`` (or an ASCII character for ``"ASCII"``) that ``ch``
    is confusable with; ASCII preferred.  None if there is none."""
    best: str | None = None
    for t in _targets(ch):
        if script == "ASCII":
            if t.isascii() and t.isalnum():
                return _case_fit(ch, t)
            continue
        if script_of(t) != script:
            continue
        if t.isascii():
            return _case_fit(ch, t)
        if best is None:
            best = t
    return best


@dataclass(frozen=True, slots=True)
class _Hit:
    kind: str
    intended: str
    severity: Severity
    scripts: list[str]
    chars: list[dict[str, Any]]


def _char_info(ch: str, offset: int, script: str, target: str) -> dict[str, Any]:
    return {
        "offset": offset,
        "code_point": f"U+{ord(ch):04X}",
        "name": unicodedata.name(ch, "UNKNOWN"),
        "script": script.title(),
        "looks_like": target,
    }


def _styled(ch: str) -> bool:
    """A fullwidth, mathematical or similar styled form of an ASCII character."""
    tag = unicodedata.decomposition(ch).split(" ", 1)[0]
    return tag in ("<font>", "<wide>", "<narrow>", "<circle>", "<super>", "<sub>", "<square>")


def _numeric(word: str) -> bool:
    return sum(c.isdigit() for c in word) * 2 >= len(word)


def _digit_fit(target: str, numeric: bool) -> str:
    if numeric:
        return {"O": "0", "o": "0", "l": "1", "I": "1"}.get(target, target)
    return target


def analyse(word: str, start: int = 0) -> _Hit | None:
    """Judge one word (letters, marks, digits, format characters).

    Character offsets in the evidence are ``start`` plus the offset in ``word``.
    """
    hit = _analyse(word)
    if hit is None:
        return None
    chars = [dict(c, offset=c["offset"] + start) for c in hit.chars]
    return _Hit(hit.kind, hit.intended, hit.severity, hit.scripts, chars)


@lru_cache(maxsize=4096)
def _analyse(word: str) -> _Hit | None:
    start = 0
    scripts = [script_of(c) for c in word]
    letter_scripts = {
        s for c, s in zip(word, scripts, strict=True) if s not in _NEUTRAL and c.isalpha()
    }
    if not letter_scripts:
        letter_scripts = set()
    cf = {i for i, c in enumerate(word) if unicodedata.category(c) == "Cf"}
    numeric = _numeric(word)

    # mixed-script
    if len(letter_scripts) >= 2 and not any(letter_scripts <= s for s in _ONE_SYSTEM):
        counts: dict[str, int] = {}
        for c, s in zip(word, scripts, strict=True):
            if s in letter_scripts and c.isalpha():
                counts[s] = counts.get(s, 0) + 1
        main = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] != "LATIN", kv[0]))[0][0]
        out: list[str] = []
        info: list[dict[str, Any]] = []
        for i, (c, s) in enumerate(zip(word, scripts, strict=True)):
            if i in cf:
                continue
            if s in letter_scripts and s != main and c.isalpha():
                t = looks_like(c, main)
                if t is not None:
                    t = _digit_fit(t, numeric)
                    out.append(t)
                    info.append(_char_info(c, start + i, s, t))
                    continue
            out.append(c)
        if info:
            return _Hit(
                "mixed-script",
                "".join(out),
                Severity.HIGH,
                sorted(x.title() for x in letter_scripts),
                info,
            )
        return None

    # lookalike: ASCII letters or digits with a non-ASCII look-alike among them
    has_letter = any(c.isascii() and c.isalpha() for c in word)
    has_digit = any(c.isascii() and c.isdigit() for c in word)
    if has_letter or has_digit:
        out = []
        info = []
        severity = Severity.MEDIUM
        for i, c in enumerate(word):
            if i in cf or c.isascii():
                if i not in cf:
                    out.append(c)
                continue
            if unicodedata.category(c)[0] == "M":
                return None  # a combining accent: a real accented letter
            t = looks_like(c, "ASCII")
            if t is None:
                return None  # a genuine non-ASCII letter (é, ß, ł): not a spoof
            t = _digit_fit(t, numeric)
            if (t.isalpha() and not has_letter) or (t.isdigit() and not has_digit):
                return None  # "4258𝑥": a letter among digits is notation, not a spoof
            out.append(t)
            s = scripts[i]
            info.append(_char_info(c, start + i, s, t))
            if s not in ("LATIN", "COMMON") or _styled(c):
                severity = Severity.HIGH
        if info:
            return _Hit(
                "lookalike", "".join(out), severity, sorted({i["script"] for i in info} | {"Latin"}), info
            )
        return None

    # whole-script: a foreign word that reads as ASCII (checked by the caller
    # for ASCII neighbours)
    if len(letter_scripts) == 1 and "LATIN" not in letter_scripts:
        (script,) = letter_scripts
        out = []
        info = []
        for i, c in enumerate(word):
            if i in cf:
                continue
            if not c.isalpha():
                out.append(c)
                continue
            t = looks_like(c, "ASCII")
            if t is None or not t.isalpha():
                return None
            out.append(t)
            info.append(_char_info(c, start + i, script, t))
        if len(info) >= 2:
            return _Hit("whole-script", "".join(out), Severity.MEDIUM, [script.title()], info)
    return None


def _ascii_neighbours(text: str, start: int, end: int) -> bool:
    """The words just before and after ``[start, end)`` on its line are ASCII."""
    left = text[max(0, start - _NEIGHBOUR_WINDOW) : start]
    right = text[end : end + _NEIGHBOUR_WINDOW]
    left = left[left.rfind("\n") + 1 :]
    nl = right.find("\n")
    right = right if nl < 0 else right[:nl]
    lw = left.split()[-1:] if left.strip() else []
    rw = right.split()[:1] if right.strip() else []
    if not lw and not rw:
        return False
    for w in lw + rw:
        letters = [c for c in w if c.isalpha()]
        if not letters or not all(c.isascii() for c in letters):
            return False
    return True


_MESSAGES = {
    "mixed-script": (
        "'{word}' mixes {scripts} letters: it reads as '{intended}', but the look-alike "
        "letters change its bytes, a classic way to mark one copy."
    ),
    "lookalike": (
        "'{word}' reads as '{intended}' but holds look-alike characters that are not "
        "ASCII: a way to mark one copy."
    ),
    "whole-script": (
        "'{word}' is written in {scripts} letters that read as the English '{intended}', "
        "between English words: a way to mark one copy."
    ),
}


@detector(ID, "homoglyph", "Homoglyphs: look-alike letters of another script (Unicode TS #39)")
def detect(doc: Document) -> list[Finding]:
    text = doc.text
    if text.isascii():
        return []
    out: list[Finding] = []
    n = len(text)
    last_end = -1
    for m in _TRIGGER_RE.finditer(text):
        pos = m.start()
        if pos < last_end or not _token_char(text[pos]):
            continue
        a = pos
        while a > 0 and _token_char(text[a - 1]):
            a -= 1
        b = pos + 1
        while b < n and _token_char(text[b]):
            b += 1
        last_end = b
        word = text[a:b]
        hit = analyse(word, a)
        if hit is None:
            continue
        if hit.kind == "whole-script" and not _ascii_neighbours(text, a, b):
            continue
        message = _MESSAGES[hit.kind].format(
            word=make_visible(word),
            intended=hit.intended,
            scripts=" and ".join(hit.scripts),
        )
        out.append(
            doc.finding(
                ID,
                "homoglyph",
                hit.severity,
                message,
                a,
                b,
                action=Action.NORMALIZE,
                replacement=hit.intended,
                evidence={
                    "kind": hit.kind,
                    "intended": hit.intended,
                    "scripts": hit.scripts,
                    "characters": hit.chars,
                },
            )
        )
    return out
