"""Printer tracking dots: recall on synthetic DocuColor-like grids, no false alarms on
clean pages, and no detection left after cleaning."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from leakdesk.formats import ReadOptions, read_document
from leakdesk.formats._printer_dots import find_dots, lattice, suppress

from .conftest import clean
from .make_fixtures import dot_page, negative_pages

CASES = [(dpi, seed) for dpi in (300, 600) for seed in (0, 1)]


def _jpeg(img: Image.Image, quality: int = 92) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, subsampling=0)
    out = Image.open(io.BytesIO(buf.getvalue()))
    out.load()
    return out


@pytest.mark.parametrize("dpi,seed", CASES)
def test_detects_grid(dpi, seed):
    page = dot_page(dpi, seed=seed, inches=(3.0, 3.0) if dpi == 600 else (4.25, 5.5))
    grid = find_dots(page, dpi)
    assert grid is not None
    assert grid.dots > 100
    # the lattice fundamental is the 0.72 mm dot spacing, or a small multiple of it
    spacing = 0.72 / 25.4 * dpi
    ratio = grid.period_px[0] / spacing
    assert abs(ratio - round(ratio)) < 0.15 and 1 <= round(ratio) <= 4


@pytest.mark.parametrize("dpi", [300, 600])
def test_detects_grid_in_jpeg_scan(dpi):
    page = dot_page(dpi, seed=3, inches=(3.0, 3.0))
    assert find_dots(_jpeg(page), dpi) is not None


def test_detects_without_known_dpi():
    assert find_dots(dot_page(600, seed=4, inches=(3.0, 3.0)), None) is not None


@pytest.mark.parametrize("dpi,seed", CASES)
def test_no_false_alarm_on_clean_pages(dpi, seed):
    inches = (3.0, 3.0)
    for name, page in negative_pages(dpi if dpi == 300 else 300, seed).items():
        assert find_dots(page, 300) is None, f"false alarm on {name}"
    assert find_dots(dot_page(dpi, dots=False, seed=seed, inches=inches), dpi) is None


def test_greyscale_and_tiny_images_are_skipped():
    assert find_dots(Image.new("L", (600, 600), 255), 300) is None
    assert find_dots(Image.new("RGB", (20, 20), (255, 255, 200)), 300) is None


@pytest.mark.parametrize("mode", ["grey", "yellow"])
def test_suppression_removes_the_grid(mode):
    page = dot_page(600, seed=5, inches=(3.0, 3.0))
    assert find_dots(page, 600) is not None
    cleaned = suppress(page, mode)
    assert cleaned.size == page.size
    assert find_dots(cleaned.convert("RGB"), 600) is None
    if mode == "yellow":
        # strong colours survive the gentle mode
        hl = Image.new("RGB", (10, 10), (250, 240, 60))
        assert suppress(hl, "yellow").getpixel((5, 5)) == (250, 240, 60)


def test_suppress_rejects_unknown_mode():
    with pytest.raises(ValueError):
        suppress(Image.new("RGB", (8, 8)), "purple")


def test_random_points_are_not_a_lattice():
    import numpy as np

    rng = np.random.default_rng(7)
    ys = rng.integers(0, 512, 300)
    xs = rng.integers(0, 512, 300)
    res = lattice(ys, xs, (512, 512))
    assert res is not None and res[0] < 0.15


def test_audit_and_sanitize_a_scan_with_dots(tmp_path):
    src = tmp_path / "scan.png"
    dot_page(300, seed=6).save(src, dpi=(300, 300))
    doc = read_document(src, ReadOptions(ocr=False))
    dots = [f for f in doc.container_findings if f.detector == "printer-dots"]
    assert len(dots) == 1
    f = dots[0]
    assert f.category == "image" and f.severity.value == "high"
    assert "serial number" in f.message and f.evidence["dots"] > 100
    assert "period_mm" in f.evidence
    out = tmp_path / "scan-clean.png"
    _, _, res = clean(src, out, ocr=False)
    assert any("greyscale" in a and "colour lost" in a for a in res.actions)
    again = read_document(out, ReadOptions(ocr=False))
    assert not [f for f in again.container_findings if f.detector == "printer-dots"]
    out2 = tmp_path / "scan-yellow.png"
    _, _, res2 = clean(src, out2, ocr=False, printer_dots="yellow")
    assert any("colour kept" in a for a in res2.actions)
    with Image.open(out2) as im:
        assert im.mode == "RGB"
    out3 = tmp_path / "scan-off.png"
    _, _, res3 = clean(src, out3, ocr=False, printer_dots="off")
    assert any("left in place" in n for n in res3.not_done)
