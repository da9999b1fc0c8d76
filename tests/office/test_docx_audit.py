"""Auditing a DOCX names every trace the fixture carries, with its value."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from leakdesk.formats import ReadOptions, detect, read_document
from tests.conftest import run_cli

from .conftest import docx_paragraphs
from .make_fixtures import BODY, TRACES, TRICKY_RUNS

#: Values that sit in the body, header or footer (text detectors' job, not containers').
IN_TEXT = {"header_marking", "footer_marking", "field_filename"}
#: Values of the embedded document, audited as a child.
IN_CHILD = {"embedded_author"}


@pytest.fixture(scope="module")
def report(office_dir: Path) -> dict:
    r = run_cli("audit", office_dir / "full.docx", "--format", "json")
    assert r.code == 1, r.err
    return r.json()


def test_json_mentions_every_value(report: dict) -> None:
    text = json.dumps(report, ensure_ascii=False)
    missing = [k for k, v in TRACES.items()
               if k not in IN_TEXT and json.dumps(v, ensure_ascii=False)[1:-1] not in text]
    assert not missing, missing
    for word in ("rsid", "thumbnail", "GPS"):
        assert word in text, word


def test_each_trace_has_its_own_finding(report: dict) -> None:
    detectors = {f["detector"] for f in report["documents"][0]["findings"]}
    expected = {
        "docx.core-properties", "docx.app-properties", "docx.custom-properties",
        "docx.comment", "docx.comment-author", "docx.people", "docx.tracked-changes",
        "docx.deleted-text", "docx.rsid", "docx.paragraph-ids", "docx.document-id",
        "docx.hidden-text", "docx.custom-xml", "docx.document-variable", "docx.template",
        "docx.printer-settings", "docx.field", "docx.embedded-object", "docx.image-metadata",
        "docx.thumbnail",
    }
    assert expected <= detectors, expected - detectors
    # headers, footers and footnotes are named as parts of the text (not as findings)
    assert {"header", "footer", "footnote", "hidden", "revision", "comment", "metadata"} <= set(
        report["documents"][0]["parts"])


def test_messages_say_why(report: dict) -> None:
    findings = report["documents"][0]["findings"]
    by = {f["detector"]: f for f in findings}
    rsid = by["docx.rsid"]["message"]
    assert "rsid" in rsid and str(by["docx.rsid"]["evidence"]["count"]) in rsid
    assert by["docx.rsid"]["evidence"]["count"] >= 4
    assert "thumbnail" in by["docx.thumbnail"]["message"]
    assert "GPS" in by["docx.image-metadata"]["message"]
    assert TRACES["exif_serial"] in by["docx.image-metadata"]["excerpt"]
    tracked = [f for f in findings if f["detector"] == "docx.tracked-changes"]
    assert any("insertion" in f["message"] and TRACES["ins_author"] in f["message"]
               for f in tracked)
    assert any(f["evidence"].get("inserted_text") == "a short recess" for f in tracked)
    assert all(f["severity"] in ("high", "medium", "low") for f in findings)


def test_embedded_document_is_a_child(report: dict) -> None:
    docs = report["documents"]
    assert len(docs) == 2
    assert docs[1]["path"].endswith("word/embeddings/Microsoft_Word_Document1.docx")
    assert TRACES["embedded_author"] in json.dumps(docs[1])


def test_text_and_segments(office_dir: Path) -> None:
    doc = read_document(office_dir / "full.docx")
    assert doc.format == "docx"
    parts = {}
    for seg in doc.segments:
        parts.setdefault(seg.part, []).append(doc.text[seg.start:seg.end])
    body = "\n".join(parts["body"])
    for para in BODY:
        assert para in body
    assert "".join(TRICKY_RUNS) in body  # runs joined, invisible char and homoglyph kept
    assert "The talks resumed after a short recess." in body  # insertion shown, no deletion
    assert TRACES["deleted"] not in body and TRACES["hidden"] not in body
    assert TRACES["header_marking"] in parts["header"]
    assert TRACES["footer_marking"] in parts["footer"]
    assert any("ministry statistics office" in t for t in parts["footnote"])
    assert any(TRACES["comment_text"] in t for t in parts["comment"])
    assert any(TRACES["hidden"] in t for t in parts["hidden"])
    assert any(TRACES["deleted"] in t for t in parts["revision"])
    assert f"File reference: {TRACES['field_filename']}" in body  # field result, not code
    assert "FILENAME" not in body
    # a table row is one line, its cells separated by tabs
    assert "\nRoute\tStatus\nNorthern\tDropped\n" in body
    # every finding's span points at its excerpt's text
    for f in doc.container_findings:
        if (f.start is not None and f.excerpt and not f.excerpt.endswith("…")
                and f.detector != "docx.image-metadata"):
            assert doc.text[f.start:f.end] == f.excerpt, f.detector


def test_python_docx_agrees_on_the_body(office_dir: Path) -> None:
    doc = read_document(office_dir / "full.docx")
    body = "\n".join(doc.text[s.start:s.end] for s in doc.segments if s.part == "body")
    for para in docx_paragraphs(office_dir / "full.docx"):
        if "fld" in para or TRACES["hidden"] in para:
            continue
        # python-docx leaves out w:fldSimple results; every word it sees is in the body
        assert all(word in body for word in para.split()), para


def test_detection_is_by_content_not_name(office_dir: Path, tmp_path: Path) -> None:
    odd = tmp_path / "cable.bin"
    shutil.copy(office_dir / "full.docx", odd)
    assert detect(odd).name == "docx"
    assert read_document(odd).format == "docx"


def test_strict_ooxml_is_read_the_same(office_dir: Path) -> None:
    a = read_document(office_dir / "full.docx", ReadOptions())
    b = read_document(office_dir / "strict.docx", ReadOptions())
    assert a.text == b.text
    assert sorted(f.detector for f in a.container_findings) == sorted(
        f.detector for f in b.container_findings)


def test_plain_document_has_few_findings(office_dir: Path) -> None:
    doc = read_document(office_dir / "plain.docx")
    detectors = {f.detector for f in doc.container_findings}
    # python-docx's template still carries its own traces, and they are named
    assert {"docx.rsid", "docx.thumbnail"} <= detectors
    assert not any(f.detector in ("docx.comment", "docx.hidden-text", "docx.tracked-changes")
                   for f in doc.container_findings)
