"""Pictures inside Office files: what their own metadata says, and a pixels-only copy.

A photo pasted into a Word file keeps its EXIF: camera make and model, body
and lens serial numbers, the owner's name, GPS position, dates, the editing
software, an XMP packet with document ids, IPTC by-lines, PNG text chunks,
JPEG comments, an ICC profile description.  :func:`image_traces` lists them as
``(label, value)`` pairs; :func:`scrub_image` re-encodes the pixels alone into a
fresh image of the same format, so none of it survives.

This is a small reader for the Office adapters (Pillow, HPND licence); the
image adapter (``formats/image.py``) is the full one for stand-alone pictures.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from PIL.ExifTags import IFD

from ._office import parse_untrusted
from .image import quiet_c_stderr  # libtiff writes to fd 2 by itself

__all__ = ["ImageTrace", "image_traces", "scrub_image", "sniff_image_format"]


@dataclass(frozen=True, slots=True)
class ImageTrace:
    """One piece of picture metadata: a label, its value, and how much it matters."""

    label: str
    value: str
    high: bool = False  # names a person, a device or a place


# EXIF tags worth reporting, by IFD.  Values are (label, identifies-a-person-or-device).
_BASE_TAGS: dict[int, tuple[str, bool]] = {
    0x010E: ("EXIF ImageDescription", False),
    0x010F: ("EXIF Make", True),
    0x0110: ("EXIF Model", True),
    0x0131: ("EXIF Software", False),
    0x0132: ("EXIF DateTime", False),
    0x013B: ("EXIF Artist", True),
    0x8298: ("EXIF Copyright", True),
    0x9C9B: ("EXIF XPTitle", False),
    0x9C9C: ("EXIF XPComment", False),
    0x9C9D: ("EXIF XPAuthor", True),
    0x9C9E: ("EXIF XPKeywords", False),
    0x9C9F: ("EXIF XPSubject", False),
}
_EXIF_TAGS: dict[int, tuple[str, bool]] = {
    0x9003: ("EXIF DateTimeOriginal", False),
    0x9004: ("EXIF DateTimeDigitized", False),
    0x9286: ("EXIF UserComment", False),
    0xA420: ("EXIF ImageUniqueID", True),
    0xA430: ("EXIF CameraOwnerName", True),
    0xA431: ("EXIF BodySerialNumber", True),
    0xA433: ("EXIF LensMake", False),
    0xA434: ("EXIF LensModel", False),
    0xA435: ("EXIF LensSerialNumber", True),
}
_XMP_NAMES = {
    "creator", "CreatorTool", "Author", "AuthorsPosition", "CaptionWriter", "Credit",
    "DocumentID", "InstanceID", "OriginalDocumentID", "Make", "Model", "SerialNumber",
    "LensSerialNumber", "BodySerialNumber", "GPSLatitude", "GPSLongitude", "OwnerName",
    "CameraOwnerName", "City", "Country", "State", "Location", "rights", "title",
    "description", "Owner", "ImageUniqueID", "Lens", "CreateDate", "ModifyDate",
}
_IPTC = {
    (2, 80): "IPTC By-line",
    (2, 85): "IPTC By-line Title",
    (2, 90): "IPTC City",
    (2, 95): "IPTC Province",
    (2, 101): "IPTC Country",
    (2, 105): "IPTC Headline",
    (2, 110): "IPTC Credit",
    (2, 115): "IPTC Source",
    (2, 116): "IPTC Copyright",
    (2, 120): "IPTC Caption",
    (2, 122): "IPTC Writer",
}
_SCRUB_FORMATS = {"JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP"}
_MAX_VALUE = 2000


def sniff_image_format(data: bytes) -> str | None:
    """The raster format of ``data`` by its magic bytes, or ``None``."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if data.startswith(b"BM"):
        return "BMP"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _text(value: object) -> str:
    if isinstance(value, bytes):
        if value.startswith((b"ASCII\x00\x00\x00", b"UNICODE\x00", b"JIS\x00\x00\x00\x00\x00")):
            head, body = value[:8], value[8:]
            value = body.decode("utf-16" if head.startswith(b"UNICODE") else "latin-1", "replace")
        else:
            raw = value
            try:
                value = raw.decode("utf-16-le") if raw.count(b"\x00") * 3 > len(raw) else raw.decode(
                    "utf-8"
                )
            except UnicodeDecodeError:
                value = raw.decode("latin-1")
    if isinstance(value, tuple):
        value = " ".join(_text(v) for v in value)
    s = str(value).replace("\x00", "").strip()
    return s[:_MAX_VALUE]


def _gps(gps: dict[int, object]) -> str | None:
    def deg(v: object) -> float | None:
        try:
            parts = list(v)  # type: ignore[call-overload]
            return float(parts[0]) + float(parts[1]) / 60 + float(parts[2]) / 3600
        except (TypeError, ValueError, ZeroDivisionError, IndexError):
            return None

    lat, lon = deg(gps.get(2)), deg(gps.get(4))
    if lat is None or lon is None:
        return None
    if str(gps.get(1, "N")).upper().startswith("S"):
        lat = -lat
    if str(gps.get(3, "E")).upper().startswith("W"):
        lon = -lon
    return f"{lat:.6f}, {lon:.6f}"


def _icc_description(icc: bytes) -> str | None:
    """The 'desc' tag of an ICC profile (v2 'desc' or v4 'mluc'), or ``None``."""
    if len(icc) < 132:
        return None
    count = int.from_bytes(icc[128:132], "big")
    for i in range(min(count, 100)):
        entry = icc[132 + 12 * i : 144 + 12 * i]
        if len(entry) < 12:
            return None
        sig, off, size = entry[:4], int.from_bytes(entry[4:8], "big"), int.from_bytes(entry[8:12], "big")
        if sig != b"desc":
            continue
        tag = icc[off : off + size]
        if tag[:4] == b"desc" and len(tag) >= 12:
            n = int.from_bytes(tag[8:12], "big")
            return tag[12 : 12 + n].rstrip(b"\x00").decode("latin-1", "replace")[:_MAX_VALUE]
        if tag[:4] == b"mluc" and len(tag) >= 28:
            rec_len = int.from_bytes(tag[20:24], "big")
            rec_off = int.from_bytes(tag[24:28], "big")
            return tag[rec_off : rec_off + rec_len].decode("utf-16-be", "replace")[:_MAX_VALUE]
    return None


def _xmp(packet: bytes | str) -> list[ImageTrace]:
    raw = packet.encode("utf-8") if isinstance(packet, str) else packet
    root = parse_untrusted(raw)
    if root is None:
        return [ImageTrace("XMP packet", f"{len(raw)} bytes (unreadable)")]
    out: list[ImageTrace] = []
    seen: set[tuple[str, str]] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        local = el.tag.rsplit("}", 1)[-1]
        values: list[tuple[str, str]] = []
        if local in _XMP_NAMES and el.text and el.text.strip():
            values.append((local, el.text.strip()))
        for k, v in el.attrib.items():
            lk = str(k).rsplit("}", 1)[-1]
            if lk in _XMP_NAMES and str(v).strip():
                values.append((lk, str(v).strip()))
        if local == "li" and el.text and el.text.strip():
            parent = el.getparent()
            grand = parent.getparent() if parent is not None else None
            if grand is not None and isinstance(grand.tag, str):
                gl = grand.tag.rsplit("}", 1)[-1]
                if gl in _XMP_NAMES:
                    values.append((gl, el.text.strip()))
        for name, value in values:
            if (name, value) in seen:
                continue
            seen.add((name, value))
            high = name in {"creator", "Author", "SerialNumber", "BodySerialNumber", "OwnerName",
                            "CameraOwnerName", "LensSerialNumber", "GPSLatitude", "GPSLongitude",
                            "DocumentID", "OriginalDocumentID", "InstanceID"}
            out.append(ImageTrace(f"XMP {name}", value[:_MAX_VALUE], high))
    return out


def image_traces(data: bytes, max_pixels: int) -> list[ImageTrace]:
    """Every identifying metadata value of the picture in ``data`` (empty if none or unreadable)."""
    out: list[ImageTrace] = []
    try:
        with warnings.catch_warnings(), quiet_c_stderr():
            warnings.simplefilter("ignore")
            im = Image.open(io.BytesIO(data))
            if im.width * im.height > max_pixels:
                return [ImageTrace("picture size", f"{im.width}x{im.height} (too large to inspect)")]
            exif = im.getexif()
            for tag, (label, high) in _BASE_TAGS.items():
                if tag in exif and _text(exif[tag]):
                    out.append(ImageTrace(label, _text(exif[tag]), high))
            sub = exif.get_ifd(IFD.Exif)
            for tag, (label, high) in _EXIF_TAGS.items():
                if tag in sub and _text(sub[tag]):
                    out.append(ImageTrace(label, _text(sub[tag]), high))
            if 0x927C in sub:
                note = sub[0x927C]
                size = len(note) if isinstance(note, bytes | str) else 0
                out.append(ImageTrace("EXIF MakerNote", f"{size} bytes of camera maker notes"))
            gps = exif.get_ifd(IFD.GPSInfo)
            if gps:
                where = _gps(dict(gps))
                out.append(ImageTrace("GPS position", where or "GPS tags present", True))
                if 6 in gps:
                    out.append(ImageTrace("GPS altitude", _text(gps[6])))
                if 29 in gps:
                    out.append(ImageTrace("GPS date", _text(gps[29])))
            raw_exif = im.info.get("exif")
            if isinstance(raw_exif, bytes) and b"\xff\xd8" in raw_exif[6:]:
                out.append(ImageTrace("EXIF thumbnail", "an embedded preview picture"))
            xmp = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp")
            if isinstance(xmp, bytes | str) and xmp:
                out.extend(_xmp(xmp))
            comment = im.info.get("comment")
            if isinstance(comment, bytes | str) and _text(comment):
                out.append(ImageTrace("comment", _text(comment)))
            icc = im.info.get("icc_profile")
            if isinstance(icc, bytes) and icc:
                desc = _icc_description(icc)
                out.append(ImageTrace("ICC profile", desc or f"{len(icc)} bytes"))
            if im.format == "PNG":
                for key, value in getattr(im, "text", {}).items():
                    if key == "XML:com.adobe.xmp":
                        continue
                    if isinstance(value, str) and value.strip():
                        out.append(ImageTrace(f"PNG text {key}"[:80], value.strip()[:_MAX_VALUE],
                                              key.lower() in {"author", "copyright"}))
            if im.format == "JPEG":
                from PIL import IptcImagePlugin

                iptc = IptcImagePlugin.getiptcinfo(im) or {}
                for key, label in _IPTC.items():
                    val = iptc.get(key)
                    if val:
                        vals = val if isinstance(val, list) else [val]
                        text = "; ".join(_text(v) for v in vals)
                        if text:
                            out.append(ImageTrace(label, text, key in {(2, 80), (2, 122)}))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, TypeError,
            Image.DecompressionBombError, EOFError, KeyError, IndexError, struct.error):
        return out
    return out


def scrub_image(data: bytes, max_pixels: int) -> tuple[bytes, str] | None:
    """Re-encode the pixels of ``data`` alone, in its own format; ``None`` if not a raster
    format this handles.  Raises ``ValueError`` when the picture cannot be decoded.

    The EXIF orientation is applied first, so the picture looks the same without it.
    Only the first frame of an animation is kept.
    """
    fmt = sniff_image_format(data)
    if fmt not in _SCRUB_FORMATS:
        return None
    try:
        with warnings.catch_warnings(), quiet_c_stderr():
            warnings.simplefilter("ignore")
            im: Image.Image = Image.open(io.BytesIO(data))
            if im.width * im.height > max_pixels:
                raise ValueError(f"picture of {im.width}x{im.height} pixels is over the limit")
            im.load()
            transparency = im.info.get("transparency")
            im = ImageOps.exif_transpose(im) or im
            if im.mode == "P":
                fresh = Image.frombytes("P", im.size, im.tobytes())
                palette = im.getpalette()
                if palette:
                    fresh.putpalette(palette)
            else:
                if fmt == "JPEG" and im.mode not in ("L", "RGB", "CMYK"):
                    im = im.convert("RGB")
                fresh = Image.frombytes(im.mode, im.size, im.tobytes())
            buf = io.BytesIO()
            params: dict[str, object] = {}
            if fmt == "JPEG":
                params = {"quality": 92}
            elif fmt == "PNG":
                params = {"compress_level": 6}
                if transparency is not None and fresh.mode in ("P", "L", "RGB"):
                    params["transparency"] = transparency
            elif fmt == "GIF":
                if transparency is not None:
                    params["transparency"] = transparency
            elif fmt == "TIFF":
                params = {"compression": "tiff_deflate"}
            elif fmt == "WEBP":
                params = {"lossless": True}
            if fresh.mode in ("I;16", "I;16B", "I;16L") and fmt not in ("PNG", "TIFF"):
                fresh = fresh.convert("I").convert("L")
            try:
                fresh.save(buf, format=fmt, **params)
            except (OSError, ValueError, KeyError):
                if fmt == "TIFF":
                    buf = io.BytesIO()
                    fresh.save(buf, format=fmt)
                else:
                    fresh = fresh.convert("RGBA" if fmt in ("PNG", "WEBP") else "RGB")
                    buf = io.BytesIO()
                    fresh.save(buf, format=fmt)
    except (UnidentifiedImageError, OSError, SyntaxError, EOFError, Image.DecompressionBombError,
            TypeError, KeyError, IndexError) as exc:
        raise ValueError(f"picture cannot be decoded ({type(exc).__name__})") from None
    return buf.getvalue(), fmt

