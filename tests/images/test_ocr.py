"""OCR with Tesseract: a rendered page reads back (>= 95 % of characters), words keep
their boxes, and sanitizing a scan paints removed spans so they no longer OCR out."""

from __future__ import annotations

import pytest
from PIL import Image
from rapidfuzz import fuzz

from leakdesk._exec import tesseract
from leakdesk.formats import ReadOptions, read_document

from .conftest import clean
from .make_fixtures import page_image

pytestmark = [
    pytest.mark.external,
    pytest.mark.skipif(not tesseract.available(), reason="tesseract-ocr is not installed"),
]

LINES = [
    "MEMORANDUM FOR THE PERMANENT SECRETARY",
    "Subject: review of procurement for the northern harbour",
    "1. The committee met on 12 March and reviewed the three bids.",
    "2. The second bid was withdrawn after the site visit in Rotterdam.",
    "3. Copy number 17 of 40 is issued to the finance directorate.",
    "Please return this copy to the registry by Friday.",
]


def _page(tmp_path, name="page.png", lines=LINES):
    # 12-point DejaVu Sans at 300 dpi is 50 px
    img = page_image(size=(2480, 1200), lines=lines, font_px=50)
    path = tmp_path / name
    img.save(path, dpi=(300, 300))
    return path


def test_version_and_parse():
    assert tesseract.version() >= tesseract.MIN_VERSION
    words = tesseract.parse_tsv(
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "5\t1\t1\t1\t1\t1\t10\t20\t30\t40\t96.5\tHello\n"
        "5\t1\t1\t1\t1\t2\tx\t20\t30\t40\t96.5\tbad\n"
        "5\t1\t1\t1\t2\t1\t10\t70\t30\t40\t91\tWorld\n"
        "4\t1\t1\t1\t2\t0\t10\t70\t30\t40\t-1\t\n")
    assert [w.text for w in words] == ["Hello", "World"]
    text, spans = tesseract.words_to_text(words)
    assert text == "Hello\nWorld"
    assert spans[1].start == 6 and spans[1].box == (10, 70, 40, 110)
    assert tesseract.boxes_for_span(spans, 7, 8) == [(10, 70, 40, 110)]


def test_ocr_recovers_95_percent_of_characters(tmp_path):
    doc = read_document(_page(tmp_path), ReadOptions())
    ocr = "\n".join(doc.text[s.start:s.end] for s in doc.segments if s.part == "ocr")
    truth = "\n".join(LINES)
    score = fuzz.ratio(" ".join(truth.split()), " ".join(ocr.split()))
    assert score >= 95, (score, ocr)
    assert all(s.page == 1 for s in doc.segments if s.part == "ocr")
    words = doc.meta["ocr_words"]
    assert len(words) >= 50
    start, end, page, box = words[0]
    assert doc.text[start:end] == "MEMORANDUM" and page == 1
    assert box[0] < box[2] and box[1] < box[3]


def test_multiframe_tiff_gives_a_page_per_frame(tmp_path):
    a = page_image(size=(1800, 400), lines=["First page of the report"], font_px=50)
    b = page_image(size=(1800, 400), lines=["Second page with the annex"], font_px=50)
    path = tmp_path / "two.tif"
    a.save(path, save_all=True, append_images=[b], dpi=(300, 300))
    doc = read_document(path, ReadOptions())
    pages = {s.page: doc.text[s.start:s.end] for s in doc.segments if s.part == "ocr"}
    assert "First page" in pages[1] and "Second page" in pages[2]


def test_no_ocr_option_skips_tesseract(tmp_path):
    doc = read_document(_page(tmp_path), ReadOptions(ocr=False))
    assert not [s for s in doc.segments if s.part == "ocr"]
    assert doc.meta["ocr"] == "off"


def test_sanitize_paints_removed_spans(tmp_path):
    src = _page(tmp_path)
    out = tmp_path / "clean.png"
    removed = "Copy number 17 of 40"
    _, _plan, res = clean(src, out, remove=(removed, "Rotterdam"))
    assert any("painted over" in a for a in res.actions)
    with Image.open(src) as a, Image.open(out) as b:
        assert a.size == b.size
    from leakdesk.formats import detect

    independent = detect(out).independent_text(out, ReadOptions())
    flat = " ".join(independent.split())
    assert "Rotterdam" not in flat
    assert "Copy number 17" not in flat and "17 of 40" not in flat
    # the rest of the page still reads
    assert "procurement" in flat and "registry" in flat
    again = read_document(out, ReadOptions())
    assert "Rotterdam" not in again.text
