"""Copies of a real public-domain text with known marks and realistic scan noise.

The source is the King James Bible as shipped by Debian (package
``bible-kjv-text``, printed by its ``bible`` program); without it, CPython's
bundled documentation topics (``pydoc_data.topics``) stand in.  Nothing is
downloaded.

:func:`make_copies` picks *slots* in the base text and gives each copy its
own marks in some of them, of every kind leakdesk reports: wording, spelling,
number, punctuation, whitespace, invisible, homoglyph, insertion, deletion and
move.  Every copy is built slot by slot, so each mark's span is known exactly
in every copy (the truth).  :func:`scan` then turns a copy into what OCR gives
back from a print of it: lines re-wrapped, long words hyphenated at line
ends, letters confused (rn/m, l/1, O/0, cl/d...), commas lost at line ends,
and the invisible characters, homoglyphs and repeated spaces gone.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from dataclasses import dataclass, field

KINDS = ("wording", "spelling", "number", "punctuation", "whitespace", "invisible",
         "homoglyph", "insertion", "deletion", "move")
#: Marks a print-and-scan cannot carry: OCR outputs plain letters and single spaces.
LOST_IN_SCAN = ("whitespace", "invisible", "homoglyph")

_HOMOGLYPHS = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441",
               "x": "\u0445", "y": "\u0443", "i": "\u0456", "A": "\u0391", "O": "\u039f"}
_INVISIBLES = ("\u200b", "\u200c", "\u200d", "\u2060", "\u00ad")
_SPACES = ("  ", "\u00a0", "\u2009", "\u202f")
_PUNCT_SWAP = {",": ";", ";": ",", ":": ";", ".": ";"}


def source_text() -> tuple[str, str]:
    """The base text and where it comes from."""
    prog = shutil.which("bible")
    if prog:
        out = subprocess.run([prog, "-l", "72", "gen1:1-rev22:21"], capture_output=True,
                             text=True, timeout=120, check=True, stdin=subprocess.DEVNULL).stdout
        if len(out) > 1_000_000:
            return out.lstrip("\n"), "King James Bible (Debian bible-kjv-text, public domain)"
    from pydoc_data.topics import topics  # type: ignore[import-not-found]

    text = "\n\n".join(topics[k] for k in sorted(topics))
    return text, "CPython pydoc_data topics (PSF licence)"


def excerpt(text: str, chars: int) -> str:
    """About ``chars`` characters, cut at a paragraph break (repeated if too short)."""
    while len(text) < chars:
        text = text + "\n\n" + text
    cut = text.rfind("\n\n", 0, chars)
    return text[: cut if cut > chars // 2 else chars] + "\n"


@dataclass
class Slot:
    """A place in the base text where copies may differ: ``base[start:end]``."""

    start: int
    end: int
    kind: str
    variants: dict[int, str] = field(default_factory=dict)  # copy number -> its text here

    def text(self, base: str, copy: int) -> str:
        return self.variants.get(copy, base[self.start : self.end])


@dataclass
class Copies:
    base: str
    texts: list[str]
    slots: list[Slot]
    #: spans[copy][slot index] = (start, end) of the slot in that copy
    spans: list[list[tuple[int, int]]]

    def marks_between(self, a: int, b: int) -> list[tuple[Slot, tuple[int, int], tuple[int, int]]]:
        """Slots where copies ``a`` and ``b`` differ, with their spans in each."""
        out = []
        for n, slot in enumerate(self.slots):
            if slot.text(self.base, a) != slot.text(self.base, b):
                out.append((slot, self.spans[a][n], self.spans[b][n]))
        return out


_WORD_RE = re.compile(r"[A-Za-z]{3,}")


def _mark(kind: str, word: str, rng: random.Random, vocab: list[str]) -> str | None:
    """The marked form of ``word`` (a slot's base text) for ``kind``, or None if it does not fit."""
    if kind == "wording":
        for _ in range(20):
            w = rng.choice(vocab)
            if w.lower() != word.lower() and abs(len(w) - len(word)) <= 4 and w[0] != word[0]:
                return w
        return None
    if kind == "spelling":
        for k in range(1, len(word) - 1):
            if word[k] == word[k + 1]:
                return word[:k] + word[k + 1 :]  # beginning -> begining
        k = rng.randrange(1, len(word) - 1)
        if word[k] in "aeiou":
            return None
        return word[: k + 1] + word[k] + word[k + 1 :]  # double a consonant
    if kind == "homoglyph":
        options = [i for i, c in enumerate(word) if c in _HOMOGLYPHS]
        if not options:
            return None
        i = rng.choice(options)
        return word[:i] + _HOMOGLYPHS[word[i]] + word[i + 1 :]
    if kind == "invisible":
        ch = rng.choice(_INVISIBLES)
        i = rng.randrange(1, len(word))
        return word[:i] + ch + word[i:]
    if kind == "insertion":
        return word + " " + rng.choice(("indeed", "truly", "also", "surely"))
    if kind == "deletion":
        return ""
    return None


def make_copies(
    base: str, n: int, marks_per_copy: int, seed: int = 7
) -> Copies:
    """``n`` copies of ``base``, each with ``marks_per_copy`` marks of every kind in turn."""
    rng = random.Random(seed)
    words = [(m.start(), m.end()) for m in _WORD_RE.finditer(base)]
    vocab = sorted({base[s:e].lower() for s, e in words[:20000]})
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e + 40 <= ts or te + 40 <= s for ts, te in taken)

    slots: list[Slot] = []
    for copy in range(n):
        for k in range(marks_per_copy):
            kind = KINDS[(copy + k) % len(KINDS)]
            for _ in range(200):
                slot = _pick(kind, base, words, rng, vocab)
                if slot is None or not free(slot.start, slot.end):
                    continue
                marked = slot.variants.pop(-1)
                slot.variants[copy] = marked
                taken.append((slot.start, slot.end))
                slots.append(slot)
                break
    slots.sort(key=lambda s: s.start)
    texts: list[str] = []
    spans: list[list[tuple[int, int]]] = []
    for copy in range(n):
        out: list[str] = []
        copy_spans: list[tuple[int, int]] = []
        pos = length = 0
        for slot in slots:
            out.append(base[pos : slot.start])
            length += slot.start - pos
            t = slot.text(base, copy)
            copy_spans.append((length, length + len(t)))
            out.append(t)
            length += len(t)
            pos = slot.end
        out.append(base[pos:])
        texts.append("".join(out))
        spans.append(copy_spans)
    return Copies(base, texts, slots, spans)


def _pick(
    kind: str, base: str, words: list[tuple[int, int]], rng: random.Random, vocab: list[str]
) -> Slot | None:
    if kind == "number":
        m = _search_from(base, r"(?<=\s)\d{1,3}(?=\s)", rng)
        if m is None:
            return None
        value = int(m.group())
        return Slot(m.start(), m.end(), kind, {-1: str(value + rng.choice((1, 2, 3, 5, 7)))})
    if kind == "punctuation":
        m = _search_from(base, r"[,;:](?= [a-z])", rng)
        if m is None:
            return None
        return Slot(m.start(), m.end(), kind, {-1: _PUNCT_SWAP[m.group()]})
    if kind == "whitespace":
        if rng.random() < 0.25:
            m = _search_from(base, r"(?<=[a-z.,;:])\n(?=[A-Za-z])", rng)
            if m is None:
                return None
            return Slot(m.start(), m.end(), kind, {-1: " \n"})  # trailing space
        m = _search_from(base, r"(?<=[a-z]) (?=[a-z])", rng)
        if m is None:
            return None
        return Slot(m.start(), m.end(), kind, {-1: rng.choice(_SPACES)})
    if kind == "move":
        m = _search_from(base, r"(?<=[.;:] )([A-Z][^.;:\n]{30,120}[.;:]) ([A-Z][^.;:\n]{30,120}[.;:])",
                         rng)
        if m is None:
            return None
        return Slot(m.start(), m.end(), kind, {-1: f"{m.group(2)} {m.group(1)}"})
    s, e = words[rng.randrange(len(words))]
    word = base[s:e]
    if kind == "deletion":
        if base[e : e + 1] != " ":
            return None
        e += 1
        word = base[s:e]
    marked = _mark(kind, word, rng, vocab)
    if marked is None or marked == word:
        return None
    return Slot(s, e, kind, {-1: marked})


def _search_from(text: str, pattern: str, rng: random.Random) -> re.Match[str] | None:
    start = rng.randrange(len(text))
    rx = re.compile(pattern)
    return rx.search(text, start) or rx.search(text)


# -- the scan ------------------------------------------------------------------------

_OCR_SLIPS = (("rn", "m"), ("m", "rn"), ("cl", "d"), ("l", "1"), ("O", "0"), ("e", "c"),
              ("h", "b"), ("ll", "11"), ("I", "l"), ("S", "5"))
_TO_LATIN = {v: k for k, v in _HOMOGLYPHS.items()}


@dataclass
class ScanNoise:
    ocr_slips: int = 0
    hyphenations: int = 0
    lost_commas: int = 0
    rewrapped_lines: int = 0


def scan(text: str, seed: int = 11, width: int = 64, slip_rate: float = 1 / 300) -> tuple[str, ScanNoise]:
    """``text`` as OCR returns it from a print (see the module docstring)."""
    rng = random.Random(seed)
    noise = ScanNoise()
    t = re.sub("[\u200b\u200c\u200d\u2060\u00ad\ufeff]", "", text)
    t = "".join(_TO_LATIN.get(c, c) for c in t)
    t = re.sub("[\u00a0\u2009\u202f]", " ", t)
    t = re.sub(r"(?<=\S) {2,}", " ", t)
    t = re.sub(r" +\n", "\n", t)
    paras = []
    for para in t.split("\n\n"):
        words = para.split()
        if len(words) < 12:
            paras.append(para)
            continue
        out_words = []
        for w in words:
            if rng.random() < slip_rate:
                for src, dst in rng.sample(_OCR_SLIPS, len(_OCR_SLIPS)):
                    if src in w and w.isalpha():
                        w = w.replace(src, dst, 1)
                        noise.ocr_slips += 1
                        break
            out_words.append(w)
        lines = _wrap(out_words, width, noise)
        noise.rewrapped_lines += len(lines)
        for k, line in enumerate(lines[:-1]):
            if line.endswith(",") and rng.random() < 0.05:
                lines[k] = line[:-1]
                noise.lost_commas += 1
        paras.append("\n".join(lines))
    return "\n\n".join(paras), noise


def _wrap(words: list[str], width: int, noise: ScanNoise) -> list[str]:
    lines: list[str] = []
    line = ""
    for w in words:
        cand = f"{line} {w}" if line else w
        if len(cand) <= width:
            line = cand
            continue
        room = width - len(line) - 2
        if line and w.isalpha() and w.islower() and len(w) >= 8 and 3 <= room <= len(w) - 3:
            lines.append(f"{line} {w[:room]}-")
            line = w[room:]
            noise.hyphenations += 1
        else:
            lines.append(line)
            line = w
    if line:
        lines.append(line)
    return lines
