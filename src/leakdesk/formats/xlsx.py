"""Excel workbooks (XLSX, XLSM): traces found, and a clean rewrite.

Reading takes the text of the shared-string table (every text cell), inline
strings, cached formula strings, and sheet headers and footers, with a map
from Document offsets to the XML text nodes.  Comments (legacy and threaded)
go to "comment" segments; container values (properties, comment authors and
their account ids, the path the workbook was last saved to, the user who
refreshed a pivot table, shared-workbook user names, connection strings,
picture EXIF, printer names, external link paths) to "metadata" segments.
Hidden sheets, rows and columns are named.

Cleaning applies the plan's text edits to the strings, removes comments and
their authors, the saved-to path, revision and unique ids, shared-workbook
revision logs, custom XML, thumbnail, printer settings, embedded objects and
macros, points external links at local paths to ``about:blank``, empties the
core and app properties, re-encodes pictures and writes a fresh zip.
Hidden sheets, rows and columns are kept (they hold data the workbook needs)
and reported as not done; data connections are kept and reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..document import Document, DocumentBuilder, Severity
from ..errors import InputError
from . import _office as O
from ._office import OpcPackage, Piece, TextAcc, Traces, qn
from ._zipsafe import SafeZip
from .base import CleanResult, FormatAdapter, ReadOptions
from .docx import clean_encrypted, is_ole2, sniff_ooxml

if TYPE_CHECKING:
    from ..sanitize.plan import CleanPlan

S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_MAIN_TYPES = {
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml":
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_DROP_KINDS = {"comments", "threadedComment", "person", "revisionHeaders", "usernames",
               "vbaProject"}


def _s(name: str) -> str:
    return qn(S, name)


def _local(el: Any) -> str:
    return O.local_name(el.tag)


def _rich_text(el: Any) -> TextAcc:
    """Text of a string item (``si``, ``is``, comment ``text``): ``t`` and ``r/t``, no
    phonetic runs."""
    acc = TextAcc()
    for child in el:
        tag = child.tag
        if tag == _s("t"):
            if child.text:
                acc.add(child.text, child, "text")
        elif tag == _s("r"):
            t = child.find(_s("t"))
            if t is not None and t.text:
                acc.add(t.text, t, "text")
    return acc


class _Extract:
    def __init__(self, pkg: OpcPackage, options: ReadOptions) -> None:
        self.pkg = pkg
        self.options = options
        self.b = DocumentBuilder(separator="\n")
        self.traces = Traces(self.b, "xlsx")
        self.pieces: list[Piece] = []
        main = pkg.main_part("xl/workbook.xml")
        if main is None:
            raise InputError("not an Excel workbook (no workbook part)", pkg.path)
        self.main = main
        self.sheets: list[tuple[str, str, str]] = []  # (name, part, state)
        self.doc: Document | None = None

    def _add(self, acc: TextAcc, part: str, source: str) -> tuple[int, int]:
        start, end = self.b.add(acc.text, part=part, source=source)
        self.pieces.extend(acc.shift(start))
        return start, end

    def run(self) -> _Extract:
        pkg = self.pkg
        wb = pkg.xml(self.main)
        rels = {r.id: r for r in pkg.rels(self.main)}
        sheets_el = wb.find(_s("sheets"))
        for sh in (sheets_el if sheets_el is not None else []):
            rel = rels.get(sh.get(qn(O.R, "id")) or "")
            part = pkg.resolve(rel) if rel is not None else None
            if part is not None:
                self.sheets.append((sh.get("name") or "", part, sh.get("state") or "visible"))
        self.visible_used: set[int] = set()
        hidden_used: set[int] = set()
        for _name, part, state in self.sheets:
            used = self.visible_used if state == "visible" else hidden_used
            used.update(_string_refs(pkg.xml(part)))
        later: list[tuple[TextAcc, str, str]] = []
        self.sst: str | None = None
        self.sst_hidden = self.sst_unused = 0
        for _r, part in pkg.related(self.main, "sharedStrings"):
            self.sst = part
            for i, si in enumerate(pkg.xml(part).iter(_s("si"))):
                acc = _rich_text(si)
                if i in self.visible_used:
                    self._add(acc, "body", part)
                elif i in hidden_used:
                    later.append((acc, "hidden sheet", part))
                    self.sst_hidden += 1
                else:
                    later.append((acc, "unused", part))
                    self.sst_unused += 1
            break
        for _name, part, state in self.sheets:
            if O.local_name(pkg.xml(part).tag) != "worksheet":
                continue
            seg = "body" if state == "visible" else "hidden"
            root = pkg.xml(part)
            for c in root.iter(_s("c")):
                kind = c.get("t")
                if kind == "inlineStr":
                    is_el = c.find(_s("is"))
                    if is_el is not None:
                        self._add(_rich_text(is_el), seg, part)
                elif kind == "str":
                    v = c.find(_s("v"))
                    if v is not None and v.text:
                        acc = TextAcc()
                        acc.add(v.text, v, "text")
                        self._add(acc, seg, part)
            for hf in root.iter(_s("headerFooter")):
                for el in hf:
                    if el.text:
                        acc = TextAcc()
                        acc.add(el.text, el, "text")
                        which = "footer" if "Footer" in _local(el) else "header"
                        self._add(acc, which if seg == "body" else seg, part)
        self.string_spans: dict[str, tuple[int, int]] = {}
        for acc, why, part in later:
            start, end = self._add(acc, "hidden", part)
            lo, hi = self.string_spans.get(why, (start, end))
            self.string_spans[why] = (min(lo, start), max(hi, end))
        self._hidden(wb)
        self._comments()
        self._workbook_traces(wb)
        self._package()
        doc = self.b.build(format="xlsx", path=pkg.path, meta={"sheets": len(self.sheets)})
        doc.container_findings.extend(self.traces.findings(doc))
        O.check_text_size(doc, self.options.limits)
        self.doc = doc
        return self

    @property
    def document(self) -> Document:
        assert self.doc is not None
        return self.doc

    def _hidden(self, wb: Any) -> None:
        for name, part, state in self.sheets:
            if state in ("hidden", "veryHidden"):
                how = "very hidden (only a macro or an editor can show it)" if (
                    state == "veryHidden") else "hidden"
                self.traces.add(
                    "hidden-sheet", "hidden", Severity.HIGH,
                    f"A sheet is {how}: its data is in the file but not shown. Sanitize "
                    "removes it.",
                    part="hidden", evidence={"sheet": name, "part": part, "state": state})
        span = self.string_spans.get("unused")
        if span is not None:
            self.traces.add(
                "unused-strings", "hidden", Severity.MEDIUM,
                f"{self.sst_unused} text(s) in the shared-string table are used by no cell: "
                "leftovers of deleted or overwritten cells that are still in the file.",
                span=span, part="hidden", evidence={"count": self.sst_unused})
        rows = cols = 0
        for _name, part, state in self.sheets:
            if state != "visible":
                continue
            root = self.pkg.xml(part)
            rows += sum(1 for r in root.iter(_s("row")) if r.get("hidden") in ("1", "true"))
            cols += sum(1 for c in root.iter(_s("col")) if c.get("hidden") in ("1", "true"))
        if rows or cols:
            self.traces.add(
                "hidden-cells", "hidden", Severity.MEDIUM,
                f"{rows} hidden row(s) and {cols} hidden column(s) hold data that is not shown; "
                "sanitize shows them in the clean copy, so review it.",
                part="hidden", evidence={"rows": rows, "columns": cols})

    def _comments(self) -> None:
        pkg = self.pkg
        for _name, sheet, _state in self.sheets:
            for _r, part in pkg.related(sheet, "comments"):
                root = pkg.xml(part)
                authors = [one.text or "" for one in root.iter(_s("author"))]
                for cm in root.iter(_s("comment")):
                    text = cm.find(_s("text"))
                    if text is None:
                        continue
                    start, end = self.b.add(_rich_text(text).text, part="comment", source=part)
                    try:
                        who = authors[int(cm.get("authorId") or "0")]
                    except (ValueError, IndexError):
                        who = ""
                    self.traces.add("comment", "annotation", Severity.HIGH,
                                    f"A cell comment by '{(who or '(no name)')[:80]}' is stored "
                                    "in the file.",
                                    span=(start, end) if end > start else None, part="comment",
                                    evidence={"author": who, "cell": cm.get("ref") or ""})
                for who in dict.fromkeys(a for a in authors if a):
                    span = self.traces.value("comment author", who, source=part)
                    self.traces.add("comment-author", "annotation", Severity.HIGH,
                                    f"The comments name their author '{who[:80]}'.",
                                    span=span, evidence={"author": who})
            for _r, part in pkg.related(sheet, "threadedComment"):
                for tc in pkg.xml(part).iter():
                    if _local(tc) != "threadedComment":
                        continue
                    texts = [el.text or "" for el in tc if _local(el) == "text"]
                    start, end = self.b.add(" ".join(texts), part="comment", source=part)
                    self.traces.add("comment", "annotation", Severity.HIGH,
                                    f"A threaded comment (dated {tc.get('dT') or '?'}) is stored "
                                    "in the file.",
                                    span=(start, end) if end > start else None, part="comment",
                                    evidence={"cell": tc.get("ref") or ""})
        for _r, part in pkg.related(self.main, "person"):
            for person in pkg.xml(part).iter():
                if _local(person) != "person":
                    continue
                value = "; ".join(x for x in (person.get("displayName"), person.get("userId"),
                                              person.get("providerId")) if x)
                if value:
                    span = self.traces.value("commenter account", value, source=part)
                    self.traces.add("people", "annotation", Severity.HIGH,
                                    f"The list of commenters records "
                                    f"'{(person.get('displayName') or '')[:60]}' with an account "
                                    "id, often an e-mail address or a network login.",
                                    span=span, evidence={"user_id": person.get("userId") or ""})

    def _workbook_traces(self, wb: Any) -> None:
        pkg, traces = self.pkg, self.traces
        for el in wb.iter():
            name = _local(el)
            if name == "absPath" and el.get("url"):
                span = traces.value("saved at", el.get("url") or "", source=self.main)
                traces.add("saved-path", "metadata", Severity.HIGH,
                           f"The workbook records the folder it was last saved in "
                           f"('{(el.get('url') or '')[:100]}'), which often names the user.",
                           span=span, evidence={"path": el.get("url")})
            elif name == "revisionPtr":
                value = " ".join(v for k, v in el.attrib.items() if "documentId" in str(k)
                                 or "revIDLastSave" in str(k))
                rspan = traces.value("revision pointer", value, source=self.main) if value else None
                traces.add("revision-id", "revision", Severity.MEDIUM,
                           "The workbook keeps a document id and revision counter "
                           "(xr:revisionPtr) that stay the same in copies of one file.",
                           span=rspan, evidence=dict((str(k).rsplit("}", 1)[-1], v)
                                                    for k, v in el.attrib.items()))
            elif name == "fileSharing" and el.get("userName"):
                span = traces.value("reserved by", el.get("userName") or "", source=self.main)
                traces.add("file-sharing", "metadata", Severity.HIGH,
                           "The workbook names the user who reserved it for editing.",
                           span=span, evidence={})
        for _r, part in pkg.related(self.main, "pivotCacheDefinition"):
            who = pkg.xml(part).get("refreshedBy")
            if who:
                span = traces.value("pivot table refreshed by", who, source=part)
                traces.add("pivot-refreshed-by", "metadata", Severity.HIGH,
                           f"A pivot table was last refreshed by '{who[:80]}'.",
                           span=span, evidence={"part": part})
        for _r, part in pkg.related(self.main, "usernames"):
            names = [el.get("name") or "" for el in pkg.xml(part).iter() if _local(el) == "userInfo"]
            for n in names:
                if n:
                    span = traces.value("shared workbook user", n, source=part)
                    traces.add("shared-users", "revision", Severity.HIGH,
                               f"The shared-workbook history names the user '{n[:80]}'.",
                               span=span, evidence={})
        for _r, part in pkg.related(self.main, "revisionHeaders"):
            traces.add("revision-log", "revision", Severity.HIGH,
                       "The workbook keeps a shared-workbook revision log with user names, "
                       "dates and earlier cell values.", evidence={"part": part})
        for _r, part in pkg.related(self.main, "connections"):
            for conn in pkg.xml(part).iter():
                if _local(conn) == "dbPr" and conn.get("connection"):
                    value = conn.get("connection") or ""
                    span = traces.value("data connection", value, source=part)
                    traces.add("connection", "metadata", Severity.MEDIUM,
                               "A data connection names a server, database or file, and maybe "
                               "a user.", span=span, evidence={"part": part})

    def _package(self) -> None:
        pkg, traces = self.pkg, self.traces
        O.read_core_properties(pkg, traces)
        O.read_app_properties(pkg, traces)
        O.read_custom_properties(pkg, traces)
        O.read_thumbnail(pkg, traces)
        parts = pkg.parts
        O.read_custom_xml(pkg, traces, [p for p in parts if p.lower().startswith("customxml/")
                                        and p.lower().endswith(".xml") and "/_rels/" not in p])
        O.read_printer_settings(pkg, traces, sorted(p for p in parts
                                                    if "/printersettings/" in p.lower()))
        O.read_external_targets(pkg, traces, ["", *[p for p in parts if not p.endswith(".rels")]])
        O.read_media(pkg, traces, sorted(p for p in parts if "/media/" in p.lower()),
                     self.options.limits)
        for part in sorted(p for p in parts if "/embeddings/" in p.lower()):
            span = traces.value("embedded object", part, source=part)
            traces.add("embedded-object", "attachment", Severity.MEDIUM,
                       f"The workbook embeds an object ({part}) with its own content and "
                       "metadata.", span=span, evidence={"part": part})
        if pkg.related(self.main, "vbaProject"):
            traces.add("macros", "structure", Severity.MEDIUM,
                       "The file contains macros (a VBA project).", evidence={})


class Adapter(FormatAdapter):
    name = "xlsx"
    mimetypes = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)
    output_extension = "xlsx"

    @classmethod
    def sniff(cls, head: bytes, path: Path) -> bool:
        return sniff_ooxml(head, path, "xl/", b"spreadsheetml")

    def read(self, path: Path, options: ReadOptions) -> Document:
        with SafeZip(path, options.limits, depth=options.depth, what="XLSX") as z, \
                O.guard(path, "XLSX"):
            return _Extract(OpcPackage(z, Path(path)), options).run().document

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
        if doc.path is None:
            raise InputError("the document has no source file to clean")
        if is_ole2(Path(doc.path)):  # a password-protected file: decrypt, then clean
            return clean_encrypted(Path(doc.path), doc, plan, out, options)
        return self.clean_source(Path(doc.path), doc, plan, out, options)

    def clean_source(self, src: Path, doc: Document, plan: CleanPlan, out: Path,
                     options: ReadOptions) -> CleanResult:
        with SafeZip(src, options.limits, depth=options.depth, what="XLSX") as z, \
                O.guard(src, "XLSX"):
            pkg = OpcPackage(z, src)
            ex = _Extract(pkg, options).run()
            if ex.document.text != doc.text:
                raise InputError("the file changed since it was read; audit it again", src)
            return _clean(ex, plan, out, options)

    def residue_streams(self, path: Path, options: ReadOptions) -> Iterator[tuple[str, bytes]]:
        yield from O.zip_residue_streams(Path(path), options)

    def independent_text(self, path: Path, options: ReadOptions) -> str:
        return O.zip_independent_text(
            Path(path), options,
            paragraph_tags=[_s("si"), _s("is"), _s("c"), _s("comment"), _s("oddHeader"),
                            _s("oddFooter"), _s("evenHeader"), _s("evenFooter"),
                            _s("firstHeader"), _s("firstFooter")],
            text_tags=[_s("t"), _s("v")])


_XR_UID = "uid"


def _clean(ex: _Extract, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
    pkg = ex.pkg
    rw = O.OoxmlRewrite(pkg, options.limits)
    rw.drop_kinds |= _DROP_KINDS
    rw.needles = O.removed_needles(plan.removed)
    edits = [(e.start, e.end, e.replacement) for e in plan.edits]
    changed = O.apply_edits_to_pieces(ex.pieces, edits, on_text=_preserve_space)
    if edits:
        rw.note(f"applied {len(edits)} text edit(s) to the strings ({changed} changed)")
    wb = rw.tree(ex.main)
    for el in list(wb.iter()):
        name = _local(el)
        if name in ("revisionPtr", "fileSharing") and el.getparent() is not None:
            O.remove_keep_tail(el)
        elif name == "absPath" and el.getparent() is not None:
            holder = el
            while holder.getparent() is not None and _local(holder) != "AlternateContent":
                holder = holder.getparent()
            O.remove_keep_tail(holder if _local(holder) == "AlternateContent" else el)
            rw.note("removed the folder the workbook was last saved in")
        elif name == "fileVersion":
            for attr in ("lastEdited", "lowestEdited", "rupBuild", "codeName"):
                el.attrib.pop(attr, None)
    # comments' drawing (VML notes): dropped with the comments when it holds nothing else
    for _name, sheet, _state in ex.sheets:
        if not pkg.related(sheet, "comments"):
            continue
        rw.note("removed the comments and their authors")
        for _r, vml in pkg.related(sheet, "vmlDrawing"):
            data = pkg.data(vml, O.MAX_XML_PART)
            kinds = {m for m in _object_types(data)}
            if kinds <= {"Note"}:
                rw.drop.add(vml)
    uids = 0
    for part in pkg.parts:
        if part.endswith(".rels") or not O._is_xml(part, pkg.content_type(part)):
            continue
        if part.lower().startswith("customxml/"):
            continue
        root = rw.tree(part)
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            for key in list(el.attrib):
                k = str(key)
                if k.startswith("{") and "/revision" in k and k.endswith("}" + _XR_UID):
                    del el.attrib[key]
                    uids += 1
        if _local(root) == "pivotCacheDefinition":
            for attr in ("refreshedBy", "refreshedDate", "refreshedDateIso"):
                root.attrib.pop(attr, None)
    if uids:
        rw.note(f"removed {uids} unique id(s) (xr:uid)")
    _remove_hidden_sheets(ex, rw, wb)
    unhidden = 0
    for _name, part, state in ex.sheets:
        if state != "visible":
            continue
        for el in rw.tree(part).iter(_s("row"), _s("col")):
            if el.attrib.pop("hidden", None) is not None:
                unhidden += 1
    if unhidden:
        rw.note(f"showed {unhidden} hidden row(s) or column(s): review them")
    for _r, part in pkg.related(ex.main, "connections"):
        for el in rw.tree(part).iter():
            for attr in ("connection", "command", "odcFile", "sourceFile", "credentials"):
                if attr in el.attrib:
                    el.set(attr, "")
        rw.note("blanked the data connections' connection strings and file paths")
    main_ct = pkg.content_type(ex.main)
    if main_ct in _MAIN_TYPES:
        rw.content_type_changes[ex.main] = _MAIN_TYPES[main_ct]
        rw.note("removed the macros (VBA project)")
    rw.neutral_properties()
    rw.neutralize_external_targets()
    rw.write(out)
    return CleanResult(output=out, format="xlsx", mode="rebuild", actions=rw.actions,
                       not_done=rw.not_done)


def _string_refs(sheet: Any) -> Iterator[int]:
    """Indexes into the shared-string table used by the cells of ``sheet``."""
    for c in sheet.iter(_s("c")):
        if c.get("t") == "s":
            v = c.find(_s("v"))
            if v is not None and v.text and v.text.strip().isdigit():
                yield int(v.text.strip())


def _remove_hidden_sheets(ex: _Extract, rw: O.OoxmlRewrite, wb: Any) -> None:
    """Remove hidden and very hidden sheets, and every shared string only they (or no
    cell) used, renumbering the cells of the sheets that stay."""
    sheets_el = wb.find(_s("sheets"))
    hidden = [(i, name, part) for i, (name, part, state) in enumerate(ex.sheets)
              if state != "visible"]
    if sheets_el is None:
        return
    if hidden and len(hidden) == len(ex.sheets):
        rw.not_done.append("every sheet is hidden: the sheets were kept")
        hidden = []
    if hidden:
        names = {name for _i, name, _p in hidden}
        gone_parts = {part for _i, _n, part in hidden}
        kept_el = [el for el in sheets_el if (el.get("name") or "") not in names]
        old_index = {el.get("name"): i for i, el in enumerate(sheets_el)}
        new_index = {el.get("name"): i for i, el in enumerate(kept_el)}
        for el in list(sheets_el):
            if (el.get("name") or "") in names:
                sheets_el.remove(el)
        remap = {old_index[n]: new_index[n] for n in new_index}
        dn_parent = wb.find(_s("definedNames"))
        for dn in list(dn_parent if dn_parent is not None else []):
            local = dn.get("localSheetId")
            refers = dn.text or ""
            if (local is not None and local.isdigit() and int(local) not in remap) or any(
                    n in refers for n in names):
                dn_parent.remove(dn)
            elif local is not None and local.isdigit():
                dn.set("localSheetId", str(remap[int(local)]))
        if dn_parent is not None and len(dn_parent) == 0:
            wb.remove(dn_parent)
        for view in wb.iter(_s("workbookView")):
            for attr in ("activeTab", "firstSheet"):
                if attr in view.attrib:
                    view.set(attr, "0")
        rw.drop |= gone_parts
        rw.drop_kinds.add("calcChain")  # Excel rebuilds it; it lists the removed cells
        rw.note(f"removed {len(hidden)} hidden sheet(s); formulas that pointed at them keep "
                "their last values")
    if ex.sst is None or not (hidden or ex.sst_hidden or ex.sst_unused):
        return
    kept_sheets = [part for _n, part, state in ex.sheets if state == "visible" or not hidden]
    used: set[int] = set()
    for part in kept_sheets:
        used.update(_string_refs(rw.tree(part)))
    sst = rw.tree(ex.sst)
    items = list(sst.iter(_s("si")))
    mapping: dict[int, int] = {}
    for i, si in enumerate(items):
        if i in used:
            mapping[i] = len(mapping)
        else:
            sst.remove(si)
    total = 0
    for part in kept_sheets:
        for c in rw.tree(part).iter(_s("c")):
            if c.get("t") != "s":
                continue
            v = c.find(_s("v"))
            if v is not None and v.text and v.text.strip().isdigit():
                old = int(v.text.strip())
                if old in mapping:
                    v.text = str(mapping[old])
                    total += 1
    sst.set("uniqueCount", str(len(mapping)))
    sst.set("count", str(total))
    dropped = len(items) - len(mapping)
    if dropped:
        rw.note(f"removed {dropped} shared string(s) used only by hidden sheets or by no cell")


def _preserve_space(el: Any) -> None:
    if el.tag == _s("t"):
        el.set(qn(O.XML_NS, "space"), "preserve")


def _object_types(vml: bytes) -> Iterator[str]:
    import re

    for m in re.finditer(rb'ObjectType="([A-Za-z]+)"', vml):
        yield m.group(1).decode("ascii")
