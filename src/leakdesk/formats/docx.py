"""Word documents (DOCX, DOCM, DOTX): every trace in the package, and a clean rewrite.

Reading walks the WordprocessingML of the body, headers, footers, footnotes,
endnotes, comments and glossary, paragraph by paragraph, and keeps a map from
each span of Document text to the XML node that holds it (a ``w:t`` text
node, or a tab, break or symbol), so sanitize can edit the text inside the
runs and keep their formatting.  Text that a reader does not see goes into
its own segments: hidden text (``w:vanish``) in "hidden", deleted tracked
changes in "revision", comments in "comment", and every identifying container
value (properties, authors, dates, ids, paths, printer names, picture EXIF)
in "metadata" segments, so the text detectors run on all of it.

Container findings name each trace and say why it can single out a copy:
core, app and custom properties; comments and their authors; tracked
insertions, deletions and formatting changes with authors and dates; rsid
revision-session ids, paragraph ids and the document id; hidden text;
custom XML parts, document variables, the attached template, mail-merge
sources, printer settings; fields that show the file name, author, user or
dates; embedded objects (audited as child documents when leakdesk reads
their format) and the EXIF of embedded pictures; the thumbnail; macros.

Cleaning applies the plan's text edits inside the runs, accepts tracked
changes (insertions kept, deletions dropped, all revision markup removed),
removes comments, hidden text, rsids, paragraph and document ids, identifying
fields (their result text stays, as edited by the plan), custom XML, document
variables, the template link, printer settings, thumbnail, embedded objects
and macros, empties the core and app properties, re-encodes pictures from
their pixels, and writes a fresh zip.  What it cannot clean is listed in the
result's ``not_done``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..document import Action, Document, DocumentBuilder, Finding, Location, Severity
from ..errors import EncryptedInput, InputError, LeakdeskError
from ..fsutil import private_tempdir
from . import _office as O
from ._office import MC, W14, W15, OpcPackage, Piece, Traces, W, qn
from ._zipsafe import OLE2_MAGIC, SafeZip, is_zip_head, ole2_encrypted_package
from .base import CleanResult, FormatAdapter, ReadOptions

if TYPE_CHECKING:
    from ..sanitize.plan import CleanPlan

M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
VML = "urn:schemas-microsoft-com:vml"
OFF = "urn:schemas-microsoft-com:office:office"
#: Drawing properties that name or describe a picture (alt text, title, name).
_DRAWING_PROPS = (qn(WP, "docPr"), qn(PIC, "cNvPr"))
_FILE_LIKE = re.compile(r"[\\/]|\.(?:jpe?g|png|gif|tiff?|bmp|emf|wmf|svg|heic|webp|pdf|docx?)$",
                        re.IGNORECASE)
W16CID = "http://schemas.microsoft.com/office/word/2016/wordml/cid"
W16DU = "http://schemas.microsoft.com/office/word/2023/wordml/word16du"
WP14 = "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing"


def _w(name: str) -> str:
    return qn(W, name)


T_P, T_R, T_T, T_PPR, T_RPR = _w("p"), _w("r"), _w("t"), _w("pPr"), _w("rPr")
T_DELTEXT, T_INSTR, T_DELINSTR = _w("delText"), _w("instrText"), _w("delInstrText")
T_TAB, T_PTAB, T_BR, T_CR = _w("tab"), _w("ptab"), _w("br"), _w("cr")
T_NBH, T_SH, T_SYM = _w("noBreakHyphen"), _w("softHyphen"), _w("sym")
T_FLDCHAR, T_FLDSIMPLE = _w("fldChar"), _w("fldSimple")
T_INS, T_DEL, T_MOVEFROM, T_MOVETO = _w("ins"), _w("del"), _w("moveFrom"), _w("moveTo")
T_VANISH, T_SPECVANISH = _w("vanish"), _w("specVanish")
T_RSTYLE, T_PSTYLE = _w("rStyle"), _w("pStyle")
T_TRPR, T_TR, T_TBL, T_TC = _w("trPr"), _w("tr"), _w("tbl"), _w("tc")
T_SDTPR, T_SDTENDPR = _w("sdtPr"), _w("sdtEndPr")
T_COMMENT = _w("comment")
T_RUBY = _w("ruby")
M_T = qn(M, "t")
MC_FALLBACK = qn(MC, "Fallback")
A_AUTHOR, A_DATE, A_INITIALS, A_VAL = _w("author"), _w("date"), _w("initials"), _w("val")

_ATOMS = {T_TAB: "\t", T_PTAB: "\t", T_BR: "\n", T_CR: "\n", T_NBH: "\u2011", T_SH: "\u00ad"}
_SKIP_CONTAINERS = {T_PPR, T_RPR, T_SDTPR, T_SDTENDPR, _w("sectPr"), _w("tblPr"), _w("trPr"),
                    _w("tcPr"), _w("tblGrid")}
_CHANGE_TAGS = tuple(_w(n) for n in (
    "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange",
    "tblGridChange", "tblPrExChange", "numberingChange",
))
_REV_MARKERS = tuple(_w(n) for n in (
    "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
    "customXmlInsRangeStart", "customXmlInsRangeEnd", "customXmlDelRangeStart",
    "customXmlDelRangeEnd", "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd",
    "customXmlMoveToRangeStart", "customXmlMoveToRangeEnd", "cellIns", "cellDel", "cellMerge",
))
_REV_KINDS = {
    T_INS: "insertion", T_DEL: "deletion", T_MOVEFROM: "move (from)", T_MOVETO: "move (to)",
    **{t: "formatting change" for t in _CHANGE_TAGS},
    _w("cellIns"): "table change", _w("cellDel"): "table change", _w("cellMerge"): "table change",
}
#: Field codes whose result shows who made, saved or printed the file, where, or when.
IDENTITY_FIELDS = frozenset({
    "AUTHOR", "USERNAME", "USERINITIALS", "USERADDRESS", "LASTSAVEDBY", "FILENAME",
    "SAVEDATE", "PRINTDATE", "CREATEDATE", "EDITTIME", "REVNUM", "DOCPROPERTY", "DOCVARIABLE",
    "TEMPLATE", "INFO", "TITLE", "SUBJECT", "KEYWORDS", "COMMENTS", "FILESIZE", "DATE", "TIME",
    "INCLUDETEXT", "INCLUDEPICTURE", "LINK", "DDE", "DDEAUTO", "PRIVATE", "ADDIN", "DATABASE",
})
_PATH_IN_FIELD = re.compile(r"[A-Za-z]:\\\\?|\\\\\\\\|file:", re.IGNORECASE)
_TEXT_KINDS = (("header", "header"), ("footer", "footer"), ("footnotes", "footnote"),
               ("endnotes", "footnote"))
_MAIN_TYPES = {
    "application/vnd.ms-word.document.macroEnabled.main+xml":
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml":
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
}
_DOCX_DROP_KINDS = {"comments", "commentsExtended", "commentsIds", "commentsExtensible",
                    "glossaryDocument", "people", "mailMergeSource", "mailMergeHeaderSource",
                    "subDocument", "aFChunk", "recipientData"}


def _on(el: Any) -> bool:
    """The boolean of an OOXML on/off element (absent attribute means on)."""
    val = el.get(A_VAL)
    return val is None or val.lower() not in ("0", "false", "off")


# -- styles: which runs are hidden ------------------------------------------------------


class _Styles:
    """Enough of styles.xml to know whether a run is hidden (w:vanish)."""

    def __init__(self, root: Any | None) -> None:
        self.based: dict[str, str] = {}
        self.vanish: dict[str, bool] = {}
        self.default_para: str | None = None
        self.doc_default: bool | None = None
        if root is None:
            return
        for d in root.iter(_w("rPrDefault")):
            for v in d.iter(T_VANISH):
                self.doc_default = _on(v)
        for st in root.iter(_w("style")):
            sid = st.get(_w("styleId")) or ""
            if not sid:
                continue
            if st.get(_w("type")) == "paragraph" and _on_attr(st.get(_w("default"))):
                self.default_para = sid
            based = st.find(_w("basedOn"))
            if based is not None and based.get(A_VAL):
                self.based[sid] = based.get(A_VAL)
            rpr = st.find(T_RPR)
            if rpr is not None:
                v = rpr.find(T_VANISH)
                if v is not None:
                    self.vanish[sid] = _on(v)

    def style_vanish(self, sid: str | None) -> bool | None:
        seen: set[str] = set()
        while sid and sid not in seen and len(seen) < 64:
            seen.add(sid)
            if sid in self.vanish:
                return self.vanish[sid]
            sid = self.based.get(sid)
        return None

    def run_hidden(self, run: Any, pstyle: str | None) -> bool:
        rpr = run.find(T_RPR)
        if rpr is not None:
            for tag in (T_VANISH, T_SPECVANISH):
                v = rpr.find(tag)
                if v is not None:
                    return _on(v)
            rs = rpr.find(T_RSTYLE)
            if rs is not None:
                v2 = self.style_vanish(rs.get(A_VAL))
                if v2 is not None:
                    return v2
        v3 = self.style_vanish(pstyle or self.default_para)
        if v3 is not None:
            return v3
        return bool(self.doc_default)


def _on_attr(val: str | None) -> bool:
    return val is not None and val.lower() in ("1", "true", "on")


def _pstyle(p: Any) -> str | None:
    ppr = p.find(T_PPR)
    if ppr is None:
        return None
    ps = ppr.find(T_PSTYLE)
    return ps.get(A_VAL) if ps is not None else None


# -- walking the text --------------------------------------------------------------------


@dataclass(slots=True)
class _Acc:
    """Text of one paragraph (or hidden or deleted group) with its pieces."""

    chunks: list[str] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)
    length: int = 0

    def add(self, text: str, elem: Any, slot: str) -> Piece:
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


@dataclass(slots=True)
class _Field:
    part: str
    simple: Any | None = None  # the w:fldSimple element
    instr: list[str] = field(default_factory=list)
    phase: str = "instr"
    controls: list[Any] = field(default_factory=list)  # fldChars and instrTexts of this field
    instr_content: list[Any] = field(default_factory=list)  # anything inside its instruction
    result: list[Piece] = field(default_factory=list)

    @property
    def code(self) -> str:
        return " ".join("".join(self.instr).split())

    @property
    def name(self) -> str:
        words = self.code.split()
        return words[0].upper().lstrip("\\") if words else ""

    @property
    def identifying(self) -> bool:
        return self.name in IDENTITY_FIELDS or bool(_PATH_IN_FIELD.search(self.code))


@dataclass(slots=True)
class _Ctx:
    deleted: Any | None = None
    pstyle: str | None = None


class _PartWalker:
    """Walk the paragraphs of one WordprocessingML part."""

    def __init__(self, ex: _Extract, part: str, root: Any) -> None:
        self.ex = ex
        self.part = part
        self.root = root
        self.stack: list[_Field] = []
        self.main = _Acc()
        self.hidden = _Acc()
        self.deleted: dict[Any, _Acc] = {}
        self.deleted_order: list[Any] = []

    def paragraphs(self, within: Any | None = None) -> Iterator[Any]:
        scope = self.root if within is None else within
        skip: set[Any] = set()
        for fb in scope.iter(MC_FALLBACK):
            skip.update(fb.iter(T_P))
        for p in scope.iter(T_P):
            if p not in skip:
                yield p

    def walk_paragraph(self, p: Any) -> tuple[_Acc, _Acc]:
        self.main = _Acc()
        self.hidden = _Acc()
        self._visit(p, _Ctx(pstyle=_pstyle(p)))
        return self.main, self.hidden

    def finish(self) -> None:
        # fields still open at the end of the part are left alone (not unwrapped)
        self.stack.clear()

    def _zone_field_instr(self) -> list[_Field]:
        return [f for f in self.stack if f.phase == "instr"]

    def _visit(self, el: Any, ctx: _Ctx) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in (T_P, MC_FALLBACK):
                continue
            if tag in _SKIP_CONTAINERS:
                continue
            if tag in (T_DEL, T_MOVEFROM):
                self._visit(child, _Ctx(deleted=child, pstyle=ctx.pstyle))
            elif tag == T_R:
                self._run(child, ctx)
            elif tag == T_FLDSIMPLE:
                f = _Field(self.part, simple=child, instr=[child.get(_w("instr")) or ""],
                           phase="result")
                self.stack.append(f)
                self._visit(child, ctx)
                self.stack.remove(f)
                self.ex.fields.append(f)
            elif tag == M_T:
                self._text(child.text or "", child, "text", ctx, hidden=False)
            else:
                self._visit(child, ctx)

    def _run(self, r: Any, ctx: _Ctx) -> None:
        hidden = self.ex.styles.run_hidden(r, ctx.pstyle)
        for child in r:
            tag = child.tag
            if not isinstance(tag, str) or tag == T_RPR:
                continue
            for f in self._zone_field_instr():
                f.instr_content.append(child)
            if tag == T_FLDCHAR:
                kind = child.get(_w("fldCharType"))
                if kind == "begin":
                    f = _Field(self.part)
                    f.controls.append(child)
                    self.stack.append(f)
                elif kind == "separate" and self.stack:
                    self.stack[-1].phase = "result"
                    self.stack[-1].controls.append(child)
                elif kind == "end" and self.stack:
                    f = self.stack.pop()
                    f.controls.append(child)
                    self.ex.fields.append(f)
            elif tag in (T_INSTR, T_DELINSTR):
                if self.stack:
                    self.stack[-1].instr.append(child.text or "")
                    self.stack[-1].controls.append(child)
            elif tag in (T_T, T_DELTEXT):
                self._text(child.text or "", child, "text", ctx, hidden, deleted_tag=tag == T_DELTEXT)
            elif tag in _ATOMS:
                if tag == T_BR and child.get(_w("type")) in ("page", "column"):
                    self._text("\n", child, "atom", ctx, hidden)
                else:
                    self._text(_ATOMS[tag], child, "atom", ctx, hidden)
            elif tag == T_SYM:
                ch = _sym_char(child.get(_w("char")))
                if ch:
                    self._text(ch, child, "atom", ctx, hidden)
            elif tag == T_RUBY:
                self._visit(child, ctx)
            # drawings, pictures, objects: their text boxes are paragraphs of their own

    def _text(self, text: str, elem: Any, slot: str, ctx: _Ctx, hidden: bool,
              deleted_tag: bool = False) -> None:
        if not text:
            return
        if ctx.deleted is not None or deleted_tag:
            key = ctx.deleted if ctx.deleted is not None else elem
            acc = self.deleted.get(key)
            if acc is None:
                acc = self.deleted[key] = _Acc()
                self.deleted_order.append(key)
            acc.add(text, elem, slot)
            return
        if self._zone_field_instr():
            return  # part of a field's instruction, not of the visible text
        if hidden:
            self.hidden.add(text, elem, slot)
            return
        piece = self.main.add(text, elem, slot)
        for f in self.stack:
            if f.phase == "result":
                f.result.append(piece)


def _sym_char(code: str | None) -> str:
    if not code:
        return ""
    try:
        n = int(code, 16)
    except ValueError:
        return ""
    if n < 0x20 or n > 0x10FFFF or 0xD800 <= n <= 0xDFFF:
        return ""
    if 0xF000 <= n <= 0xF0FF:  # symbol fonts map to the private-use area
        return ""
    return chr(n)


# -- the extraction: Document text, pieces and traces --------------------------------------------


@dataclass(slots=True)
class _TextPart:
    name: str
    kind: str  # body, header, footer, footnote, comment, hidden (glossary)


class _Extract:
    """Everything read from a DOCX: the Document and what clean needs to edit it."""

    def __init__(self, pkg: OpcPackage, options: ReadOptions, *, children: bool) -> None:
        self.pkg = pkg
        self.options = options
        self.want_children = children
        self.path = pkg.path
        self.b = DocumentBuilder(separator="\n")
        self.traces = Traces(self.b, "docx")
        self.pieces: list[Piece] = []
        self.fields: list[_Field] = []
        self.text_parts: list[_TextPart] = []
        self.children: list[Document] = []
        self.meta: dict[str, Any] = {}
        main = pkg.main_part("word/document.xml")
        if main is None:
            raise InputError("not a Word document (no main document part)", pkg.path)
        self.main = main
        styles_part = pkg.first(main, "styles")
        self.styles = _Styles(pkg.xml_or_none(styles_part))
        self.settings = pkg.first(main, "settings")
        self.doc: Document | None = None

    # -- text parts -------------------------------------------------------------

    def _collect_text_parts(self) -> None:
        pkg = self.pkg
        seen = {self.main}
        self.text_parts.append(_TextPart(self.main, "body"))
        for kind, part_kind in _TEXT_KINDS:
            for _rel, part in pkg.related(self.main, kind):
                if part not in seen:
                    seen.add(part)
                    self.text_parts.append(_TextPart(part, part_kind))
        for _rel, part in pkg.related(self.main, "comments"):
            if part not in seen:
                seen.add(part)
                self.text_parts.append(_TextPart(part, "comment"))
        for _rel, part in pkg.related(self.main, "glossaryDocument"):
            if part not in seen:
                seen.add(part)
                self.text_parts.append(_TextPart(part, "glossary"))

    def run(self) -> _Extract:
        self._collect_text_parts()
        later_hidden: list[tuple[str, _Acc]] = []
        later_deleted: list[tuple[str, Any, _Acc]] = []
        part_spans: dict[str, list[tuple[int, int]]] = {}
        comment_info: list[dict[str, Any]] = []
        for tp in self.text_parts:
            root = self.pkg.xml(tp.name)
            walker = _PartWalker(self, tp.name, root)
            seg_part = {"glossary": "hidden"}.get(tp.kind, tp.kind)
            if tp.kind == "comment":
                for c in root.iter(T_COMMENT):
                    spans = []
                    for p in walker.paragraphs(c):
                        main, hidden = walker.walk_paragraph(p)
                        start, end = self.b.add(main.text, part="comment", source=tp.name)
                        self.pieces.extend(main.shift(start))
                        spans.append((start, end))
                        if hidden.length:
                            later_hidden.append((tp.name, hidden))
                    comment_info.append({
                        "author": c.get(A_AUTHOR) or "", "initials": c.get(A_INITIALS) or "",
                        "date": c.get(A_DATE) or "",
                        "span": (spans[0][0], spans[-1][1]) if spans else None,
                    })
            else:
                skip = _separator_notes(root)
                # a table row whose cells hold one paragraph each is one line, cells
                # separated by tabs (as the row reads), not one line per cell
                row: Any = None
                row_accs: list[_Acc] = []

                for p in walker.paragraphs():
                    if p in skip:
                        continue
                    main, hidden = walker.walk_paragraph(p)
                    key = _row_of(p)
                    if key is not None and key is row:
                        row_accs.append(main)
                    else:
                        self._flush_row(row_accs, tp.name, seg_part, part_spans)
                        row = key
                        if key is not None:
                            row_accs.append(main)
                        else:
                            start, end = self.b.add(main.text, part=seg_part, source=tp.name)
                            self.pieces.extend(main.shift(start))
                            part_spans.setdefault(tp.name, []).append((start, end))
                    if hidden.length:
                        later_hidden.append((tp.name, hidden))
                self._flush_row(row_accs, tp.name, seg_part, part_spans)
            walker.finish()
            for key in walker.deleted_order:
                later_deleted.append((tp.name, key, walker.deleted[key]))
        hidden_spans = []
        for part, acc in later_hidden:
            start, end = self.b.add(acc.text, part="hidden", source=part)
            self.pieces.extend(acc.shift(start))
            hidden_spans.append((part, start, end))
        deleted_spans = []
        for part, key, acc in later_deleted:
            start, end = self.b.add(acc.text, part="revision", source=part)
            self.pieces.extend(acc.shift(start))
            deleted_spans.append((part, key, start, end))
        self._report_parts(part_spans)
        self._report_comments(comment_info)
        self._report_hidden(hidden_spans)
        self._report_revisions(deleted_spans)
        self._report_fields()
        self._report_ids()
        self._report_settings()
        self._report_drawings()
        self._report_package()
        doc = self.b.build(format="docx", path=self.path, meta=self.meta)
        doc.container_findings.extend(self.traces.findings(doc))
        doc.children.extend(self.children)
        O.check_text_size(doc, self.options.limits)
        self.doc = doc
        return self

    @property
    def document(self) -> Document:
        assert self.doc is not None
        return self.doc

    def _flush_row(self, accs: list[_Acc], name: str, kind: str,
                   part_spans: dict[str, list[tuple[int, int]]]) -> None:
        """Add the cells of one table row as one line, separated by tabs."""
        if not accs:
            return
        start, end = self.b.add("\t".join(a.text for a in accs), part=kind, source=name)
        off = start
        for a in accs:
            self.pieces.extend(a.shift(off))
            off += a.length + 1
        part_spans.setdefault(name, []).append((start, end))
        accs.clear()

    # -- findings ------------------------------------------------------------------

    def _report_parts(self, part_spans: dict[str, list[tuple[int, int]]]) -> None:
        kinds = {tp.name: tp.kind for tp in self.text_parts}
        self.meta["paragraphs"] = len(part_spans.get(self.main, []))
        for part, spans in part_spans.items():
            kind = kinds[part]
            if kind == "body" or not spans:
                continue
            start, end = spans[0][0], spans[-1][1]
            if start == end:
                continue
            if kind == "glossary":
                self.traces.add(
                    "glossary", "hidden", Severity.MEDIUM,
                    "The file carries a glossary (building blocks / AutoText): text that is not "
                    "shown in the document but travels with it.",
                    span=(start, end), evidence={"part": part})
                continue
            # headers, footers and notes are ordinary text: their parts show in the report's
            # "parts", and the text detectors name what they hold
            self.meta.setdefault("parts", {})[kind] = self.meta.get("parts", {}).get(kind, 0) + 1

    def _report_comments(self, comments: list[dict[str, Any]]) -> None:
        authors: dict[str, dict[str, Any]] = {}
        for c in comments:
            who = c["author"] or "(no name)"
            info = authors.setdefault(who, {"count": 0, "initials": set(), "dates": []})
            info["count"] += 1
            if c["initials"]:
                info["initials"].add(c["initials"])
            if c["date"]:
                info["dates"].append(c["date"])
            if c["span"] is not None:
                self.traces.add(
                    "comment", "annotation", Severity.HIGH,
                    f"A comment by '{who[:80]}'{' on ' + c['date'] if c['date'] else ''} is "
                    "stored in the file: its text and its author can identify who handled "
                    "this copy.",
                    span=c["span"], evidence={"author": c["author"], "date": c["date"],
                                              "initials": c["initials"]})
        for who, info in authors.items():
            initials = ", ".join(sorted(info["initials"]))
            span = self.traces.value("comment author", who, source="comments")
            if initials:
                self.traces.value("comment author initials", initials, source="comments")
            if info["dates"]:
                self.traces.value("comment dates", ", ".join(sorted(info["dates"])[:20]),
                                  source="comments")
            self.traces.add(
                "comment-author", "annotation", Severity.HIGH,
                f"{info['count']} comment(s) name their author '{who[:80]}'"
                f"{' (initials ' + initials + ')' if initials else ''}, with the date and time "
                "of each: a direct pointer to a person who handled the file.",
                span=span, evidence={"author": who, "initials": initials,
                                     "count": info["count"], "dates": sorted(info["dates"])[:20]})
        people = self.pkg.first(self.main, "people")
        root = self.pkg.xml_or_none(people)
        if root is not None:
            for person in root.iter(qn(W15, "person")):
                name = person.get(qn(W15, "author")) or ""
                pres = person.find(qn(W15, "presenceInfo"))
                user = pres.get(qn(W15, "userId")) if pres is not None else ""
                provider = pres.get(qn(W15, "providerId")) if pres is not None else ""
                value = "; ".join(x for x in (name, user or "", provider or "") if x)
                if not value:
                    continue
                span = self.traces.value("commenter account", value, source=people or "people")
                self.traces.add(
                    "people", "annotation", Severity.HIGH,
                    f"The list of commenters records '{name[:60]}' with an account id "
                    f"({(user or 'none')[:60]}), often an e-mail address or a network login.",
                    span=span, evidence={"author": name, "user_id": user, "provider": provider})

    def _report_hidden(self, hidden: list[tuple[str, int, int]]) -> None:
        for part, start, end in hidden:
            self.traces.add(
                "hidden-text", "hidden", Severity.HIGH,
                "Hidden text (w:vanish) is stored in the file but not shown on screen or in "
                "print; anyone who turns on hidden text, or reads the file, sees it.",
                span=(start, end), part="hidden", evidence={"part": part})

    def _report_revisions(self, deleted: list[tuple[str, Any, int, int]]) -> None:
        groups: dict[tuple[str, str], dict[str, Any]] = {}
        for tp in self.text_parts:
            root = self.pkg.xml(tp.name)
            for tag, kind in _REV_KINDS.items():
                for el in root.iter(tag):
                    author = el.get(A_AUTHOR) or ""
                    g = groups.setdefault((kind, author), {"count": 0, "dates": [], "text": []})
                    g["count"] += 1
                    if el.get(A_DATE):
                        g["dates"].append(el.get(A_DATE))
                    if tag in (T_INS, T_MOVETO):
                        t = "".join(x.text or "" for x in el.iter(T_T))
                        if t:
                            g["text"].append(t)
        for part, key, start, end in deleted:
            author = key.get(A_AUTHOR) or "(no name)"
            date = key.get(A_DATE) or ""
            self.traces.add(
                "deleted-text", "revision", Severity.HIGH,
                f"A tracked deletion by '{author[:80]}'{' on ' + date if date else ''} keeps "
                "text that was removed from the visible document.",
                span=(start, end), part="revision",
                evidence={"part": part, "author": author, "date": date})
        authors_done: set[str] = set()
        for (kind, author), g in sorted(groups.items()):
            who = author or "(no name)"
            span = None
            if author and author not in authors_done:
                span = self.traces.value("revision author", author, source="tracked changes")
                authors_done.add(author)
            dates = sorted(g["dates"])
            if dates:
                dspan = self.traces.value(f"{kind} dates", ", ".join(dates[:20]),
                                          source="tracked changes")
                span = span or dspan
            when = f" between {dates[0]} and {dates[-1]}" if len(dates) > 1 else (
                f" on {dates[0]}" if dates else "")
            self.traces.add(
                "tracked-changes", "revision", Severity.HIGH,
                f"Tracked changes record {g['count']} {kind}(s) by '{who[:80]}'{when}; the "
                "author's name and the times stay in the file even when changes are hidden "
                "from view.",
                span=span,
                evidence={"kind": kind, "author": author, "count": g["count"],
                          "dates": dates[:20], "inserted_text": " | ".join(g["text"])[:300]})

    def _report_fields(self) -> None:
        for f in self.fields:
            if not f.identifying:
                continue
            code = f.code
            span = self.traces.value("field code", code, source=f.part)
            in_body = False
            if f.result:
                rs = min(p.start for p in f.result)
                re_ = max(p.end for p in f.result)
                if re_ > rs:
                    span = (rs, re_)
                    in_body = True
            name = f.name or "field"
            why = {
                "FILENAME": "shows the file's name (and with \\p its full path)",
                "AUTHOR": "shows the author's name", "USERNAME": "shows the user's name",
                "USERINITIALS": "shows the user's initials",
                "USERADDRESS": "shows the user's address", "LASTSAVEDBY": "shows who saved last",
                "SAVEDATE": "shows when the file was saved", "PRINTDATE": "shows when it was printed",
                "CREATEDATE": "shows when it was created",
                "DATE": "shows the date it was last updated or printed",
                "TIME": "shows the time it was last updated or printed",
            }.get(name, "can show identifying properties, paths or dates")
            # a result shown in the body is an identifier (replaced, and removed wherever
            # else it occurs); a field without a shown result is metadata
            self.traces.add(
                "field", "identifier" if in_body else "metadata",
                Severity.HIGH if name in ("FILENAME", "AUTHOR", "USERNAME", "LASTSAVEDBY")
                else Severity.MEDIUM,
                f"A field ({name}) {why}; Word refreshes it on the machine that opens or prints "
                "the file.",
                span=span, part="body" if in_body else "metadata",
                evidence={"code": code[:200], "part": f.part},
                action=Action.REPLACE if in_body else Action.REMOVE)

    def _report_ids(self) -> None:
        rsids: set[str] = set()
        para_ids = 0
        id_sample: list[str] = []
        root_rsid = ""
        for part in self._word_xml_parts():
            root = self.pkg.xml(part)
            for el in root.iter():
                if not isinstance(el.tag, str):
                    continue
                for key, val in el.attrib.items():
                    k = str(key)
                    if k.startswith("{" + W + "}rsid") and len(val) <= 16:
                        rsids.add(val.upper())
                    elif k in (qn(W14, "paraId"), qn(W14, "textId")):
                        para_ids += 1
                        if len(id_sample) < 24 and val not in id_sample and len(val) <= 16:
                            id_sample.append(val)
        settings = self.pkg.xml_or_none(self.settings)
        doc_ids: list[str] = []
        chart_flag = False
        if settings is not None:
            for el in settings.iter(_w("rsidRoot"), _w("rsid")):
                val = (el.get(A_VAL) or "").upper()
                if val and len(val) <= 16:
                    rsids.add(val)
            for el in settings.iter(_w("rsidRoot")):
                root_rsid = (el.get(A_VAL) or "").upper()
            for tag in (qn(W14, "docId"), qn(W15, "docId")):
                for el in settings.iter(tag):
                    val = el.get(qn(W14, "val")) or el.get(qn(W15, "val")) or ""
                    if val:
                        doc_ids.append(val)
            chart_flag = any(True for _ in settings.iter(qn(W15, "chartTrackingRefBased")))
        if rsids:
            ordered = sorted(rsids)
            shown = ([root_rsid] if root_rsid else []) + [r for r in ordered if r != root_rsid]
            span = self.traces.value("rsid revision-session ids", " ".join(shown[:24]),
                                     source=self.settings or "settings")
            self.traces.add(
                "rsid", "revision", Severity.MEDIUM,
                f"{len(rsids)} rsid revision-session ids (w:rsidR, w:rsidRPr, w:rsidDel and the "
                "settings' rsid list) record each Word editing session: copies that share them "
                "share an editing history, and their number shows how often a copy was edited.",
                span=span, evidence={"count": len(rsids), "root": root_rsid,
                                     "sample": shown[:24]})
        if para_ids:
            span = self.traces.value("paragraph ids", " ".join(id_sample), source=self.main)
            self.traces.add(
                "paragraph-ids", "revision", Severity.MEDIUM,
                f"{para_ids} paragraph ids (w14:paraId, w14:textId) are random per paragraph "
                "and kept from save to save: identical ids in two copies show they come from "
                "the same file.",
                span=span, evidence={"count": para_ids, "sample": id_sample})
        if doc_ids:
            span = self.traces.value("document id", ", ".join(doc_ids), source=self.settings or "")
            self.traces.add(
                "document-id", "revision", Severity.MEDIUM,
                f"The settings hold a document id (w14:docId/w15:docId: {', '.join(doc_ids)[:80]}) "
                "that Word keeps in every copy saved from the same file."
                + (" The w15:chartTrackingRefBased flag is set too." if chart_flag else ""),
                span=span, evidence={"ids": doc_ids, "chartTrackingRefBased": chart_flag})

    def _word_xml_parts(self) -> list[str]:
        parts = [tp.name for tp in self.text_parts]
        for kind in ("styles", "numbering", "settings", "stylesWithEffects", "fontTable",
                     "webSettings", "commentsExtended"):
            parts.extend(p for _r, p in self.pkg.related(self.main, kind) if p not in parts)
        return [p for p in parts if self.pkg.has(p)]

    def _report_settings(self) -> None:
        pkg = self.pkg
        root = pkg.xml_or_none(self.settings)
        if root is None or self.settings is None:
            return
        src = self.settings
        for el in root.iter(_w("attachedTemplate")):
            rid = el.get(qn(O.R, "id"))
            target = next((r.target for r in pkg.rels(src) if r.id == rid), "")
            if target:
                span = self.traces.value("attached template", target, source=src)
                self.traces.add(
                    "template", "metadata", Severity.HIGH,
                    f"The document is attached to the template '{target[:120]}'; its path often "
                    "holds a user name, a server or an organisation's share.",
                    span=span, evidence={"path": target})
        for var in root.iter(_w("docVar")):
            name = var.get(_w("name")) or ""
            val = var.get(A_VAL) or ""
            span = self.traces.value(f"document variable {name}", val, source=src)
            self.traces.add(
                "document-variable", "metadata", Severity.HIGH,
                f"The document variable '{name[:60]}' is stored invisibly in the settings; "
                "macros and document systems use such variables for user names, case numbers "
                "and tracking ids.",
                span=span, evidence={"name": name})
        for mm in root.iter(_w("mailMerge")):
            values = [one for one in (
                _attr_child(mm, "connectString"), _attr_child(mm, "query"),
                *(r.target for r in pkg.rels(src) if r.kind in ("mailMergeSource",
                                                                   "mailMergeHeaderSource")),
            ) if one]
            if values:
                span = self.traces.value("mail-merge source", "; ".join(values), source=src)
                self.traces.add(
                    "mail-merge", "metadata", Severity.HIGH,
                    "Mail-merge settings name a data source (a file path or database "
                    "connection), which can point to a machine, a user or a list of recipients.",
                    span=span, evidence={"values": values[:5]})
        for tag in ("documentProtection", "writeProtection"):
            for el in root.iter(_w(tag)):
                salt = el.get(_w("salt")) or el.get(_w("saltValue")) or ""
                self.traces.add(
                    "protection", "metadata", Severity.LOW,
                    f"The settings keep an editing-protection record ({tag}) with a password hash "
                    "and salt; the same salt in two copies shows they come from the same file.",
                    evidence={"setting": tag, "salt": salt})

    def _report_drawings(self) -> None:
        texts: list[str] = []
        names: list[str] = []
        for tp in self.text_parts:
            root = self.pkg.xml(tp.name)
            for el in root.iter(*_DRAWING_PROPS):
                for attr in ("descr", "title"):
                    v = O.one_line(el.get(attr) or "", 1000)
                    if v and v not in texts:
                        texts.append(v)
                name = el.get("name") or ""
                if _FILE_LIKE.search(name) and name not in names:
                    names.append(name)
            for el in root.iter(qn(VML, "imagedata"), qn(VML, "shape")):
                for key in (qn(OFF, "title"), "alt"):
                    v = O.one_line(el.get(key) or "", 1000)
                    if v and v not in texts:
                        texts.append(v)
        for v in texts:
            span = self.traces.value("picture description (alt text)", v, source=self.main)
            self.traces.add(
                "alt-text", "metadata", Severity.MEDIUM,
                f"A picture carries a description or title ('{v[:80]}') that is not shown on "
                "the page; it often keeps the original file name or an automatic caption.",
                span=span, evidence={"text": v[:300]})
        for name in names:
            span = self.traces.value("picture name", name, source=self.main)
            self.traces.add(
                "picture-name", "metadata", Severity.MEDIUM,
                f"A picture keeps the name of the file it was inserted from ('{name[:80]}'), "
                "which can name a person, a device or a folder.",
                span=span, evidence={"name": name})

    def _report_package(self) -> None:
        pkg = self.pkg
        traces = self.traces
        limits = self.options.limits
        O.read_core_properties(pkg, traces)
        O.read_app_properties(pkg, traces)
        O.read_custom_properties(pkg, traces)
        O.read_thumbnail(pkg, traces)
        parts = pkg.parts
        custom_xml = [p for p in parts if p.lower().startswith("customxml/")
                      and p.lower().endswith(".xml") and "/_rels/" not in p]
        O.read_custom_xml(pkg, traces, custom_xml)
        for _rel, part in pkg.related("", "classificationlabels"):
            O.read_custom_xml(pkg, traces, [part])
        printers = sorted({p for p in parts if "/printersettings/" in p.lower()})
        O.read_printer_settings(pkg, traces, printers)
        sources = ["", *[p for p in parts if not p.endswith(".rels")]]
        O.read_external_targets(pkg, traces, sources)
        media = sorted(
            p for p in parts
            if "/media/" in p.lower() or (pkg.content_type(p).startswith("image/")
                                          and not p.lower().startswith("docprops/thumbnail"))
        )
        O.read_media(pkg, traces, media, limits)
        self.meta["media"] = len(media)
        self._report_embeddings(parts)
        for _rel, part in pkg.related(self.main, "vbaProject"):
            traces.add("macros", "structure", Severity.MEDIUM,
                       "The file contains macros (a VBA project); macro code and its project "
                       "properties can name authors, machines and paths, and macros can run "
                       "code when the file is opened.",
                       evidence={"part": part})
        for _rel, part in pkg.related("", "webextensiontaskpanes"):
            traces.add("add-ins", "metadata", Severity.LOW,
                       "The file records Office add-ins (web extensions) used with it, with "
                       "their store ids, which can point to an organisation's setup.",
                       evidence={"part": part})

    def _report_embeddings(self, parts: list[str]) -> None:
        pkg = self.pkg
        embedded = sorted({p for p in parts if "/embeddings/" in p.lower()} | {
            part for tp in self.text_parts
            for _r, part in pkg.related(tp.name, "oleObject", "package")
        })
        for part in embedded:
            data = pkg.data(part, O.MAX_MEDIA_PART)
            names = O.binary_strings(data)
            span = self.traces.value("embedded object", part, source=part, whole=True)
            for n in names:
                self.traces.value("embedded object path", n, source=part)
            child_note = ""
            if self.want_children:
                child = self._read_child(part, data)
                if child is not None:
                    self.children.append(child)
                    child_note = " It is audited below as an attached document."
            self.traces.add(
                "embedded-object", "attachment", Severity.MEDIUM,
                f"The file embeds an object ({part}): another file with its own content and "
                "metadata" + (f", including the original path '{names[0][:100]}'" if names else "")
                + "." + child_note,
                span=span, evidence={"part": part, "bytes": len(data), "paths": names[:10]})

    def _read_child(self, part: str, data: bytes) -> Document | None:
        from . import read_document

        with private_tempdir() as tmp:
            target = tmp / "embedded"
            target.write_bytes(data)
            try:
                child = read_document(target, self.options.nested())
            except LeakdeskError as exc:
                self.traces.add(
                    "embedded-object", "attachment", Severity.LOW,
                    f"The embedded object {part} could not be audited: {exc.message}",
                    evidence={"part": part, "error": exc.message}, action=Action.REVIEW)
                return None
        child.path = Path(part)
        return child


def _row_of(p: Any) -> Any:
    """The table row of ``p`` when ``p`` is the only paragraph of its cell, else None."""
    cell = p.getparent()
    if cell is None or cell.tag != T_TC:
        return None
    if sum(1 for c in cell if c.tag == T_P) != 1 or any(c.tag == T_TBL for c in cell):
        return None
    row = cell.getparent()
    return row if row is not None and row.tag == T_TR else None


def _attr_child(el: Any, name: str) -> str:
    c = el.find(_w(name))
    return (c.get(A_VAL) or "") if c is not None else ""


def _separator_notes(root: Any) -> set[Any]:
    skip: set[Any] = set()
    for tag in (_w("footnote"), _w("endnote")):
        for note in root.iter(tag):
            if note.get(_w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
                skip.update(note.iter(T_P))
    return skip


# -- cleaning -----------------------------------------------------------------------------


def _preserve_space(el: Any) -> None:
    if el.tag == T_T or el.tag == T_DELTEXT:
        el.set(qn(O.XML_NS, "space"), "preserve")


def _accept_revisions(root: Any) -> int:
    """Accept tracked changes: keep insertions, drop deletions, remove all revision markup."""
    n = 0
    merge: list[Any] = []
    for el in list(root.iter(T_DEL, T_MOVEFROM)):
        parent = el.getparent()
        if parent is None:
            continue
        n += 1
        if parent.tag == T_RPR:
            grand = parent.getparent()
            if grand is not None and grand.tag == T_PPR:
                p = grand.getparent()
                if p is not None and p.tag == T_P:
                    merge.append(p)
            parent.remove(el)
        elif parent.tag == T_TRPR:
            row = parent.getparent()
            table = row.getparent() if row is not None else None
            if row is not None and table is not None:
                table.remove(row)
                holder = table.getparent()
                if not any(c.tag == T_TR for c in table) and holder is not None:
                    holder.remove(table)
                    if holder.tag == T_TC and not any(c.tag == T_P for c in holder):
                        holder.append(_empty_p())
        else:
            O.remove_keep_tail(el)
    for el in list(root.iter(T_INS, T_MOVETO)):
        parent = el.getparent()
        if parent is None:
            continue
        n += 1
        if parent.tag in (T_RPR, T_TRPR):
            parent.remove(el)
        else:
            O.unwrap(el)
    for tag in (*_CHANGE_TAGS, *_REV_MARKERS):
        for el in list(root.iter(tag)):
            if el.getparent() is not None:
                el.getparent().remove(el)
                n += 1
    for p in merge:
        nxt = p.getnext()
        parent = p.getparent()
        if nxt is None or nxt.tag != T_P or parent is None:
            continue
        content = [c for c in p if c.tag != T_PPR]
        anchor = 0
        for i, c in enumerate(nxt):
            if c.tag == T_PPR:
                anchor = i + 1
        for i, c in enumerate(content):
            nxt.insert(anchor + i, c)
        parent.remove(p)
    return n


def _empty_p() -> Any:
    from lxml import etree

    return etree.Element(T_P)


def _remove_comments(root: Any) -> int:
    n = 0
    for tag in (_w("commentRangeStart"), _w("commentRangeEnd")):
        for el in list(root.iter(tag)):
            O.remove_keep_tail(el)
            n += 1
    for ref in list(root.iter(_w("commentReference"))):
        run = ref.getparent()
        if run is not None and run.tag == T_R and all(
            c is ref or c.tag == T_RPR for c in run
        ):
            O.remove_keep_tail(run)
        else:
            O.remove_keep_tail(ref)
        n += 1
    return n


def _remove_hidden(root: Any, styles: _Styles) -> int:
    n = 0
    for p in list(root.iter(T_P)):
        pstyle = _pstyle(p)
        for r in [c for c in p.iter(T_R) if _owner_p(c) is p]:
            if not styles.run_hidden(r, pstyle):
                continue
            if r.find(T_FLDCHAR) is not None:
                for t in list(r.iter(T_T)):
                    O.remove_keep_tail(t)
            else:
                O.remove_keep_tail(r)
            n += 1
        ppr = p.find(T_PPR)
        if ppr is not None:
            rpr = ppr.find(T_RPR)
            if rpr is not None:
                for v in list(rpr.iter(T_VANISH, T_SPECVANISH)):
                    rpr.remove(v)
    return n


def _owner_p(el: Any) -> Any:
    cur = el.getparent()
    while cur is not None and cur.tag != T_P:
        cur = cur.getparent()
    return cur


_ID_ATTRS = {qn(W14, "paraId"), qn(W14, "textId"), qn(W16CID, "durableId"),
             qn(W16DU, "dateUtc"), qn(WP14, "anchorId"), qn(WP14, "editId")}
_ID_ELEMENTS = (_w("rsids"), _w("nsid"), _w("tmpl"), _w("proofErr"), _w("lastRenderedPageBreak"),
                qn(W14, "docId"), qn(W15, "docId"))
_SETTINGS_DROP = ("attachedTemplate", "docVars", "mailMerge", "documentProtection",
                  "writeProtection", "saveThroughXslt", "trackRevisions", "revisionView",
                  "savePreviewPicture", "activeWritingStyle", "attachedSchema")


def _scrub_ids(root: Any) -> tuple[int, int]:
    """Remove rsid and paragraph/document ids, spell-check marks and Word's _GoBack bookmark."""
    attrs = 0
    wrsid = "{" + W + "}rsid"
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for key in list(el.attrib):
            k = str(key)
            if k.startswith(wrsid) or k in _ID_ATTRS:
                del el.attrib[key]
                attrs += 1
    elements = 0
    for tag in _ID_ELEMENTS:
        for el in list(root.iter(tag)):
            O.remove_keep_tail(el)
            elements += 1
    goback = set()
    for bm in list(root.iter(_w("bookmarkStart"))):
        if (bm.get(_w("name")) or "") == "_GoBack":
            goback.add(bm.get(_w("id")))
            O.remove_keep_tail(bm)
    if goback:
        for bm in list(root.iter(_w("bookmarkEnd"))):
            if bm.get(_w("id")) in goback:
                O.remove_keep_tail(bm)
    return attrs, elements


def _scrub_descriptions(root: Any, needles: list[str]) -> int:
    """Alt text and titles of pictures go; file-like picture names become "Picture N";
    bookmarks, tooltips and content-control labels that hold removed text are cleared."""
    n = 0
    for el in root.iter(*_DRAWING_PROPS):
        for attr in ("descr", "title"):
            if el.attrib.pop(attr, None) is not None:
                n += 1
        name = el.get("name") or ""
        if _FILE_LIKE.search(name) or O.holds_removed(name, needles):
            el.set("name", f"Picture {el.get('id') or ''}".strip())
            n += 1
    for el in root.iter(qn(VML, "imagedata"), qn(VML, "shape")):
        for key in (qn(OFF, "title"), "alt"):
            if el.attrib.pop(key, None) is not None:
                n += 1
    if not needles:
        return n
    for bm in root.iter(_w("bookmarkStart")):
        if O.holds_removed(bm.get(_w("name")), needles):
            bm.set(_w("name"), f"_bm{bm.get(_w('id')) or ''}")
            n += 1
    for el in root.iter(_w("hyperlink")):
        for key in (_w("tooltip"), _w("docLocation")):
            if O.holds_removed(el.get(key), needles):
                del el.attrib[key]
                n += 1
    for el in list(root.iter(_w("alias"), _w("tag"))):
        if O.holds_removed(el.get(A_VAL), needles) and el.getparent() is not None:
            O.remove_keep_tail(el)
            n += 1
    return n


def _clean_settings(root: Any) -> list[str]:
    removed = []
    for name in _SETTINGS_DROP:
        for el in list(root.iter(_w(name))):
            O.remove_keep_tail(el)
            removed.append(name)
    for el in list(root.iter(qn(W15, "chartTrackingRefBased"))):
        O.remove_keep_tail(el)
    # ask Word to strip personal information on later saves (schema order: after zoom)
    from lxml import etree

    if root.find(_w("removePersonalInformation")) is None:
        anchor = None
        for name in ("zoom", "view", "writeProtection"):
            anchor = root.find(_w(name))
            if anchor is not None:
                break
        rpi = etree.Element(_w("removePersonalInformation"))
        rdt = etree.Element(_w("removeDateAndTime"))
        if anchor is not None:
            anchor.addnext(rpi)
        else:
            root.insert(0, rpi)
        if root.find(_w("removeDateAndTime")) is None:
            rpi.addnext(rdt)
    return removed


def _unwrap_fields(fields: Iterable[_Field], needles: list[str]) -> int:
    """Replace identifying fields, and fields whose code holds removed text (a HYPERLINK
    to a removed address), by their result text."""
    n = 0
    for f in fields:
        if not (f.identifying or O.holds_removed(f.code, needles)):
            continue
        if f.simple is not None:
            if f.simple.getparent() is not None:
                O.unwrap(f.simple)
                n += 1
            continue
        for el in [*f.controls, *f.instr_content]:
            if el.getparent() is not None:
                O.remove_keep_tail(el)
        n += 1
    return n


# -- the adapter ----------------------------------------------------------------------------


def _zip_names(path: Path) -> set[str] | None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            if len(zf.infolist()) > 100_000:
                return None
            return set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def sniff_ooxml(head: bytes, path: Path, folder: str, main_type: bytes) -> bool:
    """True if ``path`` is an OOXML package whose main part lives in ``folder``."""
    if not is_zip_head(head):
        return False
    names = _zip_names(path)
    if names is None:
        # a truncated package: judge by the local headers in the first 64 KiB
        return b"[Content_Types].xml" in head and folder.encode() in head
    if "[Content_Types].xml" not in names:
        return False
    return any(n.startswith(folder) for n in names) or main_type in _content_types_head(path)


def _content_types_head(path: Path) -> bytes:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf, zf.open("[Content_Types].xml") as fh:
            return bytes(fh.read(1 << 20))
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return b""


class Adapter(FormatAdapter):
    name = "docx"
    mimetypes = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-word.document.macroEnabled.12",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
    )
    output_extension = "docx"

    @classmethod
    def sniff(cls, head: bytes, path: Path) -> bool:
        if head.startswith(OLE2_MAGIC):
            # a password-protected DOCX, XLSX or PPTX: this adapter refuses or decrypts it
            return ole2_encrypted_package(path, head)
        return sniff_ooxml(head, path, "word/", b"wordprocessingml")

    def read(self, path: Path, options: ReadOptions) -> Document:
        path = Path(path)
        if is_ole2(path):
            return _read_encrypted(path, options)
        with SafeZip(path, options.limits, depth=options.depth, what="DOCX") as z, \
                O.guard(path, "DOCX"):
            pkg = OpcPackage(z, path)
            return _Extract(pkg, options, children=True).run().document

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
        src = Path(doc.path) if doc.path else None
        if src is None:
            raise InputError("the document has no source file to clean")
        if is_ole2(src):
            return clean_encrypted(src, doc, plan, out, options)
        return self.clean_source(src, doc, plan, out, options)

    def clean_source(self, src: Path, doc: Document, plan: CleanPlan, out: Path,
                     options: ReadOptions) -> CleanResult:
        with SafeZip(src, options.limits, depth=options.depth, what="DOCX") as z, \
                O.guard(src, "DOCX"):
            pkg = OpcPackage(z, src)
            ex = _Extract(pkg, options, children=False).run()
            if ex.document.text != doc.text:
                raise InputError("the file changed since it was read; audit it again", src)
            return _clean(ex, plan, out, options)

    def residue_streams(self, path: Path, options: ReadOptions) -> Iterator[tuple[str, bytes]]:
        yield from O.zip_residue_streams(Path(path), options)

    def revision_count(self, path: Path, options: ReadOptions) -> int:
        """1 plus the tracked changes (insertions, deletions, moves, formatting changes)
        left in any part: a clean copy has exactly one revision."""
        tags = {*_REV_KINDS, *_REV_MARKERS}
        n = 0
        with SafeZip(Path(path), options.limits, what="DOCX") as z, O.guard(Path(path), "DOCX"):
            pkg = OpcPackage(z, Path(path))
            for part in pkg.parts:
                if part.lower().endswith(".xml") and not part.lower().startswith("customxml/"):
                    n += sum(1 for el in pkg.xml(part).iter() if el.tag in tags)
        return 1 + n

    def independent_text(self, path: Path, options: ReadOptions) -> str:
        return O.zip_independent_text(
            Path(path), options,
            paragraph_tags=[T_P],
            text_tags=[T_T, T_DELTEXT, T_INSTR, T_DELINSTR, M_T],
            tab_tags=[T_TAB, T_PTAB],
            break_tags=[T_BR, T_CR],
        )


def _clean(ex: _Extract, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
    pkg = ex.pkg
    rw = O.OoxmlRewrite(pkg, options.limits)
    rw.drop_kinds |= _DOCX_DROP_KINDS
    rw.needles = O.removed_needles(plan.removed)
    edits = [(e.start, e.end, e.replacement) for e in plan.edits]
    changed = O.apply_edits_to_pieces(ex.pieces, edits, on_text=_preserve_space)
    if edits:
        rw.note(f"applied {len(edits)} text edit(s) inside the runs ({changed} run text(s) changed)")
    text_parts = {tp.name for tp in ex.text_parts if tp.kind not in ("comment", "glossary")}
    revisions = comments = hidden = 0
    fallbacks = 0
    for part in sorted(text_parts):
        root = rw.tree(part)
        # alternate renderings (mc:Fallback) repeat text that was read and edited once, in
        # mc:Choice; they go, so no unedited copy survives
        for fb in list(root.iter(MC_FALLBACK)):
            if fb.getparent() is not None and any(
                    O.local_name(c.tag) == "Choice" for c in fb.getparent()):
                O.remove_keep_tail(fb)
                fallbacks += 1
        revisions += _accept_revisions(root)
        comments += _remove_comments(root)
        hidden += _remove_hidden(root, ex.styles)
    fields = _unwrap_fields((f for f in ex.fields if f.part in text_parts), rw.needles)
    described = 0
    for part in sorted(text_parts):
        described += _scrub_descriptions(rw.tree(part), rw.needles)
    if described:
        rw.note(f"removed {described} picture description(s), file-like picture name(s) or "
                "label(s) holding removed text")
    if revisions:
        rw.note(f"accepted {revisions} tracked change(s): insertions kept, deletions dropped, "
                "revision authors and dates removed")
    if comments or pkg.related(ex.main, "comments"):
        rw.note("removed the comments, their anchors and their authors")
    if hidden:
        rw.note(f"removed {hidden} run(s) of hidden text")
    if fallbacks:
        rw.note(f"removed {fallbacks} fallback rendering(s) of drawings (mc:Fallback), which "
                "repeat text")
    if fields:
        rw.note(f"replaced {fields} identifying field(s) by their (edited) result text")
    attrs = elements = 0
    for part in pkg.parts:
        if part.endswith(".rels") or part.lower().startswith("customxml/"):
            continue
        if not O._is_xml(part, pkg.content_type(part)):
            continue
        root = rw.tree(part)
        a, e = _scrub_ids(root)
        attrs += a
        elements += e
    if attrs or elements:
        rw.note(f"removed {attrs} rsid/paragraph-id attribute(s) and {elements} id or "
                "revision-list element(s)")
    if ex.settings:
        removed = _clean_settings(rw.tree(ex.settings))
        if removed:
            rw.note("removed from the settings: " + ", ".join(sorted(set(removed))))
    main_ct = pkg.content_type(ex.main)
    if main_ct in _MAIN_TYPES:
        rw.content_type_changes[ex.main] = _MAIN_TYPES[main_ct]
        rw.note("removed the macros (VBA project); the output is a plain .docx")
    if pkg.related(ex.main, "glossaryDocument"):
        rw.note("removed the glossary (building blocks)")
    embedded = [r for tp in ex.text_parts for r, _p in pkg.related(tp.name, "oleObject", "package")]
    if embedded:
        rw.note(f"removed {len(embedded)} embedded object(s); their pictures stay as images")
    for tp in ex.text_parts:
        for _r, _p in pkg.related(tp.name, "aFChunk"):
            rw.not_done.append("an imported chunk (altChunk) was removed; its content is not in "
                               "the output")
            break
    rw.neutral_properties()
    rw.neutralize_external_targets()
    rw.write(out)
    _validate_output(out, options)
    return CleanResult(output=out, format="docx", mode="rebuild", actions=rw.actions,
                       not_done=rw.not_done)


def _validate_output(out: Path, options: ReadOptions) -> None:
    """Every XML part parses and every internal relationship points at a part."""
    with SafeZip(out, options.limits, what="output") as z:
        pkg = OpcPackage(z, out)
        for part in pkg.parts:
            if part.endswith((".xml", ".rels")):
                pkg.xml(part)
        for source in ["", *[p for p in pkg.parts if not p.endswith(".rels")]]:
            for rel in pkg.rels(source):
                if not rel.external and pkg.resolve(rel) is None:
                    raise LeakdeskError(
                        f"internal error: the cleaned file has a broken relationship "
                        f"({source or 'package'} -> {rel.target}); no output was written", out)


# -- password-protected packages -----------------------------------------------------------------


def is_ole2(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(8) == OLE2_MAGIC
    except OSError:
        return False


_ENCRYPTED_MSG = ("password-protected Office file; leakdesk cannot open it "
                  "(give --password, or remove the password in Office and audit that copy)")


def _decrypt(path: Path, options: ReadOptions, dest: Path) -> None:
    if not options.password:
        raise EncryptedInput(_ENCRYPTED_MSG, path)
    try:
        import msoffcrypto
    except ImportError:
        raise EncryptedInput(
            "password-protected Office file; decrypting needs the msoffcrypto-tool package", path
        ) from None
    try:
        with open(path, "rb") as fh, open(dest, "wb") as outfh:
            office = msoffcrypto.OfficeFile(fh)
            office.load_key(password=options.password)
            office.decrypt(outfh)
    except Exception as exc:  # msoffcrypto raises many kinds; all mean "cannot decrypt"
        name = type(exc).__name__
        if "Key" in name or "Password" in name or "Invalid" in name:
            raise EncryptedInput("wrong password for this Office file", path) from None
        raise InputError(f"cannot decrypt this Office file ({name})", path) from None


def _read_encrypted(path: Path, options: ReadOptions) -> Document:
    from . import detect

    with private_tempdir() as tmp:
        dec = tmp / "decrypted"
        _decrypt(path, options, dec)
        adapter = detect(dec)
        if adapter.name == "docx" and is_ole2(dec):
            raise InputError("encrypted file decrypts to another encrypted file", path)
        doc = adapter.read(dec, options)
    doc.path = path
    doc.meta["decrypted"] = True
    doc.container_findings.append(
        Finding("office.encryption", "structure", Severity.LOW,
                  "The file was password-protected; it was decrypted with the given password "
                  "and the clean copy is written without a password.",
                  Location("metadata"), "", {}, Action.REVIEW))
    return doc


def clean_encrypted(src: Path, doc: Document, plan: CleanPlan, out: Path,
                     options: ReadOptions) -> CleanResult:
    from . import adapter_by_name

    with private_tempdir() as tmp:
        dec = tmp / "decrypted"
        _decrypt(src, options, dec)
        adapter = adapter_by_name(doc.format)
        clean_source = getattr(adapter, "clean_source", None)
        if clean_source is None:
            raise InputError(f"sanitize does not support encrypted {doc.format} files", src)
        result: CleanResult = clean_source(dec, doc, plan, out, options)
    result.actions.append("removed the password protection (the clean copy is not encrypted)")
    return result
