"""Bad PDFs: one clear line, exit 2, no traceback, no output, and a bounded time."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leakdesk.errors import LimitExceeded
from leakdesk.formats import Limits, ReadOptions, read_document
from tests.conftest import run_cli
from tests.hardening.make_hostile import pdf_huge_length, pdf_self_length
from tests.pdf.make_fixtures import (
    _raw_pdf,
    make_endless_stream,
    make_length_off,
    make_linked,
    make_looping_field,
    make_looping_outline,
    make_plain,
    make_self_array,
    make_self_drawing_form,
)


def _refused(path: Path, tmp_path: Path, expect: str, *extra: str, seconds: float = 10.0) -> None:
    """audit and sanitize both refuse ``path`` with one line naming it."""
    for cmd in ("audit", "sanitize"):
        out = tmp_path / f"{cmd}-out.pdf"
        args = [cmd, path, *extra] + (["-o", str(out)] if cmd == "sanitize" else [])
        t0 = time.monotonic()
        r = run_cli(*args)
        elapsed = time.monotonic() - t0
        assert r.code == 2, (cmd, r.code, r.err, r.out)
        lines = r.err.strip().splitlines()
        assert len(lines) == 1, r.err
        assert lines[0].startswith("leakdesk: ") and str(path) in lines[0]
        assert expect in lines[0], lines[0]
        assert "Traceback" not in r.err and "internal error" not in r.err
        assert elapsed < seconds, f"{cmd} took {elapsed:.1f} s"
        assert not out.exists()
        assert not list(tmp_path.glob(".leakdesk-*")), "a partial output was left behind"


def test_encrypted_needs_password(pdf_fixtures: dict[str, Path], tmp_path: Path) -> None:
    _refused(pdf_fixtures["encrypted.pdf"], tmp_path, "encrypted; pass --password")


def test_encrypted_wrong_password(pdf_fixtures: dict[str, Path], tmp_path: Path) -> None:
    _refused(pdf_fixtures["encrypted.pdf"], tmp_path, "password given is wrong",
             "--password", "nope")


def test_encrypted_right_password_reads(pdf_fixtures: dict[str, Path]) -> None:
    r = run_cli("audit", pdf_fixtures["encrypted.pdf"], "--password", "s3cret", "--format", "json")
    assert r.code in (0, 1), r.err
    assert r.json()["documents"][0]["characters"] > 100


def test_truncated(pdf_fixtures: dict[str, Path], tmp_path: Path) -> None:
    _refused(pdf_fixtures["truncated.pdf"], tmp_path, "damaged")


def test_corrupt(pdf_fixtures: dict[str, Path], tmp_path: Path) -> None:
    _refused(pdf_fixtures["corrupt.pdf"], tmp_path, "not a readable PDF")


def test_header_only(tmp_path: Path) -> None:
    p = tmp_path / "header.pdf"
    p.write_bytes(b"%PDF-1.7\n")
    _refused(p, tmp_path, "not a readable PDF")


def test_repairable_damage_is_read(pdf_fixtures: dict[str, Path]) -> None:
    """A broken cross-reference table is rebuilt by qpdf: the file is read, and says so."""
    doc = read_document(pdf_fixtures["xref-damaged.pdf"], ReadOptions())
    assert doc.meta["repaired"] and doc.meta["pages"] == 2
    assert any(f.detector == "pdf-repaired" for f in doc.container_findings)
    assert len(doc.text) > 500


def test_ten_thousand_pages_refused_quickly(pdf_fixtures: dict[str, Path], tmp_path: Path) -> None:
    _refused(pdf_fixtures["many-pages.pdf"], tmp_path, "10,000 pages, over the 5,000-page limit",
             seconds=5.0)


def test_page_limit_is_configurable(pdf_fixtures: dict[str, Path]) -> None:
    with pytest.raises(LimitExceeded, match="over the 2-page limit"):
        read_document(pdf_fixtures["plain.pdf"], ReadOptions(limits=Limits(max_pages=2)))


def test_looping_page_tree(pdf_fixtures: dict[str, Path], tmp_path: Path) -> None:
    _refused(pdf_fixtures["looping-pages.pdf"], tmp_path, "loops", seconds=5.0)


HOSTILE = "refused as hostile"


def test_looping_objects_refused(pdf_fixtures: dict[str, Path], tmp_path: Path) -> None:
    """Self-referencing arrays, a form drawing itself, a looping outline and field tree."""
    _refused(pdf_fixtures["looping-objects.pdf"], tmp_path, "structure loops back on itself",
             seconds=5.0)


@pytest.mark.parametrize(("make", "says"), [
    (make_self_array, "(object 6 holds itself)"),
    (lambda p: make_looping_outline(p, "/Next"), "(object 7 refers to itself through /Next)"),
    (lambda p: make_looping_outline(p, "/First"), "(object 7 refers to itself through /First)"),
    (lambda p: make_looping_outline(p, "ring"), "(objects 7 and 8 refer to each other in a loop)"),
    (make_looping_field, "(object 6 refers to itself through /Kids)"),
    (make_self_drawing_form, "(form object 6 draws itself)"),
    (lambda p: make_self_drawing_form(p, ring=True), "(form objects 6 and 7 draw each other)"),
], ids=["array", "outline-next", "outline-first", "outline-ring", "field-kids", "form",
        "forms-ring"])
def test_self_reference_refused(make: Callable[[Path], Path], says: str,
                                tmp_path: Path) -> None:
    path = make(tmp_path / "loop.pdf")
    _refused(path, tmp_path, f"the PDF's structure loops back on itself {says}: {HOSTILE}",
             seconds=5.0)


def test_length_referring_to_its_own_stream(tmp_path: Path) -> None:
    path = pdf_self_length(tmp_path / "self-length.pdf")
    _refused(path, tmp_path, f"a stream's /Length refers to the stream itself (object 4): "
             f"{HOSTILE}", seconds=5.0)


def test_length_larger_than_the_file(tmp_path: Path) -> None:
    path = pdf_huge_length(tmp_path / "huge-length.pdf")
    size = path.stat().st_size
    _refused(path, tmp_path, f"a stream declares a /Length of 999,999,999,999 bytes, more "
             f"than the whole file ({size:,} bytes): {HOSTILE}", seconds=5.0)


@pytest.mark.parametrize("length", [None, 999_999_999_999], ids=["true-length", "huge-length"])
def test_endless_stream_refused(length: int | None, tmp_path: Path) -> None:
    """A content stream with no endstream running to the end of the file: its data (and
    the trailer) are lost, so the file is refused as damaged, quickly."""
    path = make_endless_stream(tmp_path / "endless.pdf", length)
    _refused(path, tmp_path, "truncated or damaged beyond repair", seconds=5.0)


@pytest.mark.parametrize("delta", [20, -5])
def test_length_a_little_off_is_read(delta: int, tmp_path: Path) -> None:
    """A /Length off by a few bytes (qpdf repairs it) or an indirect /Length is no attack."""
    path = make_length_off(tmp_path / "off.pdf", delta)
    r = run_cli("audit", path, "--format", "json")
    assert r.code in (0, 1), r.err
    assert "Length a little off" in read_document(path, ReadOptions()).text


def test_ordinary_back_pointers_are_read(tmp_path: Path) -> None:
    """Outlines (/Prev, /Parent, /Last), links to their own page, comments, form widgets
    (/P, /Parent), a one-bead thread (/N, /V), a form in a resource dictionary listing
    it, a signature's /Data, a reset action listing its own field: all read."""
    import pikepdf

    path = make_linked(tmp_path / "linked.pdf")
    with pikepdf.open(path) as pdf:  # the fixture really holds those links
        first = pdf.Root.Outlines.First
        assert "/Prev" in first.Next and first.Next.Parent.objgen == pdf.Root.Outlines.objgen
        bead = pdf.Root.Threads[0].F
        assert bead.N.objgen == bead.objgen == bead.V.objgen
        shared = pdf.pages[1].obj.Resources
        assert shared.XObject.Fs.Resources.objgen == shared.objgen
        assert pdf.Root.Perms.DocMDP.Reference[0].Data.objgen == pdf.Root.objgen
        kinds = {str(a.Subtype) for a in pdf.pages[0].obj.Annots}
        assert {"/Link", "/Text", "/Widget"} <= kinds
    r = run_cli("audit", path, "--format", "json")
    assert r.code in (0, 1), r.err
    report = r.json()["documents"][0]
    assert report["format"] == "pdf"
    found = {f["detector"] for f in report["findings"]}
    assert {"pdf-bookmarks", "pdf-annotation", "pdf-form-field", "pdf-threads"} <= found
    assert "Budget, details" in r.out and "Reviewer note on page 2" in r.out
    assert read_document(path, ReadOptions()).meta["pages"] == 3
    out = tmp_path / "linked-clean.pdf"
    r = run_cli("sanitize", path, "-o", out)
    assert r.code == 0, r.err
    assert out.exists()


def test_deeply_nested_forms(tmp_path: Path) -> None:
    """A chain of 3,000 form XObjects each drawing the next: no RecursionError, no hang."""
    depth = 3000
    objs = [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /XObject << /X 5 0 R >> /Font << /F 6 0 R >> >> >> endobj",
        b"4 0 obj << /Length 47 >> stream\nBT /F 12 Tf 72 700 Td (nested) Tj ET /X Do\nendstream"
        b" endobj",
        b"6 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj",
    ]
    for i in range(depth):
        num = 5 if i == 0 else 6 + i
        nxt = 7 + i
        body = b"/X Do" if i < depth - 1 else b"BT /F 9 Tf 10 10 Td (deep) Tj ET"
        objs.append(
            f"{num} 0 obj << /Type /XObject /Subtype /Form /BBox [0 0 612 792]"
            f" /Resources << /XObject << /X {nxt} 0 R >> /Font << /F 6 0 R >> >>"
            f" /Length {len(body)} >> stream\n".encode() + body + b"\nendstream endobj")
    # object numbers must be sequential for the raw writer: renumber in order
    objs.sort(key=lambda o: int(o.split(b" ", 1)[0]))
    path = _raw_pdf(tmp_path / "nested.pdf", objs, root=1)
    t0 = time.monotonic()
    r = run_cli("audit", path, "--format", "json")
    assert r.code in (0, 1, 2), r.err
    assert "Traceback" not in r.err and "RecursionError" not in r.err
    assert len(r.err.strip().splitlines()) <= 1
    assert time.monotonic() - t0 < 20


def test_time_limit(tmp_path: Path) -> None:
    path = make_plain(tmp_path / "plain.pdf", pages=2)
    with pytest.raises(LimitExceeded, match="time limit"):
        read_document(path, ReadOptions(limits=Limits(timeout_seconds=0.0)))


def test_not_a_pdf_after_all(tmp_path: Path) -> None:
    p = tmp_path / "fake.pdf"
    p.write_bytes(b"%PDF-1.4\n" + b"\x00\x01\x02" * 500)
    _refused(p, tmp_path, "not a readable PDF")


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_mutated_pdfs_fail_cleanly(tmp_path: Path, data: st.DataObject) -> None:
    """Random byte flips and cuts: a Document or one InputError, never anything else."""
    import io

    from leakdesk.errors import InputError

    buf = io.BytesIO()
    make_plain(buf, pages=2)
    raw = bytearray(buf.getvalue())
    cut = data.draw(st.integers(min_value=20, max_value=len(raw)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(0, 255)),
                               max_size=20))
    for pos, value in flips:
        raw[pos] = value
    path = tmp_path / "mutated.pdf"
    path.write_bytes(bytes(raw[:cut]))
    try:
        doc = read_document(path, ReadOptions())
    except InputError as exc:
        assert "\n" not in exc.one_line()
    else:
        assert doc.format in ("pdf", "text")


def test_time_limit_interrupts_a_spinning_loop() -> None:
    """The real-time timer stops Python code that never checks the deadline."""
    import subprocess
    import sys

    code = (
        "from pathlib import Path\n"
        "from leakdesk.errors import LimitExceeded\n"
        "from leakdesk.formats._pdf_common import Deadline, time_limit\n"
        "try:\n"
        "    with time_limit(Deadline(0.3, Path('x.pdf'))):\n"
        "        while True:\n"
        "            pass\n"
        "except LimitExceeded as exc:\n"
        "    print(exc.message)\n"
    )
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert "time limit" in proc.stdout, proc.stderr
    assert time.monotonic() - t0 < 20
