"""Detector: invisible and format characters, and unusual spaces.

A zero-width space, a word joiner, a soft hyphen, a bidirectional control, a
tag character, a variation selector after a letter, a private-use or control
character, a no-break or thin space where an ordinary space should be: none of
them shows on screen or on paper, and each is a classic way to make one copy of
a text different from the others (a "canary trap").

Which characters count is data: ``rules/invisible_chars.yaml`` lists them as
code-point ranges with a *kind*, generated from the Unicode character database
of the ``regex`` module (general categories Cf, Co, Cc, Zs, Zl, Zp and the
Default_Ignorable_Code_Point property).  Regenerate it after a Unicode upgrade
with ``python -m leakdesk.detectors.invisible --write-table``; a test checks
it against the installed data.

Each run of one repeated character is one finding, with its code point and
name.  Format characters are removed; unusual spaces become an ASCII space and
line or paragraph separators a newline (``normalize``).  Severity depends on
whether the character has an innocent use *here*: a BOM at the very start, a
joiner inside Arabic or Devanagari, a variation selector after an emoji, a
bidi mark in a document with right-to-left text, or a no-break space the
document uses many times are reported as low.
"""

from __future__ import annotations

import bisect
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..document import Action, Document, Finding, Severity
from . import detector
from ._convention import load_rules

ID = "invisible"
TABLE = "invisible_chars.yaml"

#: A character that is used at least this often in a document is probably
#: its convention (no-break spaces before units, soft hyphens from a word
#: processor); each occurrence is still reported, as low.
FREQUENT = 5

# Scripts whose orthography uses ZWJ/ZWNJ (joining and conjunct control).
_JOINING_SCRIPT_RANGES = (
    (0x0600, 0x08FF),  # Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic
    (0x0900, 0x0DFF),  # Indic scripts and Sinhala
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x18AF),  # Khmer, Mongolian
    (0xA8E0, 0xA8FF),  # Devanagari extended
    (0xFB50, 0xFEFC),  # Arabic presentation forms
)
_RTL_RE = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_ASCII_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class _Kind:
    action: Action
    replacement: str | None
    severity: Severity
    what: str


_KINDS: dict[str, _Kind] = {
    "zero-width": _Kind(Action.REMOVE, None, Severity.HIGH, "an invisible zero-width character"),
    "tag": _Kind(
        Action.REMOVE,
        None,
        Severity.HIGH,
        "an invisible tag character (tag characters can spell out hidden text)",
    ),
    "bidi": _Kind(Action.REMOVE, None, Severity.HIGH, "an invisible bidirectional control"),
    "soft-hyphen": _Kind(
        Action.REMOVE, None, Severity.MEDIUM, "a soft hyphen (invisible unless a line breaks there)"
    ),
    "variation-selector": _Kind(
        Action.REMOVE, None, Severity.HIGH, "an invisible variation selector"
    ),
    "format": _Kind(Action.REMOVE, None, Severity.HIGH, "an invisible format character"),
    "ignorable": _Kind(
        Action.REMOVE, None, Severity.HIGH, "a character that renders as nothing"
    ),
    "space": _Kind(
        Action.NORMALIZE, " ", Severity.MEDIUM, "an unusual space that looks like an ordinary one"
    ),
    "line-break": _Kind(
        Action.NORMALIZE, "\n", Severity.MEDIUM, "an unusual line or paragraph separator"
    ),
    "control": _Kind(Action.REMOVE, None, Severity.MEDIUM, "a control character"),
    "private-use": _Kind(
        Action.REMOVE, None, Severity.MEDIUM, "a private-use character (no standard meaning)"
    ),
    "surrogate": _Kind(Action.REMOVE, None, Severity.MEDIUM, "a lone surrogate code point"),
}


@dataclass(frozen=True, slots=True)
class _Table:
    pattern: re.Pattern[str]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    kinds: tuple[str, ...]

    def kind(self, ch: str) -> str | None:
        cp = ord(ch)
        i = bisect.bisect_right(self.starts, cp) - 1
        if i >= 0 and cp <= self.ends[i]:
            return self.kinds[i]
        return None


@cache
def table() -> _Table:
    """The characters this detector reports, compiled into one ``re`` class."""
    data = load_rules(TABLE)
    starts: list[int] = []
    ends: list[int] = []
    kinds: list[str] = []
    parts: list[str] = []
    for row in data["ranges"]:
        a, b = int(row["from"], 16), int(row["to"], 16)
        kind = str(row["kind"])
        if kind not in _KINDS:
            raise ValueError(f"{TABLE}: unknown kind {kind!r}")
        starts.append(a)
        ends.append(b)
        kinds.append(kind)
        if a <= 0xFFFF:
            parts.append(_class_range(a, min(b, 0xFFFF)))
    # ``re`` tests a class of many ranges one range at a time; the BMP ranges
    # compile to a bitmap, so the astral planes are matched as one range and
    # checked against the table afterwards (astral characters are rare).
    parts.append(_class_range(0x10000, 0x10FFFF))
    # One run of a repeated character is one match.
    pattern = re.compile("([" + "".join(parts) + "])\\1*")
    return _Table(pattern, tuple(starts), tuple(ends), tuple(kinds))


def _class_range(a: int, b: int) -> str:
    def esc(cp: int) -> str:
        return f"\\U{cp:08x}"

    return esc(a) if a == b else f"{esc(a)}-{esc(b)}"


def char_name(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if name:
        return name
    cp = ord(ch)
    if cp < 0x20 or 0x7F <= cp < 0xA0:
        return _CONTROL_NAMES.get(cp, "CONTROL")
    if 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000:
        return "PRIVATE USE CHARACTER"
    if 0xD800 <= cp <= 0xDFFF:
        return "SURROGATE"
    if 0xE0000 <= cp <= 0xE0FFF or 0xFFF0 <= cp <= 0xFFF8 or cp == 0x2065:
        return "RESERVED DEFAULT IGNORABLE"
    return "UNASSIGNED"


_CONTROL_NAMES = {
    0x00: "NULL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x0B: "LINE TABULATION",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE (NEL)",
}


def _in_joining_script(ch: str) -> bool:
    cp = ord(ch)
    return any(a <= cp <= b for a, b in _JOINING_SCRIPT_RANGES)


def _is_pictographic(ch: str) -> bool:
    cp = ord(ch)
    return (
        unicodedata.category(ch) in ("So", "Sk", "Sm")
        or 0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or 0x1F3FB <= cp <= 0x1F3FF
    )


def _innocent_use(text: str, start: int, end: int, kind: str, ch: str, doc: Document) -> str | None:
    """Why this occurrence probably has an ordinary use, or None."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if ch == "\ufeff" and (start == 0 or any(s.start == start for s in doc.segments)):
        return "a byte order mark at the start of the text"
    if ch in "\u200c\u200d":
        if (before and _in_joining_script(before)) or (after and _in_joining_script(after)):
            return "a joiner inside a script whose spelling uses joiners"
        if ch == "\u200d" and before and after and _is_pictographic(before) and _is_pictographic(after):
            return "a joiner inside an emoji sequence"
    if kind == "variation-selector" and before:
        cp = ord(ch)
        if _is_pictographic(before):
            return "a variation selector after a symbol or emoji"
        if cp >= 0xE0100 and unicodedata.category(before) == "Lo":
            return "an ideographic variation selector after an ideograph"
    if kind == "tag" and ("\U0001f3f4" in text[max(0, start - 2) : start]):
        return "part of a flag emoji"
    rtl_mark = kind == "bidi" or (kind == "format" and 0x0600 <= ord(ch) <= 0x08FF)
    if rtl_mark and _RTL_RE.search(text) is not None:
        return "the document has right-to-left text, which uses these marks"
    if kind == "space" and (before == " " or after == " "):
        return "a no-break space beside an ordinary one (a forced double space or indent)"
    if ch == "\u3000" and before and unicodedata.category(before) == "Lo":
        return "an ideographic space in East Asian text"
    return None


def _runs(text: str, tab: _Table) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of each run of reported characters of one kind.

    A run of one repeated character is one run; adjacent runs of the same kind
    merge, so that a zero-width fingerprint written with two or three
    different characters, or a string of tag characters, is one finding.
    """
    out: list[tuple[int, int, str]] = []
    for m in tab.pattern.finditer(text):
        kind = tab.kind(m.group(1))
        if kind is None:
            continue
        if out and out[-1][1] == m.start() and out[-1][2] == kind:
            out[-1] = (out[-1][0], m.end(), kind)
        else:
            out.append((m.start(), m.end(), kind))
    return out


def _tag_text(run: str) -> str:
    """What a run of tag characters spells (TAG LATIN SMALL LETTER A -> "a")."""
    return "".join(chr(ord(c) - 0xE0000) for c in run if 0xE0020 <= ord(c) <= 0xE007E)


@detector(ID, "invisible", "Invisible and format characters, and unusual spaces")
def detect(doc: Document) -> list[Finding]:
    text = doc.text
    if not text:
        return []
    if text.isascii() and _ASCII_CONTROL_RE.search(text) is None:
        return []
    runs = _runs(text, table())
    if not runs:
        return []
    totals: Counter[str] = Counter()
    for start, end, _kind in runs:
        totals.update(text[start:end])
    return [_finding(doc, text, start, end, kind, totals) for start, end, kind in runs]


def _finding(
    doc: Document, text: str, start: int, end: int, kind: str, totals: Counter[str]
) -> Finding:
    run = text[start:end]
    ch = run[0]
    distinct = list(dict.fromkeys(run))
    spec = _KINDS[kind]
    name = char_name(ch)
    cp = f"U+{ord(ch):04X}"
    n = end - start
    innocent = _innocent_use(text, start, end, kind, ch, doc)
    frequent = kind in _CONVENTIONAL and totals[ch] >= FREQUENT
    severity = Severity.LOW if innocent is not None or frequent else spec.severity
    if len(distinct) == 1:
        what = f"{name} ({cp})" + (f", {n} in a row" if n > 1 else "")
    else:
        names = ", ".join(f"{char_name(c)} (U+{ord(c):04X})" for c in distinct[:4])
        what = f"{n} invisible characters in a row ({names}{', ...' if len(distinct) > 4 else ''})"
    message = f"{what}: {'each is ' if len(distinct) > 1 else ''}{spec.what}. "
    if innocent is not None:
        message += f"Probably {innocent}, but it could still mark a copy."
    elif frequent:
        message += (
            f"This document has {totals[ch]:,} of them, so it may be its convention, "
            "but one copy's could sit in different places."
        )
    else:
        message += "Nothing in ordinary text needs it here: it can single out one copy."
    evidence: dict[str, Any] = {
        "code_point": cp,
        "name": name,
        "general_category": unicodedata.category(ch),
        "kind": kind,
        "run_length": n,
        "count_in_document": totals[ch],
    }
    if len(distinct) > 1:
        evidence["code_points"] = [f"U+{ord(c):04X}" for c in distinct]
        evidence["names"] = [char_name(c) for c in distinct]
    if kind == "tag" and (hidden := _tag_text(run)):
        evidence["hidden_text"] = hidden
        message += f" The tag characters spell {hidden!r}."
    if innocent is not None:
        evidence["probably"] = innocent
    replacement = spec.replacement * n if spec.replacement is not None else None
    return doc.finding(
        ID,
        "invisible",
        severity,
        message,
        start,
        end,
        action=spec.action,
        evidence=evidence,
        replacement=replacement,
    )


#: Kinds with an ordinary typographic use, whose frequent use is a convention.
_CONVENTIONAL = frozenset({"space", "soft-hyphen", "control", "private-use", "line-break"})


# -- the table, generated from the Unicode data -----------------------------------

#: Characters that are not format or space characters but show as nothing.
_EXTRA_BLANK = {0x2800: "space"}  # BRAILLE PATTERN BLANK looks like a space


def classify(cp: int) -> str | None:
    """The kind of code point ``cp``, or None if it is ordinary text.

    Uses the ``regex`` module's Unicode data (newer than Python's own).
    """
    import regex

    ch = chr(cp)
    if ch in "\t\n\r\f ":
        return None
    if cp in _EXTRA_BLANK:
        return _EXTRA_BLANK[cp]
    if 0xD800 <= cp <= 0xDFFF:
        return "surrogate"

    def has(prop: str) -> bool:
        return regex.match(rf"\p{{{prop}}}", ch) is not None

    if 0xE0000 <= cp <= 0xE007F:
        return "tag"
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or cp in (0x180B, 0x180C, 0x180D, 0x180F):
        return "variation-selector"
    if cp in (0x061C, 0x200E, 0x200F) or 0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069:
        return "bidi"
    if cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E):
        return "zero-width"
    if cp == 0x00AD:
        return "soft-hyphen"
    if cp in (0x000B, 0x0085) or has("Zl") or has("Zp"):
        return "line-break"
    if has("Zs"):
        return "space"
    if has("Cc"):
        return "control"
    if has("Co"):
        return "private-use"
    if has("Cf"):
        return "format"
    if has("Default_Ignorable_Code_Point"):
        return "ignorable"
    return None


def build_table() -> list[tuple[int, int, str]]:
    """Every reported code point as ``(first, last, kind)`` ranges."""
    import regex

    cand = regex.compile(
        r"[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Co}\p{Cc}\p{Zs}\p{Zl}\p{Zp}\u2800\ud800-\udfff]",
        regex.V1,
    )
    rows: list[tuple[int, int, str]] = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            kind: str | None = "surrogate"
        elif cand.match(chr(cp)) is None:
            continue
        else:
            kind = classify(cp)
        if kind is None:
            continue
        if rows and rows[-1][2] == kind and rows[-1][1] == cp - 1:
            rows[-1] = (rows[-1][0], cp, kind)
        else:
            rows.append((cp, cp, kind))
    return rows


def render_table(rows: list[tuple[int, int, str]]) -> str:
    import regex

    lines = [
        "# Characters the `invisible` detector reports, as code-point ranges and a kind.",
        "# Generated by `python -m leakdesk.detectors.invisible --write-table` from the",
        f"# Unicode data of the regex module ({getattr(regex, '__version__', '?')}): general",
        "# categories Cf, Co, Cc, Zs, Zl, Zp, the Default_Ignorable_Code_Point property,",
        "# surrogates, and U+2800 BRAILLE PATTERN BLANK.  Tab, LF, CR, form feed and",
        "# the ASCII space are ordinary text.  Do not edit by hand.",
        "# Kinds: " + ", ".join(list(_KINDS)[:6]) + ",",
        "#   " + ", ".join(list(_KINDS)[6:]) + ".",
        "ranges:",
    ]
    for a, b, kind in rows:
        first = char_name(chr(a))
        label = first if a == b else f"{first} .. {char_name(chr(b))}"
        lines.append(f'  - {{from: "{a:04X}", to: "{b:04X}", kind: {kind}}}  # {label}')
    return "\n".join(lines) + "\n"


def _main(argv: list[str]) -> int:
    if argv != ["--write-table"]:
        print("usage: python -m leakdesk.detectors.invisible --write-table", file=sys.stderr)
        return 2
    from pathlib import Path

    dest = Path(__file__).with_name("rules") / TABLE
    dest.write_text(render_table(build_table()), encoding="utf-8")
    print(f"wrote {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
