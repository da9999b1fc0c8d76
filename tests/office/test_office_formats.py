"""ODT, XLSX and PPTX: audit names their traces; sanitize (the real CLI, with its residue
proof) leaves none of them and keeps the content, and the output re-opens."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from leakdesk.formats import detect, read_document
from tests.conftest import run_cli

from .conftest import survivors
from .make_fixtures import BODY, ODF_TRACES, PPTX_TRACES, XLSX_TRACES

CASES = {
    "full.odt": (ODF_TRACES, "odf", {"odf.meta", "odf.comment", "odf.comment-author",
                                     "odf.tracked-changes", "odf.deleted-text", "odf.hidden-text",
                                     "odf.printer-settings", "odf.user-defined", "odf.template",
                                     "odf.rsid", "odf.thumbnail", "odf.field"}),
    "full.xlsx": (XLSX_TRACES, "xlsx", {"xlsx.core-properties", "xlsx.app-properties",
                                        "xlsx.comment", "xlsx.comment-author",
                                        "xlsx.hidden-sheet", "xlsx.unused-strings"}),
    "full.pptx": (PPTX_TRACES, "pptx", {"pptx.core-properties", "pptx.speaker-notes",
                                        "pptx.hidden-slide", "pptx.comment",
                                        "pptx.comment-author", "pptx.thumbnail",
                                        "pptx.printer-settings"}),
}
#: Values that are visible content and stay in the clean copy.
KEPT = {"cell", "body"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_audit_names_every_trace(office_dir: Path, name: str) -> None:
    traces, adapter, detectors = CASES[name]
    assert detect(office_dir / name).name == adapter
    r = run_cli("audit", office_dir / name, "--format", "json")
    assert r.code == 1, r.err
    report = r.json()
    text = json.dumps(report, ensure_ascii=False)
    missing = [k for k, v in traces.items() if v not in text and k not in KEPT
               and k != "hidden_cell"]
    assert not missing, missing
    found = {f["detector"] for f in report["documents"][0]["findings"]}
    assert detectors <= found, detectors - found


@pytest.mark.parametrize("name", sorted(CASES))
def test_sanitize_leaves_no_trace(office_dir: Path, tmp_path: Path, name: str,
                                  container_policy: Path) -> None:
    traces, _adapter, _d = CASES[name]
    out = tmp_path / ("clean." + name.split(".")[1])
    r = run_cli("sanitize", office_dir / name, "-o", out, "--policy", container_policy)
    assert r.code == 0, r.out + r.err
    assert "PASSED" in r.out
    gone = {k: v for k, v in traces.items() if k not in KEPT}
    assert survivors(out, gone) == []
    with zipfile.ZipFile(out) as z:
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
    doc = read_document(out)
    for k in KEPT:
        if k in traces:
            assert traces[k] in doc.text, k


@pytest.mark.parametrize("name", sorted(CASES))
def test_default_policy_sanitize_passes_its_proof(office_dir: Path, tmp_path: Path,
                                                  name: str) -> None:
    traces, _adapter, _d = CASES[name]
    out = tmp_path / ("clean." + name.split(".")[1])
    r = run_cli("sanitize", office_dir / name, "-o", out)
    assert r.code == 0, r.out + r.err
    assert "PASSED" in r.out
    assert survivors(out, {k: v for k, v in traces.items() if k not in KEPT}) == []


def test_odt_output_is_valid(office_dir: Path, tmp_path: Path, container_policy: Path) -> None:
    out = tmp_path / "clean.odt"
    assert run_cli("sanitize", office_dir / "full.odt", "-o", out, "--policy", container_policy).code == 0
    with zipfile.ZipFile(out) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        manifest = z.read("META-INF/manifest.xml").decode()
        assert "Thumbnails" not in manifest
    from odf.opendocument import load  # odfpy (Apache-2.0): a third reader

    text = str(load(str(out)).text)
    assert BODY[0] in text and "Inserted words." in text
    assert "[REDACTED]" in text  # the author-name field's text was replaced


@pytest.mark.external
def test_libreoffice_opens_the_clean_odt(office_dir: Path, tmp_path: Path, container_policy: Path) -> None:
    from leakdesk._exec import soffice

    if not soffice.available():
        pytest.skip("soffice is not installed")
    out = tmp_path / "clean.odt"
    assert run_cli("sanitize", office_dir / "full.odt", "-o", out, "--policy", container_policy).code == 0
    txt = soffice.convert(out, "txt:Text", tmp_path)
    text = txt.read_text(encoding="utf-8-sig")
    for para in BODY[:4]:
        assert para in text
    for key, value in ODF_TRACES.items():
        assert value not in text, key


def test_xlsx_output_opens_and_keeps_cells(office_dir: Path, tmp_path: Path, container_policy: Path) -> None:
    import openpyxl

    out = tmp_path / "clean.xlsx"
    assert run_cli("sanitize", office_dir / "full.xlsx", "-o", out, "--policy", container_policy).code == 0
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert wb.sheetnames == ["Summary"]  # the hidden sheet is gone
    ws = wb["Summary"]
    assert [ws["A1"].value, ws["B1"].value, ws["A2"].value, ws["A3"].value] == [
        "Route", "Status", "Northern", XLSX_TRACES["cell"]]
    assert ws["A3"].comment is None
    assert wb.properties.creator != XLSX_TRACES["creator"]  # openpyxl fills in its own name


def test_pptx_output_opens_and_keeps_slides(office_dir: Path, tmp_path: Path, container_policy: Path) -> None:
    from pptx import Presentation

    out = tmp_path / "clean.pptx"
    assert run_cli("sanitize", office_dir / "full.pptx", "-o", out, "--policy", container_policy).code == 0
    prs = Presentation(io.BytesIO(out.read_bytes()))
    slides = list(prs.slides)
    assert len(slides) == 1  # the hidden slide is gone
    assert slides[0].shapes.title.text == PPTX_TRACES["body"]
    assert not slides[0].has_notes_slide
    assert prs.core_properties.author in (None, "")
