"""Inject per-copy marks of every technique into clean prose, recording where.

Each *copy* of a clean text gets one mark of every technique that applies to
it, the way a canary trap would mark a copy: a deviation from the text's own
convention (a straight apostrophe where it writes curly ones, "--" where it
writes em dashes, "color" where it writes "colour"), an invisible or
look-alike character, and a cable-style header with a classification
marking, a copy number, a reference number, a date-time group and a
distribution line.  The ground truth is the offset of the character that
makes the copy different; a detector finds the mark when a finding of the
technique's category covers that offset.

The generator decides what the text's convention is with its own simple
counts (it does not ask the detectors), and skips a technique where the text
gives it nothing to deviate from (no quotes at all, say).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

#: technique -> category of the finding that must cover the mark
TECHNIQUES: dict[str, str] = {
    "invisible-char": "invisible",
    "unusual-space": "invisible",
    "homoglyph": "homoglyph",
    "double-space": "whitespace",
    "trailing-space": "whitespace",
    "line-ending": "whitespace",
    "quote-swap": "typography",
    "dash-swap": "typography",
    "spelling-variant": "wording",
    "marking-line": "marking",
    "copy-number": "identifier",
    "serial-number": "identifier",
    "dtg": "datetime",
    "distribution-line": "distribution",
}

INVISIBLES = [
    "\u200b",  # zero width space
    "\u200c",  # zero width non-joiner
    "\u200d",  # zero width joiner
    "\u2060",  # word joiner
    "\ufeff",  # zero width no-break space (BOM)
    "\u00ad",  # soft hyphen
    "\u200e",  # left-to-right mark
    "\u2063",  # invisible separator
    "\ufe0f",  # variation selector-16
    "\U000e0063\U000e0037",  # tag characters spelling "c7"
]
SPACES = ["\u00a0", "\u2009", "\u200a", "\u202f", "\u2007", "\u2002", "\u2003", "\u3000", "\u205f"]
LOOKALIKES = {
    "a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "x": "\u0445",
    "y": "\u0443", "i": "\u0456", "s": "\u0455", "j": "\u0458", "A": "\u0410", "B": "\u0392",
    "E": "\u0415", "H": "\u041d", "K": "\u039a", "M": "\u041c", "O": "\u039f", "P": "\u0420",
    "T": "\u0422", "X": "\u03a7", "C": "\u0421", "N": "\u039d",
}
CLASSIFICATIONS = [
    "SECRET//NOFORN", "TOP SECRET", "CONFIDENTIAL", "RESTRICTED", "OFFICIAL-SENSITIVE",
    "SECRET UK EYES ONLY", "NATO SECRET", "CONFIDENTIAL//REL TO USA, GBR",
]
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
OFFICES = ["PUS", "PS/Secretary of State", "Political Director", "Head of Chancery",
           "Defence Attache", "Ambassador", "Private Secretary", "Deputy Head of Mission"]

_WORD_GAP = re.compile(r"(?<=[A-Za-z]) (?=[A-Za-z])")
_APOS = {"straight": re.compile(r"(?<=[A-Za-z])'(?=[A-Za-z])"), "curly": re.compile(r"(?<=[A-Za-z])’(?=[A-Za-z])")}
_COMPOUND = re.compile(r"(?<=[a-z])-(?=[a-z])")
_LETTER_WORD = re.compile(r"(?<![\w’'])[A-Za-z]{4,}(?![\w’'])")
_CODEISH = re.compile(r"[_(){}\[\]=<>\\/|@#$%^&*+~`]|[A-Za-z]\.[A-Za-z]")


@dataclass(frozen=True)
class Mark:
    technique: str
    category: str
    offset: int  # in the marked text
    detail: str


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int  # replaced span [start, end) of the clean text
    insert: str
    technique: str
    mark_at: int  # offset of the mark inside ``insert``
    detail: str


def _line_at(text: str, pos: int) -> str:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return text[a : b if b >= 0 else len(text)]


def _token_at(text: str, pos: int) -> str:
    a, b = pos, pos
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    while b < len(text) and not text[b].isspace():
        b += 1
    return text[a:b]


def _prose_line(text: str, pos: int) -> bool:
    """A line of running prose: no aligned columns, no box drawing, no code."""
    line = _line_at(text, pos)
    core = line.strip()
    return (
        len(core) > 30
        and "  " not in core
        and not any(c in core for c in "│┃|─═•")
        and _CODEISH.search(_token_at(text, pos)) is None
    )


class _Picker:
    """Chooses positions far from every position already used."""

    def __init__(self, text: str, rng: random.Random, gap: int = 120) -> None:
        self.text = text
        self.rng = rng
        self.used: list[tuple[int, int]] = [(0, 1)]
        self.gap = gap

    def free(self, a: int, b: int) -> bool:
        return all(b + self.gap <= s or a >= e + self.gap for s, e in self.used)

    def pick(self, candidates: list[int], width: int = 1) -> int | None:
        cands = [c for c in candidates if self.free(c, c + width)]
        if not cands:
            return None
        pos = self.rng.choice(cands)
        self.used.append((pos, pos + width))
        return pos


def _majority(counts: dict[str, int]) -> str | None:
    """The variant the text clearly uses (at least five times, nothing else)."""
    present = {k: v for k, v in counts.items() if v}
    if len(present) == 1:
        (k, v), = present.items()
        return k if v >= 5 else None
    return None


def _header(rng: random.Random, copy_no: int, copies: int) -> tuple[str, list[tuple[str, int, str]]]:
    """A cable-style header and the offset of each mark in it."""
    classification = rng.choice(CLASSIFICATIONS)
    serial = f"{rng.choice('ABCDEFGHKLMNPRST')}-{rng.randint(1000, 9999)}/{rng.choice(['LDN', 'PAR', 'WAS', 'ISB', 'DEL'])}"
    day, hour, minute = rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59)
    dtg = f"{day:02d}{hour:02d}{minute:02d}Z {rng.choice(MONTHS)} {rng.randint(10, 25):02d}"
    dist = ", ".join(rng.sample(OFFICES, 3))
    lines = [
        classification,
        f"Copy No. {copy_no} of {copies}",
        f"Ref: {serial}",
        f"DTG: {dtg}",
        f"Distribution: {dist}",
    ]
    header = "\n".join(lines) + "\n\n"
    marks = [
        ("marking-line", header.index(classification), classification),
        ("copy-number", header.index(f"No. {copy_no}") + 4, f"Copy No. {copy_no} of {copies}"),
        ("serial-number", header.index(serial), serial),
        ("dtg", header.index(dtg), dtg),
        ("distribution-line", header.index(dist), dist),
    ]
    return header, marks


def mark_copy(text: str, copy_no: int, copies: int, seed: int, spelling: dict | None = None) -> tuple[str, list[Mark]]:
    """One marked copy of ``text`` and the ground truth of its marks.

    ``spelling`` maps a lower-case word to ``(convention, variant, other
    spelling)`` (the wording rule data); without it no spelling is changed.
    """
    rng = random.Random(f"{seed}:{copy_no}:{len(text)}:{text[:64]}")
    pick = _Picker(text, rng)
    edits: list[_Edit] = []

    header, header_marks = _header(rng, copy_no, copies)
    edits.append(_Edit(0, 0, header, "header", 0, ""))

    gaps = [m.start() for m in _WORD_GAP.finditer(text)]
    prose_gaps = [g for g in gaps[:: max(1, len(gaps) // 4000)] if _prose_line(text, g)]

    # invisible character inside a word
    inside = [g - 2 for g in prose_gaps if text[g - 3 : g - 1].isalpha()]
    if (p := pick.pick(inside)) is not None:
        ch = rng.choice(INVISIBLES)
        edits.append(_Edit(p, p, ch, "invisible-char", 0, f"U+{ord(ch[0]):04X}"))

    # an unusual space instead of a space
    if (p := pick.pick(prose_gaps)) is not None:
        sp = rng.choice(SPACES)
        edits.append(_Edit(p, p + 1, sp, "unusual-space", 0, f"U+{ord(sp):04X}"))

    # a look-alike letter
    words = [m for m in _LETTER_WORD.finditer(text) if _prose_line(text, m.start())]
    words = words[:: max(1, len(words) // 3000)]
    rng.shuffle(words)
    for m in words:
        idx = [i for i, c in enumerate(m.group()) if c in LOOKALIKES]
        if idx and pick.free(m.start(), m.end()):
            i = rng.choice(idx)
            p = m.start() + i
            pick.used.append((m.start(), m.end()))
            edits.append(_Edit(p, p + 1, LOOKALIKES[text[p]], "homoglyph", 0, m.group()))
            break

    # a double space between two words of a sentence
    if (p := pick.pick(prose_gaps)) is not None:
        edits.append(_Edit(p + 1, p + 1, " ", "double-space", 0, "two spaces"))

    # a trailing space
    ends = [m.start() for m in re.finditer(r"(?<=[A-Za-z.,;])\n", text)]
    ends = ends[:: max(1, len(ends) // 3000)]
    if (p := pick.pick(ends)) is not None:
        edits.append(_Edit(p, p, " ", "trailing-space", 0, "trailing space"))

    # one line ending of the other kind
    if "\r\n" not in text:
        nls = [m.start() for m in re.finditer(r"(?<=[A-Za-z.,;:])\n", text)]
        nls = nls[:: max(1, len(nls) // 3000)]
        if (p := pick.pick(nls)) is not None:
            edits.append(_Edit(p, p + 1, "\r\n", "line-ending", 0, "CRLF among LF"))

    # swap one apostrophe or quotation mark to the other style
    _quote_swap(text, rng, pick, edits)
    # swap one dash to another form
    _dash_swap(text, rng, pick, edits)
    # respell one word the other way
    if spelling:
        _respell(text, rng, pick, edits, spelling)

    return _apply(text, edits, header_marks)


def _quote_swap(text: str, rng: random.Random, pick: _Picker, edits: list[_Edit]) -> None:
    apos = {k: [m.start() for m in r.finditer(text)] for k, r in _APOS.items()}
    style = _majority({k: len(v) for k, v in apos.items()})
    if style is not None:
        cands = [p for p in apos[style] if _CODEISH.search(_token_at(text, p)) is None]
        if (p := pick.pick(cands)) is not None:
            new = "’" if style == "straight" else "'"
            edits.append(_Edit(p, p + 1, new, "quote-swap", 0, f"apostrophe {text[p]} -> {new}"))
            return
    dq = {"straight": [i for i, c in enumerate(text) if c == '"'],
          "curly": [i for i, c in enumerate(text) if c in "“”"]}
    style = _majority({k: len(v) for k, v in dq.items()})
    if style is None:
        return
    cands = [p for p in dq[style] if _CODEISH.search(_token_at(text, p)) is None]
    if (p := pick.pick(cands)) is not None:
        if style == "curly":
            new = '"'
        else:
            opening = p == 0 or text[p - 1].isspace() or text[p - 1] in "([—-"
            new = "“" if opening else "”"
        edits.append(_Edit(p, p + 1, new, "quote-swap", 0, f"quote {text[p]} -> {new}"))


def _dash_swap(text: str, rng: random.Random, pick: _Picker, edits: list[_Edit]) -> None:
    em = [i for i, c in enumerate(text) if c == "—"]
    dh = [m.start() for m in re.finditer(r"(?<=[A-Za-z])--(?=[A-Za-z\s])", text)]
    en = text.count("–")
    p = None
    if len(em) >= 5 and not en and not dh and (p := pick.pick(em)) is not None:
        edits.append(_Edit(p, p + 1, "–", "dash-swap", 0, "— -> –"))
        return
    if len(dh) >= 5 and not em and not en and (p := pick.pick(dh, 2)) is not None:
        edits.append(_Edit(p, p + 2, "—", "dash-swap", 0, "-- -> —"))
        return
    compounds = [m.start() for m in _COMPOUND.finditer(text)]
    ok = len(compounds) >= 5 and not en and "\u2011" not in text
    if ok and (p := pick.pick(compounds)) is not None:
        new = rng.choice(["–", "\u2011", "\u2010"])
        edits.append(_Edit(p, p + 1, new, "dash-swap", 0, f"- -> U+{ord(new):04X}"))


def _respell(
    text: str, rng: random.Random, pick: _Picker, edits: list[_Edit], spelling: dict
) -> None:
    per: dict[int, dict[int, list[tuple[int, str]]]] = {}
    for m in re.finditer(r"(?<![A-Za-z])[A-Za-z]{4,}(?![A-Za-z])", text):
        w = m.group()
        entry = spelling.get(w.lower())
        if entry is None or not (w.islower() or w[1:].islower()):
            continue
        conv, variant, _other = entry
        per.setdefault(conv, {}).setdefault(variant, []).append((m.start(), w))
    usable = [(c, v) for c, sides in per.items() for v, occ in sides.items()
              if len(sides) == 1 and len(occ) >= 5]
    rng.shuffle(usable)
    for conv, variant in usable:
        occ = per[conv][variant]
        rng.shuffle(occ)
        for start, w in occ:
            if pick.free(start, start + len(w)):
                other = spelling[w.lower()][2]
                new = other.capitalize() if w[0].isupper() else other
                pick.used.append((start, start + len(w)))
                # the mark is the first character that differs
                diff = next((i for i, (a, b) in enumerate(zip(w.lower(), other, strict=False)) if a != b),
                            min(len(w), len(other)) - 1)
                edits.append(_Edit(start, start + len(w), new, "spelling-variant", diff, f"{w} -> {new}"))
                return


def _apply(text: str, edits: list[_Edit], header_marks: list[tuple[str, int, str]]) -> tuple[str, list[Mark]]:
    out: list[str] = []
    marks: list[Mark] = []
    pos = 0
    shift = 0
    for e in sorted(edits, key=lambda e: (e.start, e.technique != "header")):
        out.append(text[pos : e.start])
        at = e.start + shift
        if e.technique == "header":
            for tech, off, detail in header_marks:
                marks.append(Mark(tech, TECHNIQUES[tech], at + off, detail))
        else:
            marks.append(Mark(e.technique, TECHNIQUES[e.technique], at + e.mark_at, e.detail))
        out.append(e.insert)
        shift += len(e.insert) - (e.end - e.start)
        pos = e.end
    out.append(text[pos:])
    return "".join(out), marks
