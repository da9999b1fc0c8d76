"""Regressions for bugs the real-world corpus (bench/realworld) found, on generated files.

Each test rebuilds a minimal reproduction (tests/realworld/make_fixtures.py) of a
public test file that once broke leakdesk's one-line-error or no-leak contract.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from leakdesk.errors import InputError
from leakdesk.formats.base import ReadOptions
from leakdesk.formats.image import Adapter as ImageAdapter
from leakdesk.formats.image import quiet_c_stderr

from .make_fixtures import write_all


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_all(tmp_path_factory.mktemp("realworld"))


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess: stderr is the process's own file descriptor 2,
    where C libraries and logging's last-resort handler write."""
    env = {k: v for k, v in os.environ.items() if k != "LEAKDESK_DEBUG"}
    return subprocess.run([sys.executable, "-m", "leakdesk", *map(str, args)],
                          capture_output=True, text=True, timeout=120, check=False, env=env)


def _one_line(stderr: str) -> bool:
    return stderr.count("\n") == 1 and stderr.startswith("leakdesk: ") and \
        "Traceback" not in stderr


@pytest.mark.parametrize("name", ["libtiff-noise.tif", "bad-deflate.tif"])
def test_broken_tiff_gives_one_line_and_no_output(fx: dict[str, Path], tmp_path: Path,
                                                  name: str) -> None:
    # Pillow's Tests/images/libtiff_segfault.tif and oom-*.tif: Pillow's TIFF plugin
    # logged "More samples per pixel than can be decoded" (logging's last resort
    # printed it); a bad deflate strip makes libtiff print on fd 2 itself
    src = fx[name]
    audit = _cli("audit", "--no-ocr", src)
    assert audit.returncode == 2
    assert _one_line(audit.stderr), audit.stderr
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    san = _cli("sanitize", "--no-ocr", src, "-o", out_dir / "clean.tif")
    assert san.returncode == 2
    assert _one_line(san.stderr), san.stderr
    assert list(out_dir.iterdir()) == []


def test_libtiff_c_message_stays_off_fd2_in_process(fx: dict[str, Path],
                                                    capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InputError, match="corrupt image data"):
        ImageAdapter().read(fx["bad-deflate.tif"], ReadOptions(ocr=False))
    assert capfd.readouterr().err == ""


def test_quiet_c_stderr_restores_fd2_and_nests(capfd: pytest.CaptureFixture[str]) -> None:
    with quiet_c_stderr():
        os.write(2, b"hidden-1\n")
        with quiet_c_stderr():
            os.write(2, b"hidden-2\n")
        os.write(2, b"hidden-3\n")
    os.write(2, b"shown\n")
    assert capfd.readouterr().err == "shown\n"


# -- SVG: was read as plain text (metadata audited as prose, cleaning blanked the
#    namespace URLs and kept the author); mat2 ships a dirty.svg -----------------

def test_svg_is_detected_and_every_trace_is_named(fx: dict[str, Path]) -> None:
    from leakdesk.formats import detect
    from tests.conftest import run_cli

    from .make_fixtures import SVG_SECRETS

    assert detect(fx["dirty.svg"]).name == "svg"
    r = run_cli("audit", "--format", "json", fx["dirty.svg"])
    assert r.code == 1, r.err
    report = r.json()["documents"][0]
    assert report["format"] == "svg"
    dump = r.out
    for secret in SVG_SECRETS:
        assert secret.replace("'", "\\u0027") in dump or secret in dump, secret
    assert "TOP SECRET//NOFORN" in dump  # a marking split over two <tspan>s


def test_svg_sanitize_keeps_the_drawing_and_drops_every_trace(fx: dict[str, Path],
                                                              tmp_path: Path) -> None:
    from lxml import etree

    from tests.conftest import run_cli

    from .make_fixtures import SVG_SECRETS

    out = tmp_path / "clean.svg"
    r = run_cli("sanitize", "--no-ocr", fx["dirty.svg"], "-o", out)
    assert r.code == 0, r.err + r.out
    data = out.read_bytes()
    for secret in (*SVG_SECRETS, "inkscape", "sodipodi", "rdf:", "<!--", "script", "onload",
                   "NOFORN", "https://"):
        assert secret.encode() not in data, secret
    root = etree.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"  # namespace intact
    assert root.get("viewBox") == "0 0 200 120"
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "The budget for 2024 is final." in texts
    assert root.find(".//{http://www.w3.org/2000/svg}rect") is not None
    # the embedded picture is still there, re-encoded without its text chunk
    hrefs = [i.get("href") for i in root.iter("{http://www.w3.org/2000/svg}image")]
    assert any(h and h.startswith("data:image/png;base64,") for h in hrefs)


def test_svg_with_entities_is_refused_in_one_line(tmp_path: Path) -> None:
    src = tmp_path / "laughs.svg"
    src.write_text('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
                   '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
                   '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>\n')
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    r = _cli("sanitize", "--no-ocr", src, "-o", out_dir / "c.svg")
    assert r.returncode == 2
    assert _one_line(r.stderr) and "entities" in r.stderr, r.stderr
    assert list(out_dir.iterdir()) == []


# -- Netpbm: a binary PPM without NUL bytes was taken for text ---------------------

def test_ppm_comment_named_and_removed(fx: dict[str, Path], tmp_path: Path) -> None:
    from PIL import Image

    from tests.conftest import run_cli

    r = run_cli("audit", "--no-ocr", "--format", "json", fx["comment.ppm"])
    assert r.code == 1, r.err
    doc = r.json()["documents"][0]
    assert doc["format"] == "pnm"
    assert "ScanDesk 4.2 for Jane Roe" in r.out
    out = tmp_path / "clean.ppm"
    r = run_cli("sanitize", "--no-ocr", fx["comment.ppm"], "-o", out)
    assert r.code == 0, r.err + r.out
    data = out.read_bytes()
    assert data.startswith(b"P6") and b"#" not in data.split(b"255\n", 1)[0]
    assert b"Jane Roe" not in data and b"ScanDesk" not in data
    with Image.open(out) as im:
        assert im.size == (16, 8)
        assert im.getpixel((3, 3)) == (200, 10, 10)


# -- JPEG: stray bytes between segments hid the XMP packet that follows them --------

def test_jpeg_segments_after_stray_bytes_are_audited(fx: dict[str, Path], tmp_path: Path) -> None:
    from PIL import Image

    from tests.conftest import run_cli

    from .make_fixtures import XMP_DOC_ID, XMP_TOOLKIT

    src = fx["junk-then-xmp.jpg"]
    with Image.open(src) as im:  # a viewer still shows it
        im.load()
    r = run_cli("audit", "--no-ocr", "--format", "json", src)
    assert r.code == 1, r.err
    assert XMP_DOC_ID in r.out
    assert XMP_TOOLKIT in r.out  # x:xmptk names the tool: quoted, not summarised
    assert "stray bytes between JPEG segments" in r.out
    out = tmp_path / "clean.jpg"
    r = run_cli("sanitize", "--no-ocr", src, "-o", out)
    assert r.code == 0, r.err + r.out
    data = out.read_bytes()
    assert XMP_DOC_ID.encode() not in data and b"Adobe XMP" not in data


# -- JPEG 2000: refused as "unsupported file type (binary data)" -------------------

def test_jp2_metadata_named_and_removed(fx: dict[str, Path], tmp_path: Path) -> None:
    from PIL import Image

    from tests.conftest import run_cli

    from .make_fixtures import JP2_SECRETS

    src = fx["meta.jp2"]
    r = run_cli("audit", "--no-ocr", "--format", "json", src)
    assert r.code == 1, r.err
    assert r.json()["documents"][0]["format"] == "jp2"
    for secret in (*JP2_SECRETS, "station 42", "Created by OpenJPEG"):
        assert secret in r.out, secret
    out = tmp_path / "clean.jp2"
    r = run_cli("sanitize", "--no-ocr", src, "-o", out)
    assert r.code == 0, r.err + r.out
    data = out.read_bytes()
    for secret in (*JP2_SECRETS, "station 42", "OpenJPEG"):
        assert secret.encode() not in data, secret
    with Image.open(out) as im:
        assert im.size == (32, 24)


# -- PPTX: a one-word speaker note ("Notes") was "found" by the residue proof inside
#    notesMaster1.xml, <p:notesSz> and the notes master's shape name ----------------

def _rezip(src: Path, dst: Path, edit: dict[str, tuple[bytes, bytes]]) -> Path:
    """A copy of the zip at ``src`` with ``old`` replaced by ``new`` in some members."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in edit:
                old, new = edit[info.filename]
                assert old in data, (info.filename, old)
                data = data.replace(old, new, 1)
            zout.writestr(info, data)
    return dst


def test_short_speaker_note_is_removed_and_proven(fx: dict[str, Path], tmp_path: Path) -> None:
    import zipfile

    from tests.conftest import run_cli

    from .make_fixtures import NOTE_TEXT

    src = fx["short-note.pptx"]
    with zipfile.ZipFile(src) as z:  # the reproduction holds what prs-notes.pptx holds
        assert f"<a:t>{NOTE_TEXT}</a:t>".encode() in z.read("ppt/notesSlides/notesSlide1.xml")
        assert b'name="Notes Placeholder' in z.read("ppt/notesMasters/notesMaster1.xml")
    out = tmp_path / "clean.pptx"
    r = run_cli("sanitize", "--no-ocr", "--format", "json", src, "-o", out)
    assert r.code == 0, r.err + r.out
    report = r.json()
    assert report["proof"]["passed"] is True
    bytes_check = next(c for c in report["proof"]["checks"] if c["id"] == "bytes")
    assert bytes_check["status"] == "passed"
    assert bytes_check["searched"]["whole_words"] >= 1
    assert bytes_check["searched"]["xml_streams_without_names"] > 0
    assert any("renamed 1 master or layout shape" in a for a in report["actions"])
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert not any("notesSlide" in n for n in names)
        master = z.read("ppt/notesMasters/notesMaster1.xml")
        everything = b"\n".join(z.read(n) for n in names)
    assert b"Notes Placeholder" not in master
    assert f">{NOTE_TEXT}<".encode() not in everything
    assert b"Quarterly review of the harbour project" in everything  # the slide is kept


def test_short_removed_word_left_in_the_output_still_fails(fx: dict[str, Path],
                                                           tmp_path: Path) -> None:
    from leakdesk import api
    from leakdesk.formats.pptx import Adapter as PptxAdapter
    from leakdesk.sanitize.proof import prove

    from .make_fixtures import NOTE_TEXT

    clean = tmp_path / "clean.pptx"
    result = api.sanitize(fx["short-note.pptx"], clean)
    assert result.proof is not None and result.proof.passed
    assert NOTE_TEXT in result.plan.removed
    slide = "ppt/slides/slide1.xml"
    body = b"Budget and planning"

    def proof_of(name: str, old: bytes, new: bytes) -> tuple[str, str]:
        bad = _rezip(clean, tmp_path / name, {slide: (old, new)})
        report = prove(result.plan, bad, writer=PptxAdapter())
        assert not report.passed
        return report.check("bytes").status, report.check("text").status

    # as text of the slide: both checks find it
    assert proof_of("text.pptx", body, b"Notes: budget and planning") == ("failed", "failed")
    # as an attribute value (a shape name): the bytes check finds it
    status = proof_of("attr.pptx", b'name="Title 1"', b'name="Notes 1"')
    assert status[0] == "failed"
    # glued to a longer word in the text: not a whole word in the bytes, but the
    # text check (whitespace and case ignored) still finds it
    assert proof_of("glued.pptx", body, b"Notesheet budget and planning") == \
        ("passed", "failed")


# -- PDF: Chinese text rebuilt in a font without Chinese glyphs read back as U+FFFD,
#    so the proof refused it; the XMP toolkit (x:xmptk) was not reported -----------

def test_cjk_pdf_falls_back_to_raster_and_names_the_xmp_toolkit(fx: dict[str, Path],
                                                                 tmp_path: Path) -> None:
    import pikepdf

    from leakdesk.formats.base import ReadOptions
    from leakdesk.formats.pdf import Adapter as PdfAdapter
    from tests.conftest import run_cli

    from .make_fixtures import CJK_LINES, PDF_CREATOR_TOOL, PDF_XMP_TOOLKIT

    src = fx["cjk-xmp.pdf"]
    doc = PdfAdapter().read(src, ReadOptions(ocr=False))
    assert CJK_LINES[0] in doc.text  # the body really is Chinese text
    r = run_cli("audit", "--no-ocr", "--format", "json", src)
    assert r.code == 1, r.err
    findings = r.json()["documents"][0]["findings"]
    tk = [f for f in findings if f["detector"] == "pdf-xmp"
          and f["evidence"].get("property") == "x:xmptk"]
    assert len(tk) == 1 and tk[0]["evidence"]["value"] == PDF_XMP_TOOLKIT  # padding stripped
    assert PDF_XMP_TOOLKIT in tk[0]["message"]
    assert not any(f["detector"] == "whitespace" for f in findings)

    out = tmp_path / "clean.pdf"
    r = run_cli("sanitize", "--no-ocr", "--format", "json", src, "-o", out)
    assert r.code == 0, r.err + r.out
    report = r.json()
    assert report["proof"]["passed"] is True
    assert report["mode"] == "raster"
    assert any(a.startswith("rebuilt as images because the font") and "CJK" in a
               for a in report["actions"])
    data = out.read_bytes()
    for gone in (PDF_XMP_TOOLKIT, "Adobe XMP", "xmptk", PDF_CREATOR_TOOL, "ReportLab"):
        assert gone.encode() not in data, gone
    with pikepdf.open(out) as pdf:
        assert "/Metadata" not in pdf.Root
        assert len(pdf.pages) == 1


def test_rebuild_still_used_when_the_font_has_the_glyphs(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    from tests.conftest import run_cli

    src = tmp_path / "latin.pdf"
    c = canvas.Canvas(str(src), invariant=1)
    c.drawString(72, 720, "Überprüfung der Hafenpläne für Zoë und Jürgen, März 2024.")
    c.showPage()
    c.save()
    out = tmp_path / "clean.pdf"
    r = run_cli("sanitize", "--no-ocr", "--format", "json", src, "-o", out)
    assert r.code == 0, r.err + r.out
    report = r.json()
    assert report["mode"] == "rebuild"
    assert not any("rebuilt as images" in a for a in report["actions"])


def test_raster_fallback_threshold() -> None:
    from leakdesk.formats._pdf_rebuild import font_path, lacking_glyphs
    from leakdesk.formats._pdf_typeset import load_font

    from .make_fixtures import CJK_LINES

    names = load_font(font_path()).names
    english = "The harbour plan was approved by the board after a long discussion. " * 4
    # a name in another script: replaced and reported, the copy is still rebuilt
    assert lacking_glyphs([english + "Signed in 東京."], names) == {}
    # a Chinese section: too much would be lost, the copy is rasterised
    lost = lacking_glyphs([english, "\n".join(CJK_LINES)], names)
    assert lost and all("\u4e00" <= c <= "\u9fff" for c in lost)
    ideographs = [c for ln in CJK_LINES for c in ln if "\u4e00" <= c <= "\u9fff"]
    assert sum(lost.values()) == len(ideographs) < sum(map(len, CJK_LINES))  # not ：，
    assert lacking_glyphs(["\n".join(CJK_LINES)], names)
