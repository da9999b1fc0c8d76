"""A PDF with no body text (a blank page, a form, a scan) is cleaned in pixels, not refused."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from tests.conftest import run_cli


def test_textless_pdf_falls_back_to_raster(tmp_path: Path) -> None:
    src = tmp_path / "blank.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = ["Geomatikk Clerk"]
    pdf.docinfo["/Author"] = "Geomatikk Clerk"
    pdf.save(src)
    out = tmp_path / "blank.clean.pdf"
    r = run_cli("sanitize", src, "-o", out, "--format", "json")
    assert r.code == 0, r.err
    assert out.is_file()
    assert b"Geomatikk" not in out.read_bytes()
    with pikepdf.open(out) as clean:
        assert len(clean.pages) == 1
    assert "rasterised" in r.out
