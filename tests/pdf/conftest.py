"""Fixtures and checks shared by the PDF tests.

``pdf_fixtures`` builds every PDF of :mod:`tests.pdf.make_fixtures` once per
session.  :func:`residue` is the tests' own, second look at a sanitized output:
qpdf's ``--qdf`` decompression of the whole file, pikepdf's dump of every
stream, and pdfminer.six's ``extract_text`` (with layout analysis: not the
adapter's fast path), all searched for a list of strings.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pikepdf
import pytest

from leakdesk.document import Action, Document, Finding, Location, Severity
from leakdesk.sanitize.plan import CleanPlan, Edit
from tests.pdf import make_fixtures


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf-fixtures")


@pytest.fixture(scope="session")
def pdf_fixtures(pdf_dir: Path) -> dict[str, Path]:
    return make_fixtures.make_all(pdf_dir)


@pytest.fixture(scope="session")
def cable(pdf_fixtures: dict[str, Path]) -> Path:
    return pdf_fixtures["cable.pdf"]


def fold(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def container_plan(doc: Document, mode: str = "rebuild",
                   body_remove: Iterable[str] = ()) -> CleanPlan:
    """A plan as the sanitize engine makes it, built by hand: every container finding
    with a span removed, and each ``body_remove`` string replaced where it occurs."""
    edits: list[Edit] = []
    removed: list[str] = []
    for f in doc.container_findings:
        if f.start is not None and f.end is not None and f.action is Action.REMOVE:
            edits.append(Edit(f.start, f.end, "", f, kind="remove"))
            removed.append(f.excerpt)
    for word in body_remove:
        for seg in doc.iter_parts("body"):
            pos = doc.text.find(word, seg.start, seg.end)
            while pos >= 0:
                f = Finding("test", "identifier", Severity.HIGH, "test removal",
                            Location("body", seg.page, pos, pos + len(word)), word,
                            action=Action.REPLACE)
                edits.append(Edit(pos, pos + len(word), "[REDACTED]", f, kind="replace"))
                pos = doc.text.find(word, pos + len(word), seg.end)
        removed.append(word)
    edits.sort(key=lambda e: (e.start, e.end))
    return CleanPlan(document=doc, edits=edits, container_findings=list(doc.container_findings),
                     mode=mode, removed=removed)


def qdf_bytes(path: Path, tmp: Path) -> bytes:
    """The whole file as ``qpdf --qdf`` writes it: every stream uncompressed."""
    out = tmp / (path.name + ".qdf")
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(path), str(out)],
                   check=True, capture_output=True, timeout=60)
    return out.read_bytes()


def stream_dump(path: Path) -> bytes:
    """Every object of the file through pikepdf: decoded streams, raw when undecodable."""
    parts = []
    with pikepdf.open(path) as pdf:
        parts.append(pdf.trailer.unparse(resolved=True))
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                parts.append(obj.stream_dict.unparse(resolved=True))
                try:
                    parts.append(obj.read_bytes())
                except pikepdf.PdfError:
                    parts.append(obj.read_raw_bytes())
            elif isinstance(obj, pikepdf.Dictionary | pikepdf.Array):
                parts.append(obj.unparse(resolved=True))
    return b"\n".join(parts)


def pdfminer_text(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


def residue(path: Path, tmp: Path, strings: Iterable[str]) -> list[str]:
    """Which of ``strings`` survive in the output at ``path``, and where."""
    blobs = {"qpdf --qdf": qdf_bytes(path, tmp), "pikepdf streams": stream_dump(path)}
    text = fold(pdfminer_text(path))
    found = []
    for s in strings:
        for where, blob in blobs.items():
            low = blob.lower()
            for enc in ("utf-8", "utf-16-be", "utf-16-le"):
                if s.lower().encode(enc) in low:
                    found.append(f"{s!r} in {where} ({enc})")
        if fold(s) in text:
            found.append(f"{s!r} in pdfminer text")
    return found


def eof_count(path: Path) -> int:
    return path.read_bytes().count(b"%%EOF")
