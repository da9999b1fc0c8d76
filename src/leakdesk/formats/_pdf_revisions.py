"""Incremental updates: how many revisions a PDF holds, and what earlier ones still say.

A PDF editor that "saves" by appending an incremental update leaves every
earlier version of the file in place: cut the file after an earlier
``startxref … %%EOF`` and you have the earlier document back.  This module
counts the revisions and opens each earlier one (within limits) to recover
metadata values and page text that the current version no longer shows.
"""

from __future__ import annotations

import io
import mmap
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium

from ..errors import LeakdeskError
from ._pdf_common import Deadline, open_quietly
from ._pdf_traces import HIGH, Trace, clip, scan_structure

_EOF = re.compile(rb"startxref\s+(\d+)\s*%%EOF")
#: Earlier revisions opened at most (the count is always exact).
MAX_EARLIER = 20
_MAX_LINES = 200


def _ends(data: bytes | mmap.mmap, linearized: bool) -> list[int]:
    ends = []
    for m in _EOF.finditer(data):
        if linearized and int(m.group(1)) == 0:
            continue  # the first-page trailer of a linearized file is not a revision
        ends.append(m.end())
    return ends


def revision_ends(path: Path, linearized: bool | None = None) -> list[int]:
    """Byte offsets where each revision of ``path`` ends (one per incremental save)."""
    with open(path, "rb") as fh:
        try:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # empty file
            return []
        with mm:
            if linearized is None:
                linearized = b"/Linearized" in mm[:2048]
            return _ends(mm, linearized)


def revision_count(path: Path) -> int:
    """Number of revisions (1 for a file saved once; 0 if no end-of-file marker)."""
    return len(revision_ends(path))


@dataclass(slots=True)
class _Earlier:
    index: int  # 1-based revision number
    values: list[Trace]
    pages: list[str]


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _open_earlier(data: bytes, password: str | None) -> tuple[pikepdf.Pdf, pdfium.PdfDocument]:
    pike = open_quietly(io.BytesIO(data), password)
    try:
        doc = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError:
        pike.close()
        raise
    return pike, doc


def _earlier_revisions(path: Path, ends: list[int], password: str | None, max_pages: int,
                       deadline: Deadline) -> Iterator[_Earlier]:
    data = path.read_bytes()
    for index, end in enumerate(ends[:-1][:MAX_EARLIER], start=1):
        deadline.check()
        chunk = data[:end] + b"\n"
        try:
            pike, doc = _open_earlier(chunk, password)
        except (pikepdf.PdfError, pdfium.PdfiumError, RuntimeError, ValueError):
            continue
        try:
            values = scan_structure(pike, deadline, light=True).traces
            pages = []
            for i in range(min(len(doc), max_pages)):
                deadline.check()
                page = doc[i]
                tp = page.get_textpage()
                pages.append(tp.get_text_range())
                tp.close()
                page.close()
            yield _Earlier(index, values, pages)
        except (pikepdf.PdfError, pdfium.PdfiumError, RuntimeError, ValueError):
            continue
        finally:
            doc.close()
            pike.close()


def revision_traces(
    path: Path,
    current_values: list[str],
    current_pages: list[str],
    *,
    password: str | None,
    max_pages: int,
    deadline: Deadline,
    linearized: bool,
) -> list[Trace]:
    """Traces for the revision count and for what earlier revisions still hold.

    ``current_values`` are the trace values of the current version and
    ``current_pages`` its page texts (all characters, hidden ones too); an
    earlier value or line is reported when the current version no longer has it.
    """
    ends = revision_ends(path, linearized)
    count = len(ends)
    if count <= 1:
        return []
    out = [Trace(
        "pdf-revisions", "revision", HIGH,
        f"The file was saved {count} times with incremental updates: it still holds "
        f"{count - 1} earlier revision(s), which anyone can recover by cutting the file at an "
        "earlier end-of-file marker.",
        "metadata", None, None, "incremental updates", {"revisions": count},
    )]
    known = {_normal(v) for v in current_values if v}
    current_lines = [{_normal(ln) for ln in text.splitlines()} for text in current_pages]
    current_all = _normal(" ".join(current_pages))
    reported: set[str] = set()
    try:
        for earlier in _earlier_revisions(path, ends, password, max_pages, deadline):
            where = f"an earlier revision (revision {earlier.index} of {count})"
            for t in earlier.values:
                if not t.value or not t.value.strip():
                    continue
                norm = _normal(t.value)
                if norm in known or norm in reported or norm in current_all:
                    continue
                reported.add(norm)
                what = t.source or t.detector
                out.append(Trace(
                    "pdf-earlier-revision", "revision", HIGH,
                    f"{where.capitalize()}, kept by an incremental update, had {what}: "
                    f"'{clip(t.value)}'. The current version no longer shows it, but it is "
                    "still in the file.",
                    "revision", t.page, t.value, f"revision {earlier.index}: {what}",
                    {"revision": earlier.index, "of": count, "source": what},
                ))
            for number, text in enumerate(earlier.pages, start=1):
                now = current_lines[number - 1] if number <= len(current_lines) else set()
                gone = []
                for line in text.splitlines():
                    norm = _normal(line)
                    if norm and norm not in now and norm not in reported and \
                            norm not in current_all:
                        reported.add(norm)
                        gone.append(line.strip())
                if not gone:
                    continue
                value = "\n".join(gone[:_MAX_LINES])
                out.append(Trace(
                    "pdf-earlier-revision", "revision", HIGH,
                    f"Page {number} of {where} held text the current version no longer shows: "
                    f"'{clip(value)}'. Incremental updates keep earlier text in the file.",
                    "revision", number, value, f"revision {earlier.index}: page {number} text",
                    {"revision": earlier.index, "of": count, "lines": len(gone)},
                ))
    except LeakdeskError:
        raise
    return out
