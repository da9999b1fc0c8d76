"""PDF sanitize: rebuild and raster leave none of the traces, in any byte or in the text.

Each output is checked by the tests' own readers (qpdf --qdf, a pikepdf stream
dump, pdfminer's extract_text), not only by the adapter's residue view.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from rapidfuzz import fuzz

from leakdesk.document import Document, Segment
from leakdesk.formats import ReadOptions, read_document
from leakdesk.formats._pdf_rebuild import rebuild
from leakdesk.formats._pdf_text import PageText
from leakdesk.formats.pdf import Adapter
from leakdesk.sanitize.plan import CleanPlan
from tests.conftest import run_cli
from tests.pdf.conftest import container_plan, eof_count, pdfminer_text, residue
from tests.pdf.make_fixtures import BODY, BODY_PAGE2, TRACES

#: Values that must not survive (the attachment's content is checked too).
GONE = sorted(set(TRACES.values()))


def _clean(cable: Path, tmp_path: Path, mode: str, body_remove: tuple[str, ...] = ()) -> Path:
    doc = read_document(cable, ReadOptions())
    plan = container_plan(doc, mode, body_remove)
    out = tmp_path / f"clean-{mode}.pdf"
    result = Adapter().clean(doc, plan, out, ReadOptions())
    assert result.mode == mode and out.stat().st_size > 0
    return out


def _paragraphs_survive(out: Path) -> None:
    text = " ".join(pdfminer_text(out).split())
    for para in BODY + BODY_PAGE2:
        assert fuzz.partial_ratio(para, text) >= 95, para[:50]


def _structure_is_fresh(out: Path) -> None:
    assert eof_count(out) == 1
    assert Adapter().revision_count(out) == 1
    with pikepdf.open(out) as pdf:
        assert "/Info" not in pdf.trailer
        assert set(pdf.Root.keys()) == {"/Type", "/Pages"}
        for page in pdf.pages:
            assert "/Annots" not in page.obj and "/Thumb" not in page.obj
        assert not pdf.attachments


def test_rebuild_leaves_no_trace(cable: Path, tmp_path: Path) -> None:
    out = _clean(cable, tmp_path, "rebuild")
    assert residue(out, tmp_path, GONE) == []
    _structure_is_fresh(out)
    _paragraphs_survive(out)
    with pikepdf.open(out) as pdf:
        fonts = {str(f.get("/BaseFont")) for p in pdf.pages
                 for f in p.obj.Resources.Font.values()}
        assert all("DejaVuSans" in f for f in fonts)


def test_rebuild_reflows_and_replaces_body_spans(cable: Path, tmp_path: Path) -> None:
    out = _clean(cable, tmp_path, "rebuild", body_remove=("Tuesday", "secretariat"))
    assert residue(out, tmp_path, ["Tuesday", "secretariat"]) == []
    text = " ".join(pdfminer_text(out).split())
    assert "The committee met on [REDACTED] to discuss" in text
    # reflowed: a paragraph's soft line breaks are gone (the original broke after "budget.")
    assert "regional budget. Delegates from the three" in text


def test_raster_leaves_no_trace(cable: Path, tmp_path: Path) -> None:
    out = _clean(cable, tmp_path, "raster")
    assert residue(out, tmp_path, GONE + BODY) == []  # no text layer at all
    _structure_is_fresh(out)
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 2
        filters = []
        for page in pdf.pages:
            (image,) = page.obj.Resources.XObject.values()
            filters.append(str(image.Filter))
            assert b"Exif" not in image.read_raw_bytes()[:200]
    # page 1 holds a colour photo (JPEG); page 2 is black on white (lossless gray)
    assert filters == ["/DCTDecode", "/FlateDecode"]


def test_raster_paints_over_removed_words(cable: Path, tmp_path: Path) -> None:
    out = _clean(cable, tmp_path, "raster", body_remove=("Tuesday",))
    # where "Tuesday" was drawn on page 1 of the input, the output is black
    src = pdfium.PdfDocument(cable)
    src_page = src[0]
    tp = src_page.get_textpage()
    raw = tp.get_text_range()
    i = raw.index("Tuesday")
    left, bottom, right, top = tp.get_charbox(i + 3)
    dst = pdfium.PdfDocument(out)
    dst_page = dst[0]
    img = dst_page.render(scale=150 / 72).to_pil().convert("L")
    k = img.height / dst_page.get_size()[1]
    x, y = int((left + right) / 2 * k), int(img.height - (bottom + top) / 2 * k)
    assert img.getpixel((x, y)) < 40
    # a word that stays is not painted: its middle has white between strokes
    j = raw.index("committee")
    l2, b2, r2, t2 = tp.get_charbox(j)
    crop = img.crop((int(l2 * k) - 2, int(img.height - t2 * k), int(r2 * k) + 30,
                     int(img.height - b2 * k)))
    assert max(crop.tobytes()) > 200


def test_cli_sanitize_both_modes(cable: Path, tmp_path: Path) -> None:
    """The full path: audit, engine, adapter, residue proof."""
    for mode in ("rebuild", "raster"):
        out = tmp_path / f"cli-{mode}.pdf"
        r = run_cli("sanitize", cable, "-o", out, "--mode", mode, "--format", "json")
        assert r.code == 0, r.err + r.out
        report = r.json()
        checks = {c["id"]: c["status"] for c in report["proof"]["checks"]}
        assert checks["bytes"] == checks["revisions"] == "passed"
        assert residue(out, tmp_path, GONE) == []
        _structure_is_fresh(out)
        if mode == "rebuild":
            _paragraphs_survive(out)


def test_sanitize_encrypted_with_password(pdf_fixtures: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "decrypted.pdf"
    r = run_cli("sanitize", pdf_fixtures["encrypted.pdf"], "-o", out, "--password", "s3cret")
    assert r.code == 0, r.err
    with pikepdf.open(out) as pdf:
        assert not pdf.is_encrypted


def _one_page_doc(text: str, tmp_path: Path) -> tuple[Document, list[PageText]]:
    doc = Document(text, [Segment(0, len(text), "body", 1, "page 1")], path=tmp_path / "x.pdf",
                   format="pdf")
    page = PageText(1, text, text, [(0, 0, len(text))], [], [], len(text))
    return doc, [page]


def test_rebuild_any_unicode(tmp_path: Path) -> None:
    text = ("Zürich – Ελληνικά – Русский – עברית\nCJK 東京 and emoji 🙂 and a\u200bzero-width "
            "space\x07 and a control.")
    doc, pages = _one_page_doc(text, tmp_path)
    out = tmp_path / "unicode.pdf"
    result = rebuild(doc, CleanPlan(document=doc), pages, out, ReadOptions())
    got = pdfminer_text(out)
    assert "Zürich – Ελληνικά – Русский" in got
    assert "\u200b" not in got and "\x07" not in got
    assert any("font lacks" in n for n in result.not_done)
    assert result.extra["missing_glyphs"] == 3  # 東, 京 and 🙂


def test_rebuild_refuses_a_document_without_text(tmp_path: Path) -> None:
    doc, pages = _one_page_doc("", tmp_path)
    from leakdesk.errors import UsageError

    with pytest.raises(UsageError, match="raster"):
        rebuild(doc, CleanPlan(document=doc), pages, tmp_path / "empty.pdf", ReadOptions())


def test_rebuild_long_document_breaks_pages(tmp_path: Path) -> None:
    para = "word " * 2000
    doc, pages = _one_page_doc(para.strip(), tmp_path)
    out = tmp_path / "long.pdf"
    result = rebuild(doc, CleanPlan(document=doc), pages, out, ReadOptions())
    assert result.extra["pages"] >= 3
    assert pdfminer_text(out).split().count("word") == 2000


def test_residue_view_sees_every_stream(cable: Path, tmp_path: Path) -> None:
    out = _clean(cable, tmp_path, "rebuild", body_remove=("Tuesday",))
    labels = [label for label, _ in Adapter().residue_streams(out, ReadOptions())]
    assert labels[0] == "file" and "trailer" in labels
    assert any(label.endswith("stream") for label in labels)
    text = Adapter().independent_text(out, ReadOptions())
    assert "[REDACTED]" in text and "Tuesday" not in text


@pytest.mark.external
def test_raster_ocr_layer(cable: Path, tmp_path: Path) -> None:
    from leakdesk._exec import tesseract

    if not tesseract.available():
        pytest.skip("tesseract is not installed")
    doc = read_document(cable, ReadOptions())
    plan = container_plan(doc, "raster", ("Tuesday",))
    plan.options["ocr"] = True
    out = tmp_path / "ocr.pdf"
    result = Adapter().clean(doc, plan, out, ReadOptions())
    assert any("OCR text layer" in a for a in result.actions)
    words = " ".join(pdfminer_text(out).split())
    assert "committee" in words and "secretariat" in words  # read back from the pixels
    assert "Tuesday" not in words  # painted over before OCR
    assert residue(out, tmp_path, [*GONE, "Tuesday"]) == []


def test_raster_of_a_rotated_page(pdf_fixtures: dict[str, Path], tmp_path: Path) -> None:
    """Boxes are drawn in page space before rendering, so rotation cannot misplace them."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    src = tmp_path / "rotated.pdf"
    with pikepdf.open(pdf_fixtures["plain.pdf"]) as pdf:
        pdf.pages[0].obj.Rotate = 90
        pdf.save(src)
    doc = read_document(src, ReadOptions())
    word = doc.text[doc.segments[0].start:].split()[3]
    out = tmp_path / "rotated-clean.pdf"
    Adapter().clean(doc, container_plan(doc, "raster", (word,)), out, ReadOptions())
    dst = pdfium.PdfDocument(out)
    page = dst[0]
    width, height = page.get_size()
    assert width > height  # landscape, as the rotated page is shown
    img = page.render(scale=150 / 72).to_pil().convert("L")
    # where the word's first occurrence is shown on the rotated input page, it is black
    inp = pdfium.PdfDocument(src)
    in_page = inp[0]
    tp = in_page.get_textpage()
    i = tp.get_text_range().index(word)
    left, bottom, right, top = tp.get_charbox(i + 1)
    dx, dy = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDF_PageToDevice(in_page.raw, 0, 0, img.width, img.height, 0,
                               (left + right) / 2, (bottom + top) / 2, dx, dy)
    assert img.getpixel((dx.value, dy.value)) < 40
