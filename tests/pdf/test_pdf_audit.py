"""PDF audit: every container trace of the cable is found, named and located."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from leakdesk.errors import InputError
from leakdesk.formats import ReadOptions, detect, read_document
from leakdesk.formats._pdf_rebuild import _wrap, paragraphs
from leakdesk.formats._pdf_revisions import revision_count
from leakdesk.formats._pdf_traces import jpeg_metadata, parse_xmp
from tests.conftest import run_cli
from tests.pdf import make_fixtures
from tests.pdf.make_fixtures import BODY, BODY_PAGE2, TRACES


@pytest.fixture(scope="module")
def report(cable: Path) -> dict:
    r = run_cli("audit", cable, "--format", "json")
    assert r.code == 1, r.err
    return r.json()


def _findings(report: dict) -> list[dict]:
    return report["documents"][0]["findings"]


def _by_detector(report: dict, detector: str) -> list[dict]:
    return [f for f in _findings(report) if f["detector"] == detector]


def test_sniffed_by_content(cable: Path, tmp_path: Path) -> None:
    odd = tmp_path / "cable.txt"
    odd.write_bytes(cable.read_bytes())
    assert detect(odd).name == "pdf"
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00" * 50 + b"%PDF-1.4\n" + b"\x00" * 20)
    assert detect(junk).name == "pdf"


@pytest.mark.parametrize("key", sorted(TRACES))
def test_every_planted_value_is_named(report: dict, key: str) -> None:
    """Each trace value appears in a finding's excerpt or message (the hidden check)."""
    value = TRACES[key]
    if key == "attachment_content":
        # the attached file is audited as a child document; its text is previewed
        texts = [json.dumps(f["evidence"]) for f in _by_detector(report, "pdf-attachment")]
    else:
        texts = [f["excerpt"] + " " + f["message"] for f in _findings(report)]
    assert any(value in t for t in texts), key


@pytest.mark.parametrize(
    ("detector", "category", "words", "value"),
    [
        ("pdf-info", "metadata", "author", TRACES["author"]),
        ("pdf-xmp", "metadata", "creator tool", TRACES["xmp_creator_tool"]),
        ("pdf-annotation", "annotation", "annotation", TRACES["annotation_text"]),
        ("pdf-annotation-author", "annotation", "author", TRACES["annotation_author"]),
        ("pdf-attachment", "attachment", "embedded file", TRACES["attachment_name"]),
        ("pdf-invisible-text", "hidden", "render mode 3", TRACES["invisible_text"]),
        ("pdf-covered-text", "redaction", "under a black box", TRACES["covered_text"]),
        ("pdf-earlier-revision", "revision", "incremental update", TRACES["earlier_title"]),
        ("pdf-earlier-revision", "revision", "earlier revision", TRACES["earlier_text"]),
        ("pdf-white-text", "hidden", "invisible", TRACES["white_text"]),
        ("pdf-offpage-text", "hidden", "off the page", TRACES["offpage_text"]),
        ("pdf-tiny-text", "hidden", "microscopic", TRACES["tiny_text"]),
        ("pdf-javascript", "structure", "javascript", TRACES["javascript"]),
        ("pdf-form-field", "structure", "form field", TRACES["form_value"]),
        ("pdf-layer", "hidden", "hidden", TRACES["layer_name"]),
        ("pdf-layer-text", "hidden", "hidden layer", TRACES["layer_text"]),
        ("pdf-page-labels", "metadata", "page labels", TRACES["page_label"]),
        ("pdf-image-metadata", "image", "serial number", TRACES["exif_serial"]),
        ("pdf-image-metadata", "image", "photographer", TRACES["exif_artist"]),
        ("pdf-xmp", "metadata", "identifier", TRACES["xmp_document_id"]),
    ],
)
def test_trace_has_own_finding(report: dict, detector: str, category: str, words: str,
                               value: str) -> None:
    hits = [f for f in _by_detector(report, detector) if value in f["excerpt"]]
    assert hits, f"{detector} does not name {value!r}"
    f = hits[0]
    assert f["category"] == category
    assert f["action"] == "remove"
    assert words in f["message"].lower()
    assert f["location"]["start"] is not None


def test_traces_without_text(report: dict) -> None:
    thumbs = _by_detector(report, "pdf-thumbnail")
    assert thumbs and thumbs[0]["location"]["page"] == 1 and thumbs[0]["category"] == "image"
    revs = _by_detector(report, "pdf-revisions")
    assert revs and revs[0]["evidence"]["revisions"] == 2
    assert "incremental update" in revs[0]["message"]


def test_hidden_text_has_page_provenance(report: dict) -> None:
    for det in ("pdf-invisible-text", "pdf-covered-text", "pdf-white-text", "pdf-tiny-text"):
        (f,) = _by_detector(report, det)
        assert f["location"]["part"] == "hidden" and f["location"]["page"] == 1


def test_attachment_is_audited_as_child(report: dict) -> None:
    docs = report["documents"]
    child = [d for d in docs if d["path"].endswith("!source-notes.txt")]
    assert child and child[0]["format"] == "text"


def test_body_keeps_pages_and_leaves_hidden_text_out(cable: Path) -> None:
    doc = read_document(cable, ReadOptions())
    bodies = list(doc.iter_parts("body"))
    assert [s.page for s in bodies] == [1, 2]
    body = " ".join(doc.text[s.start:s.end] for s in bodies)
    for key in ("covered_text", "invisible_text", "white_text", "offpage_text", "tiny_text",
                "layer_text"):
        assert TRACES[key] not in body, key
    flat = " ".join(body.split())
    for para in BODY + BODY_PAGE2:
        assert fuzz.partial_ratio(para, flat) >= 98, para[:40]
    # paragraphs are split where the page leaves a gap
    page1 = doc.text[bodies[0].start:bodies[0].end]
    assert page1.count("\n\n") == len(BODY) - 1
    assert doc.meta["pages"] == 2


def test_plain_pdf_has_no_hidden_text(pdf_fixtures: dict[str, Path]) -> None:
    doc = read_document(pdf_fixtures["plain.pdf"], ReadOptions())
    kinds = {f.detector for f in doc.container_findings}
    assert not kinds & {"pdf-invisible-text", "pdf-covered-text", "pdf-white-text",
                        "pdf-revisions"}
    body = [doc.text[s.start:s.end] for s in doc.iter_parts("body")]
    paras = [p for page in body for p in page.split("\n\n")]
    expected = make_fixtures.plain_paragraphs()
    assert len(paras) == len(expected)
    for got, want in zip(paras, expected, strict=True):
        assert fuzz.ratio(" ".join(got.split()), want) >= 98


def test_ocr_layer_of_a_scan_is_the_body(pdf_fixtures: dict[str, Path]) -> None:
    doc = read_document(pdf_fixtures["scanned.pdf"], ReadOptions())
    body = "".join(doc.text[s.start:s.end] for s in doc.iter_parts("body"))
    assert "recognised by OCR" in body
    assert not [f for f in doc.container_findings if f.detector == "pdf-invisible-text"]
    assert doc.meta["ocr_layer_pages"] == [1]


def test_revision_count(pdf_fixtures: dict[str, Path], tmp_path: Path) -> None:
    assert revision_count(pdf_fixtures["cable.pdf"]) == 2
    assert revision_count(pdf_fixtures["plain.pdf"]) == 1
    lin = tmp_path / "linearized.pdf"
    subprocess.run(["qpdf", "--linearize", str(pdf_fixtures["plain.pdf"]), str(lin)], check=True)
    assert revision_count(lin) == 1
    twice = tmp_path / "twice.pdf"
    twice.write_bytes(pdf_fixtures["plain.pdf"].read_bytes())
    make_fixtures.append_update(twice, {"Title": "second"})
    make_fixtures.append_update(twice, {"Title": "third"})
    assert revision_count(twice) == 3
    doc = read_document(twice, ReadOptions())
    earlier = [f.excerpt for f in doc.container_findings if f.detector == "pdf-earlier-revision"]
    assert "second" in earlier


def test_redaction_annotation_never_applied(pdf_fixtures: dict[str, Path], tmp_path: Path) -> None:
    import pikepdf

    path = tmp_path / "redact.pdf"
    with pikepdf.open(pdf_fixtures["plain.pdf"]) as pdf:
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Redact,
            Rect=[60, 760, 560, 775])]))
        pdf.save(path)
    doc = read_document(path, ReadOptions())
    under = [f for f in doc.container_findings if f.detector == "pdf-covered-text"]
    assert under and "never applied" in under[0].message
    first_line = make_fixtures.plain_paragraphs()[0][:30]
    assert first_line[:15] in under[0].excerpt


def test_xmp_entities_are_not_expanded() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>')
    with pytest.raises(InputError) as err:  # refused as hostile, never expanded
        parse_xmp(bomb)
    assert "entities" in err.value.message


def test_xmp_history_is_grouped() -> None:
    pairs = dict(parse_xmp(make_fixtures._xmp()))
    assert pairs["xmp:CreatorTool"] == TRACES["xmp_creator_tool"]
    assert "softwareAgent=Adobe InDesign 17.2" in pairs["xmpMM:History"]


def test_jpeg_exif_values() -> None:
    values = dict(jpeg_metadata(make_fixtures._jpeg_with_exif()))
    assert values["Artist"] == TRACES["exif_artist"]
    assert values["BodySerialNumber"] == TRACES["exif_serial"]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_jpeg_and_xmp_parsers_never_crash(data: bytes) -> None:
    jpeg_metadata(b"\xff\xd8" + data)
    jpeg_metadata(b"\xff\xd8\xff\xe1" + len(data).to_bytes(2, "big") + b"Exif\x00\x00" + data)
    try:
        parse_xmp(data)
    except InputError as exc:  # a DTD or entities: refused, in one line
        assert "entities" in exc.message


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab -\n\x1e", max_size=30), max_size=8))
def test_paragraphs_keep_every_word(chunks: list[str]) -> None:
    text = "\n\n".join(chunks)
    words = [w for w in text.replace("\x1e", " ").split() if w]
    got = [w for para in paragraphs(text) for line in para for w in line.split()]
    # a soft break inside a hyphenated word joins its halves; nothing else changes
    assert "".join(got) == "".join(words)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abc xyz", max_size=200), st.integers(min_value=20, max_value=200))
def test_wrap_fits_and_keeps_words(line: str, width: int) -> None:
    def measure(s: str) -> float:
        return 5.0 * len(s)

    out = _wrap(line, float(width), measure, 5.0)
    assert "".join("".join(out).split()) == "".join(line.split())
    for row in out:
        assert measure(row) <= width or len(row) == 1


def test_black_square_annotation_over_text(pdf_fixtures: dict[str, Path], tmp_path: Path) -> None:
    """A filled square comment drawn over a line is a failed redaction too."""
    import pikepdf

    path = tmp_path / "square.pdf"
    with pikepdf.open(pdf_fixtures["plain.pdf"]) as pdf:
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Square, IC=[0, 0, 0],
            Rect=[60, 764, 560, 782], T=pikepdf.String("redactor"))]))
        pdf.save(path)
    doc = read_document(path, ReadOptions())
    under = [f for f in doc.container_findings if f.detector == "pdf-covered-text"]
    assert under and "black box (a square annotation" in under[0].message
    body = "".join(doc.text[s.start:s.end] for s in doc.iter_parts("body"))
    assert under[0].excerpt not in body


def test_invisible_text_over_a_photo_is_not_an_ocr_layer(tmp_path: Path) -> None:
    """A page with a big picture and plenty of visible text: invisible text is a trace."""
    import io

    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    Image.new("RGB", (300, 200), (90, 120, 160)).save(buf, "PNG")
    path = tmp_path / "photo.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 50, 300, 500, 450)
    c.setFont("Helvetica", 11)
    for i in range(8):
        c.drawString(72, 250 - 14 * i, f"Visible caption line {i} under the photograph.")
    t = c.beginText(100, 500)
    t.setFont("Helvetica", 11)
    t.setTextRenderMode(3)
    t.textLine("planted mark PM-5521")
    c.drawText(t)
    c.save()
    doc = read_document(path, ReadOptions())
    inv = [f for f in doc.container_findings if f.detector == "pdf-invisible-text"]
    assert inv and inv[0].excerpt == "planted mark PM-5521"
    assert doc.meta["ocr_layer_pages"] == []


def test_digital_signature_names_the_signer(pdf_fixtures: dict[str, Path], tmp_path: Path) -> None:
    import pikepdf

    path = tmp_path / "signed.pdf"
    with pikepdf.open(pdf_fixtures["plain.pdf"]) as pdf:
        sig = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Sig, Name=pikepdf.String("Signer Ingrid Holm"),
            Reason=pikepdf.String("Approved for release"),
            M=pikepdf.String("D:20240301120000Z"), Contents=pikepdf.String(b"\x30\x82\x00")))
        field = pdf.make_indirect(pikepdf.Dictionary(
            FT=pikepdf.Name.Sig, T=pikepdf.String("Signature1"), V=sig,
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, Rect=[0, 0, 0, 0]))
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[field], SigFlags=3)
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([field]))
        pdf.save(path)
    doc = read_document(path, ReadOptions())
    sigs = [f for f in doc.container_findings if f.detector == "pdf-signature"]
    assert {"Signer Ingrid Holm", "Approved for release"} <= {f.excerpt for f in sigs}
    assert any("certificate" in f.message for f in sigs)


def test_text_beyond_the_bmp(tmp_path: Path) -> None:
    """A ToUnicode map sending a code to an emoji: offsets stay one per character,
    and the full sanitize path (isolated read, clean, proof) accepts it."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
            b"/CMapName /X def 1 begincodespacerange <00> <FF> endcodespacerange "
            b"2 beginbfchar <41> <D83DDE00> <42> <0042> endbfchar endcmap "
            b"CMapName currentdict /CMap defineresource pop end end")
    content = b"BT /F1 24 Tf 72 700 Td (AB BA Report on the meeting) Tj ET"
    objs = [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >> endobj",
        b"4 0 obj << /Length %d >> stream\n%s\nendstream endobj" % (len(content), content),
        b"5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >> endobj",
        b"6 0 obj << /Length %d >> stream\n%s\nendstream endobj" % (len(cmap), cmap),
    ]
    path = make_fixtures._raw_pdf(tmp_path / "emoji.pdf", objs, root=1)
    doc = read_document(path, ReadOptions())
    body = doc.text[doc.segments[0].start:doc.segments[0].end]
    assert body.startswith("\U0001f600B B\U0001f600")
    out = tmp_path / "emoji-clean.pdf"
    r = run_cli("sanitize", path, "-o", out)
    assert r.code == 0, r.err
