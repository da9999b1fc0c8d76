"""OpenDocument files (ODT, and ODS/ODP for metadata and text): traces found, clean rewrite.

An ODF file is a zip whose first member ``mimetype`` names its type.  Reading
takes every paragraph (``text:p``, ``text:h``) of ``content.xml`` and the
headers and footers of ``styles.xml``, with a map from Document offsets to the
XML text nodes (ODF text is mixed content: a paragraph's text, its spans'
text and the tails after each element).  Text a reader does not see goes to
its own segments: annotations ("comment"), deleted tracked changes
("revision"), hidden text, hidden paragraphs and hidden sections ("hidden"),
notes ("footnote"); container values (meta.xml: initial creator, creator,
dates, editing cycles and duration, generator, template, user-defined fields,
printed by; settings.xml: printer name and setup, database source, rsids;
annotation and change authors; picture EXIF) to "metadata" segments.

Cleaning applies the plan's text edits to the text nodes, accepts tracked
changes (insertions kept, deletions dropped, change records removed), removes
annotations, hidden text and hidden sections, identifying fields (their text
stays, as edited), rsid attributes, the printer and database settings, the
thumbnail, embedded objects, macros (Basic, scripts), signatures and the
layout cache, empties meta.xml, re-encodes pictures, and writes a fresh zip
with ``mimetype`` first and stored.  Spreadsheet cell text and presentation
notes of ODS/ODP are read as paragraphs; their sheet- and slide-level hiding
is not handled (see ``not_done``).
"""

from __future__ import annotations

import base64
import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from ..document import Document, DocumentBuilder, Severity
from ..errors import EncryptedInput, InputError
from . import _office as O
from ._office import Piece, TextAcc, Traces, qn
from ._zipsafe import SafeZip, is_zip_head
from .base import CleanResult, FormatAdapter, ReadOptions

if TYPE_CHECKING:
    from ..sanitize.plan import CleanPlan

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
CONFIG = "urn:oasis:names:tc:opendocument:xmlns:config:1.0"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
XLINK = "http://www.w3.org/1999/xlink"
DC = "http://purl.org/dc/elements/1.1/"
OFFICEOOO = "http://openoffice.org/2009/office"
PRESENTATION = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _t(name: str) -> str:
    return qn(TEXT, name)


T_P, T_H, T_S, T_TAB, T_LB = _t("p"), _t("h"), _t("s"), _t("tab"), _t("line-break")
ANNOTATION, ANNOTATION_END = qn(OFFICE, "annotation"), qn(OFFICE, "annotation-end")
TRACKED = _t("tracked-changes")
_SKIP_SUBTREE = {
    ANNOTATION, ANNOTATION_END, _t("note"), TRACKED, _t("change"), _t("change-start"),
    _t("change-end"), _t("hidden-text"), _t("hidden-paragraph"), _t("soft-page-break"),
    _t("bookmark"), _t("bookmark-start"), _t("bookmark-end"), _t("reference-mark"),
    _t("reference-mark-start"), _t("reference-mark-end"), _t("toc-mark"),
    _t("alphabetical-index-mark"),
}
#: Fields whose text names a person, a file or a time of editing or printing.
IDENTITY_FIELDS = {_t(n) for n in (
    "author-name", "author-initials", "file-name", "template-name", "creator",
    "initial-creator", "printed-by", "print-date", "print-time", "modification-date",
    "modification-time", "creation-date", "creation-time", "editing-duration",
    "editing-cycles", "sender-firstname", "sender-lastname", "sender-initials", "sender-title",
    "sender-position", "sender-email", "sender-phone-private", "sender-fax", "sender-company",
    "sender-phone-work", "sender-street", "sender-city", "sender-postal-code",
    "sender-country", "sender-state-or-province", "user-defined", "database-display",
)}
_META_LABELS = {
    "initial-creator": ("initial creator", Severity.HIGH),
    "creator": ("creator (last saved by)", Severity.HIGH),
    "printed-by": ("printed by", Severity.HIGH),
    "creation-date": ("created", Severity.MEDIUM),
    "date": ("modified", Severity.MEDIUM),
    "print-date": ("printed", Severity.MEDIUM),
    "editing-cycles": ("editing cycles", Severity.LOW),
    "editing-duration": ("editing duration", Severity.LOW),
    "generator": ("generator (software)", Severity.LOW),
    "title": ("title", Severity.MEDIUM),
    "subject": ("subject", Severity.MEDIUM),
    "description": ("description", Severity.MEDIUM),
    "keyword": ("keyword", Severity.MEDIUM),
    "language": ("language", Severity.LOW),
}
_SETTINGS_DROP = {"PrinterName", "PrinterSetup", "PrinterPaperFromSetup", "PrintFaxName",
                  "CurrentDatabaseDataSource", "CurrentDatabaseCommand",
                  "CurrentDatabaseCommandType", "Rsid", "RsidRoot"}
_DROP_PREFIXES = ("Thumbnails/", "Configurations2/", "layout-cache", "Basic/", "Scripts/",
                  "META-INF/documentsignatures.xml", "META-INF/macrosignatures.xml")


def _local(el: Any) -> str:
    return O.local_name(el.tag)


class _Package:
    """An ODF zip: its members, parsed lazily within limits."""

    def __init__(self, z: SafeZip, path: Path) -> None:
        self.zip = z
        self.path = path
        self._xml: dict[str, Any] = {}
        if not z.has("content.xml") and not z.has("styles.xml"):
            raise InputError("not an OpenDocument file (no content.xml)", path)
        self.mimetype = ""
        if z.has("mimetype"):
            self.mimetype = z.read("mimetype", 256).decode("ascii", "replace").strip()
        manifest = self.xml("META-INF/manifest.xml")
        if manifest is not None and any(_local(el) == "encryption-data" for el in manifest.iter()):
            raise EncryptedInput("password-protected OpenDocument file; leakdesk cannot open it",
                                 path)

    def xml(self, name: str) -> Any | None:
        if not self.zip.has(name):
            return None
        if name not in self._xml:
            data = self.zip.read(name, O.MAX_XML_PART)
            if name == "META-INF/manifest.xml" and b"xmlns:manifest" not in data[:4096]:
                # OpenOffice 1.x-2.x manifests declare their namespace only in the external
                # DTD (a #FIXED attribute), which is never loaded: declare it here
                data = data.replace(b"<manifest:manifest",
                                    b'<manifest:manifest xmlns:manifest="' + MANIFEST.encode()
                                    + b'"', 1)
            self._xml[name] = O.parse_xml(data, name, self.path)
        return self._xml[name]


class _Extract:
    def __init__(self, pkg: _Package, options: ReadOptions) -> None:
        self.pkg = pkg
        self.options = options
        self.b = DocumentBuilder(separator="\n")
        self.traces = Traces(self.b, "odf")
        self.pieces: list[Piece] = []
        self.hidden_styles: set[str] = set()
        self.fields: list[tuple[str, Any]] = []  # (part, element)
        self.doc: Document | None = None

    # -- text ---------------------------------------------------------------------------

    def _walk(self, el: Any, acc: TextAcc, hidden: TextAcc, in_hidden: bool, part: str,
              field_pieces: list[Piece] | None = None) -> None:
        target = hidden if in_hidden else acc
        if el.text:
            p = target.add(el.text, el, "text")
            if field_pieces is not None and not in_hidden:
                field_pieces.append(p)
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_SUBTREE or tag.startswith(f"{{{DRAW}}}"):
                pass
            elif tag == T_S:
                try:
                    n = max(1, min(int(child.get(_t("c")) or "1"), 1000))
                except ValueError:
                    n = 1
                target.add(" " * n, child, "atom")
            elif tag == T_TAB:
                target.add("\t", child, "atom")
            elif tag == T_LB:
                target.add("\n", child, "atom")
            else:
                hid = in_hidden or (child.get(_t("style-name")) in self.hidden_styles)
                if tag in IDENTITY_FIELDS:
                    mine: list[Piece] = []
                    self._walk(child, acc, hidden, hid, part, mine)
                    self.fields.append((part, child))
                    self._field_spans[id(child)] = mine
                else:
                    self._walk(child, acc, hidden, hid, part, field_pieces)
            if child.tail:
                p = target.add(child.tail, child, "tail")
                if field_pieces is not None and not in_hidden:
                    field_pieces.append(p)

    def _hidden_style_names(self) -> None:
        for name in ("styles.xml", "content.xml"):
            root = self.pkg.xml(name)
            if root is None:
                continue
            for st in root.iter(qn(STYLE, "style")):
                for props in st.iter(qn(STYLE, "text-properties")):
                    if props.get(_t("display")) in ("none", "condition"):
                        self.hidden_styles.add(st.get(qn(STYLE, "name")) or "")

    def _paragraph_kind(self, p: Any) -> str:
        cur = p.getparent()
        while cur is not None:
            tag = cur.tag
            if tag == ANNOTATION:
                return "comment"
            if tag == TRACKED:
                return "revision"
            if tag == _t("note-body"):
                return "footnote"
            if tag in (qn(STYLE, "header"), qn(STYLE, "header-left"), qn(STYLE, "header-first")):
                return "header"
            if tag in (qn(STYLE, "footer"), qn(STYLE, "footer-left"), qn(STYLE, "footer-first")):
                return "footer"
            if tag == _t("section") and cur.get(_t("display")) in ("none", "condition"):
                return "hidden"
            if tag == qn(PRESENTATION, "notes"):
                return "annotation"
            if tag == qn(STYLE, "master-page"):
                return "header"  # text on a master page shows on every page
            cur = cur.getparent()
        if p.get(_t("style-name")) in self.hidden_styles:
            return "hidden"
        return "body"

    def run(self) -> _Extract:
        self._field_spans: dict[int, list[Piece]] = {}
        self._hidden_style_names()
        later: list[tuple[str, TextAcc, str]] = []
        kinds_seen: dict[str, int] = {}
        for name in ("content.xml", "styles.xml"):
            root = self.pkg.xml(name)
            if root is None:
                continue
            for p in root.iter(T_P, T_H):
                kind = self._paragraph_kind(p)
                if name == "styles.xml" and kind not in ("header", "footer"):
                    kind = "header"  # other text of styles.xml (frames on master pages)
                acc, hidden = TextAcc(), TextAcc()
                self._walk(p, acc, hidden, False, name)
                kinds_seen[kind] = kinds_seen.get(kind, 0) + 1
                if kind in ("body", "header", "footer", "footnote"):
                    start, _end = self.b.add(acc.text, part=kind, source=name)
                    self.pieces.extend(acc.shift(start))
                else:
                    later.append((kind, acc, name))
                if hidden.length:
                    later.append(("hidden", hidden, name))
        spans: dict[str, list[tuple[int, int]]] = {}
        self.annotation_spans: dict[int, tuple[int, int]] = {}
        for kind, acc, name in later:
            start, end = self.b.add(acc.text, part=kind, source=name)
            self.pieces.extend(acc.shift(start))
            spans.setdefault(kind, []).append((start, end))
            if kind == "comment" and acc.pieces:
                ann = acc.pieces[0].elem
                while ann is not None and ann.tag != ANNOTATION:
                    ann = ann.getparent()
                if ann is not None:
                    lo, hi = self.annotation_spans.get(id(ann), (start, end))
                    self.annotation_spans[id(ann)] = (min(lo, start), max(hi, end))
        content = self.pkg.xml("content.xml")
        if content is not None:
            self._hidden_fields(content)
            self._annotations(content)
            self._changes(content)
        for span in spans.get("annotation", []):
            if span[1] > span[0]:
                self.traces.add("speaker-notes", "annotation", Severity.HIGH,
                                "Speaker notes: text for the presenter, not shown in the slide "
                                "show.", span=span, part="annotation")
        for kind, what in (("hidden", "Hidden text (hidden spans, paragraphs or sections) is "
                                      "stored in the file but not shown."),
                           ("revision", "A tracked deletion keeps text that was removed from "
                                        "the visible document.")):
            for span in spans.get(kind, []):
                if span[1] > span[0]:
                    self.traces.add("hidden-text" if kind == "hidden" else "deleted-text",
                                    kind, Severity.HIGH, what, span=span, part=kind)
        for part, el in self.fields:
            pieces = self._field_spans.get(id(el), [])
            name = _local(el)
            if pieces and pieces[-1].end > pieces[0].start:
                span = (pieces[0].start, pieces[-1].end)
                self.traces.add("field", "identifier", Severity.HIGH,
                                f"A field ({name}) shows who made, saved or printed the file, "
                                "its name, or when; it is refreshed on the machine that opens "
                                "it.", span=span, part="body", evidence={"field": name,
                                                                         "part": part})
        self._meta()
        self._settings()
        self._files()
        fmt = {"application/vnd.oasis.opendocument.text": "odt",
               "application/vnd.oasis.opendocument.spreadsheet": "ods",
               "application/vnd.oasis.opendocument.presentation": "odp"}.get(
                   self.pkg.mimetype, "odf")
        doc = self.b.build(format=fmt, path=self.pkg.path,
                           meta={"mimetype": self.pkg.mimetype, "paragraphs": kinds_seen})
        doc.container_findings.extend(self.traces.findings(doc))
        O.check_text_size(doc, self.options.limits)
        self.doc = doc
        return self

    @property
    def document(self) -> Document:
        assert self.doc is not None
        return self.doc

    def _hidden_fields(self, content: Any) -> None:
        for el in content.iter(_t("hidden-text"), _t("hidden-paragraph")):
            value = el.get(_t("string-value")) or ""
            span = self.traces.value("hidden text", value, source="content.xml") if value else None
            self.traces.add("hidden-text", "hidden", Severity.HIGH,
                            f"A {_local(el)} field hides text behind a condition; the text "
                            "stays in the file.", span=span, part="hidden",
                            evidence={"condition": el.get(_t("condition")) or ""})

    def _annotations(self, content: Any) -> None:
        authors: dict[str, list[str]] = {}
        for ann in content.iter(ANNOTATION):
            who = "".join(x.text or "" for x in ann.iter(qn(DC, "creator")))
            when = "".join(x.text or "" for x in ann.iter(qn(DC, "date")))
            initials = "".join(x.text or "" for x in ann.iter(qn(META, "creator-initials")))
            authors.setdefault(who or "(no name)", []).append(when)
            span = self.annotation_spans.get(id(ann))
            self.traces.add("comment", "annotation", Severity.HIGH,
                            f"An annotation by '{(who or '(no name)')[:80]}'"
                            f"{' on ' + when if when else ''} is stored in the file.",
                            span=span if span and span[1] > span[0] else None,
                            part="comment", evidence={"author": who, "date": when,
                                                      "initials": initials})
        for who, dates in authors.items():
            span = self.traces.value("annotation author", who, source="content.xml")
            self.traces.add("comment-author", "annotation", Severity.HIGH,
                            f"{len(dates)} annotation(s) name their author '{who[:80]}', with "
                            "dates.", span=span, evidence={"author": who, "dates": dates[:20]})

    def _changes(self, content: Any) -> None:
        groups: dict[tuple[str, str], list[str]] = {}
        for region in content.iter(_t("changed-region")):
            for change in region:
                kind = _local(change)
                info = change.find(qn(OFFICE, "change-info"))
                who = when = ""
                if info is not None:
                    who = "".join(x.text or "" for x in info.iter(qn(DC, "creator")))
                    when = "".join(x.text or "" for x in info.iter(qn(DC, "date")))
                groups.setdefault((kind, who), []).append(when)
        for (kind, who), dates in sorted(groups.items()):
            span = self.traces.value(f"{kind} author", who, source="content.xml") if who else None
            self.traces.add("tracked-changes", "revision", Severity.HIGH,
                            f"Tracked changes record {len(dates)} {kind}(s) by "
                            f"'{(who or '(no name)')[:80]}' with their dates; names and times "
                            "stay in the file.",
                            span=span, evidence={"kind": kind, "author": who,
                                                 "dates": sorted(d for d in dates if d)[:20]})

    def _meta(self) -> None:
        root = self.pkg.xml("meta.xml")
        if root is None:
            return
        for el in root.iter():
            name = _local(el)
            if name == "user-defined":
                label = el.get(qn(META, "name")) or "field"
                value = O.one_line("".join(el.itertext()))
                if value:
                    span = self.traces.value(f"user-defined property {label}", value,
                                             source="meta.xml")
                    self.traces.add("user-defined", "metadata", Severity.HIGH,
                                    f"The user-defined property '{label[:60]}' ({value[:80]}) "
                                    "was added by a person or a system and can identify where "
                                    "the file comes from.", span=span,
                                    evidence={"property": label})
            elif name == "template":
                href = el.get(qn(XLINK, "href")) or ""
                if href:
                    span = self.traces.value("template", href, source="meta.xml")
                    self.traces.add("template", "metadata", Severity.HIGH,
                                    f"The document names its template '{href[:120]}', a path "
                                    "that often holds a user name.", span=span, evidence={})
            elif name in _META_LABELS:
                value = O.one_line("".join(el.itertext()))
                if not value:
                    continue
                label, sev = _META_LABELS[name]
                span = self.traces.value(f"meta {label}", value, source="meta.xml")
                self.traces.add("meta", "metadata", sev,
                                f"The document property '{label}' ({value[:80]}) travels with "
                                "every copy and can identify a person, a machine or a time.",
                                span=span, evidence={"property": name})

    def _settings(self) -> None:
        root = self.pkg.xml("settings.xml")
        if root is None:
            return
        rsids = 0
        for el in root.iter(qn(CONFIG, "config-item")):
            name = el.get(qn(CONFIG, "name")) or ""
            value = (el.text or "").strip()
            if name == "PrinterName" and value:
                span = self.traces.value("printer", value, source="settings.xml")
                self.traces.add("printer-settings", "metadata", Severity.MEDIUM,
                                f"The settings name the printer '{value[:80]}' this copy was set "
                                "up for.", span=span, evidence={})
            elif name == "PrinterSetup" and value:
                try:
                    blob = base64.b64decode(value[:1_000_000], validate=False)
                except (ValueError, TypeError):
                    blob = b""
                strings = O.binary_strings(blob) + _ascii_runs(blob)
                v = "; ".join(dict.fromkeys(strings))[:500]
                pspan = self.traces.value("printer setup", v, source="settings.xml") if v else None
                self.traces.add("printer-settings", "metadata", Severity.MEDIUM,
                                "The settings keep the printer driver's setup block, which names "
                                "the printer and driver of the machine that saved the file.",
                                span=pspan, evidence={"bytes": len(blob)})
            elif name.startswith("CurrentDatabase") and value and not value.isdigit():
                span = self.traces.value(f"setting {name}", value, source="settings.xml")
                self.traces.add("database", "metadata", Severity.MEDIUM,
                                f"The settings name a database ({value[:80]}) used for fields "
                                "or mail merge.", span=span, evidence={"setting": name})
            elif name in ("Rsid", "RsidRoot") and value:
                rsids += 1
        for name in ("content.xml", "styles.xml"):
            r = self.pkg.xml(name)
            if r is None:
                continue
            for el in r.iter():
                if isinstance(el.tag, str):
                    rsids += sum(1 for k in el.attrib if str(k).startswith(f"{{{OFFICEOOO}}}")
                                 and "rsid" in str(k))
        if rsids:
            self.traces.add("rsid", "revision", Severity.MEDIUM,
                            f"{rsids} rsid revision-session ids (officeooo:rsid and the settings' "
                            "Rsid) record LibreOffice editing sessions; copies that share them "
                            "share an editing history.", evidence={"count": rsids})

    def _files(self) -> None:
        z = self.pkg.zip
        for name in z.names:
            low = name.lower()
            if low.startswith("thumbnails/"):
                self.traces.add("thumbnail", "image", Severity.MEDIUM,
                                "The file carries a thumbnail: a small picture of its first page "
                                "as it looked when last saved, possibly an older version.",
                                evidence={"part": name})
            elif name.startswith("META-INF/") and "signature" in low:
                self.traces.add("signature", "metadata", Severity.HIGH,
                                "The file carries a digital signature, which names the signer "
                                "and their certificate.", evidence={"part": name})
            elif name.startswith(("Basic/", "Scripts/")) and low.endswith(".xml"):
                self.traces.add("macros", "structure", Severity.MEDIUM,
                                "The file contains macros (Basic or scripts).",
                                evidence={"part": name})
            elif name.startswith("Object ") and name.endswith("/content.xml"):
                # no text span: the object's generated name stays on its preview picture
                self.traces.add("embedded-object", "attachment", Severity.MEDIUM,
                                f"The file embeds an object ({name.split('/')[0]}) with its own "
                                "content and metadata.", evidence={"part": name})
        from ._officemedia import image_traces

        pictures = 0
        for name in z.names:
            if not name.startswith("Pictures/"):
                continue
            found = image_traces(z.read(name, O.MAX_MEDIA_PART), self.options.limits.max_pixels)
            if not found:
                continue
            pictures += 1
            spans = [self.traces.value(f"picture {pictures} {t.label}", t.value, source=name)
                     for t in found]
            gps = " including GPS coordinates" if any(t.label.startswith("GPS") for t in found) \
                else ""
            self.traces.add("image-metadata", "image",
                            Severity.HIGH if any(t.high for t in found) else Severity.MEDIUM,
                            f"The embedded picture {name} carries its own metadata "
                            f"({', '.join(dict.fromkeys(t.label for t in found))}){gps}.",
                            span=(spans[0][0], spans[-1][1]),
                            excerpt_text="; ".join(f"{t.label}: {t.value}" for t in found),
                            evidence={"part": name})


def _ascii_runs(data: bytes, min_len: int = 5, limit: int = 10) -> list[str]:
    import re

    out = []
    for m in re.finditer(rb"[\x20-\x7e]{%d,}" % min_len, data):
        out.append(m.group(0).decode("ascii"))
        if len(out) >= limit:
            break
    return out


def _sniff_odf(head: bytes, path: Path) -> bool:
    if not is_zip_head(head):
        return False
    if head[30:38] == b"mimetype" and b"application/vnd.oasis.opendocument" in head[38:120]:
        return True
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names and ("content.xml" in names or "styles.xml" in names):
                with zf.open("mimetype") as fh:
                    return bytes(fh.read(100)).startswith(b"application/vnd.oasis.opendocument")
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
        return False
    return False


class Adapter(FormatAdapter):
    name = "odf"
    mimetypes = ("application/vnd.oasis.opendocument.text",
                 "application/vnd.oasis.opendocument.spreadsheet",
                 "application/vnd.oasis.opendocument.presentation")
    output_extension = "odt"

    @classmethod
    def sniff(cls, head: bytes, path: Path) -> bool:
        return _sniff_odf(head, path)

    def read(self, path: Path, options: ReadOptions) -> Document:
        with SafeZip(path, options.limits, depth=options.depth, what="OpenDocument") as z, \
                O.guard(path, "OpenDocument"):
            return _Extract(_Package(z, Path(path)), options).run().document

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
        if doc.path is None:
            raise InputError("the document has no source file to clean")
        src = Path(doc.path)
        with SafeZip(src, options.limits, depth=options.depth, what="OpenDocument") as z, \
                O.guard(src, "OpenDocument"):
            ex = _Extract(_Package(z, src), options).run()
            if ex.document.text != doc.text:
                raise InputError("the file changed since it was read; audit it again", src)
            return _clean(ex, plan, out, options)

    def residue_streams(self, path: Path, options: ReadOptions) -> Iterator[tuple[str, bytes]]:
        yield from O.zip_residue_streams(Path(path), options)

    def independent_text(self, path: Path, options: ReadOptions) -> str:
        from defusedxml import ElementTree as DET

        out: list[str] = []
        with O.open_zip_for_view(Path(path), options) as z:
            for name in z.names:
                if not name.lower().endswith(".xml"):
                    continue
                try:
                    root = DET.fromstring(z.read(name, O.MAX_XML_PART))
                except Exception:  # noqa: S112 - not XML: its bytes go through residue_streams
                    continue
                for el in root.iter():
                    if el.tag in (T_P, T_H):
                        out.append("".join(el.itertext()))
                    for key, val in el.attrib.items():
                        if key == _t("string-value"):
                            out.append(val)
        return "\n".join(out)


def _clean(ex: _Extract, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
    pkg = ex.pkg
    actions: list[str] = []
    not_done: list[str] = []
    edits = [(e.start, e.end, e.replacement) for e in plan.edits]
    changed = O.apply_edits_to_pieces(ex.pieces, edits)
    if edits:
        actions.append(f"applied {len(edits)} text edit(s) to the text ({changed} node(s) changed)")
    content = pkg.xml("content.xml")
    styles = pkg.xml("styles.xml")
    counts = {"changes": 0, "annotations": 0, "hidden": 0, "fields": 0, "rsid": 0, "notes": 0}
    if content is not None:
        for el in list(content.iter(TRACKED)):
            O.remove_keep_tail(el)
            counts["changes"] += 1
        for el in list(content.iter(_t("change"), _t("change-start"), _t("change-end"))):
            O.remove_keep_tail(el)
        for el in content.iter(_t("tracked-changes"), qn(OFFICE, "text")):
            el.attrib.pop(_t("track-changes"), None)
        for el in list(content.iter(ANNOTATION, ANNOTATION_END)):
            O.remove_keep_tail(el)
            counts["annotations"] += 1
        for el in list(content.iter(qn(PRESENTATION, "notes"))):
            O.remove_keep_tail(el)
            counts["notes"] += 1
        for el in list(content.iter(_t("hidden-text"), _t("hidden-paragraph"))):
            O.remove_keep_tail(el)
            counts["hidden"] += 1
        for el in list(content.iter(_t("section"))):
            if el.get(_t("display")) in ("none", "condition") and el.getparent() is not None:
                O.remove_keep_tail(el)
                counts["hidden"] += 1
    for root in (content, styles):
        if root is None:
            continue
        for p in list(root.iter(T_P, T_H)):
            if p.get(_t("style-name")) in ex.hidden_styles and p.getparent() is not None:
                O.remove_keep_tail(p)
                counts["hidden"] += 1
                continue
            for span in list(p.iter()):
                if span is not p and isinstance(span.tag, str) and span.get(
                        _t("style-name")) in ex.hidden_styles and span.getparent() is not None:
                    O.remove_keep_tail(span)
                    counts["hidden"] += 1
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            for key in list(el.attrib):
                k = str(key)
                if k.startswith(f"{{{OFFICEOOO}}}") and "rsid" in k:
                    del el.attrib[key]
                    counts["rsid"] += 1
    for _part, el in ex.fields:
        if el.getparent() is not None:
            O.unwrap(el)
            counts["fields"] += 1
    needles = O.removed_needles(plan.removed)
    counts["links"] = _sweep_removed(content, styles, needles)
    for key, line in (("changes", "accepted the tracked changes and removed their records"),
                      ("annotations", "removed {n} annotation(s)"),
                      ("notes", "removed the speaker notes of {n} slide(s)"),
                      ("hidden", "removed {n} hidden text, paragraph or section element(s)"),
                      ("fields", "replaced {n} identifying field(s) by their (edited) text"),
                      ("rsid", "removed {n} rsid attribute(s)"),
                      ("links", "cut {n} link(s), name(s) or title(s) that held removed text")):
        if counts[key]:
            actions.append(line.format(n=counts[key]))
    settings = pkg.xml("settings.xml")
    if settings is not None:
        gone = 0
        for el in list(settings.iter(qn(CONFIG, "config-item"))):
            if (el.get(qn(CONFIG, "name")) or "") in _SETTINGS_DROP:
                O.remove_keep_tail(el)
                gone += 1
        if gone:
            actions.append(f"removed {gone} printer, database or rsid setting(s)")
    # which members go
    names = [n for n in pkg.zip.names if not n.endswith("/")]
    objects = sorted({n.split("/")[0] for n in names if n.startswith("Object ") and "/" in n})
    drop = {n for n in names if n.startswith(_DROP_PREFIXES)
            or any(n.startswith(o + "/") for o in objects)}
    if content is not None and objects:
        for obj in list(content.iter(qn(DRAW, "object"), qn(DRAW, "object-ole"))):
            href = (obj.get(qn(XLINK, "href")) or "").lstrip("./")
            if href.split("/")[0] in objects:
                O.remove_keep_tail(obj)
        actions.append(f"removed {len(objects)} embedded object(s); their pictures stay")
    if any(n.startswith("Thumbnails/") for n in drop):
        actions.append("removed the thumbnail")
    if any(n.startswith(("Basic/", "Scripts/")) for n in drop):
        actions.append("removed the macros")
    members: list[tuple[str, bytes]] = []
    scrubbed = 0
    kept_as_is: list[str] = []
    from ._officemedia import scrub_image

    for name in names:
        if name in drop or name == "mimetype":
            continue
        if name == "meta.xml":
            data = _minimal_meta(pkg.xml("meta.xml"))
            actions.append("emptied the document properties (meta.xml)")
        elif name == "META-INF/manifest.xml":
            continue  # rewritten below
        elif name.lower().endswith(".xml") and pkg.xml(name) is not None:
            root = pkg.xml(name)
            O.strip_comments_and_pis(root)
            data = O.serialize(root)
        else:
            data = pkg.zip.read(name, O.MAX_MEDIA_PART)
            if name.startswith("Pictures/") and name.lower().endswith(".svg"):
                svg = O.parse_untrusted(data)
                if svg is not None:
                    O.clean_svg(svg)
                    data = O.serialize(svg)
                    scrubbed += 1
                else:
                    kept_as_is.append(name)
            elif name.startswith("Pictures/"):
                try:
                    result = scrub_image(data, options.limits.max_pixels)
                except ValueError:
                    result = None
                if result is not None:
                    data = result[0]
                    scrubbed += 1
                else:
                    kept_as_is.append(name)
        members.append((name, data))
    kept = {n for n, _d in members}
    manifest = pkg.xml("META-INF/manifest.xml")
    if manifest is not None:
        for entry in list(manifest):
            path = entry.get(qn(MANIFEST, "full-path")) or ""
            if path in ("/", "") or path.endswith("/"):
                if path.endswith("/") and path != "/" and not any(k.startswith(path) for k in kept):
                    manifest.remove(entry)
                continue
            if path not in kept:
                manifest.remove(entry)
        members.append(("META-INF/manifest.xml", O.serialize(manifest)))
    if scrubbed:
        actions.append(f"re-encoded {scrubbed} picture(s) from their pixels alone")
    if kept_as_is:
        not_done.append(f"{len(kept_as_is)} picture(s) leakdesk cannot re-encode were kept as "
                        "they are: " + ", ".join(kept_as_is[:5]))
    if drop:
        actions.append(f"dropped {len(drop)} member(s): " + ", ".join(sorted(drop)[:10]))
    if ex.document.format in ("ods", "odp"):
        not_done.append("hidden sheets, rows and slides of spreadsheets and presentations are "
                        "not removed")
    ordered = [("mimetype", (pkg.mimetype or "application/vnd.oasis.opendocument.text").encode())]
    ordered += sorted(members, key=lambda m: m[0])
    O.write_zip(out, ordered, stored={"mimetype"})
    return CleanResult(output=out, format=ex.document.format, mode="rebuild", actions=actions,
                       not_done=not_done)


def _sweep_removed(content: Any | None, styles: Any | None, needles: list[str]) -> int:
    """Links whose address, and drawing names, titles and bookmarks whose text, hold a
    removed string: links are unwrapped (their text stays), names are made generic."""
    n = 0
    if not needles:
        return 0
    renamed: dict[str, str] = {}
    for root in (content, styles):
        if root is None:
            continue
        for el in list(root.iter()):
            if not isinstance(el.tag, str) or el.getparent() is None:
                continue
            href = el.get(qn(XLINK, "href"))
            if el.tag == _t("a") and O.holds_removed(href, needles):
                O.unwrap(el)
                n += 1
                continue
            if O.local_name(el.tag) in ("title", "desc") and el.tag.startswith(
                    "{urn:oasis:names:tc:opendocument:xmlns:svg") and O.holds_removed(
                    "".join(el.itertext()), needles):
                O.remove_keep_tail(el)
                n += 1
                continue
            for key in (qn(DRAW, "name"), _t("name"), qn(OFFICE, "name"), qn(OFFICE, "title"),
                        qn(TABLE, "name")):
                old = el.get(key)
                if O.holds_removed(old, needles):
                    # the same old name gets the same new one (bookmark starts and ends,
                    # fields and their declarations still match)
                    el.set(key, renamed.setdefault(old or "", f"Object {len(renamed) + 1}"))
                    n += 1
    return n


def _minimal_meta(root: Any | None) -> bytes:
    version = root.get(qn(OFFICE, "version")) if root is not None else None
    new = etree.Element(qn(OFFICE, "document-meta"), nsmap={"office": OFFICE, "meta": META,
                                                           "dc": DC})
    if version:
        new.set(qn(OFFICE, "version"), version)
    etree.SubElement(new, qn(OFFICE, "meta"))
    return O.serialize(new)


def _manifest_dir(name: str) -> str:
    return posixpath.dirname(name) + "/"
