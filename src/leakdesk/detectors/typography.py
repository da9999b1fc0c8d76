"""Detectors: whitespace and typography fingerprints, as deviations from the
document's own dominant convention.

One extra space, one straight apostrophe among curly ones, one en dash where
the document writes hyphens: each is invisible to a casual reader and enough
to tell one copy of a text from another.  Nothing here has a fixed idea of the
"right" style.  Each *convention* (how the document writes apostrophes, double
quotes, parenthetical dashes, hyphens in compounds, ellipses; how it spaces
sentences and words, ends lines, indents) is counted, and the *minority*
variant is reported with the majority as evidence and as the replacement
(action ``normalize``).  The decision rule is the same for every convention
(:mod:`._convention`): a tiny sample is not reported, a deviation from a clear
majority is medium when it is rare (at most three) and low otherwise, and a
convention with no clear majority gets one low finding for review.

Two detectors, one per category: ``whitespace`` (double spaces, trailing
spaces, line endings, tab or space indentation, odd indentation) and
``typography`` (apostrophes, single and double quotes, dashes, ellipses, and
a lone typographic character in a document otherwise in ASCII, whose
convention is ASCII itself however few quotes it has: a cable or a telegram).

Speed: each convention is first gated by cheap ``str`` tests (a document with
no curly quote cannot mix quote styles), and every regular expression starts
with a literal or a rare character so that ``re`` can skip through the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache, reduce
from itertools import islice
from math import gcd
from typing import Any

from ..document import Action, Document, Finding, Severity
from . import detector
from ._convention import MAX_MEDIUM, Variant, counts_evidence, judge, load_rules, plural, report

WS = "whitespace"
TYPO = "typography"

_LETTER = r"[^\W\d_]"
_OPENERS = frozenset(" \t\n\r([{<“‘\"'—–-/\u00a0")


@cache
def _rules() -> dict[str, Any]:
    data = load_rules("typography.yaml")
    if not isinstance(data, dict):
        raise ValueError("typography.yaml: expected a mapping")
    return data


@cache
def _code_re() -> re.Pattern[str]:
    chars = str(_rules()["code_characters"])
    return re.compile("[" + re.escape(chars) + r"]|[A-Za-z]\.[A-Za-z]")


def _token(text: str, pos: int) -> str:
    """The whitespace-delimited token around ``pos`` (bounded)."""
    a = pos
    lo = max(0, pos - 80)
    while a > lo and not text[a - 1].isspace():
        a -= 1
    b = pos + 1
    hi = min(len(text), pos + 80)
    while b < hi and not text[b].isspace():
        b += 1
    return text[a:b]


def _code_like(text: str, pos: int, *, quoted: bool = False) -> bool:
    """Is the character at ``pos`` part of code (``x="1"``, ``os.path``)?

    With ``quoted``, a token holding the same straight quote twice counts as
    code too (an apostrophe inside ``b'abc'`` or ``'a's``).
    """
    tok = _token(text, pos)
    return _code_re().search(tok) is not None or (quoted and tok.count(text[pos]) >= 2)


#: Above this many straight quotes, code is not told from prose (the check
#: looks at each one's token; a hostile file must not make that quadratic-ish).
_FILTER_LIMIT = 20_000


def _spans(pattern: re.Pattern[str], text: str, group: int = 0) -> list[tuple[int, int]]:
    return [(m.start(group), m.end(group)) for m in pattern.finditer(text)]


def _variant(key: str, label: str, spans: Sequence[tuple[int, int]]) -> Variant:
    return Variant(key, label, len(spans), lambda: spans)


def _lazy(key: str, label: str, count: int, spans: Callable[[], Sequence[tuple[int, int]]]) -> Variant:
    return Variant(key, label, count, spans)


def _conclude(
    doc: Document,
    variants: Sequence[Variant],
    *,
    detector: str,
    convention: str,
    clear: str,
    mixed: str,
    replacement: Callable[[str, Variant, int, int], str],
    reportable: set[str] | None = None,
    **fields: str,
) -> list[Finding]:
    """Judge one convention and report its minority variants.

    ``clear`` and ``mixed`` are the two messages (a deviation from a clear
    majority; a document with no clear convention), as ``str.format``
    templates over ``var`` and ``maj`` (the minority and majority
    :class:`Variant`), ``maj_times``, ``maj_lines``, ``maj_other_lines``,
    ``var_lines`` (counts in words), ``Var_label`` (capitalised) and
    ``fields``.  ``replacement(majority key, minority, start, end)`` gives the
    majority form of one occurrence.
    """
    verdict = judge(variants, reportable=reportable)
    if verdict is None:
        return []
    major = verdict.majority.key

    def message(var: Variant, maj: Variant, is_clear: bool) -> str:
        return (clear if is_clear else mixed).format(
            var=var,
            maj=maj,
            Var_label=var.label.capitalize(),
            maj_times=plural(maj.count, "time"),
            maj_lines=plural(maj.count, "line"),
            maj_other_lines=plural(maj.count, "other line"),
            var_lines=plural(var.count, "line"),
            **fields,
        )

    return report(
        doc,
        verdict,
        detector=detector,
        category=detector,
        convention=convention,
        counts=counts_evidence(variants),
        message=message,
        replacement=lambda var, a, b: replacement(major, var, a, b),
    )


# -- typography -------------------------------------------------------------------

_STRAIGHT_APOS = re.compile(rf"'(?<={_LETTER}')(?={_LETTER})")
_CURLY_APOS = re.compile(rf"’(?<={_LETTER}’)(?={_LETTER})")


def _apostrophes(doc: Document, text: str) -> list[Finding]:
    if "'" not in text or "’" not in text:
        return []
    straight = _spans(_STRAIGHT_APOS, text)
    if len(straight) <= _FILTER_LIMIT:
        straight = [sp for sp in straight if not _code_like(text, sp[0], quoted=True)]
    curly = _spans(_CURLY_APOS, text)
    variants = [_variant("curly", "curly (’)", curly), _variant("straight", "straight (')", straight)]
    if len(straight) > len(curly):
        variants.reverse()
    char = {"curly": "’", "straight": "'"}
    return _conclude(
        doc, variants, detector=TYPO, convention="apostrophe",
        clear="A {var.key} apostrophe where this document writes {maj.label} ones {maj_times}: "
        "swapping one apostrophe is a way to mark a copy.",
        mixed="This document mixes {var.label} ({var.count}) and {maj.label} ({maj.count}) "
        "apostrophes: a copy-specific swap could hide among them.",
        replacement=lambda major, var, s, e: char[major],
    )


def _opening(text: str, pos: int) -> bool:
    return pos == 0 or text[pos - 1] in _OPENERS


def _quote_marks(
    doc: Document, text: str, straight_char: str, curly_chars: str, name: str
) -> list[Finding]:
    """Straight versus curly quotation marks (apostrophes between letters excluded)."""
    if straight_char not in text or not any(c in text for c in curly_chars):
        return []
    straight: list[tuple[int, int]] = []
    check_code = text.count(straight_char) <= _FILTER_LIMIT
    pos = text.find(straight_char)
    while pos >= 0:
        prime = pos > 0 and text[pos - 1].isdigit()  # 5'10"
        code = check_code and not prime and _code_like(text, pos)
        if not prime and not code and not _is_apostrophe(text, pos):
            straight.append((pos, pos + 1))
        pos = text.find(straight_char, pos + 1)
    curly: list[tuple[int, int]] = []
    for c in curly_chars:
        pos = text.find(c)
        while pos >= 0:
            if not _is_apostrophe(text, pos):
                curly.append((pos, pos + 1))
            pos = text.find(c, pos + 1)
    curly.sort()
    open_c, close_c = curly_chars[0], curly_chars[1]
    variants = [
        _variant("curly", f"curly ({open_c}{close_c})", curly),
        _variant("straight", f"straight ({straight_char})", straight),
    ]
    if len(straight) > len(curly):
        variants.reverse()

    def replacement(major: str, var: Variant, s: int, e: int) -> str:
        if major == "straight":
            return straight_char
        return open_c if _opening(text, s) else close_c

    found = _conclude(
        doc, variants, detector=TYPO, convention=f"{name}-quotes",
        clear="A {var.key} {name} quotation mark where this document writes {maj.label} ones "
        "{maj_times}: swapping one quote is a way to mark a copy.",
        mixed="This document mixes {var.label} ({var.count}) and {maj.label} ({maj.count}) "
        "{name} quotation marks: a copy-specific swap could hide among them.",
        replacement=replacement,
        name=name,
    )
    # the majority is what the findings were not (ties go to the first listed)
    if not found or max(variants, key=lambda v: v.count).key != "curly":
        return found
    # A straight quote whose partner is straight too encloses a literal typed or
    # pasted that way (code, a quoted command); a canary swap leaves one curly
    # partner behind.  Still reported, as low.
    paired = _straight_pairs(text, straight, curly_chars)
    out = []
    for f in found:
        if f.location.start in paired and f.severity is not Severity.LOW:
            ev = dict(f.evidence, paired=True)
            f = replace(
                f,
                severity=Severity.LOW,
                evidence=ev,
                message=f.message + " Its partner is straight too, so it is probably a literal.",
            )
        out.append(f)
    return out


def _straight_pairs(text: str, straight: list[tuple[int, int]], curly_chars: str) -> set[int]:
    """Offsets of straight quotes that pair with the next straight quote on their line."""
    paired: set[int] = set()
    i = 0
    while i + 1 < len(straight):
        a, b = straight[i][0], straight[i + 1][0]
        between = text[a + 1 : b]
        if b - a <= 300 and "\n" not in between and not any(c in between for c in curly_chars):
            paired.update((a, b))
            i += 2
        else:
            i += 1
    return paired


def _is_apostrophe(text: str, pos: int) -> bool:
    return (
        0 < pos < len(text) - 1 and text[pos - 1].isalpha() and text[pos + 1].isalpha()
    )


# Parenthetical dashes: (key, label, canonical form).
_DASHES: tuple[tuple[str, str, str], ...] = (
    ("em", "em dash (—)", "—"),
    ("em-spaced", "spaced em dash ( — )", " — "),
    ("en-spaced", "spaced en dash ( – )", " – "),
    ("double-hyphen", "double hyphen (--)", "--"),
    ("double-hyphen-spaced", "spaced double hyphen ( -- )", " -- "),
    ("hyphen-spaced", "spaced hyphen ( - )", " - "),
)
_DOUBLE_HYPHEN = re.compile(r"--(?<!---)(?!-)")
_HYPHEN_SPACED = re.compile(rf" - (?<={_LETTER} - )(?={_LETTER})")


def _spaced(text: str, s: int, e: int) -> bool:
    return s > 0 and e < len(text) and text[s - 1] == " " and text[e] == " "


def _dash_occurrences(text: str) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {k: [] for k, _l, _f in _DASHES}
    pos = text.find("—")
    while pos >= 0:
        if _spaced(text, pos, pos + 1):
            out["em-spaced"].append((pos - 1, pos + 2))
        else:
            out["em"].append((pos, pos + 1))
        pos = text.find("—", pos + 1)
    if " – " in text:
        out["en-spaced"] = _spans(re.compile(" – "), text)
    if "--" in text:
        for m in _DOUBLE_HYPHEN.finditer(text):
            s, e = m.start(), m.end()
            if (s == 0 or text[s - 1].isspace()) and e < len(text) and text[e].isalnum():
                continue  # a command-line option: --verbose
            if _spaced(text, s, e):
                out["double-hyphen-spaced"].append((s - 1, e + 1))
            else:
                out["double-hyphen"].append((s, e))
    if " - " in text:
        out["hyphen-spaced"] = _spans(_HYPHEN_SPACED, text)
    return out


def _dashes(doc: Document, text: str) -> list[Finding]:
    """Parenthetical dashes: — versus -- versus " - " versus " – "..."""
    kinds = sum(1 for d in ("—", " – ", "--", " - ") if d in text)
    if kinds < 2 and not (
        ("—" in text and " — " in text) or ("--" in text and " -- " in text)
    ):
        return []
    found = _dash_occurrences(text)
    variants = [_variant(k, label, found[k]) for k, label, _f in _DASHES]
    variants.sort(key=lambda v: -v.count)
    forms = {k: f for k, _l, f in _DASHES}

    def replacement(major: str, var: Variant, s: int, e: int) -> str:
        form = forms[major]
        # keep the text's own spacing at a line end
        if form.endswith(" ") and (e >= len(text) or text[e] in "\r\n"):
            form = form.rstrip(" ")
        if form.startswith(" ") and (s == 0 or text[s - 1] in "\r\n"):
            form = form.lstrip(" ")
        return form

    return _conclude(
        doc, variants, detector=TYPO, convention="dash",
        clear="A {var.label} where this document writes a {maj.label} {maj_times}: "
        "a dash swapped in one copy can mark it.",
        mixed="This document mixes {var.label} ({var.count}) and {maj.label} ({maj.count}) "
        "as its dash: a copy-specific swap could hide among them.",
        replacement=replacement,
    )


# Hyphens inside compound words: well-known versus well‐known (U+2010) versus
# well–known (en dash)...
_COMPOUND_CHARS = {
    "-": "hyphen-minus (-)",
    "\u2010": "Unicode hyphen (‐, U+2010)",
    "\u2011": "non-breaking hyphen (‑, U+2011)",
    "\u2012": "figure dash (‒, U+2012)",
    "\u2013": "en dash (–)",
    "\u2212": "minus sign (−, U+2212)",
    "\ufe63": "small hyphen-minus (﹣, U+FE63)",
    "\uff0d": "fullwidth hyphen-minus (－, U+FF0D)",
}
_COMPOUND_RES = {
    c: re.compile(re.escape(c) + rf"(?<={_LETTER}{re.escape(c)})(?={_LETTER})") for c in _COMPOUND_CHARS
}


def _compound_hyphens(doc: Document, text: str) -> list[Finding]:
    others = [c for c in _COMPOUND_CHARS if c != "-" and c in text]
    if not others:
        return []
    variants = [_variant("-", _COMPOUND_CHARS["-"], _spans(_COMPOUND_RES["-"], text))]
    for c in others:
        variants.append(_variant(c, _COMPOUND_CHARS[c], _spans(_COMPOUND_RES[c], text)))
    variants.sort(key=lambda v: -v.count)
    return _conclude(
        doc, variants, detector=TYPO, convention="compound-hyphen",
        clear="A {var.label} joins a compound word where this document uses a {maj.label} "
        "{maj_times}: it looks the same and can mark one copy.",
        mixed="This document joins compound words with a {var.label} ({var.count}) and a "
        "{maj.label} ({maj.count}): a copy-specific swap could hide among them.",
        replacement=lambda major, var, s, e: major,
    )


_THREE_DOTS = re.compile(r"\.\.\.(?<!\.\.\.\.)(?!\.)")
_SPACED_DOTS = re.compile(r"\. \. \.")


def _ellipses(doc: Document, text: str) -> list[Finding]:
    if sum(1 for e in ("…", "...", ". . .") if e in text) < 2:
        return []
    dots = _spans(_THREE_DOTS, text)
    if len(dots) <= _FILTER_LIMIT:
        dots = [d for d in dots if not _code_like(text, d[0])]
    variants = [
        _variant("…", "ellipsis character (…)", _spans(re.compile("…"), text)),
        _variant("...", "three full stops (...)", dots),
        _variant(". . .", "spaced full stops (. . .)", _spans(_SPACED_DOTS, text)),
    ]
    variants.sort(key=lambda v: -v.count)
    return _conclude(
        doc, variants, detector=TYPO, convention="ellipsis",
        clear="An ellipsis written as {var.label} where this document writes {maj.label} "
        "{maj_times}: a way to mark one copy.",
        mixed="This document writes ellipses both as {var.label} ({var.count}) and "
        "{maj.label} ({maj.count}): a copy-specific swap could hide among them.",
        replacement=lambda major, var, s, e: major,
    )


# Typographic characters and their ASCII forms, for documents written in ASCII.
_ASCII_FORMS = {
    "‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"',
    "–": "-", "—": "--", "‒": "-", "‐": "-", "‑": "-", "−": "-", "…": "...",
}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
#: An ASCII document needs this many characters before one typographic
#: character in it counts as a deviation.
_ASCII_MIN_CHARS = 200


#: Non-ASCII characters looked at to decide that a document is "ASCII but for a few".
_ASCII_SCAN = 200


def _other_mark(text: str, i: int) -> bool:
    """Is ``text[i]`` an invisible or space character, or a letter of another script
    inside a Latin word (a homoglyph)?  Those belong to their own detectors."""
    ch = text[i]
    cat = unicodedata.category(ch)
    if cat in ("Cf", "Zs", "Zl", "Zp", "Cc", "Co", "Mn"):
        return True
    if cat.startswith("L") and "LATIN" not in unicodedata.name(ch, ""):
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        return (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())
    return False


def _lone_typography(doc: Document, text: str, taken: list[Finding]) -> list[Finding]:
    """A curly quote, a dash or an ellipsis character in a document otherwise in ASCII.

    Telegrams, cables and typewritten memos are ASCII throughout: that is their
    convention, and a single "’" in one is a deviation however few apostrophes
    the document has.
    """
    if len(text) < _ASCII_MIN_CHARS:
        return []
    # Invisible characters and look-alike letters are other detectors' marks, not
    # the document's convention: a cable with a planted zero-width space or a
    # Cyrillic "о" is still an ASCII cable, and its one curly quote still stands out.
    hits = [m for m in islice(_NON_ASCII.finditer(text), _ASCII_SCAN)
            if not _other_mark(text, m.start())]
    if not hits or len(hits) > MAX_MEDIUM or any(m.group() not in _ASCII_FORMS for m in hits):
        return []
    covered = [
        (f.location.start, f.location.end)
        for f in taken
        if f.location.start is not None and f.location.end is not None
    ]
    out = []
    for m in hits:
        s, e = m.start(), m.end()
        if any(a <= s < b for a, b in covered):
            continue
        ch = m.group()
        form = _ASCII_FORMS[ch]
        if ch == "—" and "--" not in text:
            form = "-"
        out.append(
            doc.finding(
                TYPO,
                TYPO,
                Severity.MEDIUM,
                f"A typographic {unicodedata.name(ch, ch).lower()} ({ch}) in a document written "
                f"otherwise entirely in ASCII: a character changed for one copy can mark it.",
                s,
                e,
                action=Action.NORMALIZE,
                replacement=form,
                evidence={
                    "convention": "ascii",
                    "variant": f"{unicodedata.name(ch, ch)} ({ch})",
                    "count": len(hits),
                    "majority": "ASCII characters",
                    "majority_count": len(text) - len(hits),
                    "counts": {"ASCII characters": len(text) - len(hits), "other": len(hits)},
                },
            )
        )
    return out


@detector(TYPO, TYPO, "Typography: a quote, apostrophe, dash or ellipsis unlike the rest")
def detect_typography(doc: Document) -> list[Finding]:
    text = doc.text
    if text.isascii():
        # only ASCII variants can mix: -- against " - ", and ... against . . .
        return _dashes(doc, text) + _ellipses(doc, text)
    out = _apostrophes(doc, text)
    out += _quote_marks(doc, text, "'", "‘’", "single")
    out += _quote_marks(doc, text, '"', "“”„", "double")
    out += _dashes(doc, text)
    out += _compound_hyphens(doc, text)
    out += _ellipses(doc, text)
    # In an ASCII document a lone typographic character is a clear deviation: its
    # medium finding replaces the low "this document mixes..." one at that place.
    lone = _lone_typography(doc, text, [f for f in out if f.severity is not Severity.LOW])
    if lone:
        at = [f.location.start or 0 for f in lone]

        def superseded(f: Finding) -> bool:
            a, b = f.location.start, f.location.end
            return f.severity is Severity.LOW and a is not None and b is not None and any(
                a <= x < b for x in at)

        out = [f for f in out if not superseded(f)]
    return out + lone


# -- whitespace -------------------------------------------------------------------


_SENTENCE_GAP = re.compile(r"[.!?][\"'”’)\]]?( {1,2})(?! )(?=[\"'“‘(\[]?[A-Z])")


# the same gap, two spaces wide, led by the literal "  " (fast to search for)
_TWO_SPACE_GAP = re.compile(
    r"  (?! )(?:(?<=[.!?]  )|(?<=[.!?][\"'”’)\]]  ))(?=[\"'“‘(\[]?[A-Z])"
)


@cache
def _abbreviations() -> frozenset[str]:
    return frozenset(str(a) for a in _rules()["abbreviations"])


def _after_abbreviation(text: str, gap: int) -> bool:
    """Is the full stop before the gap at ``gap`` that of "Mr." or an initial?"""
    end = gap
    while end > 0 and text[end - 1] in "\"'”’)]":
        end -= 1
    if end == 0 or text[end - 1] != ".":
        return False
    start = end - 1
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start : end - 1]
    return word in _abbreviations() or (len(word) == 1 and word.isupper())


def _sentence_spacing(doc: Document, text: str) -> list[Finding]:
    """One or two spaces between sentences."""
    if _TWO_SPACE_GAP.search(text) is None:
        return []  # one convention only (or none)
    sizes = _SENTENCE_GAP.findall(text)
    n_two = sizes.count("  ")
    n_one = len(sizes) - n_two
    if not n_two or not n_one:
        return []

    def gaps(width: int) -> list[tuple[int, int]]:
        out = [(m.start(1), m.end(1)) for m in _SENTENCE_GAP.finditer(text) if len(m.group(1)) == width]
        if width == 1:  # "Mr. Smith" is not a gap between sentences
            out = [g for g in out if not _after_abbreviation(text, g[0])]
        return out

    if n_one <= n_two:  # single spaces may be the minority: drop "Mr. Smith" first
        one = gaps(1)
        variants = [
            _lazy("two", "two spaces", n_two, lambda: gaps(2)),
            _variant("one", "one space", one),
        ]
    else:
        variants = [
            _lazy("one", "one space", n_one, lambda: gaps(1)),
            _lazy("two", "two spaces", n_two, lambda: gaps(2)),
        ]
    variants.sort(key=lambda v: -v.count)
    return _conclude(
        doc, variants, detector=WS, convention="sentence-spacing",
        clear="{Var_label} after a sentence where this document puts {maj.label} {maj_times}: "
        "an extra or missing space can mark one copy.",
        mixed="This document puts {var.label} ({var.count}) and {maj.label} ({maj.count}) "
        "between sentences: a copy-specific change could hide among them.",
        replacement=lambda major, var, s, e: " " * (2 if major == "two" else 1),
    )


_DOUBLE_SPACE = re.compile(r"  (?<=[^\s.!?:;]  )(?=\S)")
_GAP = re.compile(r"\S(\s{2,})(?=\S)")


def _layout_line(text: str, start: int) -> bool:
    """Does the line holding ``start`` align columns with runs of spaces?"""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", start)
    line = text[a : b if b >= 0 else len(text)]
    gaps = [m for m in _GAP.finditer(line) if "\t" not in m.group(1)]
    return len(gaps) >= 2 or any(len(m.group(1)) >= 3 for m in gaps)


def _inline_spacing(doc: Document, text: str) -> list[Finding]:
    """A double space between two words of a sentence."""
    doubles: list[tuple[int, int]] = []
    for m in _DOUBLE_SPACE.finditer(text):
        s = m.start()
        prev2 = text[s - 2] if s >= 2 else ""
        if text[s - 1] in "\"'”’)]" and prev2 in ".!?":
            continue  # a gap between sentences, after a closing quote
        if _layout_line(text, s):
            continue
        doubles.append((s, m.end()))
    if not doubles:
        return []
    singles = text.count(" ") - 2 * len(doubles)
    variants = [
        _lazy("one", "one space", singles, list),
        _variant("two", "two spaces", doubles),
    ]
    return _conclude(
        doc, variants, detector=WS, convention="word-spacing", reportable={"two"},
        clear="Two spaces between words where this document uses one {maj_times}: "
        "an extra space can mark one copy.",
        mixed="This document often has two spaces between words ({var.count}): review.",
        replacement=lambda major, var, s, e: " ",
    )


def _trailing_probes(text: str) -> tuple[str, ...]:
    """The pairs that end a line after a space or tab, leaving out what cannot occur.

    A tab or carriage return is looked for once (``memchr``), so prose without
    them costs one search for " \\n" instead of four.
    """
    tab, cr = "\t" in text, "\r" in text
    return (" \n",) + (("\t\n",) if tab else ()) + ((" \r",) if cr else ()) + (
        ("\t\r",) if tab and cr else ())


def _trailing_spans(text: str) -> list[tuple[int, int]]:
    """Runs of spaces and tabs before a line ending or the end of the text.

    Found with ``str.find`` on " \\n" and its kin: a regular expression led by
    a space would be tried at every space of the text.
    """
    ends: set[int] = set()
    for probe in _trailing_probes(text):
        pos = text.find(probe)
        while pos >= 0:
            ends.add(pos + 1)
            pos = text.find(probe, pos + 2)
    if text.endswith((" ", "\t")):
        ends.add(len(text))
    out = []
    for end in sorted(ends):
        start = end
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        out.append((start, end))
    return out


def _trailing(doc: Document, text: str) -> list[Finding]:
    if not (any(p in text for p in _trailing_probes(text)) or text.endswith((" ", "\t"))):
        return []
    spans = _trailing_spans(text)
    lines = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    variants = [
        _lazy("none", "no trailing space", lines - len(spans), list),
        _variant("trailing", "trailing spaces", spans),
    ]
    return _conclude(
        doc, variants, detector=WS, convention="trailing-space", reportable={"trailing"},
        clear="Spaces at the end of a line, where {maj_other_lines} of this document have none: "
        "invisible, and a way to mark one copy.",
        mixed="{var_lines} of this document end with spaces: a copy-specific one could hide "
        "among them.",
        replacement=lambda major, var, s, e: "",
    )


_EOL_RES = {
    "\n": re.compile(r"(?:\n(?<!\r\n))+"),
    "\r\n": re.compile(r"(?:\r\n)+"),
    "\r": re.compile(r"(?:\r(?!\n))+"),
}
_EOL_LABELS = {"\n": "LF (Unix)", "\r\n": "CRLF (Windows)", "\r": "CR (classic Mac)"}


def _line_endings(doc: Document, text: str) -> list[Finding]:
    if "\r" not in text:
        return []
    # Count inside segments only: the separators a multi-part document's
    # builder puts between segments are not the document's own line endings.
    if len(doc.segments) <= 1:
        pieces = [(0, text)]
    else:
        pieces = [(s.start, text[s.start : s.end]) for s in doc.segments]
    counts: Counter[str] = Counter()
    for _off, piece in pieces:
        crlf = piece.count("\r\n")
        counts["\r\n"] += crlf
        counts["\r"] += piece.count("\r") - crlf
        counts["\n"] += piece.count("\n") - crlf

    def spans_of(eol: str) -> Callable[[], list[tuple[int, int]]]:
        def get() -> list[tuple[int, int]]:
            out: list[tuple[int, int]] = []
            for off, piece in pieces:
                out.extend((off + s, off + e) for s, e in _spans(_EOL_RES[eol], piece))
            return out

        return get

    variants = [_lazy(k, _EOL_LABELS[k], counts[k], spans_of(k)) for k in ("\n", "\r\n", "\r")]
    variants.sort(key=lambda v: -v.count)
    return _conclude(
        doc, variants, detector=WS, convention="line-ending",
        clear="A {var.label} line ending where this document ends {maj_lines} with {maj.label}: "
        "invisible, and a way to mark one copy.",
        mixed="This document mixes {var.label} ({var.count}) and {maj.label} ({maj.count}) line "
        "endings: a copy-specific change could hide among them.",
        replacement=lambda major, var, s, e: major * ((e - s) // len(var.key)),
    )


_TAB_INDENT = re.compile(r"\n(\t[ \t]*)(?=\S)")
_SPACE_INDENT = re.compile(r"\n( [ \t]*)(?=\S)")
_SPACE_WIDTH = re.compile(r"\n( +)(?=[^\s])")


def _indents(pattern: re.Pattern[str], text: str, first: str) -> list[tuple[int, int]]:
    """Leading whitespace of lines starting with ``first`` (and holding text)."""
    out = _spans(pattern, text, 1)
    if text.startswith(first):
        m = re.match(r"[ \t]+(?=\S)", text)
        if m is not None:
            out.insert(0, (0, m.end()))
    return out


def _indent_unit(text: str) -> int:
    widths = Counter(len(w) for w in _SPACE_WIDTH.findall(text))
    common = [w for w, c in widths.items() if c >= 3]
    unit = reduce(gcd, common, 0)
    return unit if unit > 1 else 4


def _tabs_or_spaces(doc: Document, text: str) -> list[Finding]:
    if "\t" not in text or not ("\n\t" in text or text.startswith("\t")):
        return []
    tabs = _indents(_TAB_INDENT, text, "\t")
    spaces = _indents(_SPACE_INDENT, text, " ")
    variants = [_variant("tabs", "tabs", tabs), _variant("spaces", "spaces", spaces)]
    if len(spaces) > len(tabs):
        variants.reverse()
    unit = _indent_unit(text) if len(tabs) and len(spaces) else 4

    def replacement(major: str, var: Variant, s: int, e: int) -> str:
        ws = text[s:e]
        if major == "spaces":
            return ws.replace("\t", " " * unit)
        n = len(ws.replace("\t", " " * unit))
        return "\t" * (n // unit) + " " * (n % unit)

    return _conclude(
        doc, variants, detector=WS, convention="indentation-character",
        clear="A line indented with {var.label} where this document indents {maj_lines} with "
        "{maj.label}: a way to mark one copy.",
        mixed="This document indents with both {var.label} ({var.count}) and {maj.label} "
        "({maj.count}): a copy-specific change could hide among them.",
        replacement=replacement,
    )


def _odd_indentation(doc: Document, text: str) -> list[Finding]:
    """A line indented by a width that fits none of the document's indentation steps.

    Always low: centred titles, signature blocks and verse are indented in
    many ways on purpose.
    """
    if "\n " not in text:
        return []
    found = [(m.start(1), m.end(1)) for m in _SPACE_WIDTH.finditer(text)]
    if text.startswith(" "):
        first = len(text) - len(text.lstrip(" "))
        if first < len(text) and not text[first].isspace():
            found.insert(0, (0, first))
    widths = Counter(e - s for s, e in found)
    indented = len(found)
    if indented < 10:
        return []
    common = sorted(w for w, c in widths.items() if c >= max(3, indented // 20))
    unit = reduce(gcd, common, 0)
    if unit <= 1:
        return []
    out: list[Finding] = []
    for s, e in found:
        w = e - s
        if w % unit == 0 or widths[w] > 2:
            continue
        target = unit * round(w / unit)
        out.append(
            doc.finding(
                WS,
                WS,
                Severity.LOW,
                f"A line indented by {plural(w, 'space')} where this document indents in steps of "
                f"{unit}: an odd indentation can mark one copy (or just be a title or verse).",
                s,
                e,
                action=Action.NORMALIZE,
                evidence={
                    "convention": "indentation-width",
                    "variant": f"{w} spaces",
                    "count": widths[w],
                    "majority": f"multiples of {unit} spaces",
                    "majority_count": sum(c for ww, c in widths.items() if ww % unit == 0),
                    "counts": {f"{ww} spaces": c for ww, c in sorted(widths.items())},
                },
                replacement=" " * target,
            )
        )
    return out


@detector(WS, WS, "Whitespace: a double, trailing or odd space or line ending unlike the rest")
def detect_whitespace(doc: Document) -> list[Finding]:
    text = doc.text
    if not text:
        return []
    out: list[Finding] = []
    if "  " in text:
        out += _sentence_spacing(doc, text)
        out += _inline_spacing(doc, text)
    out += _trailing(doc, text)
    out += _line_endings(doc, text)
    out += _tabs_or_spaces(doc, text)
    out += _odd_indentation(doc, text)
    return out
