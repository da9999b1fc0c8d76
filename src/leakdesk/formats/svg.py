"""SVG drawings: the visible text, and the editor's traces (metadata, names, paths, beacons).

An SVG is XML, so without this adapter it would be read as plain text: its
metadata would be audited as prose, and its cleaning would blank namespace URLs
and leave the author in place.  Reading parses the file with lxml (entities
refused, no DTD, no network) and builds a Document whose

* body is the text of every ``<text>`` element (with its ``<tspan>`` and
  ``<textPath>`` children) and of ``<foreignObject>`` content;
* metadata segments are the values that can identify: the RDF ``<metadata>``
  block (creator, title, date, rights...), ``<title>`` and ``<desc>``,
  comments (``Generator: Adobe Illustrator ...``), editor attributes
  (``sodipodi:docname``, ``inkscape:export-filename`` with a path on the
  author's computer, ``inkscape:version``), references that load from outside
  when the file is opened (a web beacon), and the metadata of embedded
  pictures (``data:`` URIs: EXIF, GPS...).

Cleaning rewrites the tree: the text edits go into the text nodes (the
drawing and its formatting are kept); metadata, title, description, comments,
processing instructions, the DOCTYPE, scripts and event handlers, every element
and attribute in an editor's namespace, and every reference to outside the file
are removed; embedded pictures are re-encoded from their pixels.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..document import Action, Document, DocumentBuilder, Finding, Location, Severity
from ..errors import InputError, LimitExceeded
from .base import CleanResult, FormatAdapter, ReadOptions

if TYPE_CHECKING:
    from lxml import etree

    from ..sanitize.plan import CleanPlan

DETECTOR = "svg-metadata"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XHTML_NS = "http://www.w3.org/1999/xhtml"
#: Most nodes (elements, comments, text) a drawing may have.
MAX_NODES = 2_000_000

_SVG_ROOT = re.compile(rb"<svg[\s>/]")
_DATA_URI = re.compile(r"\Adata:(image/[\w.+-]+)?((?:;[\w-]+=[^;,]*)*)(;base64)?,(.*)\Z", re.S)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!#|data:)([^)'\"]*)\1\s*\)", re.I)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.I)

_HIGH_RDF = {"creator", "contributor", "publisher", "rights", "identifier", "source", "owner",
             "author", "agent"}
_EDITOR_ATTRS = {
    "docname": (Severity.HIGH, "the file's name on the author's computer"),
    "export-filename": (Severity.HIGH, "a path on the author's computer, where the drawing "
                        "was last exported"),
    "absref": (Severity.HIGH, "a path on the author's computer (a linked picture)"),
    "docbase": (Severity.HIGH, "the folder on the author's computer"),
    "version": (Severity.MEDIUM, "the editor and its version, which narrow down the computer "
                "this copy came from"),
}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _ns(tag: Any) -> str | None:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else None


def sniff_svg(head: bytes) -> bool:
    """An XML document whose root element is ``<svg>`` (by content, not name)."""
    h = head[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not h.startswith(b"<"):
        return False
    m = _SVG_ROOT.search(h)
    if m is None:
        return False
    # everything before <svg is a prolog: XML declaration, comments, DOCTYPE, PIs
    prolog = h[: m.start()]
    prolog = re.sub(rb"<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", b"", prolog, flags=re.S)
    return not prolog.strip()


def parse(data: bytes, path: Path) -> etree._ElementTree:
    """Parse untrusted SVG bytes safely: no entities, no DTD, no network."""
    from lxml import etree

    if b"<!ENTITY" in data:
        raise InputError("the SVG declares XML entities (a common attack: billion laughs, "
                         "external entities); refusing it", path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_blank_text=False)
    try:
        tree = etree.parse(io.BytesIO(data), parser)
    except etree.XMLSyntaxError as exc:
        msg = re.sub(r"\s*\(<string>, line \d+\)", "", " ".join(str(exc).split()))
        if "Excessive depth" in msg:
            raise InputError("the SVG nests elements more than 256 levels deep (a likely "
                             "hostile file); refusing it", path) from None
        raise InputError(f"not a well-formed SVG ({msg[:160]})", path) from None
    root = tree.getroot()
    if _local(root.tag) != "svg":
        raise InputError("not an SVG drawing (the root element is not <svg>)", path)
    return tree


def _nodes(tree: etree._ElementTree, path: Path) -> list[Any]:
    nodes = []
    for n, node in enumerate(tree.getroot().iter()):
        if n >= MAX_NODES:
            raise LimitExceeded(f"the SVG has more than {MAX_NODES:,} elements", path)
        nodes.append(node)
    return nodes


def _own_namespaces(root: Any) -> set[str | None]:
    return {None, _ns(root.tag), SVG_NS, XLINK_NS, XML_NS}


def _text_slots(node: Any) -> Iterator[tuple[Any, str]]:
    """(element, "text"|"tail") slots of a <text> or <foreignObject>, in reading order."""
    yield node, "text"
    for d in node.iterdescendants():
        if isinstance(d.tag, str):
            yield d, "text"
        yield d, "tail"


def _get_slot(el: Any, kind: str) -> str:
    value = el.text if kind == "text" else el.tail
    return value or ""


def _set_slot(el: Any, kind: str, value: str) -> None:
    if kind == "text":
        el.text = value
    else:
        el.tail = value


def _is_text_container(el: Any) -> bool:
    return _local(el.tag) in ("text", "foreignObject") and _ns(el.tag) in (SVG_NS, None)


class _Inside:
    """Which nodes lie inside <text>/<foreignObject>, <foreignObject>, or <metadata>
    (computed once: asking each node's ancestors would be quadratic on deep trees)."""

    def __init__(self, nodes: list[Any]) -> None:
        self.text: set[int] = set()
        self.foreign: set[int] = set()
        self.metadata: set[int] = set()
        for el in nodes:
            if not isinstance(el.tag, str) or id(el) in self.metadata:
                continue
            local = _local(el.tag)
            target = None
            if local == "metadata":
                target = self.metadata
            elif _is_text_container(el) and id(el) not in self.text:
                target = self.text
            if target is not None:
                target.update(id(d) for d in el.iterdescendants())
            if local == "foreignObject" and id(el) not in self.foreign:
                self.foreign.update(id(d) for d in el.iterdescendants())


class Adapter(FormatAdapter):
    name = "svg"
    mimetypes = ("image/svg+xml",)
    output_extension = "svg"

    @classmethod
    def sniff(cls, head: bytes, path: Path) -> bool:
        return sniff_svg(head)

    # -- read ---------------------------------------------------------------------

    def read(self, path: Path, options: ReadOptions) -> Document:
        from lxml import etree

        path = Path(path)
        data = path.read_bytes()
        tree = parse(data, path)
        nodes = _nodes(tree, path)
        inside = _Inside(nodes)
        index = {id(n): i for i, n in enumerate(nodes)}
        root = tree.getroot()
        own = _own_namespaces(root)
        b = DocumentBuilder()
        slots: list[list[Any]] = []
        items: list[tuple[int, int, Severity, str, dict[str, Any]]] = []
        summary: dict[str, list[str]] = {}

        def meta(value: str, sev: Severity, msg: str, source: str, ev: dict[str, Any]) -> None:
            value = value.strip()
            if not value:
                return
            s, e = b.add(value, part="metadata", source=source)
            items.append((s, e, sev, msg, ev))

        for el in nodes:
            if not isinstance(el.tag, str):
                kind = "comment" if isinstance(el, etree._Comment) else "processing instruction"
                meta((el.text or "") if kind == "comment" else str(el), Severity.MEDIUM,
                     f"an XML {kind}, often the name and version of the program that wrote "
                     "the file", f"svg:{kind}", {"node": kind})
                continue
            if id(el) in inside.metadata:
                continue  # read with its <metadata>, below
            local, ns = _local(el.tag), _ns(el.tag)
            if _is_text_container(el) and id(el) not in inside.text:
                pieces = [(index[id(se)], kind, _get_slot(se, kind))
                          for se, kind in _text_slots(el)]
                pieces = [p for p in pieces if p[2]]
                text = "".join(p[2] for p in pieces)
                if text.strip():
                    pos, _end = b.add(text, part="body", source=f"svg:{local}")
                    for idx, kind, t in pieces:
                        slots.append([pos, pos + len(t), idx, kind])
                        pos += len(t)
            elif ns not in own and id(el) not in inside.foreign:
                summary.setdefault("editor elements", []).append(
                    f"{el.prefix or ns or '?'}:{local}")
            elif local in ("title", "desc") and id(el) not in inside.text:
                meta("".join(el.itertext()), Severity.MEDIUM,
                     f"the drawing's <{local}>: titles and descriptions keep working names "
                     "and notes", f"svg:{local}", {"element": local})
            elif local == "metadata":
                for sub in el.iter():
                    if not isinstance(sub.tag, str):
                        continue
                    name = _local(sub.tag).lower()
                    values = [sub.text or ""] + [str(v) for v in sub.attrib.values()]
                    for v in values:
                        sev = Severity.HIGH if name in _HIGH_RDF else Severity.MEDIUM
                        meta(v, sev, f"the drawing's metadata ({_local(sub.tag)}): it can name "
                             "who made the file, when and with what", "svg:metadata",
                             {"field": _local(sub.tag)})
            elif local == "script":
                meta("".join(el.itertext())[:2000] or "(script)", Severity.HIGH,
                     "a script: it runs when the drawing is opened in a browser and can report "
                     "that it was opened", "svg:script", {"element": "script"})
            for key, value in el.attrib.items():
                aname, ans = _local(key), _ns(key)
                if ans not in own and ans != XHTML_NS:
                    sev_why = _EDITOR_ATTRS.get(aname)
                    if sev_why:
                        meta(value, sev_why[0], f"editor attribute {aname}: {sev_why[1]}",
                             f"svg:@{aname}", {"attribute": aname})
                    else:
                        summary.setdefault("editor attributes", []).append(aname)
                elif aname.lower().startswith("on"):
                    meta(value, Severity.HIGH, f"an event handler ({aname}): script that runs "
                         "when the drawing is opened or touched", f"svg:@{aname}",
                         {"attribute": aname})
                elif aname == "href" and value.strip().startswith("data:"):
                    self._embedded(value, meta)
                elif aname in ("href", "src") and _external(value):
                    meta(value, Severity.HIGH, "a reference to outside the file: opening the "
                         "drawing may load it, telling whoever controls the address that it "
                         "was opened (a web beacon), or it names a path on the author's "
                         "computer", "svg:@href", {"attribute": aname})
                elif aname == "style" or local == "style":
                    for m in _CSS_URL.finditer(value):
                        meta(m.group(2), Severity.HIGH, "a style that loads from outside the "
                             "file (a web beacon)", "svg:style-url", {"attribute": aname})
            if local == "style" and el.text:
                for m in _CSS_URL.finditer(el.text):
                    meta(m.group(2), Severity.HIGH, "a style sheet that loads from outside the "
                         "file (a web beacon)", "svg:style-url", {"element": "style"})
                for m in _CSS_IMPORT.finditer(el.text):
                    meta(m.group(0), Severity.HIGH, "a style sheet import from outside the file",
                         "svg:style-import", {"element": "style"})
        for tail_sibling in (root.itersiblings(preceding=True), root.itersiblings()):
            for n in tail_sibling:
                text = (n.text or "") if isinstance(n, etree._Comment) else str(n)
                meta(text if not isinstance(n.tag, str) else "", Severity.MEDIUM,
                     "a comment or instruction outside the drawing", "svg:prolog", {})
        if tree.docinfo.doctype:
            meta(tree.docinfo.doctype, Severity.LOW, "a document type declaration",
                 "svg:doctype", {})
        doc = b.build(format=self.name, path=path, encoding="utf-8")
        if len(doc.text) > options.limits.max_text_chars:
            raise LimitExceeded("the SVG's text exceeds the text limit", path)
        for s, e, sev, msg, ev in items:
            shown = doc.text[s:e]
            shown = shown if len(shown) <= 160 else shown[:160] + "…"
            doc.container_findings.append(doc.finding(
                DETECTOR, "metadata", sev, f"{msg}: {shown!r}", s, e, action=Action.REMOVE,
                evidence=ev))
        for what, names in summary.items():
            uniq = sorted(set(names))
            doc.container_findings.append(Finding(
                DETECTOR, "metadata", Severity.LOW,
                f"{len(names)} {what} ({', '.join(uniq[:10])}{', ...' if len(uniq) > 10 else ''}):"
                " the editor's own settings (window, zoom, layers, export), which tell which "
                "program and often which installation made the file",
                Location("metadata"), "", {"names": uniq[:100]}, Action.REMOVE))
        doc.meta.update({"svg_slots": slots, "svg_nodes": len(nodes)})
        return doc

    @staticmethod
    def _embedded(uri: str, meta: Any) -> None:
        """Metadata of a picture embedded as a data: URI."""
        from . import _imagemeta as im
        from .image import sniff_kind, walk_container

        raw = _decode_data_uri(uri)
        if raw is None:
            return
        kind = sniff_kind(raw[:4096])
        if kind is None:
            return
        report = im.MetaReport()
        try:
            walk_container(raw, kind, report)
        except (ValueError, IndexError, KeyError, TypeError):
            return
        for item in report.items:
            if item.severity is not None:
                meta(item.value, item.severity,
                     f"an embedded {kind.upper()} picture carries {item.group} {item.name}",
                     f"svg:embedded:{item.source}", {"group": item.group, "field": item.name})

    # -- clean --------------------------------------------------------------------

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
        from lxml import etree

        if doc.path is None:
            raise InputError("the SVG to clean has no source file")
        path = Path(doc.path)
        tree = parse(path.read_bytes(), path)
        nodes = _nodes(tree, path)
        inside = _Inside(nodes)
        if len(nodes) != int(doc.meta.get("svg_nodes", -1)):
            raise InputError("the file changed since it was audited; audit it again", path)
        # 1. the text edits, slot by slot
        changed = 0
        for start, end, idx, kind in doc.meta.get("svg_slots") or []:
            el = nodes[int(idx)]
            if _get_slot(el, kind) != doc.text[start:end]:
                raise InputError("the file changed since it was audited; audit it again", path)
            new = plan.clean_span(int(start), int(end))
            if new != doc.text[start:end]:
                _set_slot(el, kind, new)
                changed += 1
        root = tree.getroot()
        own = _own_namespaces(root)
        counts: dict[str, int] = {}

        def count(what: str) -> None:
            counts[what] = counts.get(what, 0) + 1

        # 2. remove traces (collect first: never change a tree while walking it)
        drop: list[Any] = []
        for el in nodes:
            if not isinstance(el.tag, str):
                if id(el) not in inside.metadata:
                    drop.append(el)
                    count("comments and instructions")
                continue
            local, ns = _local(el.tag), _ns(el.tag)
            if id(el) in inside.metadata:
                continue  # goes with its <metadata>
            if ns not in own and id(el) not in inside.foreign:
                drop.append(el)
                count("editor elements")
                continue
            if local in ("metadata", "script") or (local in ("title", "desc")
                                                    and id(el) not in inside.text):
                drop.append(el)
                count(f"<{local}> elements")
                continue
            for key in list(el.attrib):
                aname, ans = _local(key), _ns(key)
                value = el.attrib[key]
                if (ans not in own and ans != XHTML_NS) or aname.lower().startswith("on"):
                    del el.attrib[key]
                    count("editor attributes and event handlers")
                elif aname in ("href", "src") and value.strip().startswith("data:"):
                    fresh = _reencode_data_uri(value, options)
                    if fresh is None:
                        del el.attrib[key]
                        count("embedded pictures that could not be re-encoded (removed)")
                    else:
                        el.attrib[key] = fresh
                        count("embedded pictures re-encoded from their pixels")
                elif aname in ("href", "src") and _external(value):
                    del el.attrib[key]
                    count("references to outside the file")
                elif aname == "style" and _CSS_URL.search(value):
                    el.attrib[key] = _CSS_URL.sub("none", value)
                    count("references to outside the file")
            if local == "style" and el.text and (_CSS_URL.search(el.text)
                                                 or _CSS_IMPORT.search(el.text)):
                el.text = _CSS_URL.sub("none", _CSS_IMPORT.sub("", el.text))
                count("references to outside the file")
        for el in drop:
            parent = el.getparent()
            if parent is None:
                continue
            # keep the text that follows a removed node (it belongs to the parent)
            if el.tail:
                prev = el.getprevious()
                if prev is not None:
                    prev.tail = (prev.tail or "") + el.tail
                else:
                    parent.text = (parent.text or "") + el.tail
            parent.remove(el)
        etree.cleanup_namespaces(root)
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        Path(out).write_bytes(data + b"\n")
        actions = [f"rewrote the drawing's XML ({len(nodes):,} nodes) without its DOCTYPE"]
        if changed:
            actions.append(f"applied the text edits inside {changed} text node(s)")
        actions += [f"removed {n} {what}" if "re-encoded" not in what else f"{n} {what}"
                    for what, n in sorted(counts.items())]
        not_done = ["the shapes themselves are kept: a drawing's style and any hand-made "
                    "mark in it can still identify", "element ids are kept (references "
                    "between elements need them)"]
        return CleanResult(output=Path(out), format=self.name, mode="rebuild", actions=actions,
                           not_done=not_done)

    # -- proof views ----------------------------------------------------------------

    def residue_streams(self, path: Path, options: ReadOptions) -> Iterator[tuple[str, bytes]]:
        data = Path(path).read_bytes()
        yield "file", data
        for n, m in enumerate(re.finditer(rb"data:[^\"'\s)]*", data)):
            raw = _decode_data_uri(m.group(0).decode("ascii", "replace"))
            if raw:
                yield f"embedded data {n + 1}", raw

    def independent_text(self, path: Path, options: ReadOptions) -> str:
        """Every text node and attribute value, through the standard library's expat."""
        import defusedxml.ElementTree as DET

        try:
            root = DET.fromstring(Path(path).read_bytes(), forbid_dtd=False)
        except Exception:  # the proof records an empty view as unusable
            return ""
        out: list[str] = []
        for el in root.iter():
            out.extend(str(v) for v in el.attrib.values())
            out.extend(t for t in (el.text, el.tail) if t and t.strip())
        return "\n".join(out)


def _external(ref: str) -> bool:
    """A reference to anything but this file: a URL, a path (absolute or relative)."""
    ref = ref.strip()
    return bool(ref) and not ref.startswith(("#", "data:"))


def _decode_data_uri(uri: str) -> bytes | None:
    m = _DATA_URI.match(uri.strip())
    if m is None or not m.group(3):
        return None
    try:
        return base64.b64decode(re.sub(r"\s+", "", m.group(4)), validate=False)
    except (binascii.Error, ValueError):
        return None


def _reencode_data_uri(uri: str, options: ReadOptions) -> str | None:
    """The picture of a data: URI re-encoded from its pixels only, or None."""
    from .image import _fresh_pixels, open_image, pillow_guard, sniff_kind

    raw = _decode_data_uri(uri)
    if raw is None:
        return None
    kind = sniff_kind(raw[:4096])
    if kind not in ("jpeg", "png", "gif", "webp", "bmp"):
        return None
    fmt = {"jpeg": "JPEG", "png": "PNG", "gif": "PNG", "webp": "PNG", "bmp": "PNG"}[kind]
    mime = "image/jpeg" if fmt == "JPEG" else "image/png"
    try:
        with pillow_guard(options.limits, Path("embedded picture")):
            img = open_image(raw, kind, Path("embedded picture"), options.limits)
            with img:
                img.load()
                fresh, _ = _fresh_pixels(img, None, "jpeg" if fmt == "JPEG" else "png")
            buf = io.BytesIO()
            if fmt == "JPEG" and fresh.mode not in ("L", "RGB", "CMYK"):
                fresh = fresh.convert("RGB")
            fresh.save(buf, fmt)
    except InputError:
        return None
    return f"data:{mime};base64,{base64.b64encode(buf.getvalue()).decode('ascii')}"
