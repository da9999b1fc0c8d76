"""Container traces of a PDF, found with pikepdf: everything but the page text.

:func:`scan_structure` walks the document catalog, the pages and every object
once, and returns :class:`Trace` records: the Info dictionary, XMP packets
(document, pages, images), the file identifier, annotations, attachments,
form fields (AcroForm and XFA), JavaScript and other actions, optional-content
layers, bookmarks, article threads, page labels, thumbnails, the EXIF/XMP
metadata inside embedded JPEG images, application data (``/PieceInfo``) and
private keys.  Each trace carries the identifying value (if any) that the PDF
adapter puts into the Document text as its own segment.

Every walk is iterative, bounded in size, and remembers the objects it has
seen, so a file whose references loop cannot make it recurse or hang.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from lxml import etree

from ..document import Severity
from ..errors import InputError
from ._pdf_common import Deadline

Box = tuple[float, float, float, float]

MAX_VALUE = 4000
_MAX_WALK = 20_000
_MAX_XMP_VALUES = 200
_MAX_EXIF_VALUES = 40

HIGH, MEDIUM, LOW = Severity.HIGH, Severity.MEDIUM, Severity.LOW
#: What pikepdf raises on a malformed object; every accessor below turns it into "absent".
_BAD = (pikepdf.PdfError, RuntimeError, ValueError, TypeError, AttributeError, KeyError)


@dataclass(slots=True)
class Trace:
    """One container trace; ``value`` becomes a Document segment when present."""

    detector: str
    category: str
    severity: Severity
    message: str
    part: str = "metadata"
    page: int | None = None
    value: str | None = None
    source: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Attachment:
    """An embedded file: its name, where it sits, and the stream holding it."""

    name: str
    description: str
    stream: pikepdf.Stream
    page: int | None = None
    mime: str = ""
    where: str = "attachment list"
    #: Index of the trace that names it in ``StructureScan.traces``.
    trace: int = -1


@dataclass(slots=True)
class StructureScan:
    traces: list[Trace] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    #: Names of optional-content groups that are off by default.
    off_layers: frozenset[str] = frozenset()
    #: Page number -> annotations that cover text: ``(box, how to name it, subtype)``
    #: (redaction marks never applied, filled black or white squares drawn over text).
    redactions: dict[int, list[tuple[Box, str, str]]] = field(default_factory=dict)


# -- small helpers -----------------------------------------------------------


def clip(text: str, n: int = 160) -> str:
    """A value shortened for a message, on one line."""
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


def to_text(obj: Any, limit: int = MAX_VALUE) -> str | None:
    """A PDF string, name, number, stream or array as text (None for dictionaries)."""
    try:
        if isinstance(obj, pikepdf.String):
            return str(obj)[:limit]
        if isinstance(obj, pikepdf.Name):
            return str(obj)[1:]
        if isinstance(obj, bool | int | float):
            return str(obj)
        if isinstance(obj, pikepdf.Stream):
            data = obj.read_bytes()[: limit * 4]
            return _decode(data)[:limit]
        if isinstance(obj, pikepdf.Array):
            parts = [to_text(x, limit) for x in list(obj)[:50]]
            return " ".join(p for p in parts if p)[:limit] or None
        if obj is None or isinstance(obj, pikepdf.Dictionary):
            return None
        return str(obj)[:limit]
    except (pikepdf.PdfError, RuntimeError, ValueError):
        return None


def _decode(data: bytes) -> str:
    if data.startswith((b"\xfe\xff", b"\xff\xfe")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _name(obj: Any) -> str:
    return str(obj)[1:] if isinstance(obj, pikepdf.Name) else ""


def _key(obj: Any) -> tuple[int, int] | None:
    try:
        return obj.objgen if obj.is_indirect else None
    except _BAD:
        return None


def _get(obj: Any, key: str) -> Any:
    try:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            return obj.get(key)
    except _BAD:
        return None
    return None


def _is_dict(obj: Any) -> bool:
    return isinstance(obj, pikepdf.Dictionary | pikepdf.Stream)


def _items(obj: Any) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    try:
        keys = list(obj.keys())[:500]
    except _BAD:
        return out
    for k in keys:  # one bad key (e.g. not valid UTF-8) must not hide the others
        try:
            out.append((str(k), obj.get(str(k))))
        except _BAD:
            try:
                out.append((str(k), obj[k]))
            except Exception:  # noqa: S112 - skip what cannot be read at all
                continue
    return out


def _list(obj: Any, limit: int = _MAX_WALK) -> list[Any]:
    if isinstance(obj, pikepdf.Array):
        try:
            return list(obj)[:limit]
        except _BAD:
            return []
    return [obj] if obj is not None else []


def _box(obj: Any) -> Box | None:
    try:
        vals = [float(v) for v in _list(obj)[:4]]
    except (TypeError, ValueError):
        return None
    if len(vals) != 4:
        return None
    return (min(vals[0], vals[2]), min(vals[1], vals[3]), max(vals[0], vals[2]),
            max(vals[1], vals[3]))


# -- XMP ---------------------------------------------------------------------

_NS = {
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/pdf/1.3/": "pdf",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#": "stEvt",
    "http://ns.adobe.com/xap/1.0/sType/ResourceRef#": "stRef",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://ns.adobe.com/pdfx/1.3/": "pdfx",
    "http://ns.adobe.com/illustrator/1.0/": "illustrator",
    "http://ns.adobe.com/camera-raw-settings/1.0/": "crs",
    "http://www.aiim.org/pdfa/ns/id/": "pdfaid",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "adobe:ns:meta/": "x",
}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_SKIP_KEYS = {"dc:format", "pdf:Trapped", "pdfaid:part", "pdfaid:conformance",
              "xmlns", "rdf:about", "rdf:parseType", "xml:lang"}
#: The toolkit that wrote the packet (``x:xmptk``, ``x:xaptk`` before XMP 2004).
_TOOLKIT_KEYS = ("x:xmptk", "x:xaptk")
_GROUPED = {"xmpMM:History", "xmpMM:Ingredients", "xmpMM:Pantry", "xmpMM:DerivedFrom",
            "xmpMM:Manifest"}


def _qname(tag: str) -> str:
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        prefix = _NS.get(uri)
        if prefix is None:
            prefix = uri.rstrip("/#").rsplit("/", 1)[-1] or "ns"
        return f"{prefix}:{local}"
    return tag


def parse_xmp(data: bytes) -> list[tuple[str, str]]:
    """``(property, value)`` pairs of an XMP packet, history entries grouped.

    XML entities are never expanded and no DTD or network resource is loaded.
    """
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        raise InputError("an XMP packet declares XML entities or a DTD (a billion-laughs or "
                         "external-entity attack): refused as hostile")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, recover=True, remove_pis=True)
    try:
        root = etree.fromstring(data.strip(b"\x00 \r\n\t"), parser)
    except (etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        return []
    out: list[tuple[str, str]] = []
    grouped: dict[int, list[str]] = {}
    group_key: dict[int, str] = {}

    def path_of(el: Any) -> list[Any]:
        chain = []
        node = el
        while node is not None:
            chain.append(node)
            node = node.getparent()
        return list(reversed(chain))

    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        chain = path_of(el)
        props = [c for c in chain if isinstance(c.tag, str) and not c.tag.startswith(f"{{{_RDF}}}")
                 and _qname(c.tag) != "x:xmpmeta"]
        values: list[tuple[str, str]] = []
        for attr, val in el.attrib.items():
            q = _qname(attr)
            if q.startswith("rdf:") or q in _SKIP_KEYS or q.startswith("xml:"):
                continue
            if val.strip():  # Adobe pads x:xmptk with spaces
                values.append((q, val.strip()))
        if len(el) == 0 and el.text and el.text.strip() and props:
            values.append((_qname(props[-1].tag), el.text.strip()))
        if not values:
            continue
        top = _qname(props[0].tag) if props else ""
        if top in _GROUPED:
            # one entry per rdf:li directly under the grouped property
            anchor = next((c for c in chain if c.getparent() is not None
                           and c.getparent().getparent() is not None
                           and _qname(c.getparent().getparent().tag) == top), props[0])
            ident = id(anchor)
            group_key[ident] = top
            for q, v in values:
                if q != top:
                    grouped.setdefault(ident, []).append(f"{q.split(':')[-1]}={v}")
            continue
        for q, v in values:
            if q not in _SKIP_KEYS:
                out.append((q, v))
        if len(out) > _MAX_XMP_VALUES:
            break
    for ident, parts in grouped.items():
        out.append((group_key[ident], ", ".join(parts)))
    return out[:_MAX_XMP_VALUES]


def _xmp_message(key: str, value: str, where: str) -> tuple[Severity, str]:
    v = clip(value)
    if key == "xmp:CreatorTool":
        return MEDIUM, (f"The XMP metadata of {where} names the creator tool: '{v}'. The program "
                        "and version that made a file narrow down the computer a copy came from.")
    if key in _TOOLKIT_KEYS:
        return MEDIUM, (f"The XMP metadata of {where} names the XMP toolkit that wrote it "
                        f"({key}): '{v}'. The toolkit's version and build date narrow down "
                        "the program and version that made the file.")
    if key in ("xmpMM:DocumentID", "xmpMM:InstanceID", "xmpMM:OriginalDocumentID",
               "stRef:documentID", "stRef:instanceID", "xmpMM:DerivedFrom"):
        return HIGH, (f"The XMP metadata of {where} holds a unique identifier ({key}): '{v}'. "
                      "Such IDs are made per file or per save and can be matched against the "
                      "files on the computer this copy came from.")
    if key in _GROUPED:
        return HIGH, (f"The XMP editing history of {where} records: '{v}'. It lists the "
                      "programs, times and instance IDs of earlier saves.")
    if key in ("dc:creator", "xmp:Author", "photoshop:AuthorsPosition", "xmpRights:Owner"):
        return HIGH, (f"The XMP metadata of {where} names the author ({key}): '{v}'. A name in "
                      "the metadata can identify who made or handled this copy.")
    if key.endswith(("Date", "date")) or key in ("xmp:MetadataDate",):
        return MEDIUM, (f"The XMP metadata of {where} records a time ({key}): '{v}'. A "
                        "timestamp can tie this copy to one person's session.")
    return MEDIUM, (f"The XMP metadata of {where} holds {key}: '{v}'. Metadata values can "
                    "name people, programs or files and single out a copy.")


# -- JPEG metadata -------------------------------------------------------------


def jpeg_metadata(data: bytes) -> list[tuple[str, str]]:
    """EXIF, XMP and comment values from a JPEG's header segments (pixels untouched)."""
    out: list[tuple[str, str]] = []
    if not data.startswith(b"\xff\xd8"):
        return out
    i = 2
    while i + 4 <= len(data) and len(out) < _MAX_EXIF_VALUES:
        if data[i] != 0xFF:
            break
        marker = data[i + 1]
        if marker in (0xD9, 0xDA):  # end of image, start of scan
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            i += 2
            continue
        size = int.from_bytes(data[i + 2:i + 4], "big")
        seg = data[i + 4:i + 2 + size]
        i += 2 + size
        if marker == 0xE1 and seg.startswith(b"Exif\x00\x00"):
            out.extend(_exif_values(seg))
        elif marker == 0xE1 and seg.startswith(b"http://ns.adobe.com/xap/1.0/\x00"):
            out.extend(parse_xmp(seg.split(b"\x00", 1)[1]))
        elif marker == 0xFE:
            text = seg.decode("latin-1").strip("\x00 ")
            if text:
                out.append(("JPEG comment", text))
        elif marker == 0xED:
            strings = re.findall(rb"[\x20-\x7e]{4,}", seg[14:])
            if strings:
                out.append(("Photoshop/IPTC", " ".join(s.decode() for s in strings[:20])))
    return out[:_MAX_EXIF_VALUES]


_EXIF_BINARY = {0x927C, 0x9286, 0xA302, 0x8773, 0x02BC, 0x83BB, 0x9C9B, 0x9C9C, 0x9C9D, 0x9C9E,
                0x9C9F, 0xA000, 0x9000, 0x9101, 0x0103, 0x0128, 0x0213, 0x0201, 0x0202}


def _exif_values(seg: bytes) -> list[tuple[str, str]]:
    from PIL import ExifTags, Image

    exif = Image.Exif()
    try:
        exif.load(seg)
    except Exception:  # Pillow raises many kinds of error on hostile EXIF
        return [("EXIF", "unreadable EXIF block")]
    out: list[tuple[str, str]] = []

    def add(tags: dict[int, Any], names: dict[int, str], prefix: str = "") -> None:
        for tag, value in list(tags.items())[:200]:
            if tag in _EXIF_BINARY or tag in (0x8769, 0x8825, 0xA005):
                continue
            if isinstance(value, bytes):
                text = value.decode("latin-1").strip("\x00 ")
                if not text.isprintable():
                    continue
            elif isinstance(value, str):
                text = value.strip("\x00 ")
            elif prefix:
                text = str(value)
            else:
                continue  # numeric camera settings identify nothing on their own
            if text:
                out.append((prefix + names.get(tag, f"tag 0x{tag:04x}"), text[:MAX_VALUE]))

    with contextlib.suppress(Exception):  # hostile sub-IFDs: keep what was read
        add(dict(exif), ExifTags.TAGS)
        add(dict(exif.get_ifd(0x8769)), ExifTags.TAGS)
        add(dict(exif.get_ifd(0x8825)), ExifTags.GPSTAGS, "GPS ")
    return out


_EXIF_HIGH = ("Artist", "Copyright", "BodySerialNumber", "CameraOwnerName", "LensSerialNumber",
              "ImageUniqueID", "GPS", "XPAuthor", "dc:creator", "HostComputer")


# -- the scan ----------------------------------------------------------------

_INFO_SEVERITY = {
    "Author": HIGH, "Creator": MEDIUM, "Producer": MEDIUM, "Title": MEDIUM, "Subject": MEDIUM,
    "Keywords": MEDIUM, "CreationDate": MEDIUM, "ModDate": MEDIUM,
}
_CATALOG_KEYS = {
    "Type", "Version", "Extensions", "Pages", "PageLabels", "Names", "Dests",
    "ViewerPreferences", "PageLayout", "PageMode", "Outlines", "Threads", "OpenAction", "AA",
    "URI", "AcroForm", "Metadata", "StructTreeRoot", "MarkInfo", "Lang", "SpiderInfo",
    "OutputIntents", "PieceInfo", "OCProperties", "Perms", "Legal", "Requirements",
    "Collection", "NeedsRendering", "DSS", "AF", "DPartRoot",
}
_PAGE_KEYS = {
    "Type", "Parent", "LastModified", "Resources", "MediaBox", "CropBox", "BleedBox",
    "TrimBox", "ArtBox", "BoxColorInfo", "Contents", "Rotate", "Group", "Thumb", "B", "Dur",
    "Trans", "Annots", "AA", "Metadata", "PieceInfo", "StructParents", "ID", "PZ",
    "SeparationInfo", "Tabs", "TemplateInstantiated", "PresSteps", "UserUnit", "VP", "AF",
    "OutputIntents", "DPart",
}
_TRAILER_KEYS = {"Size", "Prev", "Root", "Encrypt", "Info", "ID", "XRefStm", "Type", "W",
                 "Index", "Filter", "DecodeParms", "Length"}
_ACTION_WORDS = {
    "URI": ("opens the web address", MEDIUM),
    "Launch": ("launches a program or file", HIGH),
    "SubmitForm": ("sends the form's data to", HIGH),
    "ImportData": ("imports data from the file", MEDIUM),
    "GoToR": ("opens the outside file", MEDIUM),
    "GoToE": ("opens an embedded or outside file", MEDIUM),
}


class _Scanner:
    def __init__(self, pdf: pikepdf.Pdf, deadline: Deadline, *, light: bool = False) -> None:
        self.pdf = pdf
        self.deadline = deadline
        self.light = light  # earlier revisions: values only, no images or attachments
        self.out = StructureScan()
        self.seen_actions: set[tuple[int, int]] = set()
        self.seen_xmp: set[tuple[int, int]] = set()
        self.seen_files: set[tuple[int, int]] = set()
        self.image_pages: dict[tuple[int, int], int] = {}

    def add(self, *args: Any, **kwargs: Any) -> None:
        self.out.traces.append(Trace(*args, **kwargs))

    # -- document level ----------------------------------------------------

    def run(self) -> StructureScan:
        root = self.pdf.Root
        self.info()
        self.file_id()
        self.xmp(_get(root, "/Metadata"), "the document", None, "/Root/Metadata")
        self.layers(root)
        self.pages()
        self.forms(root)
        self.document_actions(root)
        self.outlines(root)
        self.threads(root)
        self.page_labels(root)
        self.custom_keys(root, _CATALOG_KEYS, "document catalog", None)
        self.custom_keys(self.pdf.trailer, _TRAILER_KEYS, "trailer", None)
        self.piece_info(root, "the document", None)
        if not self.light:
            self.attachments()
            self.objects()
        return self.out

    def info(self) -> None:
        info = _get(self.pdf.trailer, "/Info")
        if not _is_dict(info):
            return
        for key, value in _items(info):
            name = key[1:]
            text = to_text(value)
            if not text or not text.strip() or name == "Trapped":
                continue
            sev = _INFO_SEVERITY.get(name, HIGH)
            v = clip(text)
            if name == "Author":
                msg = (f"The Info dictionary names the author: '{v}'. A person's name in the "
                       "metadata can identify who made or handled this copy.")
            elif name in ("Creator", "Producer"):
                role = "created the document" if name == "Creator" else "wrote the PDF"
                msg = (f"The Info dictionary names the program that {role} ({name}): '{v}'. "
                       "The program and its version narrow down the computer this copy "
                       "came from.")
            elif name in ("CreationDate", "ModDate"):
                msg = (f"The Info dictionary records a time ({name}): '{v}'. A timestamp can "
                       "tie this copy to one person's session.")
            elif name in _INFO_SEVERITY:
                msg = (f"The Info dictionary holds a {name.lower()}: '{v}'. Titles, subjects and "
                       "keywords keep working names that can single out a copy.")
            else:
                msg = (f"The Info dictionary holds a custom entry /{name}: '{v}'. Document "
                       "systems use custom entries to tag and track copies.")
            self.add("pdf-info", "metadata", sev, msg, "metadata", None, text,
                     f"/Info/{name}", {"key": name, "value": text})

    def file_id(self) -> None:
        ids = _list(_get(self.pdf.trailer, "/ID"))
        hexes = []
        for s in ids[:2]:
            if isinstance(s, pikepdf.String):
                hexes.append(bytes(s).hex())
        if not hexes:
            return
        value = " ".join(dict.fromkeys(hexes))
        # The value stays out of the Document text: a hex string means nothing to the
        # text detectors, and every PDF writer (leakdesk's too) makes a fresh one.
        self.add("pdf-id", "metadata", HIGH,
                 f"The file identifier (trailer /ID) is {clip(value, 80)}. It is made when the "
                 "file is first saved and kept by later saves, so it can be matched against the "
                 "original file on the computer this copy came from.",
                 "metadata", None, None, "/ID", {"id": hexes})

    def xmp(self, stream: Any, where: str, page: int | None, source: str) -> None:
        if not isinstance(stream, pikepdf.Stream):
            return
        key = _key(stream)
        if key is not None:
            if key in self.seen_xmp:
                return
            self.seen_xmp.add(key)
        try:
            data = stream.read_bytes()[: 4 << 20]
        except (pikepdf.PdfError, RuntimeError, ValueError):
            return
        for prop, value in parse_xmp(data):
            sev, msg = _xmp_message(prop, value, where)
            self.add("pdf-xmp", "metadata", sev, msg, "metadata", page, value,
                     f"{source} {prop}", {"property": prop, "value": value})

    def layers(self, root: Any) -> None:
        props = _get(root, "/OCProperties")
        if not _is_dict(props):
            return
        groups = [g for g in _list(_get(props, "/OCGs"), 1000) if _is_dict(g)]
        default = _get(props, "/D")
        off_keys = {_key(g) for g in _list(_get(default, "/OFF"), 1000)}
        on_keys = {_key(g) for g in _list(_get(default, "/ON"), 1000)}
        base_off = _name(_get(default, "/BaseState")) == "OFF"
        off: set[str] = set()
        for g in groups:
            name = to_text(_get(g, "/Name")) or "(unnamed)"
            k = _key(g)
            hidden = (k in off_keys) or (base_off and k not in on_keys)
            if hidden:
                off.add(name)
                self.add("pdf-layer", "hidden", HIGH,
                         f"The optional-content layer '{clip(name)}' is hidden (off by "
                         "default): what it holds is invisible on screen but still in the file, "
                         "and its name can describe a department or a workflow.",
                         "hidden", None, name, "/OCProperties", {"layer": name, "state": "off"})
            else:
                self.add("pdf-layer", "structure", LOW,
                         f"The file has an optional-content layer named '{clip(name)}'. Layer "
                         "names can name a department, a workflow or a person.",
                         "metadata", None, name, "/OCProperties", {"layer": name, "state": "on"})
        self.out.off_layers = frozenset(off)

    # -- pages -------------------------------------------------------------

    def pages(self) -> None:
        for number, page in enumerate(self.pdf.pages, start=1):
            self.deadline.check()
            obj = page.obj
            self.xmp(_get(obj, "/Metadata"), f"page {number}", number,
                     f"page {number} /Metadata")
            self.piece_info(obj, f"page {number}", number)
            self.custom_keys(obj, _PAGE_KEYS, f"page {number}", number)
            if _get(obj, "/Thumb") is not None:
                self.add("pdf-thumbnail", "image", MEDIUM,
                         f"Page {number} carries a thumbnail image (/Thumb). Thumbnails are made "
                         "when a file is saved and can show an earlier state of the page, "
                         "including content removed since.",
                         "metadata", number, None, f"page {number} /Thumb", {})
            self.actions(_get(obj, "/AA"), f"an event of page {number}", number, is_aa=True)
            for annot in _list(_get(obj, "/Annots"), 5000):
                if _is_dict(annot):
                    self.annotation(annot, number)
            if not self.light:
                self.page_images(obj, number)

    def page_images(self, page: Any, number: int) -> None:
        res = _get(page, "/Resources")
        xobjs = _get(res, "/XObject")
        if not _is_dict(xobjs):
            return
        for _, x in _items(xobjs):
            k = _key(x)
            if k is not None and k not in self.image_pages:
                self.image_pages[k] = number

    def annotation(self, annot: Any, page: int) -> None:
        sub = _name(_get(annot, "/Subtype"))
        where = f"page {page}"
        if sub == "Widget":
            self.actions(_get(annot, "/A"), f"a form field on {where}", page)
            self.actions(_get(annot, "/AA"), f"a form field on {where}", page, is_aa=True)
            return
        if sub == "Link":
            self.actions(_get(annot, "/A"), f"a link on {where}", page)
            return
        if sub == "Popup" and not to_text(_get(annot, "/Contents")):
            return
        if sub in ("Square", "Polygon"):
            cover = _annotation_fill(annot)
            box = _box(_get(annot, "/Rect"))
            if cover and box:
                self.out.redactions.setdefault(page, []).append(
                    (box, f"a {cover} box (a {sub.lower()} annotation drawn over it)", sub))
        if sub == "Redact":
            box = _box(_get(annot, "/Rect"))
            if box:
                self.out.redactions.setdefault(page, []).append(
                    (box, "a redaction mark that was never applied", sub))
            overlay = to_text(_get(annot, "/OverlayText"))
            self.add("pdf-redaction-annotation", "redaction", HIGH,
                     f"A redaction mark on {where} was never applied: the text under it is still "
                     "in the file (it is reported separately as text under a redaction) and "
                     "anyone can read it.",
                     "annotation", page, overlay, f"{where} /Annots Redact", {"subtype": sub})
        if sub == "FileAttachment" and not self.light:
            fs = _get(annot, "/FS")
            self.file_spec(fs, page, f"a file-attachment annotation on {where}")
        kind = {"Text": "comment (Text)", "FreeText": "FreeText", "Popup": "pop-up"}.get(
            sub, sub or "unknown")
        author = to_text(_get(annot, "/T"))
        contents = to_text(_get(annot, "/Contents"))
        if not contents:
            rich = to_text(_get(annot, "/RC"))
            contents = re.sub(r"<[^>]+>", " ", rich) if rich else None
        subject = to_text(_get(annot, "/Subj"))
        nm = to_text(_get(annot, "/NM"))
        date = to_text(_get(annot, "/M")) or to_text(_get(annot, "/CreationDate"))
        evidence = {"subtype": sub, "author": author, "date": date, "name": nm}
        by = f" by '{clip(author, 60)}'" if author else ""
        if contents and contents.strip():
            self.add("pdf-annotation", "annotation", HIGH,
                     f"A {kind} annotation on {where}{by} holds: '{clip(contents)}'. Annotations "
                     "keep reviewers' notes and names; they can identify who handled this copy.",
                     "annotation", page, contents, f"{where} /Annots {sub} /Contents", evidence)
        elif sub != "Redact":
            self.add("pdf-annotation", "annotation", MEDIUM,
                     f"A {kind} annotation on {where}{by}. Annotations record who marked up this "
                     "copy and when.",
                     "annotation", page, None, f"{where} /Annots {sub}", evidence)
        if author and author.strip():
            self.add("pdf-annotation-author", "annotation", HIGH,
                     f"The author of a {kind} annotation on {where}: '{clip(author)}'. Annotation "
                     "authors are usually the user name of the person who wrote them.",
                     "annotation", page, author, f"{where} /Annots {sub} /T", evidence)
        if subject and subject.strip() and subject not in (sub, kind):
            self.add("pdf-annotation", "annotation", MEDIUM,
                     f"The subject of a {kind} annotation on {where}: '{clip(subject)}'.",
                     "annotation", page, subject, f"{where} /Annots {sub} /Subj", evidence)
        if nm and nm.strip():
            self.add("pdf-annotation-id", "annotation", MEDIUM,
                     f"An annotation on {where} carries a unique name (/NM): '{clip(nm)}'. "
                     "Unique names are generated per annotation and can match this copy to the "
                     "file it came from.",
                     "annotation", page, nm, f"{where} /Annots {sub} /NM", evidence)
        self.actions(_get(annot, "/A"), f"an annotation on {where}", page)
        self.actions(_get(annot, "/AA"), f"an annotation on {where}", page, is_aa=True)

    # -- forms, actions, JavaScript ------------------------------------------

    def forms(self, root: Any) -> None:
        acro = _get(root, "/AcroForm")
        if not _is_dict(acro):
            return
        stack: list[tuple[Any, str, int]] = [(f, "", 0) for f in _list(_get(acro, "/Fields"))]
        seen: set[tuple[int, int]] = set()
        count = 0
        while stack and count < _MAX_WALK:
            field_, parent, depth = stack.pop()
            count += 1
            if not _is_dict(field_) or depth > 32:
                continue
            k = _key(field_)
            if k is not None:
                if k in seen:
                    continue
                seen.add(k)
            part = to_text(_get(field_, "/T")) or ""
            name = f"{parent}.{part}" if parent and part else (part or parent)
            kids = [x for x in _list(_get(field_, "/Kids"), 5000) if _is_dict(x)]
            for kid in kids:
                stack.append((kid, name, depth + 1))
            self.actions(_get(field_, "/AA"), f"the form field '{clip(name, 60)}'", None,
                         is_aa=True)
            raw_value = _get(field_, "/V")
            if _is_dict(raw_value) and _name(_get(field_, "/FT")) == "Sig":
                self.signature(raw_value, name)
                continue
            value = to_text(raw_value)
            if value and value.strip() and value != "Off":
                kind = _name(_get(field_, "/FT"))
                sev = HIGH if kind in ("Tx", "Ch", "") else LOW
                self.add("pdf-form-field", "structure", sev,
                         f"The form field '{clip(name or '(unnamed)', 60)}' holds the value "
                         f"'{clip(value)}'. Filled-in values can name people and places and "
                         "single out a copy.",
                         "form", None, value, f"/AcroForm field {clip(name, 60)}",
                         {"field": name, "type": kind})
        xfa = _get(acro, "/XFA")
        if xfa is not None:
            parts = _list(xfa, 200)
            streams = [p for p in parts if isinstance(p, pikepdf.Stream)]
            text = " ".join(filter(None, (to_text(s, 20000) for s in streams)))
            values = " ".join(re.sub(r"<[^>]+>", " ", text).split())[:MAX_VALUE]
            self.add("pdf-xfa", "structure", HIGH,
                     "The form has an XFA part (XML forms data): it can hold filled-in values, "
                     "the form designer's name and paths on the author's computer.",
                     "form", None, values or None, "/AcroForm /XFA", {})

    def signature(self, sig: Any, field_name: str) -> None:
        """A digital signature: the signer's name, reason, place, contact, time, certificate."""
        k = _key(sig)
        if k is not None:
            if k in self.seen_actions:
                return
            self.seen_actions.add(k)
        parts = []
        for key in ("Name", "Reason", "Location", "ContactInfo", "M"):
            text = to_text(_get(sig, f"/{key}"))
            if text and text.strip():
                parts.append((key, text))
                self.add("pdf-signature", "metadata", HIGH,
                         f"A digital signature ('{clip(field_name or 'signature', 60)}') records "
                         f"/{key}: '{clip(text)}'. Signatures name the signer and when and where "
                         "they signed.",
                         "form", None, text, f"signature /{key}", {"key": key})
        has_cert = _get(sig, "/Contents") is not None
        self.add("pdf-signature", "metadata", HIGH,
                 "The file is digitally signed" + (" and the signature holds the signer's "
                                                   "certificate" if has_cert else "")
                 + ": it identifies the person or organisation that signed this copy.",
                 "metadata", None, None, "signature", {"fields": [p[0] for p in parts]})

    def document_actions(self, root: Any) -> None:
        self.actions(_get(root, "/OpenAction"), "opening the document", None)
        self.actions(_get(root, "/AA"), "a document event", None, is_aa=True)
        names = _get(root, "/Names")
        js_tree = _get(names, "/JavaScript")
        for _key_name, action in self.name_tree(js_tree):
            self.actions(action, "the document's JavaScript", None)

    def name_tree(self, node: Any) -> Iterator[tuple[str, Any]]:
        stack = [node]
        seen: set[tuple[int, int]] = set()
        n = 0
        while stack and n < _MAX_WALK:
            cur = stack.pop()
            n += 1
            if not _is_dict(cur):
                continue
            k = _key(cur)
            if k is not None:
                if k in seen:
                    continue
                seen.add(k)
            pairs = _list(_get(cur, "/Names"))
            for i in range(0, len(pairs) - 1, 2):
                yield to_text(pairs[i]) or "", pairs[i + 1]
            stack.extend(_list(_get(cur, "/Kids"), 5000))

    def actions(self, action: Any, where: str, page: int | None, *, is_aa: bool = False) -> None:
        if is_aa:
            if _is_dict(action):
                for _, value in _items(action):
                    self.actions(value, where, page)
            return
        stack = [action]
        n = 0
        while stack and n < 200:
            act = stack.pop()
            n += 1
            if isinstance(act, pikepdf.Array):
                stack.extend(_list(act, 200))
                continue
            if not _is_dict(act):
                continue
            k = _key(act)
            if k is not None:
                if k in self.seen_actions:
                    continue
                self.seen_actions.add(k)
            self.one_action(act, where, page)
            nxt = _get(act, "/Next")
            if nxt is not None:
                stack.append(nxt)

    def one_action(self, act: Any, where: str, page: int | None) -> None:
        kind = _name(_get(act, "/S"))
        if kind == "JavaScript" or _get(act, "/JS") is not None:
            code = to_text(_get(act, "/JS")) or ""
            self.add("pdf-javascript", "structure", HIGH,
                     f"JavaScript runs on {where}: '{clip(code)}'. A script can contact a server "
                     "when the file is opened (a beacon) and reveal who opened which copy.",
                     "form", page, code or None, f"JavaScript ({where})",
                     {"trigger": where})
            return
        if kind in _ACTION_WORDS:
            verb, sev = _ACTION_WORDS[kind]
            target = (to_text(_get(act, "/URI")) if kind == "URI" else
                      _file_spec_name(_get(act, "/F")) or _file_spec_name(_get(act, "/Win")))
            self.add("pdf-action", "structure", sev,
                     f"An action on {where} {verb} '{clip(target or '?')}'. Addresses and file "
                     "paths can carry a unique parameter or a user name that singles out a copy.",
                     "form", page, target, f"{kind} action ({where})",
                     {"action": kind, "trigger": where})

    # -- attachments ---------------------------------------------------------

    def attachments(self) -> None:
        try:
            specs = list(self.pdf.attachments.items())[:1000]
        except (pikepdf.PdfError, RuntimeError, ValueError, KeyError, TypeError):
            # a damaged name tree (pikepdf raises KeyError for a key it lists but cannot find)
            specs = []
        for name, spec in specs:
            self.file_spec(spec.obj, None, "the attachment list", fallback=name)

    def file_spec(self, fs: Any, page: int | None, where: str, fallback: str = "") -> None:
        if isinstance(fs, pikepdf.String):
            name = str(fs)
            self.add("pdf-attachment", "attachment", MEDIUM,
                     f"{where.capitalize()} refers to an outside file '{clip(name)}'. File names "
                     "and paths can name people or machines.",
                     "attachment", page, name, where, {"file": name})
            return
        if not _is_dict(fs):
            return
        name = (to_text(_get(fs, "/UF")) or to_text(_get(fs, "/F"))
                or to_text(_get(fs, "/DOS")) or fallback or "(unnamed)")
        desc = to_text(_get(fs, "/Desc")) or ""
        ef = _get(fs, "/EF")
        stream = None
        for key in ("/UF", "/F", "/DOS", "/Mac", "/Unix"):
            s = _get(ef, key)
            if isinstance(s, pikepdf.Stream):
                stream = s
                break
        if stream is not None:
            k = _key(stream)
            if k is not None:
                if k in self.seen_files:
                    return
                self.seen_files.add(k)
        mime = _name(_get(stream, "/Subtype")) if stream is not None else ""
        self.add("pdf-attachment", "attachment", HIGH,
                 f"An embedded file (attachment) '{clip(name)}' is in {where}. Attached files "
                 "travel with the PDF; their names and content can identify the source, and "
                 "leakdesk audits their content separately.",
                 "attachment", page, name, f"attachment {clip(name, 60)}",
                 {"file": name, "mime": mime.replace("#2f", "/"), "where": where})
        if desc.strip():
            self.add("pdf-attachment", "attachment", HIGH,
                     f"The description of the embedded file '{clip(name, 60)}': '{clip(desc)}'.",
                     "attachment", page, desc, f"attachment {clip(name, 60)} /Desc",
                     {"file": name})
        if stream is not None:
            self.out.attachments.append(Attachment(name, desc, stream, page, mime, where,
                                                   len(self.out.traces) - 1 - bool(desc.strip())))

    # -- whole-object scan: images, metadata streams, orphan files, scripts -----

    def objects(self) -> None:
        for i, obj in enumerate(self.pdf.objects):
            if i % 500 == 0:
                self.deadline.check()
            if i > 500_000:
                break
            if not _is_dict(obj):
                continue
            typ = _name(_get(obj, "/Type"))
            sub = _name(_get(obj, "/Subtype"))
            k = _key(obj)
            if isinstance(obj, pikepdf.Stream) and sub == "Image":
                page = self.image_pages.get(k) if k else None
                self.image(obj, page)
            elif isinstance(obj, pikepdf.Stream) and typ == "EmbeddedFile":
                if k not in self.seen_files:
                    self.seen_files.add(k)  # type: ignore[arg-type]
                    self.add("pdf-attachment", "attachment", HIGH,
                             "An embedded file stream that no attachment list names is in the "
                             "file (a hidden or orphaned attachment); leakdesk audits its "
                             "content separately.",
                             "attachment", None, None, "orphan EmbeddedFile", {})
                    self.out.attachments.append(Attachment(
                        f"embedded-file-{k[0] if k else 0}", "", obj, None, "", "orphan stream",
                        len(self.out.traces) - 1))
            elif typ not in ("Page", "Catalog"):
                self.xmp(_get(obj, "/Metadata"), "an object in the file", None,
                         f"object {k[0] if k else '?'} /Metadata")
                self.piece_info(obj, "an object in the file", None)
            if _get(obj, "/S") is not None and (k is None or k not in self.seen_actions):
                kind = _name(_get(obj, "/S"))
                if kind == "JavaScript" or kind in _ACTION_WORDS:
                    self.actions(obj, "an action elsewhere in the file", None)

    def image(self, stream: pikepdf.Stream, page: int | None) -> None:
        where = f"an image on page {page}" if page else "an embedded image"
        self.xmp(_get(stream, "/Metadata"), where, page, f"{where} /Metadata")
        filters = [_name(f) for f in _list(_get(stream, "/Filter"), 8)]
        if not filters or filters[-1] not in ("DCTDecode", "JPXDecode"):
            return
        try:
            data = (stream.read_raw_bytes() if len(filters) == 1 else
                    stream.read_bytes(decode_level=pikepdf.StreamDecodeLevel.generalized))
        except (pikepdf.PdfError, RuntimeError, ValueError):
            return
        values = (jpeg_metadata(data) if filters[-1] == "DCTDecode" else
                  _jpx_xmp(data))
        for tag, value in values:
            high = any(tag.startswith(h) or h in tag for h in _EXIF_HIGH)
            self.add("pdf-image-metadata", "image", HIGH if high else MEDIUM,
                     f"{where.capitalize()} carries metadata ({tag}): '{clip(value)}'. Camera "
                     "and editing metadata can name the photographer or identify the camera by "
                     "its serial number.",
                     "metadata", page, value, f"{where} {tag}", {"tag": tag, "value": value})

    def piece_info(self, obj: Any, where: str, page: int | None) -> None:
        pi = _get(obj, "/PieceInfo")
        if not _is_dict(pi):
            return
        apps = [k[1:] for k, _ in _items(pi)]
        value = ", ".join(apps) or "(empty)"
        self.add("pdf-piece-info", "metadata", MEDIUM,
                 f"Application private data (/PieceInfo: {clip(value)}) is stored in {where}. "
                 "Editors keep private copies of the document here, which can hold earlier "
                 "content, names and file paths.",
                 "metadata", page, value, f"{where} /PieceInfo", {"applications": apps})

    def custom_keys(self, obj: Any, known: set[str], where: str, page: int | None) -> None:
        if not _is_dict(obj):
            return
        for key, value in _items(obj):
            name = key[1:]
            if name in known:
                continue
            text = to_text(value, 400) if not _is_dict(value) else None
            self.add("pdf-custom-key", "metadata", MEDIUM,
                     f"The {where} has a private entry /{name}"
                     + (f": '{clip(text)}'" if text else "")
                     + ". Document systems add private entries to tag and track copies.",
                     "metadata", page, text or None, f"{where} /{name}", {"key": name})

    # -- bookmarks, threads, labels --------------------------------------------

    def outlines(self, root: Any) -> None:
        top = _get(root, "/Outlines")
        first = _get(top, "/First")
        titles: list[str] = []
        stack = [first]
        seen: set[tuple[int, int]] = set()
        while stack and len(seen) < _MAX_WALK:
            item = stack.pop()
            if not _is_dict(item):
                continue
            k = _key(item)
            if k is not None:
                if k in seen:
                    continue
                seen.add(k)
            title = to_text(_get(item, "/Title"))
            if title and title.strip():
                titles.append(title)
            self.actions(_get(item, "/A"), "a bookmark", None)
            stack.append(_get(item, "/Next"))
            stack.append(_get(item, "/First"))
        if titles:
            value = "\n".join(titles)[:MAX_VALUE]
            self.add("pdf-bookmarks", "structure", LOW,
                     f"The file has {len(titles)} bookmark(s) ('{clip(titles[0], 60)}'...). "
                     "Bookmark titles can keep headings or names removed from the pages.",
                     "metadata", None, value, "/Outlines", {"count": len(titles)})

    def threads(self, root: Any) -> None:
        for thread in _list(_get(root, "/Threads"), 1000):
            info = _get(thread, "/I")
            if not _is_dict(info):
                continue
            for key, value in _items(info):
                text = to_text(value)
                if text and text.strip():
                    self.add("pdf-threads", "metadata", MEDIUM,
                             f"An article thread records /{key[1:]}: '{clip(text)}'. Thread "
                             "information is metadata that can name people.",
                             "metadata", None, text, f"/Threads /I /{key[1:]}", {"key": key[1:]})

    def page_labels(self, root: Any) -> None:
        labels = _get(root, "/PageLabels")
        if not _is_dict(labels):
            return
        prefixes: list[str] = []
        styles: list[str] = []
        stack = [labels]
        seen: set[tuple[int, int]] = set()
        while stack and len(seen) < 1000:
            node = stack.pop()
            if not _is_dict(node):
                continue
            k = _key(node)
            if k is not None:
                if k in seen:
                    continue
                seen.add(k)
            nums = _list(_get(node, "/Nums"))
            for i in range(1, len(nums), 2):
                label = nums[i]
                p = to_text(_get(label, "/P"))
                if p:
                    prefixes.append(p)
                styles.append(_name(_get(label, "/S")) or "none")
            stack.extend(_list(_get(node, "/Kids"), 1000))
        value = " ".join(dict.fromkeys(prefixes)) or None
        what = f"with the prefix '{clip(value)}'" if value else f"({', '.join(styles[:5])})"
        self.add("pdf-page-labels", "metadata", MEDIUM if value else LOW,
                 f"Page labels number the pages {what}. A label prefix can carry a document or "
                 "copy number.",
                 "metadata", None, value, "/PageLabels", {"prefixes": prefixes, "styles": styles})


def _annotation_fill(annot: Any) -> str | None:
    """"black" or "white" if the annotation is filled opaque in that colour, else None."""
    try:
        opacity = float(_get(annot, "/CA") if _get(annot, "/CA") is not None else 1.0)
        values = [float(v) for v in _list(_get(annot, "/IC"), 4)]
    except (TypeError, ValueError):
        return None
    if opacity < 0.8 or not values:
        return None
    if len(values) == 4:  # CMYK
        c, m, y, k = values
        values = [(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]
    if max(values) < 0.4:
        return "black"
    if min(values) > 0.92:
        return "white"
    return None


def _file_spec_name(fs: Any) -> str | None:
    if isinstance(fs, pikepdf.String):
        return str(fs)
    if _is_dict(fs):
        return to_text(_get(fs, "/UF")) or to_text(_get(fs, "/F")) or to_text(_get(fs, "/DOS"))
    return None


def _jpx_xmp(data: bytes) -> list[tuple[str, str]]:
    start = data.find(b"<x:xmpmeta")
    if start < 0:
        return []
    end = data.find(b"</x:xmpmeta>", start)
    if end < 0:
        return []
    return parse_xmp(data[start:end + 12])


def scan_structure(pdf: pikepdf.Pdf, deadline: Deadline, *, light: bool = False) -> StructureScan:
    """Every container trace of ``pdf`` (see the module docstring).

    ``light`` skips images, attachments and the whole-object scan (used for
    earlier revisions, where only changed values matter).
    """
    return _Scanner(pdf, deadline, light=light).run()


class DamagedStream(ValueError):
    """A compressed stream that does not decompress (damaged or hostile)."""


def read_stream_bounded(stream: pikepdf.Stream, limit: int) -> bytes:
    """A stream's decoded bytes, never more than ``limit`` (raises ValueError past it).

    FlateDecode alone is inflated incrementally, so a decompression bomb stops at
    the limit; other filters are decoded by qpdf only when the raw size is small.
    """
    import zlib

    filters = [_name(f) for f in _list(_get(stream, "/Filter"), 8)]
    raw = stream.read_raw_bytes()
    if not filters:
        if len(raw) > limit:
            raise ValueError("too large")
        return raw
    if filters == ["FlateDecode"] and _get(stream, "/DecodeParms") is None:
        d = zlib.decompressobj()
        out = io.BytesIO()
        buf = raw
        while buf:
            try:
                chunk = d.decompress(buf, 1 << 20)
            except zlib.error as exc:  # a damaged stream is corrupt input, not a bug
                raise DamagedStream(f"damaged FlateDecode stream ({exc})") from None
            out.write(chunk)
            if out.tell() > limit:
                raise ValueError("too large")
            buf = d.unconsumed_tail
            if not chunk and not buf:
                break
        return out.getvalue()
    if len(raw) * 200 > limit:
        raise ValueError("too large to decode safely")
    data = stream.read_bytes()
    if len(data) > limit:
        raise ValueError("too large")
    return bytes(data)
