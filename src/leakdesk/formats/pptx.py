"""PowerPoint presentations (PPTX, PPTM, PPSX): traces found, and a clean rewrite.

Reading takes the text of every slide in show order (shapes, tables, SmartArt),
paragraph by paragraph, with a map from Document offsets to the ``a:t`` runs
that hold it.  Hidden slides go to "hidden" segments, speaker notes to
"annotation" segments, comments to "comment" segments, and container values
(core, app and custom properties, comment authors and their account ids,
picture EXIF, printer names, paths) to "metadata" segments.

Cleaning applies the plan's text edits inside the runs, removes hidden slides,
speaker notes, comments and their authors, revision and creation ids, tags,
custom XML, thumbnail, printer settings, embedded objects and macros, empties
the core and app properties, re-encodes pictures and writes a fresh zip.
Slide masters and layouts are kept as they are (their placeholder text is not
audited; a shape name that holds removed text is renamed); charts keep their
cached values.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..document import Action, Document, DocumentBuilder, Severity
from ..errors import InputError
from . import _office as O
from ._office import A, OpcPackage, Piece, Traces, qn
from ._zipsafe import SafeZip
from .base import CleanResult, FormatAdapter, ReadOptions
from .docx import clean_encrypted, is_ole2, sniff_ooxml

if TYPE_CHECKING:
    from ..sanitize.plan import CleanPlan

P = "http://schemas.openxmlformats.org/presentationml/2006/main"
P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
_MAIN_TYPES = {
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml":
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml":
        "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
}
_DROP_KINDS = {"comments", "commentAuthors", "authors", "notesSlide", "revisionInfo", "tags",
               "vbaProject"}
#: Content types of the kept masters and layouts (their shape names are checked).
_MASTER_TYPES = tuple(
    f"application/vnd.openxmlformats-officedocument.presentationml.{kind}+xml"
    for kind in ("slideMaster", "slideLayout", "notesMaster", "handoutMaster")
)


def _local(el: Any) -> str:
    return O.local_name(el.tag)


class _Extract:
    def __init__(self, pkg: OpcPackage, options: ReadOptions) -> None:
        self.pkg = pkg
        self.options = options
        self.b = DocumentBuilder(separator="\n")
        self.traces = Traces(self.b, "pptx")
        self.pieces: list[Piece] = []
        main = pkg.main_part("ppt/presentation.xml")
        if main is None:
            raise InputError("not a PowerPoint presentation (no presentation part)", pkg.path)
        self.main = main
        self.slides: list[tuple[str, str, bool]] = []  # (rel id, part, hidden)
        self.doc: Document | None = None

    def _text_part(self, part: str, seg_part: str) -> tuple[int, int] | None:
        root = self.pkg.xml(part)
        first = last = None
        for p in root.iter(qn(A, "p")):
            acc = O.drawingml_paragraph(p)
            start, end = self.b.add(acc.text, part=seg_part, source=part)
            self.pieces.extend(acc.shift(start))
            first = start if first is None else first
            last = end
        return (first, last) if first is not None and last is not None else None

    def run(self) -> _Extract:
        pkg = self.pkg
        pres = pkg.xml(self.main)
        rels = {r.id: r for r in pkg.rels(self.main)}
        lst = pres.find(qn(P, "sldIdLst"))
        for sid in (lst if lst is not None else []):
            rid = sid.get(qn(O.R, "id"))
            rel = rels.get(rid or "")
            part = pkg.resolve(rel) if rel is not None else None
            if part is None:
                continue
            hidden = (pkg.xml(part).get("show") or "1").lower() in ("0", "false")
            self.slides.append((rid or "", part, hidden))
        hidden_spans, notes_spans = [], []
        for n, (_rid, part, hidden) in enumerate(self.slides, 1):
            span = self._text_part(part, "hidden" if hidden else "body")
            for _r, dpart in pkg.related(part, "diagramData", "diagramDrawing"):
                self._text_part(dpart, "hidden" if hidden else "body")
            if hidden:
                hidden_spans.append((n, part, span))
            for _r, npart in pkg.related(part, "notesSlide"):
                nspan = self._text_part(npart, "annotation")
                if nspan is not None and nspan[1] > nspan[0]:
                    notes_spans.append((n, npart, nspan))
        for n, part, span in hidden_spans:
            self.traces.add("hidden-slide", "hidden", Severity.HIGH,
                            f"Slide {n} is hidden: it is not shown in the slide show but its "
                            "content travels with the file.",
                            span=span, part="hidden", evidence={"slide": n, "part": part})
        for n, part, span in notes_spans:
            self.traces.add("speaker-notes", "annotation", Severity.HIGH,
                            f"Slide {n} has speaker notes: text for the presenter that is not "
                            "shown in the slide show and can name people, sources or plans.",
                            span=span, part="annotation", evidence={"slide": n, "part": part})
        self._comments()
        self._revision_ids(pres)
        self._package()
        doc = self.b.build(format="pptx", path=pkg.path,
                           meta={"slides": len(self.slides),
                                 "hidden_slides": len(hidden_spans)})
        doc.container_findings.extend(self.traces.findings(doc))
        O.check_text_size(doc, self.options.limits)
        self.doc = doc
        return self

    @property
    def document(self) -> Document:
        assert self.doc is not None
        return self.doc

    def _comments(self) -> None:
        pkg = self.pkg
        authors: dict[str, dict[str, str]] = {}
        for _r, part in pkg.related(self.main, "commentAuthors", "authors"):
            for el in pkg.xml(part).iter():
                if _local(el) in ("cmAuthor", "author") and el.get("id") is not None:
                    authors[el.get("id") or ""] = {
                        "name": el.get("name") or "", "initials": el.get("initials") or "",
                        "user": el.get("userId") or "", "provider": el.get("providerId") or ""}
        used: set[str] = set()
        for n, (_rid, slide, _hidden) in enumerate(self.slides, 1):
            for _r, part in pkg.related(slide, "comments"):
                for cm in pkg.xml(part).iter():
                    if _local(cm) != "cm":
                        continue
                    aid = cm.get("authorId") or ""
                    who = authors.get(aid, {}).get("name", "") or "(unknown author)"
                    when = cm.get("dt") or cm.get("created") or ""
                    texts = [el.text or "" for el in cm.iter()
                             if _local(el) in ("text", "t") and el.text]
                    start, end = self.b.add(" ".join(texts), part="comment", source=part)
                    used.add(aid)
                    self.traces.add("comment", "annotation", Severity.HIGH,
                                    f"A comment on slide {n} by '{who[:80]}'"
                                    f"{' on ' + when if when else ''} is stored in the file.",
                                    span=(start, end) if end > start else None, part="comment",
                                    evidence={"slide": n, "author": who, "date": when})
        for aid, info in authors.items():
            value = "; ".join(x for x in (info["name"], info["initials"], info["user"]) if x)
            if not value:
                continue
            span = self.traces.value("comment author", value, source="comment authors")
            self.traces.add("comment-author", "annotation", Severity.HIGH,
                            f"The list of comment authors names '{info['name'][:80]}'"
                            + (f" with an account id ({info['user'][:60]})" if info["user"] else "")
                            + ": a direct pointer to a person who handled the file.",
                            span=span, evidence={"author": info["name"], "user_id": info["user"],
                                                 "used": aid in used})

    def _revision_ids(self, pres: Any) -> None:
        pkg = self.pkg
        ids = []
        for _rid, part, _h in self.slides:
            for el in pkg.xml(part).iter(qn(P14, "creationId")):
                if el.get("val"):
                    ids.append(el.get("val") or "")
        if ids:
            span = self.traces.value("slide creation ids", " ".join(ids[:24]), source=self.main)
            self.traces.add("creation-ids", "revision", Severity.MEDIUM,
                            f"{len(ids)} slide creation id(s) (p14:creationId) are random numbers "
                            "kept when slides are copied between files: the same ids in two "
                            "presentations show a common origin.",
                            span=span, evidence={"count": len(ids)})
        for _r, part in pkg.related(self.main, "revisionInfo"):
            clients = [el.get("id") or "" for el in pkg.xml(part).iter() if _local(el) == "client"]
            value = " ".join(c for c in clients if c)
            cspan = self.traces.value("revision clients", value, source=part) if value else None
            self.traces.add("revision-info", "revision", Severity.MEDIUM,
                            "The revision information part records the ids of the Office "
                            "installations that edited the file.",
                            span=cspan, evidence={"part": part, "clients": clients[:10]})
        if pres.find(qn(P, "modifyVerifier")) is not None:
            self.traces.add("protection", "metadata", Severity.LOW,
                            "The file keeps a modify-protection password hash and salt; the same "
                            "salt in two copies shows they come from the same file.",
                            action=Action.REMOVE)

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
            names = O.binary_strings(pkg.data(part, O.MAX_MEDIA_PART))
            for name in names:
                traces.value("embedded object path", name, source=part)
            traces.add("embedded-object", "attachment", Severity.MEDIUM,
                       f"The presentation embeds an object ({part}) with its own content and "
                       "metadata.", span=span, evidence={"part": part, "paths": names[:10]})
        for _r, part in pkg.related(self.main, "tags"):
            traces.add("tags", "metadata", Severity.LOW,
                       "The presentation carries tags (name/value pairs written by add-ins), "
                       "which can hold user or system ids.", evidence={"part": part})
        if pkg.related(self.main, "vbaProject"):
            traces.add("macros", "structure", Severity.MEDIUM,
                       "The file contains macros (a VBA project).", evidence={})


class Adapter(FormatAdapter):
    name = "pptx"
    mimetypes = ("application/vnd.openxmlformats-officedocument.presentationml.presentation",)
    output_extension = "pptx"

    @classmethod
    def sniff(cls, head: bytes, path: Path) -> bool:
        return sniff_ooxml(head, path, "ppt/", b"presentationml")

    def read(self, path: Path, options: ReadOptions) -> Document:
        with SafeZip(path, options.limits, depth=options.depth, what="PPTX") as z, \
                O.guard(path, "PPTX"):
            return _Extract(OpcPackage(z, Path(path)), options).run().document

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
        if doc.path is None:
            raise InputError("the document has no source file to clean")
        if is_ole2(Path(doc.path)):  # a password-protected file: decrypt, then clean
            return clean_encrypted(Path(doc.path), doc, plan, out, options)
        return self.clean_source(Path(doc.path), doc, plan, out, options)

    def clean_source(self, src: Path, doc: Document, plan: CleanPlan, out: Path,
                     options: ReadOptions) -> CleanResult:
        with SafeZip(src, options.limits, depth=options.depth, what="PPTX") as z, \
                O.guard(src, "PPTX"):
            pkg = OpcPackage(z, src)
            ex = _Extract(pkg, options).run()
            if ex.document.text != doc.text:
                raise InputError("the file changed since it was read; audit it again", src)
            return _clean(ex, plan, out, options)

    def residue_streams(self, path: Path, options: ReadOptions) -> Iterator[tuple[str, bytes]]:
        yield from O.zip_residue_streams(Path(path), options)

    def independent_text(self, path: Path, options: ReadOptions) -> str:
        return O.zip_independent_text(Path(path), options, paragraph_tags=[qn(A, "p")],
                                      text_tags=[qn(A, "t")], break_tags=[qn(A, "br")])


def _clean(ex: _Extract, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
    pkg = ex.pkg
    rw = O.OoxmlRewrite(pkg, options.limits)
    rw.drop_kinds |= _DROP_KINDS
    rw.needles = O.removed_needles(plan.removed)
    edits = [(e.start, e.end, e.replacement) for e in plan.edits]
    changed = O.apply_edits_to_pieces(ex.pieces, edits)
    if edits:
        rw.note(f"applied {len(edits)} text edit(s) inside the runs ({changed} run text(s) changed)")
    pres = rw.tree(ex.main)
    hidden = [(rid, part) for rid, part, h in ex.slides if h]
    if hidden:
        lst = pres.find(qn(P, "sldIdLst"))
        gone_ids = set()
        for sid in list(lst if lst is not None else []):
            if sid.get(qn(O.R, "id")) in {rid for rid, _p in hidden}:
                gone_ids.add(sid.get("id"))
                lst.remove(sid)
        for el in list(pres.iter(qn(P14, "sldId"))):  # slide sections list them by id
            if el.get("id") in gone_ids:
                O.remove_keep_tail(el)
        rw.drop |= {part for _rid, part in hidden}
        rw.note(f"removed {len(hidden)} hidden slide(s)")
    for el in list(pres.iter(qn(P, "modifyVerifier"))):
        O.remove_keep_tail(el)
    if any(pkg.related(part, "notesSlide") for _r, part, _h in ex.slides):
        rw.note("removed the speaker notes")
    if any(pkg.related(part, "comments") for _r, part, _h in ex.slides):
        rw.note("removed the comments and their authors")
    ids = 0
    for _rid, part, h in ex.slides:
        if h:
            continue
        root = rw.tree(part)
        for el in list(root.iter(qn(P14, "creationId"))):
            O.remove_keep_tail(el)
            ids += 1
        O.prune_empty_extensions(root)
        for el in root.iter():
            if O.local_name(el.tag) == "cNvPr":
                for attr in ("descr", "title"):
                    if el.attrib.pop(attr, None) is not None:
                        ids += 1
                if O.holds_removed(el.get("name"), rw.needles):
                    el.set("name", f"Shape {el.get('id') or ''}".strip())
    if ids:
        rw.note(f"removed {ids} slide creation id(s) and picture description(s)")
    # A kept master's shape name can hold a removed string ("Notes Placeholder 4" in the
    # notes master, once the note "Notes" is removed): renamed like a slide's.
    renamed = 0
    for part in pkg.parts:
        if part in rw.drop or pkg.content_type(part) not in _MASTER_TYPES:
            continue
        names = [el for el in pkg.xml(part).iter()
                 if isinstance(el.tag, str) and O.local_name(el.tag) == "cNvPr"
                 and O.holds_removed(el.get("name"), rw.needles)]
        if names:
            rw.tree(part)  # the tree pkg.xml() returned is the one written
            for el in names:
                el.set("name", f"Shape {el.get('id') or ''}".strip())
            renamed += len(names)
    if renamed:
        rw.note(f"renamed {renamed} master or layout shape(s) whose name held removed text")
    main_ct = pkg.content_type(ex.main)
    if main_ct in _MAIN_TYPES:
        rw.content_type_changes[ex.main] = _MAIN_TYPES[main_ct]
        rw.note("removed the macros (VBA project)")
    rw.not_done.append("slide masters and layouts are kept as they are; their text is not "
                       "audited or edited")
    rw.neutral_properties()
    rw.neutralize_external_targets()
    rw.write(out)
    return CleanResult(output=out, format="pptx", mode="rebuild", actions=rw.actions,
                       not_done=rw.not_done)
