"""Inputs the fuzzers (``python -m fuzz``) made crash a reader, kept after the fix.

Each file in ``fuzz_regressions/<target>/`` once raised something other than a
LeakdeskError (a traceback for the user).  The reader must now either read it
or refuse it with a LeakdeskError, and the CLI must answer with one line.  The
corrupt-member case is rebuilt by a generator below rather than kept as bytes.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from fuzz.targets import targets

from tests.conftest import run_cli

HERE = Path(__file__).parent / "fuzz_regressions"
CASES = sorted(p for p in HERE.glob("*/*") if p.is_file())


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_reader_survives(case: Path) -> None:
    targets()[case.parent.name](case.read_bytes())  # raises on anything but a LeakdeskError


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_cli_answers_in_one_line(case: Path, tmp_path: Path) -> None:
    ext = {"read-archive": ".zip", "read-docx": ".docx", "read-image": ".jpg",
           "read-pdf": ".pdf"}[case.parent.name]
    p = tmp_path / f"input{ext}"
    p.write_bytes(case.read_bytes())
    r = run_cli("audit", p)
    assert "Traceback" not in r.err
    if r.code == 2:
        assert len(r.err.strip().splitlines()) == 1 and str(p) in r.err
    else:
        assert r.code in (0, 1)


def corrupt_deflate_zip() -> bytes:
    """A zip whose one member's deflate stream is damaged (zlib 'invalid distance')."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("memo.txt", b"SECRET memo for the ambassador. " * 200)
    data = bytearray(buf.getvalue())
    start = 30 + len("memo.txt")  # local header, then the compressed stream
    for i in range(start + 4, start + 40):
        data[i] ^= 0x5A
    return bytes(data)


def test_corrupt_member_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    p = tmp_path / "damaged.zip"
    p.write_bytes(corrupt_deflate_zip())
    r = run_cli("audit", "--format", "json", p)
    assert "Traceback" not in r.err
    assert r.code == 1, r.err
    assert "could not be audited" in r.out and "memo.txt" in r.out


def pdf_with_damaged_attachment(path: Path) -> Path:
    """A PDF whose embedded file is a FlateDecode stream that does not inflate."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments["memo.txt"] = pikepdf.AttachedFileSpec(pdf, b"SECRET memo " * 50, mime_type="text/plain")
    stream = pdf.attachments["memo.txt"].obj.EF.F
    stream.write(b"\x78\x9c" + bytes(range(200)), filter=pikepdf.Name.FlateDecode)
    pdf.save(path)
    return path


def test_damaged_pdf_attachment_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    p = pdf_with_damaged_attachment(tmp_path / "attached.pdf")
    targets()["read-pdf"](p.read_bytes())
    r = run_cli("audit", "--format", "json", p)
    assert "Traceback" not in r.err and r.code == 1, r.err
    assert "memo.txt" in r.out and "damaged FlateDecode stream" in r.out


@pytest.mark.parametrize("raw", [
    # a charset name holding a NUL byte: codecs.lookup raises ValueError, not LookupError
    b'From: a@b.example\nContent-Type: text/plain; charset="ut\x00f"\n\nbody text\n',
    # an HTML body with a control character next to a <br>: lxml refuses to set that text
    b"From: a@b.example\nContent-Type: text/html\n\n<p>first</p><br>two\x01lines<br>end\n",
])
def test_hostile_mail_bodies_are_read_or_refused(raw: bytes, tmp_path: Path) -> None:
    targets()["read-email"](raw)
    p = tmp_path / "mail.eml"
    p.write_bytes(raw)
    r = run_cli("audit", p)  # a NUL makes the whole file binary to the CLI: refused
    assert "Traceback" not in r.err and len(r.err.strip().splitlines()) <= 1, r.err
    assert r.code in (0, 1, 2)
