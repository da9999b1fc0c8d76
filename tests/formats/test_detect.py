"""Format detection is by content (magic bytes), never by file name; unknown binary
types are refused with one clear line."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from leakdesk.errors import UnsupportedFormat
from leakdesk.formats import detect, read_document
from tests.conftest import run_cli


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 0, 0)).save(buf, "PNG")
    return buf.getvalue()


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 255)).save(buf, "JPEG")
    return buf.getvalue()


EML = (b"Received: from a.example by b.example; Mon, 1 Jan 2024 10:00:00 +0000\n"
       b"From: x@a.example\nTo: y@b.example\nSubject: hi\n\nbody\n")


@pytest.mark.parametrize("name,data,expected", [
    ("photo.txt", _png(), "image"),
    ("report.pdf", _png(), "image"),
    ("letter.docx", _jpeg(), "image"),
    ("image.png", b"Just a plain note, not an image at all.\n", "text"),
    ("notes.txt", EML, "email"),
    ("message.jpg", EML, "email"),
    ("noext", _jpeg(), "image"),
])
def test_detection_ignores_the_extension(tmp_path, name, data, expected):
    p = tmp_path / name
    p.write_bytes(data)
    assert detect(p).name == expected


def test_zip_named_like_an_image_is_an_archive(tmp_path):
    p = tmp_path / "holiday.jpg"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("a.txt", "hello")
    assert detect(p).name == "archive"


@pytest.mark.parametrize("data,label", [
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "ELF executable"),
    (b"MZ\x90\x00" + b"\x00" * 100 + b"\xff" * 50, "Windows executable"),
    (bytes(range(256)) * 40, "binary data"),
    (b"SQLite format 3\x00" + b"\x00" * 200, "SQLite database"),
])
def test_unknown_binary_is_refused_clearly(tmp_path, data, label):
    p = tmp_path / "mystery.txt"
    p.write_bytes(data)
    with pytest.raises(UnsupportedFormat) as err:
        read_document(p)
    line = err.value.one_line()
    assert label in line and "refuses" in line and "\n" not in line
    r = run_cli("audit", p)
    assert r.code == 2
    assert len(r.err.strip().splitlines()) == 1 and label in r.err


def test_image_magic_with_garbage_is_refused_not_taken_as_text(tmp_path):
    p = tmp_path / "fake.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10)
    assert detect(p).name == "image"
    r = run_cli("audit", p)
    assert r.code == 2 and "Traceback" not in r.err


@pytest.mark.parametrize("name,data,says", [
    ("report.pdf", _png(), "the name says .pdf but the content is a picture"),
    ("letter.docx", _jpeg(), "the name says .docx but the content is a picture"),
    ("image.png", b"Just a plain note, not an image at all.\n", "the name says .png but the content is plain text"),
    ("message.eml", b"Just a plain note.\n", "the name says .eml but the content is plain text"),
    ("holiday.zip", _png(), "the name says .zip but the content is a picture"),
])
def test_a_name_that_lies_about_the_content_is_refused(tmp_path, name, data, says):
    """Detection is by content; reading refuses a file whose extension promises another format."""
    p = tmp_path / name
    p.write_bytes(data)
    r = run_cli("audit", p)
    assert r.code == 2 and says in r.err and len(r.err.strip().splitlines()) == 1, r.err


@pytest.mark.parametrize("name,data,fmt", [
    ("photo.jpg", _png(), "png"),          # pictures may carry each other's extensions
    ("notes.txt", EML, "eml"),             # a saved e-mail
    ("noext", _jpeg(), "jpeg"),            # no extension promises nothing
    ("scan.dat", _png(), "png"),           # nor does an unknown one
])
def test_names_that_do_not_lie_are_read(tmp_path, name, data, fmt):
    p = tmp_path / name
    p.write_bytes(data)
    assert read_document(p).format == fmt


def test_an_empty_file_is_refused_as_empty_whatever_its_name(tmp_path):
    p = tmp_path / "empty.docx"
    p.write_bytes(b"")
    r = run_cli("audit", p)
    assert r.code == 2 and "empty" in r.err and "the name says" not in r.err, r.err


def test_a_password_protected_workbook_is_refused_as_such(tmp_path):
    """Encrypted Excel and PowerPoint files share Word's OLE2 container: the refusal
    says password-protected, not that the name lies."""
    from tests.office.make_fixtures import make_plain_docx, make_real_encrypted_docx

    plain = tmp_path / "plain.docx"
    make_plain_docx(plain, ["Quarterly figures."])
    for ext in ("xlsx", "pptx"):
        enc = make_real_encrypted_docx(tmp_path / f"locked.{ext}", plain, "pw")
        if enc is None:
            pytest.skip("msoffcrypto-tool is not installed")
        r = run_cli("audit", enc)
        assert r.code == 2 and "password-protected" in r.err, r.err
