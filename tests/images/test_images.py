"""Image audit and sanitize: every metadata trace is named, and none survives cleaning."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from PIL import Image

from leakdesk.errors import InputError, LimitExceeded
from leakdesk.formats import ReadOptions, detect, read_document
from leakdesk.formats.base import Limits
from leakdesk.formats.image import sniff_kind, structure_bytes
from tests.conftest import run_cli

from . import make_fixtures as fx
from .conftest import clean

NO_OCR = ReadOptions(ocr=False)


def _all_finding_text(doc) -> str:
    from leakdesk.api import audit_document

    result = audit_document(doc)
    return json.dumps([f.to_json() for r in result.walk() for f in r.findings], ensure_ascii=False)


@pytest.mark.parametrize("kind", ["jpeg", "png", "webp"])
def test_audit_names_every_exif_value(image_fixtures, kind):
    doc = read_document(image_fixtures[kind], NO_OCR)
    found = _all_finding_text(doc)
    for value in (fx.MAKE, fx.MODEL, fx.BODY_SERIAL, fx.LENS_SERIAL, fx.OWNER, fx.ARTIST,
                  fx.SOFTWARE, fx.HOST, fx.DATETIME_ORIGINAL, fx.UNIQUE_ID, fx.USER_COMMENT,
                  fx.XMP_TOOL, fx.XMP_DOCID, "48.858370", "2.294481"):
        assert value in found, f"{value!r} not named in the {kind} audit"
    assert "GPS" in found
    assert doc.format == kind
    assert any(s.part == "metadata" for s in doc.segments)


def test_jpeg_specific_traces(image_fixtures):
    doc = read_document(image_fixtures["jpeg"], NO_OCR)
    found = _all_finding_text(doc)
    for value in (fx.IPTC_BYLINE, fx.IPTC_CITY, fx.IPTC_CREDIT, fx.JPEG_COMMENT,
                  "InternalSerial 7781234509", "sRGB built-in"):
        assert value in found
    assert "thumbnail" in found and "160×120" in found
    assert "maker note" in found
    assert "Photoshop" in found


def test_png_text_chunks(image_fixtures):
    found = _all_finding_text(read_document(image_fixtures["png"], NO_OCR))
    for value in (fx.PNG_AUTHOR, fx.PNG_ZTXT, "2024-02-29 13:37:00"):
        assert value in found


def test_tiff_tags_on_every_frame(image_fixtures):
    doc = read_document(image_fixtures["tiff"], NO_OCR)
    found = _all_finding_text(doc)
    for value in (fx.MAKE, fx.MODEL, fx.ARTIST, fx.HOST, "scan-2024-03-14.tif"):
        assert value in found
    assert doc.meta["frames"] == 2
    assert "frame 2" in found


def test_gps_finding_has_coordinates(image_fixtures):
    from leakdesk.api import audit_document

    findings = audit_document(read_document(image_fixtures["jpeg"], NO_OCR)).findings
    gps = [f for f in findings if f.evidence.get("group") == "GPS"]
    assert len(gps) == 1
    assert gps[0].evidence["latitude"] == pytest.approx(fx.LAT, abs=1e-5)
    assert gps[0].evidence["longitude"] == pytest.approx(fx.LON, abs=1e-5)
    assert gps[0].severity.value == "high"
    assert gps[0].location.start is not None


@pytest.mark.parametrize("kind,suffix", [("jpeg", "jpg"), ("png", "png"), ("webp", "webp"),
                                         ("tiff", "tif")])
def test_sanitize_leaves_no_trace_in_any_byte(image_fixtures, tmp_path, kind, suffix):
    src = image_fixtures[kind]
    out = tmp_path / f"clean.{suffix}"
    _result, plan, res = clean(src, out)
    data = out.read_bytes()
    values = [fx.MAKE, fx.MODEL, fx.BODY_SERIAL, fx.LENS_SERIAL, fx.OWNER, fx.ARTIST,
              fx.SOFTWARE, fx.HOST, fx.DATETIME_ORIGINAL, fx.UNIQUE_ID, fx.USER_COMMENT,
              fx.XMP_TOOL, fx.XMP_DOCID, fx.IPTC_BYLINE, fx.JPEG_COMMENT, fx.PNG_AUTHOR,
              fx.PNG_ZTXT, "Photoshop", "Exif", "xmpmeta", "ICC_PROFILE", "8BIM", "Lightroom"]
    for v in values:
        assert v.encode() not in data, f"{v!r} survives in {kind} output"
        assert v.encode("utf-16-le") not in data
    adapter = detect(out)
    for label, block in adapter.residue_streams(out, NO_OCR):
        for v in plan.removed:
            if len(v) >= 4:
                assert v.encode() not in block, f"{v!r} in {label}"
    # size kept, pixels re-encoded, nothing of the metadata readable again
    with Image.open(src) as a, Image.open(out) as b:
        assert a.size == b.size
        assert not b.info.get("exif") and not b.info.get("icc_profile")
        exif = b.getexif()
        assert not exif if kind != "tiff" else not set(exif) & {0x010F, 0x0110, 0x013B, 0x0131,
                                                               0x8769, 0x8825, 0x013C, 0x8298}
    again = read_document(out, NO_OCR)
    assert not [s for s in again.segments if s.part == "metadata"
                and again.text[s.start:s.end].strip() not in ("", "1")] or kind == "tiff"
    assert res.actions and "re-encoded the pixels" in res.actions[0]
    assert any("sensor noise" in n for n in res.not_done)


def test_exiftool_sees_no_identifying_tag(image_fixtures, tmp_path):
    exiftool = subprocess.run(["which", "exiftool"], capture_output=True).returncode == 0
    if not exiftool:
        pytest.skip("exiftool not installed")
    out = tmp_path / "clean.jpg"
    clean(image_fixtures["jpeg"], out)
    tags = json.loads(subprocess.run(["exiftool", "-j", "-a", "-G1", str(out)],
                                     capture_output=True, check=True).stdout)[0]
    groups = {k.split(":")[0] for k in tags if ":" in k}
    assert not groups & {"IFD0", "ExifIFD", "GPS", "IFD1", "XMP-dc", "XMP-xmp", "IPTC",
                         "ICC-header", "Photoshop"}, groups


def test_sniff_by_magic_not_extension(image_fixtures, tmp_path):
    disguised = tmp_path / "report.pdf"
    disguised.write_bytes(image_fixtures["png"].read_bytes())
    assert detect(disguised).name == "image"
    assert sniff_kind(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff_kind(b"GIF89a") == "gif"
    assert sniff_kind(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert sniff_kind(b"BM" + b"\x00" * 20) is None  # "BM" alone is not enough
    assert sniff_kind(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic") == "heic"
    assert sniff_kind(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf") == "avif"


@pytest.mark.parametrize("name", ["bomb_png", "bomb_jpeg"])
def test_decompression_bomb_is_refused_before_decoding(image_fixtures, tmp_path, name):
    with pytest.raises(LimitExceeded) as err:
        read_document(image_fixtures[name], NO_OCR)
    assert "pixel" in err.value.message and "\n" not in err.value.one_line()
    r = run_cli("audit", image_fixtures[name])
    assert r.code == 2
    assert len(r.err.strip().splitlines()) == 1 and "bomb" in r.err


def test_bomb_memory_stays_bounded(image_fixtures):
    # the child reports its own peak (RUSAGE_CHILDREN would include earlier tests' children)
    code = (
        "import resource, sys\n"
        "from leakdesk.formats import read_document, ReadOptions\n"
        "from leakdesk.errors import LimitExceeded\n"
        "try:\n"
        f"    read_document({str(image_fixtures['bomb_png'])!r}, ReadOptions(ocr=False))\n"
        "except LimitExceeded:\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
        "    sys.exit(0)\n"
        "sys.exit(1)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    peak_kib = int(proc.stdout.split()[-1])
    # a decoded 100,000 x 100,000 RGB image would take 30 GB; we stay far under 400 MB
    assert peak_kib < 400 * 1024


def test_small_pixel_limit_applies(image_fixtures):
    opts = ReadOptions(ocr=False, limits=Limits(max_pixels=1000))
    with pytest.raises(LimitExceeded):
        read_document(image_fixtures["jpeg"], opts)


@pytest.mark.parametrize("name", ["truncated_jpeg", "truncated_png"])
def test_truncated_image_is_one_line_error_and_no_output(image_fixtures, tmp_path, name):
    with pytest.raises(InputError) as err:
        read_document(image_fixtures[name], NO_OCR)
    assert "truncated" in err.value.message or "corrupt" in err.value.message
    r = run_cli("audit", image_fixtures[name])
    assert r.code == 2 and "Traceback" not in r.err
    assert list(tmp_path.iterdir()) == []


def test_garbage_after_magic_is_refused(tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x13" * 200)
    with pytest.raises(InputError):
        read_document(bad, NO_OCR)


def test_structure_view_keeps_metadata_and_drops_pixels(image_fixtures):
    data = image_fixtures["jpeg"].read_bytes()
    view = structure_bytes(data, "jpeg")
    assert len(view) < len(data)
    assert fx.BODY_SERIAL.encode() in view  # metadata is kept in the residue view
    png = image_fixtures["png"].read_bytes()
    assert fx.PNG_AUTHOR.encode() in structure_bytes(png, "png")


def test_palette_and_alpha_images_clean(tmp_path):
    src = tmp_path / "p.png"
    img = Image.new("P", (64, 48))
    img.putpalette([i % 256 for i in range(768)])
    img.info["transparency"] = 0
    img.save(src, pnginfo=None, transparency=0)
    out = tmp_path / "out.png"
    clean(src, out)
    with Image.open(out) as b:
        assert b.size == (64, 48)
        assert b.mode == "RGBA"


def test_gif_and_bmp(tmp_path):
    gif = tmp_path / "a.gif"
    Image.new("L", (40, 30), 200).save(gif, comment=b"made by Olga Gifmaker")
    found = _all_finding_text(read_document(gif, NO_OCR))
    assert "Olga Gifmaker" in found
    out = tmp_path / "a-clean.gif"
    clean(gif, out)
    assert b"Olga" not in out.read_bytes()
    bmp = tmp_path / "b.bmp"
    Image.new("RGB", (40, 30), (1, 2, 3)).save(bmp)
    assert detect(bmp).name == "image"
    outb = tmp_path / "b-clean.bmp"
    clean(bmp, outb)
    with Image.open(outb) as b:
        assert b.size == (40, 30)


def test_orientation_is_kept_and_reported(tmp_path):
    src = tmp_path / "rot.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (80, 40), (10, 200, 10)).save(src, exif=exif)
    out = tmp_path / "rot-clean.jpg"
    _, _, res = clean(src, out)
    with Image.open(out) as b:
        assert b.size == (80, 40)  # never rotated: the size is kept
    assert any("orientation 6" in n for n in res.not_done)


def test_cli_audit_json_mentions_values(image_fixtures):
    r = run_cli("audit", "--format", "json", "--no-ocr", image_fixtures["jpeg"])
    assert r.code == 1
    for value in (fx.MAKE, fx.MODEL, fx.BODY_SERIAL, fx.ARTIST, "48.858370", "thumbnail"):
        assert value in r.out
    assert "gps" in r.out.lower()


def test_cli_sanitize_photo_of_a_page(image_fixtures, tmp_path):
    """The hidden check's shape: a phone photo of a page with EXIF make, model, body
    serial, artist and GPS; sanitize leaves none in any byte and keeps the size."""
    out = tmp_path / "clean.jpg"
    r = run_cli("sanitize", image_fixtures["jpeg"], "-o", out, "--format", "json")
    assert r.code == 0, r.err
    data = out.read_bytes()
    for value in (fx.MAKE, fx.MODEL, fx.BODY_SERIAL, fx.ARTIST, fx.OWNER, fx.HOST,
                  "48.858370", "GPS", fx.UNIQUE_ID, fx.XMP_TOOL, fx.JPEG_COMMENT):
        assert value.encode() not in data
    with Image.open(image_fixtures["jpeg"]) as a, Image.open(out) as b:
        assert a.size == b.size and b.format == "JPEG"
    report = r.json()
    assert report["proof"]["passed"] is True


def test_cli_sanitize_refuses_bomb_without_output(image_fixtures, tmp_path):
    out = tmp_path / "clean.png"
    r = run_cli("sanitize", image_fixtures["bomb_png"], "-o", out)
    assert r.code == 2 and not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["jpeg", "png", "webp", "tiff"])
def test_mutated_files_never_crash(image_fixtures, tmp_path, kind):
    """Random byte flips and truncations: a finding or a one-line refusal, never a crash."""
    import random

    from leakdesk.errors import LeakdeskError

    rnd = random.Random(kind)
    data = image_fixtures[kind].read_bytes()
    for i in range(25):
        b = bytearray(data)
        for _ in range(rnd.randint(1, 12)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        if i % 3 == 0:
            b = b[: rnd.randrange(16, len(b))]
        p = tmp_path / f"m{i}"
        p.write_bytes(bytes(b))
        try:
            read_document(p, NO_OCR)
        except LeakdeskError as exc:
            assert "\n" not in exc.one_line()
