"""Tesseract OCR (Debian's ``tesseract-ocr``, Apache-2.0): words with boxes and confidences.

The only place leakdesk runs ``tesseract``.  It is given a PNG that leakdesk
wrote itself from decoded pixels (never the untrusted original file), runs
with a time limit, one thread, no shell, and returns its TSV output parsed into
:class:`Word` objects.  :func:`words_to_text` lays the words out as text and
keeps, for every word, its code-point span in that text and its box, so a
sanitizer can paint over exactly the pixels of a removed span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import ExternalProgramError, require, run, which

#: Oldest Tesseract whose TSV output and LSTM engine leakdesk relies on.
MIN_VERSION = (4, 1)


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word: its text, box in pixels and confidence (0-100)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    block: int
    par: int
    line: int

    @property
    def box(self) -> tuple[int, int, int, int]:
        """``(left, top, right, bottom)``."""
        return (self.left, self.top, self.left + self.width, self.top + self.height)


@dataclass(frozen=True, slots=True)
class WordSpan:
    """Where a word landed in the laid-out text, and its box on the page."""

    start: int
    end: int
    box: tuple[int, int, int, int]


def available() -> bool:
    """True if a usable tesseract is installed."""
    if which("tesseract") is None:
        return False
    try:
        return version() >= MIN_VERSION
    except ExternalProgramError:
        return False


@cache
def version() -> tuple[int, ...]:
    """Tesseract's version as a tuple, e.g. ``(5, 3, 0)``."""
    exe = require("tesseract", "tesseract-ocr")
    proc = run([exe, "--version"], timeout=30, check=False)
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    m = re.search(r"tesseract\s+v?(\d+)\.(\d+)(?:\.(\d+))?", out)
    if not m:
        raise ExternalProgramError("cannot tell which tesseract version is installed")
    return tuple(int(g) for g in m.groups() if g is not None)


@cache
def languages() -> frozenset[str]:
    exe = require("tesseract", "tesseract-ocr")
    proc = run([exe, "--list-langs"], timeout=30, check=False)
    lines = (proc.stdout + proc.stderr).decode("utf-8", "replace").splitlines()
    return frozenset(ln.strip() for ln in lines[1:] if ln.strip() and " " not in ln.strip())


def ocr_words(
    image: Path,
    *,
    lang: str = "eng",
    psm: int | None = None,
    dpi: int | None = None,
    timeout: float = 120.0,
    doc_path: Path | None = None,
) -> list[Word]:
    """OCR ``image`` (a PNG leakdesk wrote) and return its words in reading order."""
    exe = require("tesseract", "tesseract-ocr")
    if version() < MIN_VERSION:
        raise ExternalProgramError(
            f"tesseract {'.'.join(map(str, version()))} is too old; "
            f"leakdesk needs {'.'.join(map(str, MIN_VERSION))} or newer", doc_path
        )
    args: list[str | Path] = [exe, image, "stdout", "-l", lang]
    if psm is not None:
        args += ["--psm", str(psm)]
    if dpi:
        args += ["--dpi", str(int(dpi))]
    args += ["tsv"]
    proc = run(args, timeout=timeout, path=doc_path)
    return parse_tsv(proc.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> list[Word]:
    """Parse Tesseract's TSV (level 5 rows are words); bad rows are skipped."""
    words: list[Word] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        try:
            block, par, line = int(cols[2]), int(cols[3]), int(cols[4])
            left, top, width, height = (int(c) for c in cols[6:10])
            conf = float(cols[10])
        except ValueError:
            continue
        if width <= 0 or height <= 0:
            continue
        words.append(Word(text, left, top, width, height, conf, block, par, line))
    return words


def words_to_text(words: Sequence[Word]) -> tuple[str, list[WordSpan]]:
    """Lay ``words`` out as text: spaces between words, a newline between lines,
    a blank line between paragraphs and blocks.  Return the text and each
    word's span and box."""
    parts: list[str] = []
    spans: list[WordSpan] = []
    pos = 0
    prev: tuple[int, int, int] | None = None
    for w in words:
        key = (w.block, w.par, w.line)
        if prev is not None:
            if key[:2] != prev[:2]:
                sep = "\n\n"
            elif key != prev:
                sep = "\n"
            else:
                sep = " "
            parts.append(sep)
            pos += len(sep)
        parts.append(w.text)
        spans.append(WordSpan(pos, pos + len(w.text), w.box))
        pos += len(w.text)
        prev = key
    return "".join(parts), spans


def boxes_for_span(
    spans: Iterable[WordSpan], start: int, end: int
) -> list[tuple[int, int, int, int]]:
    """The boxes of every word overlapping ``[start, end)`` of the laid-out text."""
    return [s.box for s in spans if s.start < end and s.end > start]
