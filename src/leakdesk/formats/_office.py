"""Machinery shared by the Office adapters (DOCX, XLSX, PPTX, ODF).

* Safe XML: :func:`parse_xml` parses untrusted parts with lxml and no entity
  expansion, no network, no DTD (a DTD is refused: OPC forbids it, and it is
  how billion-laughs and XXE attacks start), no huge text nodes.
* :class:`OpcPackage`: an Office Open XML package read through
  :class:`~._zipsafe.SafeZip`: content types, relationships, part lookup.
* :class:`Traces`: puts identifying container values into the Document text
  as their own segments (so the text detectors see them and findings have
  offsets) and turns them into container findings once the text is built.
* :func:`distribute_edits`: maps a plan's edits over Document text onto the
  text pieces of the XML (runs, text nodes), so edits that cross run
  boundaries land in the right runs and formatting is kept.
* :class:`OoxmlRewrite`: the common half of cleaning an OOXML package: drop
  parts by relationship type, keep only what is still reachable, remove
  elements that point at dropped relationships, neutral core and app
  properties, pictures re-encoded, a fresh content-types part, and a zip
  written from scratch (fixed dates, no extra fields, fixed order).
* :func:`zip_residue_streams` and :func:`zip_independent_text`: the
  independent view of an output for the residue proof; the text uses the
  standard library's expat parser (through defusedxml), not lxml, so a parser
  quirk cannot hide text from both the reader and the proof.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import posixpath
import re
import urllib.parse
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..document import Action, Document, DocumentBuilder, Finding, Location, Severity
from ..errors import InputError, LeakdeskError, LimitExceeded
from ._zipsafe import SafeZip
from .base import Limits, ReadOptions

# -- namespaces -------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
XML_NS = "http://www.w3.org/XML/1998/namespace"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"

#: Relationship-id attributes live in the transitional or the strict namespace.
R_NAMESPACES = (R, "http://purl.oclc.org/ooxml/officeDocument/relationships")

#: ISO 29500 "strict" namespaces and their transitional twins.  Strict parts are
#: renamed to transitional when read (so one code path serves both) and back
#: when written.
STRICT_TO_TRANSITIONAL = {
    "http://purl.oclc.org/ooxml/wordprocessingml/main": W,
    "http://purl.oclc.org/ooxml/officeDocument/relationships": R,
    "http://purl.oclc.org/ooxml/drawingml/main": A,
    "http://purl.oclc.org/ooxml/officeDocument/math":
        "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "http://purl.oclc.org/ooxml/spreadsheetml/main":
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/presentationml/main":
        "http://schemas.openxmlformats.org/presentationml/2006/main",
    "http://purl.oclc.org/ooxml/officeDocument/extendedProperties": EP,
    "http://purl.oclc.org/ooxml/officeDocument/customProperties": CUSTOM,
    "http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes": VT,
    "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing":
        "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "http://purl.oclc.org/ooxml/drawingml/picture":
        "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "http://purl.oclc.org/ooxml/drawingml/chart":
        "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing":
        "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
}
TRANSITIONAL_TO_STRICT = {v: k for k, v in STRICT_TO_TRANSITIONAL.items()}
_STRICT_PREFIX = "{http://purl.oclc.org/ooxml/"


def _rename_namespaces(root: etree._Element, mapping: dict[str, str]) -> bool:
    """Rename element and attribute namespaces in place; True if anything changed."""
    changed = False
    for el in root.iter():
        tag = el.tag
        if isinstance(tag, str) and tag.startswith("{"):
            ns, _, loc = tag[1:].partition("}")
            if ns in mapping:
                el.tag = f"{{{mapping[ns]}}}{loc}"
                changed = True
        if not isinstance(tag, str):
            continue
        for key in list(el.attrib):
            k = str(key)
            if k.startswith("{"):
                ns, _, loc = k[1:].partition("}")
                if ns in mapping:
                    el.attrib[f"{{{mapping[ns]}}}{loc}"] = el.attrib.pop(key)
                    changed = True
    return changed


def to_transitional(root: etree._Element) -> bool:
    """Rename strict namespaces to transitional; True if the part was strict."""
    if not any(isinstance(el.tag, str) and el.tag.startswith(_STRICT_PREFIX)
               for el in root.iter()):
        return False
    return _rename_namespaces(root, STRICT_TO_TRANSITIONAL)


def to_strict(root: etree._Element) -> None:
    """Rename transitional namespaces back to strict, and drop the helper declarations
    (``ns0``...) lxml added while the part was transitional."""
    _rename_namespaces(root, TRANSITIONAL_TO_STRICT)
    keep = [p for p in root.nsmap if p and not re.fullmatch(r"ns\d+", p)]
    etree.cleanup_namespaces(root, keep_ns_prefixes=keep)

MAX_XML_PART = 256 << 20  # one XML part may not expand past this
MAX_MEDIA_PART = 256 << 20
MAX_EXCERPT = 300

#: Entity declarations are how billion-laughs and XXE attacks start; a bare DOCTYPE naming
#: an external DTD (old OpenOffice manifests) is harmless: lxml never loads it here.
_DTD_MARKERS = (b"<!ENTITY", "<!ENTITY".encode("utf-16-le"), "<!ENTITY".encode("utf-16-be"))


_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_blank_text=False,
    )


def parse_xml(data: bytes, name: str, path: Path | None) -> etree._Element:
    """Parse the untrusted XML part ``name``; raise a one-line :class:`InputError`."""
    if any(m in data for m in _DTD_MARKERS):
        raise InputError(
            f"XML part {name} declares entities (forbidden in Office files; a common "
            "attack), refusing it",
            path,
        )
    try:
        if _INTERNAL_SUBSET.search(data[:65536]) or _INTERNAL_SUBSET.search(
                data[:65536].replace(b"\x00", b"")):
            raise InputError(f"XML part {name} carries an internal DTD, refusing it", path)
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        msg = " ".join(str(exc).split())[:160]
        raise InputError(f"malformed XML in {name} ({msg})", path) from None
    except ValueError as exc:  # e.g. unsupported encoding declaration
        raise InputError(f"unreadable XML in {name} ({exc})", path) from None
    if root is None:
        raise InputError(f"empty XML part {name}", path)
    return root


def parse_untrusted(data: bytes) -> etree._Element | None:
    """Parse a small untrusted XML blob (XMP, custom XML); ``None`` if it is not XML."""
    if any(m in data for m in _DTD_MARKERS):
        return None
    start = data.find(b"<")
    if start < 0:
        return None
    end = data.rfind(b">")
    try:
        return etree.fromstring(data[start : end + 1], _parser())
    except (etree.XMLSyntaxError, ValueError):
        return None


def serialize(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def qn(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


def local_name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def strip_comments_and_pis(root: etree._Element) -> int:
    """Remove XML comments and processing instructions (they can hold anything)."""
    doomed = [el for el in root.iter() if not isinstance(el.tag, str)]
    for el in doomed:
        remove_keep_tail(el)
    return len(doomed)


def remove_keep_tail(el: etree._Element) -> None:
    """Remove ``el`` from its parent, keeping its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def unwrap(el: etree._Element) -> None:
    """Replace ``el`` by its children (text and tails kept)."""
    parent = el.getparent()
    if parent is None:
        return
    idx = parent.index(el)
    children = list(el)
    if el.text:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.text
        else:
            parent.text = (parent.text or "") + el.text
    for i, child in enumerate(children):
        parent.insert(idx + i, child)
    if el.tail:
        if children:
            last = children[-1]
            last.tail = (last.tail or "") + el.tail
        else:
            prev = parent[idx - 1] if idx > 0 else None
            if prev is not None:
                prev.tail = (prev.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
    parent.remove(el)


@contextlib.contextmanager
def guard(path: Path, what: str) -> Iterator[None]:
    """Turn an unexpected parser error on a malformed file into a one-line InputError
    (set ``LEAKDESK_DEBUG=1`` to see the traceback instead)."""
    try:
        yield
    except LeakdeskError:
        raise
    except (KeyError, ValueError, TypeError, AttributeError, IndexError, UnicodeError,
            AssertionError, zipfile.BadZipFile, etree.LxmlError) as exc:
        if os.environ.get("LEAKDESK_DEBUG"):
            raise
        raise InputError(
            f"cannot process this {what} file (malformed structure: {type(exc).__name__})", path
        ) from None


def removed_needles(removed: Iterable[str]) -> list[str]:
    """The plan's removed strings worth searching in attribute values (folded)."""
    out = []
    for r in removed:
        f = " ".join(r.split()).casefold()
        if len(f) >= 4 and any(c.isalpha() for c in f):
            out.append(f)
    return out


def holds_removed(value: str | None, needles: Sequence[str]) -> bool:
    if not value or not needles:
        return False
    v = " ".join(value.split()).casefold()
    return any(n in v for n in needles)


def excerpt(value: str) -> str:
    return value if len(value) <= MAX_EXCERPT else value[: MAX_EXCERPT - 1] + "…"


def one_line(value: str, limit: int = 2000) -> str:
    return " ".join(value.split())[:limit]


# -- relationships and the package ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rel:
    """One relationship of ``source`` ("" for the package)."""

    source: str
    id: str
    type: str
    target: str
    external: bool

    @property
    def kind(self) -> str:
        """The last segment of the type URI ("image", "comments", "thumbnail"...)."""
        return self.type.rstrip("/").rsplit("/", 1)[-1]


def rels_part_name(source: str) -> str:
    if not source:
        return "_rels/.rels"
    folder, base = posixpath.split(source)
    return posixpath.join(folder, "_rels", base + ".rels")


class OpcPackage:
    """An OOXML package: content types, relationships and parts, within limits."""

    def __init__(self, zipf: SafeZip, path: Path) -> None:
        self.zip = zipf
        self.path = path
        self._xml: dict[str, etree._Element] = {}
        self._rels: dict[str, list[Rel]] = {}
        #: Parts written in ISO strict namespaces (renamed back when written).
        self.strict_parts: set[str] = set()
        if not zipf.has("[Content_Types].xml"):
            raise InputError("not an Office Open XML package (no [Content_Types].xml)", path)
        ct = self.xml("[Content_Types].xml")
        self.defaults: dict[str, str] = {}
        self.overrides: dict[str, str] = {}
        for el in ct:
            name = local_name(el.tag)
            if name == "Default":
                ext = (el.get("Extension") or "").lower()
                if ext:
                    self.defaults[ext] = el.get("ContentType") or ""
            elif name == "Override":
                part = (el.get("PartName") or "").lstrip("/")
                if part:
                    self.overrides[urllib.parse.unquote(part).lower()] = el.get("ContentType") or ""

    @property
    def parts(self) -> list[str]:
        return [n for n in self.zip.names if n != "[Content_Types].xml"]

    def has(self, part: str) -> bool:
        return self.zip.has(part)

    def content_type(self, part: str) -> str:
        ct = self.overrides.get(part.lower())
        if ct:
            return ct
        ext = posixpath.splitext(part)[1].lstrip(".").lower()
        return self.defaults.get(ext, "")

    def data(self, part: str, cap: int = MAX_MEDIA_PART) -> bytes:
        return self.zip.read(part, cap)

    def xml(self, part: str) -> etree._Element:
        real = self.zip.resolve(part) or part
        root = self._xml.get(real)
        if root is None:
            root = parse_xml(self.zip.read(real, MAX_XML_PART), real, self.path)
            if to_transitional(root):
                self.strict_parts.add(real)
            self._xml[real] = root
        return root

    def xml_or_none(self, part: str | None) -> etree._Element | None:
        if part is None or not self.has(part):
            return None
        return self.xml(part)

    def rels(self, source: str) -> list[Rel]:
        if source in self._rels:
            return self._rels[source]
        name = rels_part_name(source)
        out: list[Rel] = []
        if self.has(name):
            root = self.xml(name)
            for el in root:
                if local_name(el.tag) != "Relationship":
                    continue
                out.append(
                    Rel(
                        source,
                        el.get("Id") or "",
                        el.get("Type") or "",
                        el.get("Target") or "",
                        (el.get("TargetMode") or "").lower() == "external",
                    )
                )
        self._rels[source] = out
        return out

    def resolve(self, rel: Rel) -> str | None:
        """The part a relationship points at (``None`` for external or missing targets)."""
        if rel.external:
            return None
        target = urllib.parse.unquote(rel.target.split("#", 1)[0])
        if not target:
            return None
        if target.startswith("/"):
            name = posixpath.normpath(target.lstrip("/"))
        else:
            base = posixpath.dirname(rel.source)
            name = posixpath.normpath(posixpath.join(base, target))
        if name.startswith("../") or name == "..":
            return None
        return self.zip.resolve(name)

    def related(self, source: str, *kinds: str) -> list[tuple[Rel, str]]:
        """(relationship, part) pairs of ``source`` whose kind is in ``kinds``."""
        out = []
        for rel in self.rels(source):
            if rel.kind in kinds:
                part = self.resolve(rel)
                if part is not None:
                    out.append((rel, part))
        return out

    def first(self, source: str, kind: str) -> str | None:
        found = self.related(source, kind)
        return found[0][1] if found else None

    def main_part(self, fallback: str | None = None) -> str | None:
        """The main document part (through the package relationship, else ``fallback``)."""
        found = self.first("", "officeDocument")
        if found is None and fallback is not None:
            found = self.zip.resolve(fallback)
        return found


# -- zip writing ----------------------------------------------------------------------------


def write_zip(out: Path, members: Sequence[tuple[str, bytes]], *,
              stored: Iterable[str] = ()) -> None:
    """Write ``members`` in the given order as a fresh zip: no dates, no extra fields."""
    keep_stored = set(stored)
    with zipfile.ZipFile(out, "w", allowZip64=True) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 0
            info.external_attr = 0
            method = zipfile.ZIP_STORED if name in keep_stored else zipfile.ZIP_DEFLATED
            info.compress_type = method
            zf.writestr(info, data, compress_type=method, compresslevel=6 if method else None)


# -- traces: container values as Document text, and findings on them -------------------


@dataclass(slots=True)
class _Pending:
    detector: str
    category: str
    severity: Severity
    message: str
    span: tuple[int, int] | None
    part: str
    excerpt: str
    evidence: dict[str, Any]
    action: Action


_WEAK_RE = re.compile(r"[\d\s.,:;/+\-]*")


_WORD_RE = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)?")


def weak_value(value: str) -> bool:
    """True for values too short or too generic to search for on their own: short
    strings, numbers and versions, and single words ("Default", "Presentation"), which
    also occur in any file's structure."""
    v = value.strip()
    if len(v) < 6 or (_WEAK_RE.fullmatch(v) is not None and len(v) < 12):
        return True
    return len(v) <= 16 and _WORD_RE.fullmatch(v) is not None


class Traces:
    """Collect container values and the findings about them while a Document is built."""

    def __init__(self, builder: DocumentBuilder, fmt: str) -> None:
        self.b = builder
        self.fmt = fmt
        self._pending: list[_Pending] = []

    def value(self, label: str, value: str, *, source: str, part: str = "metadata",
              whole: bool = False) -> tuple[int, int]:
        """Add ``label: value`` as its own segment; return the span of ``value``.

        A short or number-only value ("7", "0", "16.0000") would be a useless
        needle for the residue proof (it occurs everywhere), so for those the
        whole ``label: value`` line is returned instead.
        """
        start, end = self.b.add(f"{label}: {value}", part=part, source=source)
        if whole or weak_value(value):
            return start, end
        vs = start + len(label) + 2
        return vs, vs + len(value)

    def text(self, text: str, *, source: str, part: str) -> tuple[int, int]:
        return self.b.add(text, part=part, source=source)

    def add(
        self,
        trace: str,
        category: str,
        severity: Severity,
        message: str,
        *,
        span: tuple[int, int] | None = None,
        part: str = "metadata",
        excerpt_text: str = "",
        evidence: dict[str, Any] | None = None,
        action: Action = Action.REMOVE,
    ) -> None:
        self._pending.append(
            _Pending(f"{self.fmt}.{trace}", category, severity, message, span, part,
                     excerpt_text, dict(evidence or {}), action)
        )

    def findings(self, doc: Document) -> list[Finding]:
        out = []
        for p in self._pending:
            if p.span is not None:
                loc = doc.location(*p.span)
                text = p.excerpt or doc.text[p.span[0] : p.span[1]]
            else:
                loc = Location(p.part, None, None, None)
                text = p.excerpt
            out.append(Finding(p.detector, p.category, p.severity, p.message, loc,
                               excerpt(text), p.evidence, p.action))
        return out


def check_text_size(doc: Document, limits: Limits) -> None:
    if len(doc.text) > limits.max_text_chars:
        raise LimitExceeded(f"text has {len(doc.text):,} characters, over the limit", doc.path)


# -- mapping edits onto pieces of XML text -------------------------------------------------


@dataclass(slots=True)
class Piece:
    """A run of Document text held by one XML node.

    ``slot`` is "text" (the element's ``.text``), "tail" (its ``.tail``), or
    "atom" (the element stands for ``text[start:end]``, e.g. a tab; an edit
    touching it removes the element).
    """

    start: int
    end: int
    elem: etree._Element
    slot: str = "text"


@dataclass(slots=True)
class TextAcc:
    """The text of one paragraph (or cell, note...) with the pieces that hold it."""

    chunks: list[str] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)
    length: int = 0

    def add(self, text: str, elem: etree._Element, slot: str) -> Piece:
        p = Piece(self.length, self.length + len(text), elem, slot)
        self.pieces.append(p)
        self.chunks.append(text)
        self.length += len(text)
        return p

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def shift(self, start: int) -> list[Piece]:
        for p in self.pieces:
            p.start += start
            p.end += start
        return self.pieces


def drawingml_paragraph(p: etree._Element) -> TextAcc:
    """A DrawingML paragraph (``a:p``): text runs, fields and line breaks."""
    acc = TextAcc()
    t_tag, br_tag = qn(A, "t"), qn(A, "br")
    for el in p.iter(t_tag, br_tag):
        if el.tag == t_tag:
            if el.text:
                acc.add(el.text, el, "text")
        else:
            acc.add("\n", el, "atom")
    return acc


def prune_empty_extensions(root: etree._Element) -> int:
    """Remove ``ext`` elements left empty (an empty extension is invalid), then empty
    ``extLst`` elements."""
    n = 0
    for name in ("ext", "extLst"):
        for el in list(root.iter()):
            if isinstance(el.tag, str) and local_name(el.tag) == name and len(el) == 0 \
                    and el.getparent() is not None and not (el.text or "").strip():
                remove_keep_tail(el)
                n += 1
    return n


def distribute_edits(
    spans: Sequence[tuple[int, int, bool]],
    edits: Iterable[tuple[int, int, str]],
) -> tuple[dict[int, list[tuple[int, int, str]]], set[int]]:
    """Map edits over a text onto the pieces that hold it.

    ``spans`` are ``(start, end, editable)`` pieces sorted by start and not
    overlapping; gaps between them are text no piece holds (paragraph breaks).
    Returns, for editable pieces, local ``(a, b, replacement)`` operations, and
    the indexes of atom pieces an edit touches.  An edit's replacement goes to
    the first editable piece it covers (so it takes that run's formatting);
    the rest of the span is cut from every piece it covers.  Overlapping edits
    are skipped after the first, as :func:`~leakdesk.sanitize.plan.apply_edits` does.
    """
    ops: dict[int, list[tuple[int, int, str]]] = {}
    atoms: set[int] = set()
    starts = [s for s, _e, _ed in spans]
    pos = -1
    for start, end, repl in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < pos:
            continue
        pos = end
        placed = not repl
        i = max(bisect.bisect_right(starts, start) - 1, 0)
        # an insertion (or a span in a gap) goes to the piece holding its start
        touched = False
        while i < len(spans):
            s, e, editable = spans[i]
            if s >= end and not (start == end and s == start):
                break
            if e < start or (e == start and start != end):
                i += 1
                continue
            a, b = max(start, s) - s, min(end, e) - s
            if editable:
                if a < b or (start == end and s <= start <= e):
                    ops.setdefault(i, []).append((a, b, "" if placed else repl))
                    placed = True
                    touched = True
            elif a < b:
                atoms.add(i)
                touched = True
            if start == end and touched:
                break
            i += 1
        if not placed:
            # the span held only atoms or paragraph breaks: put the text next to it, on a
            # side where nothing kept lies between (else before it)
            k = _neighbour(spans, atoms, start, end)
            if k is not None:
                s, e, _ed = spans[k]
                at = e - s if e <= start else 0
                ops.setdefault(k, []).append((at, at, repl))
    return ops, atoms


def _neighbour(spans: Sequence[tuple[int, int, bool]], atoms: set[int], start: int,
               end: int) -> int | None:
    """The editable piece to hold a replacement for ``[start, end)`` that covers none:
    the nearest one before or after with nothing kept in between (else the one before)."""
    n = len(spans)
    lo, hi = 0, n
    while lo < hi:  # first span ending after start
        mid = (lo + hi) // 2
        if spans[mid][1] <= start:
            lo = mid + 1
        else:
            hi = mid
    first_after = lo
    # backwards: spans ending at or before start
    prev, clear_prev, pos = None, True, start
    for i in range(first_after - 1, -1, -1):
        s, e, editable = spans[i]
        if e < pos:
            clear_prev = False  # a gap (paragraph break) between
        if editable:
            prev = i
            break
        if i not in atoms:
            clear_prev = False
        pos = s
    if prev is not None and clear_prev:
        return prev
    nxt, clear_next, pos = None, True, end
    for i in range(first_after, n):
        s, e, editable = spans[i]
        if e <= end and not editable:
            pos = max(pos, e)
            continue
        if s < end and not editable:
            pos = e
            continue
        if s > pos:
            clear_next = False
        if editable and s >= end:
            nxt = i
            break
        if i not in atoms:
            clear_next = False
        pos = e
    if nxt is not None and clear_next:
        return nxt
    return prev if prev is not None else nxt


def apply_local(text: str, ops: Sequence[tuple[int, int, str]]) -> str:
    out = []
    pos = 0
    for a, b, repl in sorted(ops, key=lambda o: (o[0], o[1])):
        if a < pos:
            continue
        out.append(text[pos:a])
        out.append(repl)
        pos = b
    out.append(text[pos:])
    return "".join(out)


def apply_edits_to_pieces(
    pieces: Sequence[Piece],
    edits: Iterable[tuple[int, int, str]],
    *,
    on_text: Callable[[etree._Element], None] | None = None,
    remove_atom: Callable[[etree._Element], None] | None = None,
) -> int:
    """Apply edits to the XML behind ``pieces``; return how many pieces changed."""
    ordered = sorted(pieces, key=lambda p: p.start)
    spans = [(p.start, p.end, p.slot != "atom") for p in ordered]
    ops, atoms = distribute_edits(spans, edits)
    changed = 0
    for i, local_ops in ops.items():
        p = ordered[i]
        old = (p.elem.text if p.slot == "text" else p.elem.tail) or ""
        new = apply_local(old, local_ops)
        if new != old:
            if p.slot == "text":
                p.elem.text = new
            else:
                p.elem.tail = new
            if on_text is not None:
                on_text(p.elem)
            changed += 1
    for i in atoms:
        el = ordered[i].elem
        (remove_atom or remove_keep_tail)(el)
        changed += 1
    return changed


# -- properties shared by DOCX, XLSX and PPTX ------------------------------------------------

_CORE_LABELS = {
    "creator": ("author (dc:creator)", Severity.HIGH),
    "lastModifiedBy": ("last modified by", Severity.HIGH),
    "created": ("created", Severity.MEDIUM),
    "modified": ("modified", Severity.MEDIUM),
    "lastPrinted": ("last printed", Severity.MEDIUM),
    "revision": ("revision number", Severity.LOW),
    "title": ("title", Severity.MEDIUM),
    "subject": ("subject", Severity.MEDIUM),
    "keywords": ("keywords", Severity.MEDIUM),
    "description": ("description (comments)", Severity.MEDIUM),
    "category": ("category", Severity.MEDIUM),
    "contentStatus": ("content status", Severity.MEDIUM),
    "identifier": ("identifier", Severity.HIGH),
    "language": ("language", Severity.LOW),
    "version": ("version", Severity.LOW),
    "contentType": ("content type", Severity.LOW),
}
_APP_LABELS = {
    "Company": ("company", Severity.HIGH),
    "Manager": ("manager", Severity.HIGH),
    "Template": ("template", Severity.MEDIUM),
    "TotalTime": ("total editing time (minutes)", Severity.LOW),
    "Application": ("application", Severity.LOW),
    "AppVersion": ("application version", Severity.LOW),
    "HyperlinkBase": ("hyperlink base", Severity.HIGH),
    "DocSecurity": ("security flags", Severity.LOW),
}

_WHY_CORE = {
    "creator": "names the person (or account) that created the file",
    "lastModifiedBy": "names the person (or account) that last saved the file",
    "created": "dates when the file was created, which can tie a copy to its origin",
    "modified": "dates when this copy was last saved, which can single it out",
    "lastPrinted": "dates when the file was last printed, which can single out a copy",
    "revision": "counts how many times this copy was saved, which can tell copies apart",
}


def read_core_properties(pkg: OpcPackage, traces: Traces) -> dict[str, str]:
    """Report every non-empty core property (docProps/core.xml); return them by name."""
    found: dict[str, str] = {}
    for part in property_parts(pkg, ("core-properties",), "docProps/core.xml"):
        _read_core_part(pkg, traces, part, found)
    return found


def property_parts(pkg: OpcPackage, kinds: tuple[str, ...], default: str) -> list[str]:
    """Every part a package relationship of one of ``kinds`` points at (a file may hold
    two), else ``default`` if it exists."""
    parts = list(dict.fromkeys(p for _r, p in pkg.related("", *kinds)))
    if not parts and pkg.has(default):
        real = pkg.zip.resolve(default)
        if real:
            parts.append(real)
    return parts


def _read_core_part(pkg: OpcPackage, traces: Traces, part: str, found: dict[str, str]) -> None:
    root = pkg.xml(part)
    for el in root:
        name = local_name(el.tag)
        value = one_line("".join(el.itertext()))
        if not name or not value:
            continue
        found[name] = value
        label, sev = _CORE_LABELS.get(name, (name, Severity.MEDIUM))
        why = _WHY_CORE.get(name, "is document metadata that travels with every copy")
        span = traces.value(f"core property {label}", value, source=f"{part}#{name}")
        traces.add(
            "core-properties", "metadata", sev,
            f"The core property '{label}' ({value[:80]}) {why}.",
            span=span, evidence={"part": part, "property": name},
        )


_APP_KINDS = ("extended-properties", "extendedProperties")


def read_app_properties(pkg: OpcPackage, traces: Traces) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in property_parts(pkg, _APP_KINDS, "docProps/app.xml"):
        _read_app_part(pkg, traces, part, found)
    return found


def _read_app_part(pkg: OpcPackage, traces: Traces, part: str, found: dict[str, str]) -> None:
    root = pkg.xml(part)
    for el in root:
        name = local_name(el.tag)
        if name == "TitlesOfParts":
            titles = [one_line(t.text or "") for t in el.iter(qn(VT, "lpstr")) if (t.text or "").strip()]
            if titles:
                value = "; ".join(titles)
                found[name] = value
                # evidence only: these names (themes, fonts, sheets, slide titles) also
                # live on legitimately in the parts that are kept
                traces.add("app-properties", "metadata", Severity.MEDIUM,
                           "The app properties list the titles of the document's parts "
                           f"({value[:120]}), which may include hidden sheets or old titles.",
                           evidence={"part": part, "property": name, "titles": titles[:50]})
            continue
        if name not in _APP_LABELS:
            continue
        value = one_line("".join(el.itertext()))
        if not value or (name == "DocSecurity" and value == "0"):
            continue
        found[name] = value
        label, sev = _APP_LABELS[name]
        span = traces.value(f"app property {label}", value, source=f"{part}#{name}")
        why = {
            "Company": "names the organisation the software is registered to",
            "Manager": "names a person",
            "Template": "names the template the file was made from, often a personal or "
                        "organisation-specific one",
            "TotalTime": "records how long the file was edited, which can tell copies apart",
            "Application": "names the software that saved the file",
            "AppVersion": "gives the exact software version, which narrows down the machine",
            "HyperlinkBase": "gives a base address or path, often a server or a user folder",
            "DocSecurity": "records protection settings",
        }[name]
        traces.add("app-properties", "metadata", sev,
                   f"The app property '{label}' ({value[:80]}) {why}.",
                   span=span, evidence={"part": part, "property": name})


def read_custom_properties(pkg: OpcPackage, traces: Traces) -> int:
    part = pkg.first("", "custom-properties")
    if part is None and pkg.has("docProps/custom.xml"):
        part = pkg.zip.resolve("docProps/custom.xml")
    root = pkg.xml_or_none(part)
    if root is None or part is None:
        return 0
    n = 0
    for prop in root:
        if local_name(prop.tag) != "property":
            continue
        name = one_line(prop.get("name") or "", 200)
        value = one_line("".join(prop.itertext()))
        span = traces.value(f"custom property {name}", value, source=f"{part}#custom")
        label_hint = ""
        if name.startswith("MSIP_Label"):
            label_hint = (" It is a Microsoft sensitivity label, which records the "
                          "organisation's tenant id and who applied the label.")
        traces.add("custom-properties", "metadata", Severity.HIGH,
                   f"The custom property '{name}' ({value[:80]}) was added by a person or "
                   f"an organisation's system and can identify where the file comes from."
                   + label_hint,
                   span=span, evidence={"part": part, "property": name})
        n += 1
    return n


def read_thumbnail(pkg: OpcPackage, traces: Traces) -> str | None:
    part = pkg.first("", "thumbnail")
    if part is None:
        for name in pkg.parts:
            if name.lower().startswith("docprops/thumbnail."):
                part = name
                break
    if part is None:
        return None
    size = pkg.zip.info(part).file_size
    traces.add("thumbnail", "image", Severity.MEDIUM,
               "The file carries a thumbnail: a small picture of its first page as it looked "
               "when last saved, which may show an older version of the text or of the "
               "markings.",
               part="metadata", evidence={"part": part, "bytes": size})
    return part


def read_printer_settings(pkg: OpcPackage, traces: Traces, parts: Iterable[str]) -> int:
    n = 0
    for part in parts:
        data = pkg.data(part, 16 << 20)
        name = devmode_printer_name(data)
        evidence = {"part": part, "bytes": len(data)}
        if name:
            span = traces.value("printer", name, source=part)
            msg = (f"Printer settings name the printer '{name[:80]}' this copy was set up "
                   "for, which can point to an office, a floor or a person.")
        else:
            span = None
            msg = ("The file stores printer settings (a Windows DEVMODE block), which "
                   "describe the printer and driver of the machine that saved it.")
        traces.add("printer-settings", "metadata", Severity.MEDIUM, msg, span=span,
                   evidence=evidence)
        n += 1
    return n


def devmode_printer_name(data: bytes) -> str:
    """The device name at the start of a Windows DEVMODEW block, or ""."""
    raw = data[:64]
    try:
        text = raw.decode("utf-16-le", "ignore")
    except UnicodeDecodeError:  # pragma: no cover - 'ignore' never raises
        return ""
    text = text.split("\x00", 1)[0]
    if not text or not all(c.isprintable() for c in text):
        return ""
    return text.strip()


_PATHLIKE = re.compile(r"(?:[A-Za-z]:\\|\\\\[\w.$-]+\\|file:/|/Users/|/home/)[^\x00-\x1f\"<>|*?]{2,260}")


def binary_strings(data: bytes, limit: int = 20) -> list[str]:
    """Path-like strings (ASCII or UTF-16) in an opaque blob: OLE packages keep the
    original path of an embedded file."""
    found: list[str] = []
    views = [data.decode("latin-1")]
    for off in (0, 1):
        views.append(data[off:].decode("utf-16-le", "replace"))
    for view in views:
        for m in _PATHLIKE.finditer(view):
            s = m.group(0).strip()
            if "\ufffd" in s or len(s) < 6:
                continue
            if s not in found:
                found.append(s)
            if len(found) >= limit:
                return found
    return found


def external_target_is_web(target: str) -> bool:
    t = target.strip().lower()
    return t.startswith(("http://", "https://", "mailto:", "ftp://", "#", "about:blank"))


def read_external_targets(pkg: OpcPackage, traces: Traces, sources: Iterable[str]) -> int:
    """Report relationships that point outside the file at local paths or shares."""
    n = 0
    seen: set[str] = set()
    for source in sources:
        for rel in pkg.rels(source):
            if not rel.external or external_target_is_web(rel.target) or not rel.target:
                continue
            if rel.kind in ("attachedTemplate",):
                continue  # reported with its own message
            target = one_line(urllib.parse.unquote(rel.target), 1000)
            if target in seen:
                continue
            seen.add(target)
            span = traces.value(f"external link ({rel.kind})", target, source=rels_part_name(source))
            traces.add("external-link", "metadata", Severity.HIGH,
                       f"A {rel.kind} link points outside the file to '{target[:100]}', a path "
                       "that can name a user, a machine or a server.",
                       span=span, evidence={"part": source, "type": rel.kind})
            n += 1
    return n


def read_custom_xml(pkg: OpcPackage, traces: Traces, parts: Iterable[str]) -> int:
    n = 0
    for part in parts:
        try:
            root = pkg.xml(part)
        except InputError:
            continue
        text = one_line(" ".join(t for t in root.itertext() if t.strip()), 5000)
        attrs = [one_line(str(v), 200) for el in root.iter() if isinstance(el.tag, str)
                 for v in el.attrib.values() if str(v).strip()]
        ns = root.tag.split("}", 1)[0].lstrip("{") if isinstance(root.tag, str) and "}" in root.tag else ""
        value = "; ".join(x for x in [text, *attrs[:20]] if x)
        span = traces.value("custom XML", value, source=part) if value else None
        traces.add("custom-xml", "metadata", Severity.MEDIUM,
                   "A custom XML part stores data from an organisation's systems (document "
                   "management, SharePoint, classification tools) that can identify where the "
                   f"file was filed{f' ({ns[:80]})' if ns else ''}.",
                   span=span, evidence={"part": part, "namespace": ns})
        n += 1
    return n


def read_media(pkg: OpcPackage, traces: Traces, parts: Iterable[str], limits: Limits) -> int:
    from ._officemedia import image_traces

    n = 0
    for part in parts:
        data = pkg.data(part, MAX_MEDIA_PART)
        found = image_traces(data, limits.max_pixels)
        if not found:
            continue
        n += 1
        spans = []
        for t in found:
            # the label numbers the picture: part names stay in the file and are no trace
            spans.append(traces.value(f"picture {n} {t.label}", t.value, source=part))
        labels = ", ".join(dict.fromkeys(t.label for t in found))
        high = any(t.high for t in found)
        has_gps = any(t.label.startswith("GPS") for t in found)
        extra = " including GPS coordinates of where it was taken" if has_gps else ""
        traces.add("image-metadata", "image", Severity.HIGH if high else Severity.MEDIUM,
                   f"The embedded picture {part} carries its own metadata ({labels}){extra}; "
                   "camera serial numbers, owner names and GPS positions can identify a person "
                   "or a place.",
                   span=(spans[0][0], spans[-1][1]),
                   excerpt_text="; ".join(f"{t.label}: {t.value}" for t in found),
                   evidence={"part": part, "fields": {t.label: t.value[:200] for t in found}})
    return n


# -- cleaning an OOXML package ----------------------------------------------------------------

_MINIMAL_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
_MINIMAL_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'docPropsVTypes"/>'
)

#: Relationship kinds dropped from every OOXML file (with their parts).
COMMON_DROP_KINDS = frozenset({
    "thumbnail",
    "custom-properties",
    "customXml",
    "printerSettings",
    "oleObject",
    "package",
    "vbaProject",
    "attachedTemplate",
    "classificationlabels",
    "webextensiontaskpanes",
    "webextension",
    "keyMapCustomizations",
    "wordVbaData",
    "control",
    "activeXControlBinary",
    "customData",
    "customDataProps",
    "people",
    "person",
    "commentAuthors",
    "authors",
    "revisionInfo",
    "usernames",
    "revisionHeaders",
    "revisionLog",
    "tags",
})

_MEDIA_EXT = {"JPEG": "jpeg", "PNG": "png", "GIF": "gif", "BMP": "bmp", "TIFF": "tiff",
              "WEBP": "webp"}


@dataclass(slots=True)
class OoxmlRewrite:
    """Rewrite an OOXML package without its traces.  Format adapters fill ``trees``
    (XML parts they changed), ``drop`` and ``drop_kinds``, then call :meth:`write`."""

    pkg: OpcPackage
    limits: Limits
    drop_kinds: set[str] = field(default_factory=lambda: set(COMMON_DROP_KINDS))
    drop: set[str] = field(default_factory=set)
    trees: dict[str, etree._Element] = field(default_factory=dict)
    content_type_changes: dict[str, str] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    not_done: list[str] = field(default_factory=list)
    dropped_ids: dict[str, set[str]] = field(default_factory=dict)
    #: Folded removed strings (from the plan): links whose address holds one are cut.
    needles: list[str] = field(default_factory=list)

    def tree(self, part: str) -> etree._Element:
        """The (mutable) parsed tree of ``part``; changes are written out."""
        if part not in self.trees:
            self.trees[part] = self.pkg.xml(part)
        return self.trees[part]

    def note(self, line: str) -> None:
        if line not in self.actions:
            self.actions.append(line)

    def _reachable(self) -> tuple[list[str], dict[str, list[Rel]]]:
        """Parts reachable from the package through kept relationships, and kept rels."""
        pkg = self.pkg
        kept_rels: dict[str, list[Rel]] = {}
        order: list[str] = []
        seen: set[str] = set()
        queue = [""]
        while queue:
            source = queue.pop(0)
            keep = []
            for rel in pkg.rels(source):
                target = pkg.resolve(rel)
                if rel.kind in self.drop_kinds or (target is not None and target in self.drop):
                    self.dropped_ids.setdefault(source, set()).add(rel.id)
                    continue
                keep.append(rel)
                if target is not None and target not in seen:
                    seen.add(target)
                    order.append(target)
                    queue.append(target)
            kept_rels[source] = keep
        return order, kept_rels

    def _drop_dangling(self, part: str, root: etree._Element) -> int:
        ids = self.dropped_ids.get(part)
        if not ids:
            return 0
        doomed = []
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            for key, val in el.attrib.items():
                k = str(key)
                if k.startswith("{") and k[1:].split("}", 1)[0] in R_NAMESPACES and val in ids:
                    doomed.append(el)
                    break
        for el in doomed:
            if el.getparent() is not None:
                remove_keep_tail(el)
        return len(doomed)

    def write(self, out: Path) -> None:
        pkg = self.pkg
        order, kept_rels = self._reachable()
        members: dict[str, bytes] = {}
        scrubbed = 0
        kept_as_is: list[str] = []
        for part in order:
            if part in self.drop or not pkg.has(part):
                continue
            ct = self.content_type_changes.get(part) or pkg.content_type(part)
            is_svg = ct == "image/svg+xml" or part.lower().endswith(".svg")
            if part in self.trees:
                root: etree._Element | None = self.trees[part]
            elif _is_xml(part, ct) or is_svg:
                root = pkg.xml(part)
            else:
                root = None
            if root is not None:
                if is_svg:
                    clean_svg(root)
                    scrubbed += 1
                strip_comments_and_pis(root)
                if self._drop_dangling(part, root):
                    prune_empty_extensions(root)
                if part in pkg.strict_parts:
                    to_strict(root)
                members[part] = serialize(root)
                continue
            data = pkg.data(part, MAX_MEDIA_PART)
            from ._officemedia import scrub_image, sniff_image_format

            if ct.startswith(("image/", "audio/", "video/")) or "/media/" in part.lower() or (
                sniff_image_format(data)
            ):
                try:
                    result = scrub_image(data, self.limits.max_pixels)
                except ValueError:
                    result = None
                if result is not None:
                    data = result[0]
                    scrubbed += 1
                else:
                    kept_as_is.append(part)
            members[part] = data
        # relationship parts, only for sources that are kept and have relationships
        for source, rels in kept_rels.items():
            if source and source not in members:
                continue
            if not rels:
                continue
            members[rels_part_name(source)] = _rels_xml(rels)
        members["[Content_Types].xml"] = self._content_types(list(members))
        first = ["[Content_Types].xml", "_rels/.rels"]
        names = [n for n in first if n in members] + sorted(n for n in members if n not in first)
        write_zip(out, [(n, members[n]) for n in names])
        if scrubbed:
            self.note(f"re-encoded {scrubbed} picture(s) from their pixels alone (metadata dropped)")
        if kept_as_is:
            self.not_done.append(
                f"{len(kept_as_is)} media file(s) leakdesk cannot re-encode (EMF/WMF drawings, "
                "audio, video or undecodable pictures) were kept as they are, with any metadata "
                "they hold: " + ", ".join(kept_as_is[:5]) + (" ..." if len(kept_as_is) > 5 else "")
            )
        dropped = sorted(set(pkg.parts) - set(members) - {n for n in pkg.parts if n.endswith(".rels")})
        if dropped:
            self.note(f"dropped {len(dropped)} part(s): " + ", ".join(dropped[:12])
                      + (" ..." if len(dropped) > 12 else ""))

    def _content_types(self, names: list[str]) -> bytes:
        pkg = self.pkg
        root = etree.Element(qn(CT_NS, "Types"), nsmap={None: CT_NS})
        used_ext: dict[str, str] = {"rels": "application/vnd.openxmlformats-package.relationships+xml",
                                    "xml": pkg.defaults.get("xml", "application/xml")}
        overrides: list[tuple[str, str]] = []
        for name in names:
            if name == "[Content_Types].xml" or name.endswith(".rels"):
                continue
            ext = posixpath.splitext(name)[1].lstrip(".").lower()
            ct = self.content_type_changes.get(name) or pkg.content_type(name)
            if not ct:
                ct = "application/octet-stream"
            if ext and ext not in used_ext and pkg.defaults.get(ext) == ct:
                used_ext[ext] = ct
            if ext in used_ext and used_ext[ext] == ct:
                continue
            overrides.append(("/" + name, ct))
        for ext in sorted(used_ext):
            etree.SubElement(root, qn(CT_NS, "Default"), Extension=ext, ContentType=used_ext[ext])
        for name, ct in overrides:
            etree.SubElement(root, qn(CT_NS, "Override"), PartName=name, ContentType=ct)
        return serialize(root)

    def neutral_properties(self) -> None:
        """Replace core and app properties by empty ones; custom ones are dropped."""
        pkg = self.pkg
        for core in property_parts(pkg, ("core-properties",), "docProps/core.xml"):
            self.trees[core] = etree.fromstring(_MINIMAL_CORE)
            self.note("emptied the core properties (author, editor, dates, title, revision...)")
        for app in property_parts(pkg, _APP_KINDS, "docProps/app.xml"):
            self.trees[app] = etree.fromstring(_MINIMAL_APP)
            self.note("emptied the app properties (company, template, editing time, software)")
        for kind, line in (("custom-properties", "removed the custom properties"),
                           ("thumbnail", "removed the thumbnail"),
                           ("printerSettings", "removed the printer settings"),
                           ("customXml", "removed the custom XML parts")):
            if self._has_kind(kind):
                self.note(line)

    def _has_kind(self, kind: str) -> bool:
        pkg = self.pkg
        sources = ["", *pkg.parts]
        return any(rel.kind == kind for s in sources if not s.endswith(".rels") for rel in pkg.rels(s))

    def neutralize_external_targets(self) -> int:
        """Point relationships at local paths or shares to ``about:blank``."""
        n = 0
        for source in ["", *self.pkg.parts]:
            if source.endswith(".rels"):
                continue
            rels = self.pkg.rels(source)
            for i, rel in enumerate(rels):
                if not rel.external or not rel.target:
                    continue
                local = not external_target_is_web(rel.target)
                if local or holds_removed(urllib.parse.unquote(rel.target), self.needles):
                    rels[i] = Rel(rel.source, rel.id, rel.type, "about:blank", True)
                    n += 1
        if n:
            self.note(f"pointed {n} link(s) to local paths or shares, or whose address held "
                      "removed text, at about:blank")
        return n


def _is_xml(part: str, ct: str) -> bool:
    low = part.lower()
    return ct.endswith("+xml") or ct.endswith("/xml") or low.endswith((".xml", ".vml", ".rels"))


def _rels_xml(rels: Sequence[Rel]) -> bytes:
    root = etree.Element(qn(RELS_NS, "Relationships"), nsmap={None: RELS_NS})
    for rel in rels:
        el = etree.SubElement(root, qn(RELS_NS, "Relationship"), Id=rel.id, Type=rel.type,
                              Target=rel.target)
        if rel.external:
            el.set("TargetMode", "External")
    return serialize(root)


_SVG_DROP = {"metadata", "title", "desc"}


def clean_svg(root: etree._Element) -> None:
    """Strip an SVG of metadata, titles and editor attributes (Inkscape, Sodipodi)."""
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el is root:
            continue
        ns = el.tag[1:].split("}", 1)[0] if el.tag.startswith("{") else ""
        doomed = local_name(el.tag) in _SVG_DROP or "inkscape" in ns or "sodipodi" in ns
        if doomed and el.getparent() is not None:
            remove_keep_tail(el)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for key in list(el.attrib):
            k = str(key)
            if "inkscape" in k or "sodipodi" in k:
                del el.attrib[key]
    strip_comments_and_pis(root)
    etree.cleanup_namespaces(root)


# -- the independent view for the residue proof ------------------------------------------------


def open_zip_for_view(path: Path, options: ReadOptions) -> SafeZip:
    return SafeZip(path, options.limits, depth=options.depth, what="output")


def zip_residue_streams(path: Path, options: ReadOptions) -> Iterator[tuple[str, bytes]]:
    """Every member of the zip at ``path``, decompressed, and the zip directory (member
    names and comment).  XML escapes (``&amp;``, ``&#1072;``) are the proof's to search."""
    with open_zip_for_view(path, options) as z:
        directory = "\n".join(z.names) + "\n" + z.comment.decode("latin-1")
        yield "zip:directory", directory.encode("utf-8")
        for name in z.names:
            yield f"zip:{name}", z.read(name, MAX_MEDIA_PART)


def zip_independent_text(
    path: Path, options: ReadOptions, *, paragraph_tags: Iterable[str], text_tags: Iterable[str],
    tab_tags: Iterable[str] = (), break_tags: Iterable[str] = (),
    member_filter: Callable[[str], bool] = lambda n: n.lower().endswith(".xml"),
) -> str:
    """Text of every XML member, paragraph by paragraph, read with expat (defusedxml).

    ``paragraph_tags`` are Clark names of paragraph elements; ``text_tags`` of
    elements whose text is document text.  Every member is read, not only the
    ones the adapter's reader follows: what the proof sees is what the file holds.
    """
    from defusedxml import ElementTree as DET

    ptags = _with_strict(paragraph_tags)
    ttags = _with_strict(text_tags)
    tabs = _with_strict(tab_tags)
    brks = _with_strict(break_tags)
    out: list[str] = []
    with open_zip_for_view(path, options) as z:
        for name in z.names:
            if not member_filter(name):
                continue
            data = z.read(name, MAX_XML_PART)
            try:
                root = DET.fromstring(data)
            except Exception:  # noqa: S112 - not XML: its bytes go through residue_streams
                continue
            for para in root.iter():
                if para.tag not in ptags:
                    continue
                chunks: list[str] = []
                _collect(para, ptags, ttags, tabs, brks, chunks)
                line = "".join(chunks)
                if line:
                    out.append(line)
    return "\n".join(out)


def _with_strict(tags: Iterable[str]) -> set[str]:
    out = set(tags)
    for tag in list(out):
        if tag.startswith("{"):
            ns, _, loc = tag[1:].partition("}")
            if ns in TRANSITIONAL_TO_STRICT:
                out.add(f"{{{TRANSITIONAL_TO_STRICT[ns]}}}{loc}")
    return out


def _collect(el: Any, ptags: set[str], ttags: set[str], tabs: set[str], brks: set[str],
             chunks: list[str]) -> None:
    for child in el:
        if child.tag in ptags:
            continue  # a nested paragraph (text box) is its own line
        if child.tag in ttags:
            chunks.append(child.text or "")
        elif child.tag in tabs:
            chunks.append("\t")
        elif child.tag in brks:
            chunks.append("\n")
        else:
            _collect(child, ptags, ttags, tabs, brks, chunks)
