"""Generate image fixtures carrying every trace the image adapter must find.

Importable (``make_all(folder)``, ``dot_page(...)``...) and runnable:
``python -m tests.images.make_fixtures OUTDIR``.

EXIF is built byte by byte (a small TIFF writer, like piexif) so that every
directory is present: IFD0, the Exif IFD (serial numbers, owner, unique id,
maker note), the GPS IFD and IFD1 with a JPEG thumbnail.
"""

from __future__ import annotations

import io
import struct
import sys
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

MAKE = "Canon"
MODEL = "Canon EOS 5D Mark IV"
BODY_SERIAL = "082024001234"
LENS_SERIAL = "0000c1a2b3"
OWNER = "Jane Q. Cameraowner"
ARTIST = "Maria Sourcename"
COPYRIGHT = "Copyright Maria Sourcename Photography"
SOFTWARE = "Firmware Version 1.2.1"
HOST = "WS-FINANCE-0042"
DATETIME_ORIGINAL = "2024:03:14 09:26:53"
UNIQUE_ID = "4f2a9c7e81d3b6a0c5e4f3a2b1908172"
USER_COMMENT = "handed over at the garage"
MAKERNOTE_SERIAL = "InternalSerial 7781234509"
LAT, LON = 48.858370, 2.294481
XMP_CREATOR = "Maria Sourcename"
XMP_TOOL = "Adobe Photoshop Lightroom Classic 13.2 (Windows)"
XMP_DOCID = "xmp.did:0a1b2c3d-4e5f-6789-abcd-ef0123456789"
IPTC_BYLINE = "Pierre Bylineauthor"
IPTC_CITY = "Villeurbanne"
IPTC_CREDIT = "Agence Exemplaire"
JPEG_COMMENT = "Scanned at the reception desk, third floor"
PNG_AUTHOR = "Olga Pngauthor"
PNG_ZTXT = "internal copy 17 of 40 for Legal"
PNG_TIME = (2024, 2, 29, 13, 37, 0)
PAGE_TEXT = [
    "UNCLASSIFIED",
    "Subject: quarterly review of the harbour project",
    "The committee met on Tuesday and agreed the budget.",
    "Copy number 17 of 40, distribution restricted.",
]

#: Every value an audit of the JPEG fixture must name.
JPEG_VALUES = [MAKE, MODEL, BODY_SERIAL, LENS_SERIAL, OWNER, ARTIST, SOFTWARE, HOST,
               DATETIME_ORIGINAL, UNIQUE_ID, USER_COMMENT, XMP_TOOL, XMP_DOCID,
               IPTC_BYLINE, IPTC_CITY, IPTC_CREDIT, JPEG_COMMENT, "48.858370", "2.294481"]


# -- a tiny TIFF/EXIF writer ----------------------------------------------------

BYTE, ASCII, SHORT, LONG, RATIONAL, UNDEFINED = 1, 2, 3, 4, 5, 7
_SIZES = {BYTE: 1, ASCII: 1, SHORT: 2, LONG: 4, RATIONAL: 8, UNDEFINED: 1}


def _encode(typ: int, value: object) -> tuple[int, bytes]:
    if typ == ASCII:
        raw = str(value).encode("utf-8") + b"\x00"
        return len(raw), raw
    if typ in (UNDEFINED, BYTE) and isinstance(value, bytes):
        return len(value), value
    values = value if isinstance(value, list | tuple) else [value]
    if typ == RATIONAL:
        return len(values), b"".join(struct.pack("<II", n, d) for n, d in values)
    fmt = {BYTE: "<B", SHORT: "<H", LONG: "<I"}[typ]
    return len(values), b"".join(struct.pack(fmt, v) for v in values)


def build_exif(ifds: list[list[tuple[int, int, object]]], links: dict[tuple[int, int], int],
               next_ifd: dict[int, int] | None = None, tail: bytes = b"",
               tail_tag: tuple[int, int] | None = None) -> bytes:
    """Lay out TIFF IFDs (little-endian).

    ``links[(ifd, tag)] = target`` makes that LONG tag point at IFD ``target``;
    ``next_ifd[a] = b`` chains IFD ``a`` to ``b`` (IFD0 -> IFD1);
    ``tail`` is appended at the end and ``tail_tag=(ifd, tag)`` gets its offset.
    """
    next_ifd = next_ifd or {}
    sizes = []
    for entries in ifds:
        data = 0
        for _, t, v in entries:
            n = len(_encode(t, v)[1])
            if n > 4:
                data += n + n % 2
        sizes.append(2 + 12 * len(entries) + 4 + data)
    offsets = []
    pos = 8
    for s in sizes:
        offsets.append(pos)
        pos += s
    tail_off = pos
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for k, entries in enumerate(ifds):
        entries = sorted(entries, key=lambda e: e[0])
        data_pos = offsets[k] + 2 + 12 * len(entries) + 4
        head = bytearray(struct.pack("<H", len(entries)))
        data = bytearray()
        for tag, typ, value in entries:
            if (k, tag) in links:
                value = offsets[links[(k, tag)]]
            if tail_tag == (k, tag):
                value = tail_off
            count, raw = _encode(typ, value)
            if len(raw) <= 4:
                head += struct.pack("<HHI", tag, typ, count) + raw.ljust(4, b"\x00")
            else:
                head += struct.pack("<HHII", tag, typ, count, data_pos + len(data))
                data += raw
                if len(data) % 2:
                    data += b"\x00"
        nxt = offsets[next_ifd[k]] if k in next_ifd else 0
        head += struct.pack("<I", nxt)
        out += head + data
        out += b"\x00" * (offsets[k] + sizes[k] - len(out)) if len(out) < offsets[k] + sizes[k] else b""
    return bytes(out) + tail


def _dms(value: float) -> list[tuple[int, int]]:
    v = abs(value)
    d = int(v)
    m = int((v - d) * 60)
    s = round((v - d - m / 60) * 3600 * 10000)
    return [(d, 1), (m, 1), (s, 10000)]


def thumbnail_jpeg() -> bytes:
    t = Image.new("RGB", (160, 120), (200, 30, 30))
    ImageDraw.Draw(t).rectangle((20, 20, 140, 100), fill=(255, 255, 0))
    buf = io.BytesIO()
    t.save(buf, "JPEG", quality=70)
    return buf.getvalue()


def exif_block(*, thumbnail: bool = True, gps: bool = True) -> bytes:
    """A full EXIF block (without the ``Exif\\0\\0`` prefix)."""
    thumb = thumbnail_jpeg() if thumbnail else b""
    ifd0 = [
        (0x010F, ASCII, MAKE), (0x0110, ASCII, MODEL), (0x0131, ASCII, SOFTWARE),
        (0x013B, ASCII, ARTIST), (0x8298, ASCII, COPYRIGHT), (0x013C, ASCII, HOST),
        (0x0132, ASCII, "2024:03:15 18:00:01"), (0x0112, SHORT, 1),
        (0x011A, RATIONAL, [(300, 1)]), (0x011B, RATIONAL, [(300, 1)]), (0x0128, SHORT, 2),
        (0x8769, LONG, 0),
    ]
    exif = [
        (0x9003, ASCII, DATETIME_ORIGINAL), (0x9004, ASCII, DATETIME_ORIGINAL),
        (0xA431, ASCII, BODY_SERIAL), (0xA435, ASCII, LENS_SERIAL), (0xA430, ASCII, OWNER),
        (0xA420, ASCII, UNIQUE_ID), (0xA434, ASCII, "EF24-70mm f/2.8L II USM"),
        (0x9286, UNDEFINED, b"ASCII\x00\x00\x00" + USER_COMMENT.encode()),
        (0x927C, UNDEFINED, b"\x00\x01" + MAKERNOTE_SERIAL.encode() + b"\x00" * 8),
        (0x829A, RATIONAL, [(1, 125)]), (0x8827, SHORT, 400),
        (0x9010, ASCII, "+01:00"),
    ]
    ifds = [ifd0, exif]
    links = {(0, 0x8769): 1}
    if gps:
        ifd0.append((0x8825, LONG, 0))
        gps_ifd = [
            (0x0000, BYTE, bytes([2, 3, 0, 0])), (0x0001, ASCII, "N"),
            (0x0002, RATIONAL, _dms(LAT)), (0x0003, ASCII, "E"),
            (0x0004, RATIONAL, _dms(LON)), (0x0005, BYTE, bytes([0])),
            (0x0006, RATIONAL, [(3512, 100)]),
        ]
        ifds.append(gps_ifd)
        links[(0, 0x8825)] = len(ifds) - 1
    next_ifd: dict[int, int] = {}
    tail_tag = None
    if thumbnail:
        ifd1 = [(0x0103, SHORT, 6), (0x0201, LONG, 0), (0x0202, LONG, len(thumb))]
        ifds.append(ifd1)
        next_ifd[0] = len(ifds) - 1
        tail_tag = (len(ifds) - 1, 0x0201)
    return build_exif(ifds, links, next_ifd, thumb, tail_tag)


def xmp_packet() -> bytes:
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:aux="http://ns.adobe.com/exif/1.0/aux/"
    xmp:CreatorTool="{XMP_TOOL}"
    xmpMM:DocumentID="{XMP_DOCID}"
    aux:SerialNumber="{BODY_SERIAL}">
   <dc:creator><rdf:Seq><rdf:li>{XMP_CREATOR}</rdf:li></rdf:Seq></dc:creator>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def iptc_block() -> bytes:
    def ds(rec: int, num: int, value: str) -> bytes:
        raw = value.encode("utf-8")
        return bytes([0x1C, rec, num]) + struct.pack(">H", len(raw)) + raw

    return (ds(1, 90, "\x1b%G") + ds(2, 80, IPTC_BYLINE) + ds(2, 90, IPTC_CITY)
            + ds(2, 110, IPTC_CREDIT) + ds(2, 120, "Meeting at the ministry"))


def photoshop_app13(iptc: bytes) -> bytes:
    body = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    if len(iptc) % 2:
        body += b"\x00"
    return b"Photoshop 3.0\x00" + body


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def page_image(size: tuple[int, int] = (1275, 900), lines: list[str] | None = None,
               font_px: int = 36, colour: tuple[int, int, int] = (20, 20, 20)) -> Image.Image:
    """A white page with text lines (about 300 dpi for 12-point text at 50 px)."""
    img = Image.new("RGB", size, (250, 250, 250))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, font_px)
    y = font_px
    for line in lines if lines is not None else PAGE_TEXT:
        draw.text((font_px, y), line, fill=colour, font=font)
        y += int(font_px * 1.6)
    return img


def icc_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def dirty_jpeg(path: Path, img: Image.Image | None = None) -> Path:
    img = img or page_image()
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, exif=b"Exif\x00\x00" + exif_block(),
             icc_profile=icc_profile(), comment=JPEG_COMMENT.encode())
    data = buf.getvalue()
    # splice XMP (APP1) and Photoshop IPTC (APP13) after the first segment (APP0)
    app0_len = struct.unpack(">H", data[4:6])[0]
    cut = 4 + app0_len
    extra = _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + xmp_packet())
    extra += _segment(0xED, photoshop_app13(iptc_block()))
    path.write_bytes(data[:cut] + extra + data[cut:])
    return path


def _png_chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(
        ">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


def dirty_png(path: Path, img: Image.Image | None = None) -> Path:
    img = img or page_image()
    buf = io.BytesIO()
    img.save(buf, "PNG", exif=b"Exif\x00\x00" + exif_block(), icc_profile=icc_profile())
    data = buf.getvalue()
    extra = _png_chunk(b"tEXt", b"Author\x00" + PNG_AUTHOR.encode("latin-1"))
    extra += _png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(PNG_ZTXT.encode()))
    extra += _png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + xmp_packet())
    extra += _png_chunk(b"tIME", struct.pack(">HBBBBB", *PNG_TIME))
    # after IHDR (8 + 25 bytes)
    path.write_bytes(data[:33] + extra + data[33:])
    return path


def dirty_webp(path: Path, img: Image.Image | None = None) -> Path:
    img = img or page_image()
    img.save(path, "WEBP", quality=90, exif=b"Exif\x00\x00" + exif_block(thumbnail=False),
             xmp=xmp_packet(), icc_profile=icc_profile())
    return path


def dirty_tiff(path: Path, img: Image.Image | None = None, frames: int = 2) -> Path:
    from PIL import TiffImagePlugin

    img = img or page_image()
    info = TiffImagePlugin.ImageFileDirectory_v2()
    for tag, value in ((0x010F, MAKE), (0x0110, MODEL), (0x013B, ARTIST), (0x0131, SOFTWARE),
                       (0x013C, HOST), (0x8298, COPYRIGHT), (0x010D, "scan-2024-03-14.tif")):
        info[tag] = value
    second = page_image(lines=["Second page", "signed by the deputy director"]).convert("L")
    img.save(path, "TIFF", tiffinfo=info, compression="tiff_deflate", save_all=frames > 1,
             append_images=[second] if frames > 1 else [])
    return path


def bomb_png(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    """A tiny PNG that declares a huge size (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
                     + _png_chunk(b"IEND", b""))
    return path


def bomb_jpeg(path: Path, width: int = 60_000, height: int = 60_000) -> Path:
    """A small JPEG whose frame header declares a huge size."""
    buf = io.BytesIO()
    Image.new("L", (8, 8), 128).save(buf, "JPEG")
    data = bytearray(buf.getvalue())
    i = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, i + 5, height, width)
    path.write_bytes(bytes(data))
    return path


def truncated(src: Path, path: Path, keep: float = 0.5) -> Path:
    data = src.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def dot_page(dpi: int = 300, *, dots: bool = True, seed: int = 0, noise: float = 3.0,
             inches: tuple[float, float] = (4.25, 5.5), spacing_mm: float = 0.72,
             dot_mm: float = 0.12, colour: tuple[int, int, int] = (248, 244, 196),
             text: bool = True) -> Image.Image:
    """A scanned page with text and, optionally, a DocuColor-like tracking-dot grid.

    The grid is a 15 x 8 matrix (random bits, a full parity row) on a lattice of
    ``spacing_mm`` (0.72 mm, as the Xerox pattern), repeated over the page, dots
    of ``dot_mm`` in pale yellow, then Gaussian scanner noise.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    w, h = int(inches[0] * dpi), int(inches[1] * dpi)
    img = Image.new("RGB", (w, h), (250, 250, 248))
    d = ImageDraw.Draw(img)
    if text:
        font = ImageFont.truetype(FONT, max(8, int(dpi * 11 / 72)))
        y = int(0.4 * dpi)
        while y < h - dpi * 0.4:
            d.text((int(0.4 * dpi), y), "The quick brown fox jumps over 12 lazy dogs.",
                   fill=(20, 20, 20), font=font)
            y += int(dpi * 16 / 72)
    if dots:
        s = spacing_mm / 25.4 * dpi
        r = max(0.6, dot_mm / 25.4 * dpi / 2)
        bits = rng.random((8, 15)) < 0.5
        bits[0, :] = True
        cols, rows = 16, 9
        ox, oy = rng.uniform(0, s * cols), rng.uniform(0, s * rows)
        for by in range(-1, int(h / (s * rows)) + 2):
            for bx in range(-1, int(w / (s * cols)) + 2):
                for i in range(8):
                    for j in range(15):
                        if bits[i, j]:
                            cx = ox + (bx * cols + j) * s
                            cy = oy + (by * rows + i) * s
                            if 0 <= cx < w and 0 <= cy < h:
                                d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    a = np.asarray(img).astype(np.float64)
    a += rng.normal(0, noise, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")


def negative_pages(dpi: int = 300, seed: int = 0) -> dict[str, Image.Image]:
    """Clean pages that must not raise a tracking-dot alarm."""
    import numpy as np

    rng = np.random.default_rng(seed)
    w, h = int(4.25 * dpi), int(5.5 * dpi)
    out: dict[str, Image.Image] = {"text": dot_page(dpi, dots=False, seed=seed)}
    hl = out["text"].copy()
    d = ImageDraw.Draw(hl)
    for _ in range(8):
        y = int(rng.uniform(0, h - 60))
        d.rectangle((50, y, w - 50, y + int(dpi * 0.15)), fill=(250, 240, 60))
    out["highlighter"] = hl
    small = rng.normal(128, 60, (h // 40 + 1, w // 40 + 1, 3)).clip(0, 255).astype(np.uint8)
    photo = Image.fromarray(small, "RGB").resize((w, h), Image.Resampling.BICUBIC)
    a = np.asarray(photo).astype(float) + rng.normal(0, 4, (h, w, 3))
    out["photo"] = Image.fromarray(a.clip(0, 255).astype(np.uint8))
    tint = out["text"].copy()
    d = ImageDraw.Draw(tint)
    p = dpi / 150
    for yy in np.arange(dpi, 2.5 * dpi, p):
        for xx in np.arange(dpi * 0.5, dpi * 3.5, p):
            d.ellipse((xx - p / 4, yy - p / 4, xx + p / 4, yy + p / 4), fill=(250, 246, 150))
    out["halftone"] = tint
    sp = np.asarray(out["text"]).copy()
    ys = rng.integers(0, h - 3, 4000)
    xs = rng.integers(0, w - 3, 4000)
    for y, x in zip(ys, xs, strict=True):
        sp[y : y + 2, x : x + 2] = (248, 244, 196)
    out["specks"] = Image.fromarray(sp)
    return out


def make_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {
        "jpeg": dirty_jpeg(folder / "dirty.jpg"),
        "png": dirty_png(folder / "dirty.png"),
        "webp": dirty_webp(folder / "dirty.webp"),
        "tiff": dirty_tiff(folder / "dirty.tif"),
        "bomb_png": bomb_png(folder / "bomb.png"),
        "bomb_jpeg": bomb_jpeg(folder / "bomb.jpg"),
    }
    out["truncated_jpeg"] = truncated(out["jpeg"], folder / "truncated.jpg", 0.6)
    out["truncated_png"] = truncated(out["png"], folder / "truncated.png", 0.6)
    dots = folder / "dots.png"
    dot_page(300).save(dots, dpi=(300, 300))
    out["dots"] = dots
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "image-fixtures")
    for name, p in make_all(target).items():
        print(f"{name}: {p}")
