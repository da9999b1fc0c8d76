"""The public-domain text of the bench: the King James Bible from Debian's bible-kjv.

Debian's ``bible-kjv-text`` package ships the KJV (public domain: translated in
1611) with the ``bible`` program of ``bible-kjv`` that reads it.  Install both
with ``apt-get install bible-kjv``.  Nothing is downloaded from anywhere else.

The *source* is the first books in canonical order up to about 3,000,000
characters (about 1,000 pages); the other books are the pool fabricated quotes
are drawn from.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass

SOURCE_CHARS = 3_000_000
_REF = re.compile(r"^(\d?[A-Za-z]+)(\d+):(\d+) (.*)$")


@dataclass(frozen=True, slots=True)
class Verse:
    book: str
    chapter: int
    verse: int
    text: str


@dataclass(slots=True)
class Corpus:
    source_text: str
    #: (verse, offset of its text in source_text)
    source_verses: list[tuple[Verse, int]]
    pool: list[Verse]


def load_verses() -> list[Verse]:
    exe = shutil.which("bible")
    if exe is None:
        raise SystemExit(
            "bench/quotes needs the King James Bible from Debian: apt-get install bible-kjv"
        )
    env = {**os.environ, "COLUMNS": "100000"}
    out = subprocess.run(
        [exe, "-f", "Gen1:1-Rev22:21"], capture_output=True, text=True, timeout=300,
        check=True, env=env,
    ).stdout
    verses = []
    for line in out.splitlines():
        m = _REF.match(line.strip())
        if m:
            verses.append(Verse(m.group(1), int(m.group(2)), int(m.group(3)), m.group(4).strip()))
    if len(verses) < 30000:
        raise SystemExit(f"bible printed {len(verses)} verses; expected 31,102")
    return verses


def build(source_chars: int = SOURCE_CHARS) -> Corpus:
    """The source document (whole books, one paragraph per chapter) and the pool."""
    verses = load_verses()
    books: list[list[Verse]] = []
    for v in verses:
        if not books or books[-1][0].book != v.book:
            books.append([])
        books[-1].append(v)
    parts: list[str] = []
    placed: list[tuple[Verse, int]] = []
    size = 0
    pool: list[Verse] = []
    for book in books:
        if size >= source_chars:
            pool.extend(book)
            continue
        chapter = -1
        for v in book:
            if v.chapter != chapter:
                if parts:
                    parts.append("\n\n")
                    size += 2
                chapter = v.chapter
            elif parts:
                parts.append(" ")
                size += 1
            placed.append((v, size))
            parts.append(v.text)
            size += len(v.text)
    return Corpus("".join(parts) + "\n", placed, pool)
