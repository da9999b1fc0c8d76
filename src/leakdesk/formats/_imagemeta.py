"""Image metadata, read from untrusted bytes: EXIF, GPS, XMP, IPTC, ICC, comments and more.

Each value found becomes a :class:`MetaItem` (a group, a name, a text value
and how much it can identify).  The image adapter turns every item into a
text segment of the Document (part ``metadata``), so the text detectors also
run on it, and the identifying ones into container findings.

Parsing is defensive: every block is bounded, every parser error becomes a
note instead of a crash, and whatever cannot be parsed is still searched for
readable strings.  XMP is parsed with lxml with entities, DTDs and the network
off.  Nothing here decodes pixels.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..document import Severity
from ..errors import InputError

#: Longest value kept as text (longer values are cut, with a note).
MAX_VALUE_CHARS = 4000
#: Most items kept from one file.
MAX_ITEMS = 3000


@dataclass(slots=True)
class MetaItem:
    group: str  # "EXIF", "GPS", "XMP", "IPTC", "ICC profile", "comment"...
    name: str  # "Make", "dc:creator", "By-line"...
    value: str
    source: str  # pointer into the container ("exif:0x010f"), never content
    severity: Severity | None = None  # None: technical, summarised per group
    why: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Extra:
    """A trace that is not one text value: a thumbnail, a trailer, an unparsable block."""

    kind: str  # "thumbnail", "trailer", "makernote", "parse-error", "c2pa", "chunk"...
    severity: Severity
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    strings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class MetaReport:
    items: list[MetaItem] = field(default_factory=list)
    extras: list[Extra] = field(default_factory=list)
    #: Raw blocks found, for the residue view: (label, bytes).
    blocks: list[tuple[str, bytes]] = field(default_factory=list)

    def add(self, item: MetaItem) -> None:
        item.value = _clean_text(item.value)
        if not item.value or len(self.items) >= MAX_ITEMS:
            return
        if len(item.value) > MAX_VALUE_CHARS:
            item.value = item.value[:MAX_VALUE_CHARS]
            item.evidence["truncated"] = True
        self.items.append(item)


# -- text helpers ------------------------------------------------------------

_PRINTABLE_RUN = re.compile(rb"[\x20-\x7e]{5,}")


def printable_strings(data: bytes, limit: int = 40) -> list[str]:
    """Readable ASCII runs of 5 or more characters (like ``strings``), at most ``limit``."""
    out: list[str] = []
    seen: set[str] = set()
    for m in _PRINTABLE_RUN.finditer(data[: 4 << 20]):
        s = m.group().decode("ascii").strip()
        if len(s) < 5 or s in seen or not re.search(r"[A-Za-z0-9]{3}", s):
            continue
        seen.add(s)
        out.append(s)
        if len(out) >= limit:
            break
    return out


def _clean_text(value: str) -> str:
    value = value.replace("\x00", " ")
    value = "".join(ch if ch >= " " or ch in "\n\t" else " " for ch in value)
    return value.strip()


def decode_text_bytes(data: bytes) -> str | None:
    """Bytes as text if they look like text (UTF-8, else Latin-1 when printable)."""
    data = data.rstrip(b"\x00")
    if not data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return text if printable >= 0.9 * len(text) else None


# -- EXIF --------------------------------------------------------------------

_H, _M, _L = Severity.HIGH, Severity.MEDIUM, Severity.LOW

#: EXIF/TIFF tags that identify: tag -> (name, severity, why).
EXIF_IDENTIFYING: dict[int, tuple[str, Severity, str]] = {
    0x010D: ("DocumentName", _M, "the name of the scanned document or file"),
    0x010E: ("ImageDescription", _M, "a free-text description written by a person or device"),
    0x010F: ("Make", _M, "names the maker of the camera, phone or scanner"),
    0x0110: ("Model", _M, "names the model of the camera, phone or scanner"),
    0x011D: ("PageName", _L, "the name of the scanned page"),
    0x0131: ("Software", _M, "names the software (often with its version) that made or edited the image"),
    0x0132: ("DateTime", _M, "when the file was last changed"),
    0x013B: ("Artist", _H, "names the photographer or the owner of the device"),
    0x013C: ("HostComputer", _H, "names the computer the image was made on"),
    0x8298: ("Copyright", _H, "names the copyright holder"),
    0x9003: ("DateTimeOriginal", _M, "when the photo was taken"),
    0x9004: ("DateTimeDigitized", _M, "when the image was digitised"),
    0x9010: ("OffsetTime", _M, "the time zone of the device"),
    0x9011: ("OffsetTimeOriginal", _M, "the time zone where the photo was taken"),
    0x9012: ("OffsetTimeDigitized", _M, "the time zone of the device"),
    0x9286: ("UserComment", _M, "a free-text comment"),
    0xA420: ("ImageUniqueID", _H, "a unique identifier of this very picture"),
    0xA430: ("CameraOwnerName", _H, "names the owner of the camera"),
    0xA431: ("BodySerialNumber", _H, "the camera body's serial number, which can be traced to its buyer"),
    0xA433: ("LensMake", _M, "names the lens maker"),
    0xA434: ("LensModel", _M, "names the lens model"),
    0xA435: ("LensSerialNumber", _H, "the lens's serial number, which can be traced to its buyer"),
    0x9C9B: ("XPTitle", _M, "a Windows title"),
    0x9C9C: ("XPComment", _M, "a Windows comment"),
    0x9C9D: ("XPAuthor", _H, "names the author (Windows)"),
    0x9C9E: ("XPKeywords", _M, "Windows keywords"),
    0x9C9F: ("XPSubject", _M, "a Windows subject"),
    0xC62F: ("CameraSerialNumber", _H, "the camera's serial number (DNG)"),
    0xC614: ("UniqueCameraModel", _M, "names the camera model (DNG)"),
    0xC615: ("LocalizedCameraModel", _M, "names the camera model (DNG)"),
    0x882A: ("TimeZoneOffset", _M, "the time zone of the device"),
    0x0000_8546: ("SEMInfo", _M, "instrument information"),
}

_XP_TAGS = {0x9C9B, 0x9C9C, 0x9C9D, 0x9C9E, 0x9C9F}
#: Tags whose values are offsets, sizes or binary layouts: never text.
_EXIF_SKIP = {
    0x8769, 0x8825, 0xA005, 0x927C, 0x0201, 0x0202, 0x0111, 0x0117, 0x0144, 0x0145,
    0x014A, 0x02BC, 0x83BB, 0x8649, 0x8773, 0xEA1C, 0xEA1D, 0x0140, 0x0301, 0x9101,
    0xA300, 0xA301, 0xA302, 0x9000, 0xA000, 0x0002, 0x935C, 0xC4A5, 0x0103, 0x0106,
    0x0115, 0x0116, 0x011C, 0x0153, 0x0152, 0x0156, 0x0150, 0x0151, 0x0157,
}

_TAG_NAMES: dict[int, str] = {}


def _tag_name(tag: int) -> str:
    if not _TAG_NAMES:
        from PIL import ExifTags, TiffTags

        _TAG_NAMES.update({k: v for k, v in TiffTags.TAGS.items() if isinstance(k, int)})
        _TAG_NAMES.update(ExifTags.TAGS)
    if tag in EXIF_IDENTIFYING:
        return EXIF_IDENTIFYING[tag][0]
    return _TAG_NAMES.get(tag, f"tag 0x{tag:04x}")


def format_value(tag: int, value: Any) -> str | None:
    """A tag value as text, or None when it holds no text worth showing."""
    if isinstance(value, bytes):
        if tag in _XP_TAGS:
            try:
                return value.decode("utf-16-le", "replace").rstrip("\x00")
            except Exception:
                return None
        if tag == 0x9286:  # UserComment: 8-byte character-code header
            head, body = value[:8], value[8:]
            if head.startswith(b"UNICODE"):
                return _decode_utf16_guess(body)
            text = decode_text_bytes(body if len(value) >= 8 else value)
            return text
        text = decode_text_bytes(value)
        if text is not None:
            return text
        strings = printable_strings(value, 10)
        return " ".join(strings) if strings else None
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        parts = [format_value(tag, v) for v in value[:64]]
        return ", ".join(p for p in parts if p)
    if isinstance(value, float):
        return f"{value:g}"
    try:
        num = getattr(value, "numerator", None)
        den = getattr(value, "denominator", None)
        if num is not None and den is not None and not isinstance(value, int):
            return f"{float(num) / float(den):g}" if den else None
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return None
    return str(value)[:MAX_VALUE_CHARS]


def _decode_utf16_guess(body: bytes) -> str:
    if body[:2] == b"\xff\xfe":
        return body[2:].decode("utf-16-le", "replace")
    if body[:2] == b"\xfe\xff":
        return body[2:].decode("utf-16-be", "replace")
    le = body.decode("utf-16-le", "replace")
    be = body.decode("utf-16-be", "replace")
    return le if sum(c.isascii() for c in le) >= sum(c.isascii() for c in be) else be


def _rational(value: Any) -> float:
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return value[0] / value[1] if value[1] else 0.0
    return float(value)


def gps_decimal(dms: Any, ref: Any) -> float | None:
    """Degrees, minutes, seconds (three rationals) and N/S/E/W as a signed decimal."""
    try:
        if not isinstance(dms, tuple | list) or not dms:
            return None
        parts = [*[_rational(v) for v in dms][:3], 0.0, 0.0]
        deg = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if deg != deg or abs(deg) > 360:  # NaN or nonsense
        return None
    r = ref.decode("latin-1") if isinstance(ref, bytes) else str(ref or "")
    if r.strip().upper()[:1] in ("S", "W"):
        deg = -deg
    return round(deg, 7)


def _dms_text(value: float, pos: str, neg: str) -> str:
    hemi = pos if value >= 0 else neg
    v = abs(value)
    d = int(v)
    m = int((v - d) * 60)
    s = (v - d - m / 60) * 3600
    return f"{d}°{m:02d}'{s:04.1f}\"{hemi}"


def read_exif(raw: bytes, report: MetaReport, label: str = "EXIF") -> None:
    """Parse an EXIF/TIFF block (``Exif\\0\\0`` prefix optional) into ``report``."""
    from PIL import Image

    if raw.startswith(b"Exif\x00\x00"):
        raw = raw[6:]
    report.blocks.append((label.lower(), raw))
    exif = Image.Exif()
    try:
        exif.load(raw)
    except Exception as exc:  # untrusted bytes: any parser error is a finding, not a crash
        _unparsable(report, label, raw, exc)
        return
    read_exif_object(exif, report, label, raw)


def read_exif_object(exif: Any, report: MetaReport, label: str, raw: bytes | None) -> None:
    from PIL import ExifTags

    try:
        ifd0 = dict(exif.items())
    except Exception as exc:  # Pillow can list a tag it then fails to read (KeyError)
        _unparsable(report, label, raw or b"", exc)
        return
    ifds: list[tuple[str, dict[int, Any]]] = [("IFD0", ifd0)]
    for name, ifd_id in (("Exif", ExifTags.IFD.Exif), ("Interop", ExifTags.IFD.Interop)):
        try:
            ifd = exif.get_ifd(ifd_id)
        except Exception as exc:
            _unparsable(report, f"{label} {name} IFD", b"", exc)
            continue
        if ifd:
            ifds.append((name, dict(ifd)))
    for ifd_name, ifd in ifds:
        read_tags(ifd, report, label, ifd_name)
    # maker note: vendor-private, often with the serial number inside
    try:
        exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
        maker = exif_ifd.get(0x927C)
    except Exception:
        maker = None
    if isinstance(maker, bytes) and maker:
        strings = printable_strings(maker, 30)
        report.blocks.append((f"{label.lower()}:makernote", maker))
        report.extras.append(Extra(
            "makernote", Severity.MEDIUM,
            f"{label} maker note ({len(maker):,} bytes of the camera maker's private data); "
            "maker notes often hold the camera's serial number, its shutter count and "
            "firmware version" + (f": {', '.join(strings[:8])}" if strings else ""),
            {"bytes": len(maker), "strings": strings}, strings))
        for s in strings:
            report.add(MetaItem(label, "MakerNote", s, f"{label.lower()}:makernote",
                                Severity.MEDIUM, "text inside the camera maker's private data"))
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception as exc:
        _unparsable(report, f"{label} GPS IFD", b"", exc)
        gps = {}
    if gps:
        _read_gps(dict(gps), report, label)
    # IFD1: the embedded thumbnail
    try:
        ifd1 = exif.get_ifd(ExifTags.IFD.IFD1)
    except Exception:
        ifd1 = {}
    if ifd1:
        for tag, value in ifd1.items():
            if isinstance(tag, int) and tag in EXIF_IDENTIFYING:
                text = format_value(tag, value)
                if text:
                    _, sev, why = EXIF_IDENTIFYING[tag]
                    report.add(MetaItem(label, _tag_name(tag), text,
                                        f"{label.lower()}:IFD1:0x{tag:04x}", sev, why))
        off, length = ifd1.get(0x0201), ifd1.get(0x0202)
        if isinstance(off, int) and isinstance(length, int) and raw is not None:
            thumb = raw[off : off + length] if 0 < off < len(raw) else b""
            _thumbnail(report, label, thumb, length)


def read_tags(ifd: dict[int, Any], report: MetaReport, label: str, ifd_name: str = "IFD0") -> None:
    """Every tag of one TIFF/EXIF directory as an item."""
    for tag, value in ifd.items():
        if not isinstance(tag, int) or tag in _EXIF_SKIP or tag in _TIFF_LAYOUT:
            continue
        text = format_value(tag, value)
        if not text:
            continue
        name = _tag_name(tag)
        sev, why = None, ""
        if tag in EXIF_IDENTIFYING:
            _, sev, why = EXIF_IDENTIFYING[tag]
        report.add(MetaItem(label, name, text, f"{label.lower()}:{ifd_name}:0x{tag:04x}",
                            sev, why, {"tag": f"0x{tag:04x}", "ifd": ifd_name}))


#: TIFF tags that describe the pixel layout (sizes, offsets, tables): never text.
_TIFF_LAYOUT = {0x0100, 0x0101, 0x0102, 0x0103, 0x0106, 0x0111, 0x0115, 0x0116, 0x0117,
                0x011C, 0x0140, 0x0142, 0x0143, 0x0144, 0x0145, 0x0152, 0x0153, 0x0200,
                0x0201, 0x0202, 0x0211, 0x0212, 0x0213, 0x0214, 0x8773, 0x02BC, 0x83BB,
                0x8649, 0x935C, 0xC612, 0xC613}


def _read_gps(gps: dict[int, Any], report: MetaReport, label: str) -> None:
    from PIL import ExifTags

    lat = gps_decimal(gps.get(2), gps.get(1))
    lon = gps_decimal(gps.get(4), gps.get(3))
    parts: list[str] = []
    evidence: dict[str, Any] = {}
    if lat is not None and lon is not None:
        parts.append(f"GPS position {lat:.6f}, {lon:.6f} "
                     f"({_dms_text(lat, 'N', 'S')} {_dms_text(lon, 'E', 'W')})")
        evidence.update(latitude=lat, longitude=lon)
    try:
        if 6 in gps:
            alt = _rational(gps[6])
            below = gps.get(5) in (1, b"\x01")
            alt = -alt if below else alt
            parts.append(f"altitude {alt:.1f} m")
            evidence["altitude_m"] = round(alt, 2)
    except (TypeError, ValueError, ZeroDivisionError):
        pass
    other = []
    for tag, value in gps.items():
        if tag in (0, 1, 2, 3, 4, 5, 6):
            continue
        text = format_value(tag, value)
        if text:
            name = ExifTags.GPSTAGS.get(tag, f"GPS tag 0x{tag:04x}")
            other.append(f"{name} {text}")
            evidence[name] = text
    if other:
        parts.append("; ".join(other))
    if not parts:
        parts.append("GPS block present (no readable position)")
    text = "; ".join(parts)
    if lat is not None and lon is not None:
        why = (f"the place where the photo was taken (GPS {lat:.6f}, {lon:.6f}), "
               "which can lead to the photographer's home or office")
    else:
        why = "GPS data about where the photo was taken"
    report.add(MetaItem("GPS", "GPS position", text, f"{label.lower()}:GPS", Severity.HIGH,
                        why, evidence))


def _thumbnail(report: MetaReport, where: str, thumb: bytes, declared: int) -> None:
    size = ""
    fmt = ""
    if thumb:
        report.blocks.append((f"{where.lower()}:thumbnail", thumb))
        try:
            from PIL import Image

            with Image.open(io.BytesIO(thumb)) as t:
                size = f"{t.size[0]}×{t.size[1]} "
                fmt = t.format or ""
        except Exception:
            fmt = "unreadable"
    report.extras.append(Extra(
        "thumbnail", Severity.MEDIUM,
        f"{where} embedded thumbnail ({size}{fmt} image, {len(thumb) or declared:,} bytes): a "
        "small copy of the picture as it was first saved; it can show what was later "
        "cropped, painted over or edited out",
        {"bytes": len(thumb) or declared, "size": size.strip(), "format": fmt, "in": where}))


def _unparsable(report: MetaReport, what: str, raw: bytes, exc: BaseException) -> None:
    strings = printable_strings(raw, 20) if raw else []
    report.extras.append(Extra(
        "parse-error", Severity.LOW,
        f"{what} block is malformed and could not be fully read ({type(exc).__name__}); "
        "it is dropped by sanitize" + (f"; readable strings: {', '.join(strings[:6])}" if strings else ""),
        {"block": what, "error": type(exc).__name__, "strings": strings}, strings))
    for s in strings:
        report.add(MetaItem(what, "string", s, f"{what.lower()}:strings", Severity.LOW,
                            "readable text inside a malformed metadata block"))


# -- XMP ---------------------------------------------------------------------

_XMP_HIGH = {
    "creator", "Artist", "Author", "OwnerName", "CameraOwnerName", "SerialNumber",
    "BodySerialNumber", "LensSerialNumber", "ImageUniqueID", "GPSLatitude", "GPSLongitude",
    "CaptionWriter", "rights", "Copyright", "Credit", "AuthorsPosition", "CiEmailWork",
    "CiTelWork", "CiAdrExtadr", "CiUrlWork", "DocumentID", "OriginalDocumentID", "InstanceID",
    "PersonInImage", "Owner", "UsageTerms", "Marked", "WebStatement", "LastModifiedBy",
}
_XMP_MEDIUM = {
    "CreatorTool", "softwareAgent", "Make", "Model", "Lens", "LensModel", "LensInfo", "Software",
    "CreateDate", "ModifyDate", "MetadataDate", "DateCreated", "DateTimeOriginal",
    "DateTimeDigitized", "when", "City", "State", "Country", "Location", "Sublocation",
    "description", "title", "subject", "Headline", "Instructions", "Source",
    "TransmissionReference", "GPSAltitude", "GPSTimeStamp", "Producer", "Keywords", "label",
    "documentID", "instanceID", "RawFileName", "PreservedFileName", "parameters", "action",
    "xmptk",
}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_STRUCTURAL = {"RDF", "Description", "Seq", "Bag", "Alt", "li", "xmpmeta", "XMP", "Property"}


def read_xmp(raw: bytes, report: MetaReport, where: str = "XMP") -> None:
    """Parse an XMP packet safely and add every value to ``report``."""
    from lxml import etree

    report.blocks.append((where.lower(), raw))
    start = raw.find(b"<")
    if start < 0:
        return
    data = raw[start:].rstrip(b"\x00 \r\n\t")
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        # XMP never needs a DTD: entities are how billion laughs and XXE start
        raise InputError(
            f"the picture's {where} packet declares XML entities or a DTD (a billion-laughs "
            "or external-entity attack): refused as hostile")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, recover=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        _unparsable(report, where, raw, exc)
        return
    if root is None:
        _unparsable(report, where, raw, ValueError("empty XMP"))
        return
    count = 0
    for el in root.iter():
        if not isinstance(el.tag, str):  # comments
            text = (el.text or "").strip()
            if text:
                report.add(MetaItem(where, "comment", text, f"{where.lower()}:comment",
                                    Severity.MEDIUM, "a comment inside the XMP packet"))
            continue
        local = etree.QName(el).localname
        for key, value in el.attrib.items():
            qn = etree.QName(key)
            if qn.namespace in (_RDF, "http://www.w3.org/XML/1998/namespace") or not value.strip():
                continue
            _xmp_item(report, where, _prefixed(el, qn), qn.localname, value)
            count += 1
        if local in _STRUCTURAL and el.text and el.text.strip() and local != "li":
            continue
        text = (el.text or "").strip()
        if text and len(el) == 0:
            prop = el
            while prop is not None and etree.QName(prop).localname in _STRUCTURAL:
                prop = prop.getparent()
            if prop is None:
                continue
            qn = etree.QName(prop)
            _xmp_item(report, where, _prefixed(prop, qn), qn.localname, text)
            count += 1
        if count > MAX_ITEMS:
            break


def _prefixed(el: Any, qn: Any) -> str:
    prefix = None
    for p, ns in (el.nsmap or {}).items():
        if ns == qn.namespace and p:
            prefix = p
            break
    return f"{prefix}:{qn.localname}" if prefix else str(qn.localname)


def _xmp_item(report: MetaReport, where: str, name: str, local: str, value: str) -> None:
    if local in _XMP_HIGH:
        sev: Severity | None = Severity.HIGH
        why = "an XMP property that names a person, a device or a unique document id"
    elif local in _XMP_MEDIUM:
        sev = Severity.MEDIUM
        why = "an XMP property about the tools, dates, places or content of the file"
    else:
        sev, why = None, ""
    report.add(MetaItem(where, name, value, f"{where.lower()}:{name}", sev, why))


# -- IPTC ----------------------------------------------------------------------

IPTC_NAMES: dict[tuple[int, int], tuple[str, Severity | None]] = {
    (2, 5): ("Object Name", _M), (2, 7): ("Edit Status", None), (2, 10): ("Urgency", None),
    (2, 15): ("Category", None), (2, 20): ("Supplemental Category", None),
    (2, 25): ("Keywords", _M), (2, 40): ("Special Instructions", _M),
    (2, 55): ("Date Created", _M), (2, 60): ("Time Created", _M),
    (2, 62): ("Digital Creation Date", _M), (2, 63): ("Digital Creation Time", _M),
    (2, 65): ("Originating Program", _M), (2, 70): ("Program Version", _L),
    (2, 80): ("By-line", _H), (2, 85): ("By-line Title", _M), (2, 90): ("City", _M),
    (2, 92): ("Sub-location", _M), (2, 95): ("Province/State", _M),
    (2, 100): ("Country Code", _M), (2, 101): ("Country", _M),
    (2, 103): ("Original Transmission Reference", _H), (2, 105): ("Headline", _M),
    (2, 110): ("Credit", _H), (2, 115): ("Source", _M), (2, 116): ("Copyright Notice", _H),
    (2, 118): ("Contact", _H), (2, 120): ("Caption/Abstract", _M), (2, 122): ("Writer/Editor", _H),
    (1, 90): ("Coded Character Set", None),
}


def read_iptc(info: dict[tuple[int, int], Any], report: MetaReport) -> None:
    for key, value in info.items():
        values = value if isinstance(value, list) else [value]
        name, sev = IPTC_NAMES.get(key, (f"dataset {key[0]}:{key[1]}", None))
        for v in values[:200]:
            text = decode_text_bytes(v) if isinstance(v, bytes) else str(v)
            if not text:
                continue
            why = "an IPTC field (news photo metadata) that names people, places or sources"
            report.add(MetaItem("IPTC", name, text, f"iptc:{key[0]}:{key[1]}", sev,
                                why if sev else ""))


def parse_iptc_bytes(data: bytes) -> dict[tuple[int, int], Any]:
    """Parse IPTC-IIM records (0x1C tag marker) without trusting any length."""
    out: dict[tuple[int, int], Any] = {}
    i = 0
    n = len(data)
    while i + 5 <= n and len(out) < 1000:
        if data[i] != 0x1C:
            i += 1
            continue
        rec, ds = data[i + 1], data[i + 2]
        size = struct.unpack(">H", data[i + 3 : i + 5])[0]
        i += 5
        if size & 0x8000:  # extended length: skip safely
            break
        val = data[i : i + size]
        i += size
        key = (rec, ds)
        if key in out:
            prev = out[key]
            out[key] = [*prev, val] if isinstance(prev, list) else [prev, val]
        else:
            out[key] = val
    return out


# -- Photoshop image resources (JPEG APP13) -----------------------------------

def read_photoshop(data: bytes, report: MetaReport) -> None:
    """Photoshop 8BIM resources: IPTC, XMP, thumbnails, and strings from the rest."""
    report.blocks.append(("photoshop", data))
    ids: list[str] = []
    strings: list[str] = []
    for rid, body in iter_8bim(data):
        ids.append(f"0x{rid:04x}")
        if rid == 0x0404:
            read_iptc(parse_iptc_bytes(body), report)
        elif rid == 0x0424:
            read_xmp(body, report, "XMP (Photoshop)")
        elif rid in (0x0409, 0x040C):
            jpeg = body[28:] if len(body) > 28 else b""
            _thumbnail(report, "Photoshop", jpeg, len(body))
        elif rid == 0x0422:
            read_exif(body, report, "EXIF (Photoshop)")
        elif rid in (0x03ED, 0x0425, 0x0406, 0x03F3, 0x040D, 0x0419, 0x041E, 0x0426, 0x0428):
            continue  # resolution, digest, JPEG quality, flags: no text
        else:
            strings.extend(printable_strings(body, 10))
    if ids:
        report.extras.append(Extra(
            "photoshop", Severity.MEDIUM if strings else Severity.LOW,
            f"Photoshop image resources ({len(ids)} blocks: {', '.join(ids[:12])}) record "
            "how the image was edited" + (f"; readable text: {', '.join(strings[:6])}" if strings else ""),
            {"resources": ids, "strings": strings[:30]}, strings[:30]))
        for s in strings[:30]:
            report.add(MetaItem("Photoshop", "resource text", s, "photoshop:strings",
                                Severity.MEDIUM, "text inside Photoshop's image resources"))


def iter_8bim(data: bytes) -> Iterator[tuple[int, bytes]]:
    if data.startswith(b"Photoshop 3.0\x00"):
        data = data[14:]
    i, n = 0, len(data)
    count = 0
    while i + 12 <= n and count < 2000:
        if data[i : i + 4] not in (b"8BIM", b"MeSa", b"PHUT", b"AgHg", b"DCSR"):
            break
        rid = struct.unpack(">H", data[i + 4 : i + 6])[0]
        name_len = data[i + 6]
        j = i + 7 + name_len
        if (name_len + 1) % 2:
            j += 1
        if j + 4 > n:
            break
        size = struct.unpack(">I", data[j : j + 4])[0]
        j += 4
        body = data[j : j + size]
        yield rid, body
        i = j + size + (size % 2)
        count += 1


# -- ICC -----------------------------------------------------------------------

def read_icc(data: bytes, report: MetaReport) -> None:
    report.blocks.append(("icc", data))
    from PIL import ImageCms

    fields: list[tuple[str, str]] = []
    try:
        prof = ImageCms.ImageCmsProfile(io.BytesIO(data))
        for name, getter in (
            ("description", ImageCms.getProfileDescription),
            ("copyright", ImageCms.getProfileCopyright),
            ("manufacturer", ImageCms.getProfileManufacturer),
            ("model", ImageCms.getProfileModel),
        ):
            try:
                value = (getter(prof) or "").strip()
            except Exception:
                value = ""
            if value:
                fields.append((name, value))
    except Exception:
        for s in printable_strings(data, 8):
            fields.append(("string", s))
    if len(data) >= 36 and data[36:40] == b"acsp":
        y, mo, d, h, mi, sec = struct.unpack(">6H", data[24:36])
        if y:
            fields.append(("created", f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{sec:02d}"))
    for name, value in fields:
        report.add(MetaItem("ICC profile", name, value, f"icc:{name}", Severity.LOW,
                            "a colour profile; a custom one can point to a particular "
                            "scanner, camera or calibrated screen"))


# -- containers: JPEG segments, PNG chunks, WebP chunks --------------------------

def walk_jpeg(data: bytes, report: MetaReport) -> int:
    """Walk JPEG marker segments up to the scan; return the end of the image (EOI) or -1."""
    i = 2
    n = len(data)
    xmp_ext: list[bytes] = []
    while i + 4 <= n:
        if data[i] != 0xFF:
            # junk between segments (a wrong segment length, a bad editor): decoders
            # skip to the next marker ("extraneous bytes before marker"), so a segment
            # after the junk still reaches every viewer and exiftool; walk on to it
            j = _next_jpeg_marker(data, i)
            if j < 0:
                break
            junk = data[i:j]
            strings = printable_strings(junk, 10)
            report.extras.append(Extra(
                "parse-error", Severity.LOW,
                f"{len(junk):,} stray bytes between JPEG segments at offset {i:,} (a wrong "
                "segment length or a damaged file); skipped to the next segment as "
                "decoders do" + (f"; readable text: {', '.join(strings[:6])}" if strings
                                  else ""),
                {"offset": i, "bytes": len(junk), "strings": strings}, strings))
            report.blocks.append(("jpeg:stray bytes", junk))
            i = j
            continue
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        if marker == 0xD9:
            return i + 2
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        body = data[i + 4 : i + 2 + length]
        if marker == 0xDA:  # start of scan: find EOI past the entropy-coded data
            return _jpeg_eoi(data, i + 2 + length)
        if 0xE0 <= marker <= 0xEF:
            _jpeg_app(marker - 0xE0, body, report, xmp_ext)
        elif marker == 0xFE:
            report.blocks.append(("jpeg:COM", body))
            text = decode_text_bytes(body) or " ".join(printable_strings(body))
            report.add(MetaItem("comment", "JPEG comment", text, "jpeg:COM", Severity.MEDIUM,
                                "a free-text comment in the file, often written by the "
                                "software or a person"))
        i += 2 + length
    if xmp_ext:
        read_xmp(b"".join(xmp_ext), report, "XMP (extended)")
    return -1


def _next_jpeg_marker(data: bytes, start: int) -> int:
    """Offset of the next marker segment (0xFF then a marker byte) at or after ``start``."""
    i = start
    while True:
        i = data.find(b"\xff", i)
        if i < 0 or i + 1 >= len(data):
            return -1
        if data[i + 1] not in (0x00, 0xFF) and not 0xD0 <= data[i + 1] <= 0xD7:
            return i
        i += 1


def _jpeg_eoi(data: bytes, start: int) -> int:
    """The offset just past the EOI that closes the entropy-coded data, or -1."""
    i = start
    while True:
        j = data.find(b"\xff", i)
        if j < 0 or j + 1 >= len(data):
            return -1
        nxt = data[j + 1]
        if nxt == 0xD9:
            return j + 2
        if nxt == 0xDA and j + 4 <= len(data):  # progressive: next scan header
            length = struct.unpack(">H", data[j + 2 : j + 4])[0]
            i = j + 2 + length
            continue
        i = j + 1 if nxt == 0xFF else j + 2  # fill byte, stuffed zero, RSTn or a table


def _jpeg_app(n: int, body: bytes, report: MetaReport, xmp_ext: list[bytes]) -> None:
    label = f"jpeg:APP{n}"
    if n == 1 and body.startswith(b"Exif\x00"):
        read_exif(body, report, "EXIF")
    elif n == 1 and body.startswith(b"http://ns.adobe.com/xap/1.0/\x00"):
        read_xmp(body[29:], report, "XMP")
    elif n == 1 and body.startswith(b"http://ns.adobe.com/xmp/extension/\x00"):
        xmp_ext.append(body[35 + 32 + 8 :])
        report.blocks.append((label, body))
    elif n == 2 and body.startswith(b"ICC_PROFILE\x00"):
        report.blocks.append((label, body))  # chunks are joined by Pillow; read there
    elif n == 2 and body.startswith(b"MPF\x00"):
        report.blocks.append((label, body))
        report.extras.append(Extra(
            "mpf", Severity.MEDIUM,
            "Multi-Picture Format block: the file holds more pictures after the main one "
            "(a preview, a depth map or a gain map), each with its own metadata",
            {"bytes": len(body)}))
    elif n == 13:
        read_photoshop(body, report)
    elif n == 11 and (b"jumb" in body[:64] or b"c2pa" in body[:256]):
        _c2pa(body, report, label)
    elif n == 0 and body.startswith((b"JFIF\x00", b"JFXX\x00")):
        if body.startswith(b"JFXX\x00") or (len(body) >= 14 and body[12] and body[13]):
            _thumbnail(report, "JFIF", b"", len(body))
        report.blocks.append((label, body))
    elif n == 14 and body.startswith(b"Adobe"):
        report.blocks.append((label, body))
    else:
        report.blocks.append((label, body))
        strings = printable_strings(body, 20)
        if strings:
            report.extras.append(Extra(
                "segment", Severity.MEDIUM,
                f"vendor data in JPEG segment APP{n} ({len(body):,} bytes): {', '.join(strings[:6])}",
                {"segment": f"APP{n}", "bytes": len(body), "strings": strings}, strings))
            for s in strings:
                report.add(MetaItem(f"APP{n}", "string", s, label, Severity.MEDIUM,
                                    "text in a vendor-private JPEG segment"))


def _c2pa(body: bytes, report: MetaReport, label: str) -> None:
    report.blocks.append((label, body))
    strings = printable_strings(body, 30)
    report.extras.append(Extra(
        "c2pa", Severity.HIGH,
        "Content Credentials (C2PA/JUMBF) manifest: a signed record of the device, the "
        "software and the edits, possibly with the author's identity and certificate"
        + (f"; readable text: {', '.join(strings[:6])}" if strings else ""),
        {"bytes": len(body), "strings": strings}, strings))
    for s in strings:
        report.add(MetaItem("C2PA", "string", s, label, Severity.MEDIUM,
                            "text inside a Content Credentials manifest"))


_PNG_SKIP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT",
             b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT", b"hIST", b"sPLT", b"cICP", b"mDCV",
             b"cLLI"}


def walk_png(data: bytes, report: MetaReport, max_text: int = 8 << 20) -> int:
    """Walk PNG chunks; return the offset just past IEND, or -1."""
    i = 8
    n = len(data)
    budget = max_text
    count = 0
    while i + 8 <= n and count < 100_000:
        count += 1
        length = int(struct.unpack(">I", data[i : i + 4])[0])
        ctype = data[i + 4 : i + 8]
        body = data[i + 8 : i + 8 + length]
        i += 12 + length
        if ctype == b"IEND":
            return i
        if ctype in _PNG_SKIP:
            continue
        label = "png:" + ctype.decode("latin-1")
        if ctype in (b"tEXt", b"zTXt", b"iTXt"):
            key, text, budget = _png_text(ctype, body, budget)
            report.blocks.append((label, (key + "\x00" + text).encode("utf-8", "replace")))
            if key in ("XML:com.adobe.xmp",):
                read_xmp(text.encode("utf-8", "replace"), report, "XMP")
            elif key.startswith("Raw profile type") and ("exif" in key.lower() or "iptc" in key.lower()):
                blob = _imagemagick_hex(text)
                if "exif" in key.lower():
                    read_exif(blob[blob.find(b"Exif"):] if b"Exif" in blob else blob, report)
                else:
                    read_iptc(parse_iptc_bytes(blob), report)
            elif text:
                sev = Severity.HIGH if key.lower() in ("author", "copyright") else Severity.MEDIUM
                report.add(MetaItem("PNG text", key or "text", text, label, sev,
                                    f"a PNG text field ({key or 'no keyword'}) written by the "
                                    "software or a person"))
        elif ctype == b"eXIf":
            read_exif(body, report)
        elif ctype == b"iCCP":
            report.blocks.append((label, body))
        elif ctype == b"tIME" and length == 7:
            y, mo, d, h, mi, s = struct.unpack(">HBBBBB", body)
            report.add(MetaItem("PNG", "tIME (last modified)",
                                f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}", label,
                                Severity.MEDIUM, "when the image was last changed"))
        elif ctype in (b"caBX", b"jumb"):
            _c2pa(body, report, label)
        else:
            report.blocks.append((label, body))
            strings = printable_strings(body, 20)
            report.extras.append(Extra(
                "chunk", Severity.MEDIUM if strings else Severity.LOW,
                f"private PNG chunk {ctype.decode('latin-1')!r} ({length:,} bytes)"
                + (f": {', '.join(strings[:6])}" if strings else ""),
                {"chunk": ctype.decode("latin-1"), "bytes": length, "strings": strings}, strings))
            for s in strings:
                report.add(MetaItem("PNG chunk", ctype.decode("latin-1"), s, label,
                                    Severity.MEDIUM, "text in a private PNG chunk"))
    return -1


def _png_text(ctype: bytes, body: bytes, budget: int) -> tuple[str, str, int]:
    key, _, rest = body.partition(b"\x00")
    k = key.decode("latin-1", "replace")
    try:
        if ctype == b"tEXt":
            return k, rest.decode("latin-1"), budget
        if ctype == b"zTXt":
            raw, budget = _inflate(rest[1:], budget)
            return k, raw.decode("latin-1"), budget
        # iTXt: flag, method, language\0, translated keyword\0, text
        flag = rest[:1]
        rest = rest[2:]
        _lang, _, rest = rest.partition(b"\x00")
        _tkey, _, text = rest.partition(b"\x00")
        if flag == b"\x01":
            text, budget = _inflate(text, budget)
        return k, text.decode("utf-8", "replace"), budget
    except (zlib.error, ValueError):
        return k, " ".join(printable_strings(rest)), budget


def _inflate(data: bytes, budget: int) -> tuple[bytes, int]:
    """Decompress at most ``budget`` bytes (a zTXt bomb stops here)."""
    d = zlib.decompressobj()
    out = d.decompress(data, max(budget, 0))
    return out, budget - len(out)


def _imagemagick_hex(text: str) -> bytes:
    lines = text.strip().splitlines()
    hexdata = "".join(lines[2:]) if len(lines) > 2 else ""
    try:
        return bytes.fromhex("".join(hexdata.split()))
    except ValueError:
        return b""


def walk_webp(data: bytes, report: MetaReport) -> int:
    """Walk RIFF/WebP chunks; return the declared end of the RIFF data."""
    if len(data) < 12:
        return -1
    end = min(len(data), 8 + int(struct.unpack("<I", data[4:8])[0]))
    i = 12
    while i + 8 <= end:
        ctype = data[i : i + 4]
        size = struct.unpack("<I", data[i + 4 : i + 8])[0]
        body = data[i + 8 : i + 8 + size]
        i += 8 + size + (size & 1)
        if ctype == b"EXIF":
            read_exif(body, report)
        elif ctype == b"XMP ":
            read_xmp(body, report)
        elif ctype == b"ICCP":
            report.blocks.append(("webp:ICCP", body))
        elif ctype not in (b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"):
            report.blocks.append(("webp:" + ctype.decode("latin-1"), body))
            strings = printable_strings(body, 20)
            report.extras.append(Extra(
                "chunk", Severity.MEDIUM if strings else Severity.LOW,
                f"unknown WebP chunk {ctype.decode('latin-1')!r} ({size:,} bytes)",
                {"chunk": ctype.decode("latin-1"), "bytes": size, "strings": strings}, strings))
    return end


_NETPBM_FIELDS = {b"P1": 2, b"P2": 3, b"P3": 3, b"P4": 2, b"P5": 3, b"P6": 3}


def walk_netpbm(data: bytes, report: MetaReport) -> int:
    """Netpbm (PBM/PGM/PPM) header comments; return where the raster starts.

    The header is the magic number and 2 or 3 numbers, with ``#`` comments
    (to the end of the line) allowed anywhere between them; editors write their
    name there ("# CREATOR: GIMP PNM Filter Version 1.1").  The plain (ASCII)
    variants P1 to P3 are also searched for comments inside the raster.
    """
    magic = data[:2]
    want = _NETPBM_FIELDS.get(magic)
    if want is None:
        return -1
    comments: list[str] = []
    i, n, got = 2, len(data), 0
    while i < n and got < want:
        c = data[i : i + 1]
        if c == b"#":
            j = data.find(b"\n", i)
            j = n if j < 0 else j
            comments.append(data[i + 1 : j].decode("latin-1").strip())
            i = j + 1
        elif c.isspace():
            i += 1
        elif c.isdigit():
            while i < n and data[i : i + 1].isdigit():
                i += 1
            got += 1
        else:
            break
    end = min(i + 1, n)  # one whitespace character ends the header
    if magic in (b"P1", b"P2", b"P3"):
        for line in data[end:].split(b"\n"):
            if b"#" in line:
                comments.append(line.split(b"#", 1)[1].decode("latin-1").strip())
    report.blocks.append(("netpbm header", data[:end]))
    for text in comments[:200]:
        if text:
            report.add(MetaItem("comment", "Netpbm comment", _clean_text(text), "netpbm:comment",
                                Severity.MEDIUM, "a comment in the file header, often the name "
                                "and version of the program that wrote it"))
    return end


_XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
_JP2_PLAIN = {b"jP  ", b"ftyp", b"ihdr", b"bpcc", b"pclr", b"cmap", b"cdef", b"res ", b"resc",
              b"resd", b"rreq"}


def walk_jp2(data: bytes, report: MetaReport) -> int:
    """JPEG 2000 (JP2 boxes or a raw codestream): XML and XMP boxes, UUID boxes, the
    ICC profile, and comments (COM) in the codestream's main header.  Returns the end
    of the last box (or of the codestream), -1 if unknown."""
    if data.startswith(b"\xff\x4f\xff\x51"):
        _j2k_comments(data, report)
        return -1
    return _jp2_boxes(data, 0, len(data), report, depth=0)


def _jp2_boxes(data: bytes, start: int, end: int, report: MetaReport, depth: int) -> int:
    i = start
    count = 0
    while i + 8 <= end and count < 10_000:
        count += 1
        size = struct.unpack(">I", data[i : i + 4])[0]
        btype = data[i + 4 : i + 8]
        head = 8
        if size == 1:
            if i + 16 > end:
                break
            size = struct.unpack(">Q", data[i + 8 : i + 16])[0]
            head = 16
        elif size == 0:
            size = end - i
        if size < head or i + size > end:
            size = end - i  # a damaged length: the rest of the file
        body = data[i + head : i + size]
        name = btype.decode("latin-1")
        if btype in (b"jp2h", b"res ", b"uinf") and depth < 4:
            _jp2_boxes(data, i + head, i + size, report, depth + 1)
        elif btype == b"xml ":
            if b"xmpmeta" in body or b"rdf:RDF" in body:
                read_xmp(body, report, "XMP")
            else:
                report.blocks.append(("jp2:xml", body))
                text = decode_text_bytes(body) or " ".join(printable_strings(body))
                report.add(MetaItem("JP2", "XML box", text, "jp2:xml", Severity.MEDIUM,
                                    "an XML metadata box (GML, a vendor record...)"))
        elif btype == b"uuid" and body[:16] == _XMP_UUID:
            read_xmp(body[16:], report, "XMP")
        elif btype == b"colr" and body[:1] == b"\x02":
            read_icc(body[3:], report)
        elif btype == b"jp2c":
            _j2k_comments(body, report)
        elif btype not in _JP2_PLAIN and btype not in (b"colr", b"jp2h", b"res "):
            report.blocks.append((f"jp2:{name}", body))
            strings = printable_strings(body, 20)
            report.extras.append(Extra(
                "chunk", Severity.MEDIUM if strings else Severity.LOW,
                f"JPEG 2000 box {name!r} ({len(body):,} bytes)"
                + (f"; readable text: {', '.join(strings[:6])}" if strings else ""),
                {"box": name, "bytes": len(body), "strings": strings}, strings))
            for text in strings[:20]:
                report.add(MetaItem("JP2", f"{name.strip()} box text", text, f"jp2:{name}",
                                    Severity.MEDIUM, "text inside a JPEG 2000 box"))
        i += size
    return i


def _j2k_comments(cs: bytes, report: MetaReport) -> None:
    """COM segments of a codestream's main header (up to the first tile, SOT)."""
    i = 2 if cs.startswith(b"\xff\x4f") else -1
    while i >= 0 and i + 4 <= len(cs):
        marker = cs[i : i + 2]
        if marker[:1] != b"\xff" or marker in (b"\xff\x90", b"\xff\x93", b"\xff\xd9"):
            return
        length = struct.unpack(">H", cs[i + 2 : i + 4])[0]
        if marker == b"\xff\x64" and length >= 4:
            body = cs[i + 6 : i + 2 + length]
            report.blocks.append(("j2k:COM", body))
            text = decode_text_bytes(body) or " ".join(printable_strings(body))
            report.add(MetaItem("comment", "JPEG 2000 comment", text, "j2k:COM",
                                Severity.MEDIUM, "a comment in the codestream, often the "
                                "name and version of the encoder"))
        if length < 2:
            return
        i += 2 + length


def trailer(data: bytes, end: int, report: MetaReport, what: str) -> None:
    """Bytes after the end of the image: hidden data, a second picture, a vendor trailer."""
    if end <= 0 or end >= len(data):
        return
    tail = data[end:]
    if not tail.strip(b"\x00\xff \r\n"):
        return
    report.blocks.append(("trailer", tail))
    strings = printable_strings(tail, 30)
    kind = "another JPEG picture" if tail.lstrip(b"\x00").startswith(b"\xff\xd8") else "data"
    report.extras.append(Extra(
        "trailer", Severity.MEDIUM,
        f"{len(tail):,} bytes of {kind} after the end of the {what} image, which viewers do "
        "not show; it can hide a second picture, a vendor record or a message"
        + (f"; readable text: {', '.join(strings[:6])}" if strings else ""),
        {"bytes": len(tail), "strings": strings}, strings))
    for s in strings:
        report.add(MetaItem("trailer", "string", s, "trailer", Severity.MEDIUM,
                            "text hidden after the end of the image"))
