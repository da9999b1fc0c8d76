"""PDF: page text with provenance, every container trace, and two ways to clean.

Reading (audit) uses two independent libraries on the same file: PDFium
(pypdfium2) for the text of each page and for what is drawn invisibly
(:mod:`._pdf_text`), qpdf (pikepdf) for the structure: metadata, annotations,
attachments, forms, scripts, layers, images (:mod:`._pdf_traces`), and the
earlier revisions an incremental update keeps (:mod:`._pdf_revisions`).
Identifying values become their own Document segments ("metadata",
"annotation", "attachment", "form", "hidden", "revision"), so every text
detector runs on them too; attached files are audited as child Documents.

Cleaning (sanitize) has two modes:

* ``rebuild`` (default, :mod:`._pdf_rebuild`): a new PDF typeset from the
  sanitized body text with a bundled font; nothing of the input's structure,
  metadata, fonts or revisions is carried over, and paragraphs are reflowed.
* ``raster`` (:mod:`._pdf_raster`): every page rendered to pixels with removed
  and hidden text painted over first, written as an image-only PDF.

Rebuild falls back to raster, and says so in the result, when the body has no
text (a scan) or when the rebuild font has no glyph for letters of the text
(Chinese, Japanese, Korean... in DejaVu Sans): a rebuilt copy would lose them.

For the residue proof the adapter gives the output's every stream decompressed
(pikepdf) and its text as pdfminer.six sees it: a third, independent reader.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pikepdf

from ..document import Action, Document, DocumentBuilder, Finding, Location, Severity
from ..errors import InputError, LeakdeskError, LimitExceeded, UsageError
from ..fsutil import private_tempdir
from ._pdf_common import (
    Deadline,
    OpenedPdf,
    open_pdf,
    open_quietly,
    short_error,
    time_limit,
)
from ._pdf_text import PAIR_TAIL, HiddenRun, PageText, analyse_page
from ._pdf_traces import Attachment, DamagedStream, Trace, clip, read_stream_bounded, scan_structure
from .base import CleanResult, FormatAdapter, ReadOptions

if TYPE_CHECKING:
    from ..sanitize.plan import CleanPlan

#: How each kind of hidden text is reported: detector, category, and the message.
HIDDEN_MESSAGES: dict[str, tuple[str, str, str]] = {
    "render-mode-3": (
        "pdf-invisible-text", "hidden",
        "Invisible text (render mode 3) on page {page}: '{text}'. It is never shown but it is "
        "in the file, and can carry a tracking code that singles out this copy."),
    "white": (
        "pdf-white-text", "hidden",
        "White text on a white background (invisible) on page {page}: '{text}'. Text nobody "
        "sees can carry a mark that singles out this copy."),
    "same-colour": (
        "pdf-covered-text", "redaction",
        "Text drawn on {cover} in the same colour (a failed redaction) on page {page}: "
        "'{text}'. It looks blacked out, but the text is in the file and can be copied out."),
    "covered": (
        "pdf-covered-text", "redaction",
        "Text under {cover} on page {page}: '{text}'. A failed redaction: the box hides it on "
        "screen, but the text is still in the file and anyone can copy it out."),
    "offpage": (
        "pdf-offpage-text", "hidden",
        "Text placed off the page (outside the visible area, invisible) on page {page}: "
        "'{text}'. Text nobody sees can carry a mark that singles out this copy."),
    "tiny": (
        "pdf-tiny-text", "hidden",
        "Microscopic text ({size_pt} pt, invisible to the eye) on page {page}: '{text}'. Text "
        "nobody sees can carry a mark that singles out this copy."),
    "layer": (
        "pdf-layer-text", "hidden",
        "Text in the hidden layer '{layer}' (off by default, invisible) on page {page}: "
        "'{text}'. Hidden layers keep content the reader never sees."),
    "transparent": (
        "pdf-transparent-text", "hidden",
        "Fully transparent (invisible) text on page {page}: '{text}'. Text nobody sees can "
        "carry a mark that singles out this copy."),
}

#: Order in which container values follow the body in the Document text.
_PART_ORDER = ("hidden", "annotation", "form", "attachment", "metadata", "revision")

_LAYOUTS: OrderedDict[tuple[str, int, int, str], list[PageText]] = OrderedDict()
_LAYOUT_CACHE_SIZE = 2


def _cache_key(path: Path, options: ReadOptions) -> tuple[str, int, int, str]:
    st = Path(path).stat()
    return (str(Path(path).resolve()), st.st_size, st.st_mtime_ns, options.password or "")


class Adapter(FormatAdapter):
    name = "pdf"
    mimetypes = ("application/pdf",)
    output_extension = "pdf"

    @classmethod
    def sniff(cls, head: bytes, path: Path) -> bool:
        return b"%PDF-" in head[:1024]

    # -- read ------------------------------------------------------------------

    def read(self, path: Path, options: ReadOptions) -> Document:
        path = Path(path)
        deadline = Deadline(options.limits.timeout_seconds, path)
        with time_limit(deadline):
            opened = open_pdf(path, options, deadline)
            try:
                return self._read(opened, options, deadline)
            except (pikepdf.PdfError, RuntimeError, ValueError) as exc:
                raise InputError(f"damaged PDF ({short_error(exc)})", path) from None
            finally:
                opened.close()

    def _read(self, opened: OpenedPdf, options: ReadOptions, deadline: Deadline) -> Document:
        path = opened.path
        scan = scan_structure(opened.pike, deadline)
        pages = analyse_pages(opened, scan.off_layers, scan.redactions, deadline,
                              options.limits.max_text_chars)
        from ._pdf_revisions import revision_traces

        current_values = [t.value for t in scan.traces if t.value]
        traces = list(scan.traces)
        traces.extend(revision_traces(
            path, current_values, [p.raw.replace(PAIR_TAIL, "") for p in pages],
            password=options.password,
            max_pages=options.limits.max_pages, deadline=deadline,
            linearized=bool(opened.pike.is_linearized)))
        children, child_notes = self._children(scan.attachments, traces, options, path,
                                               deadline)
        doc = build_document(path, pages, traces, opened)
        doc.children.extend(children)
        doc.container_findings.extend(child_notes)
        _LAYOUTS[_cache_key(path, options)] = pages
        while len(_LAYOUTS) > _LAYOUT_CACHE_SIZE:
            _LAYOUTS.popitem(last=False)
        return doc

    def _children(self, attachments: list[Attachment], traces: list[Trace],
                  options: ReadOptions, path: Path,
                  deadline: Deadline) -> tuple[list[Document], list[Finding]]:
        """Audit each embedded file as a child Document (on a private temporary copy)."""
        from . import read_document

        children: list[Document] = []
        notes: list[Finding] = []
        limits = options.limits
        budget = limits.max_uncompressed_bytes
        if not attachments:
            return children, notes
        with private_tempdir() as tmp:
            for i, att in enumerate(attachments):
                deadline.check()
                problem = None
                if options.depth + 1 >= limits.max_archive_depth:
                    problem = f"embedded more than {limits.max_archive_depth} levels deep"
                else:
                    try:
                        data = read_stream_bounded(att.stream, budget)
                    except DamagedStream as exc:
                        data, problem = b"", f"unreadable ({exc})"
                    except ValueError:
                        data, problem = b"", "larger than the uncompressed-size limit"
                    except (pikepdf.PdfError, RuntimeError) as exc:
                        data, problem = b"", f"unreadable ({short_error(exc)})"
                if problem is None:
                    budget -= len(data)
                    if not data:
                        continue
                    target = tmp / f"attachment-{i}"
                    target.write_bytes(data)
                    try:
                        child = read_document(target, options.nested())
                        child.path = Path(Path(att.name.replace("\\", "/")).name or f"#{i}")
                        children.append(child)
                        if 0 <= att.trace < len(traces):
                            traces[att.trace].evidence["content_preview"] = clip(child.text, 300)
                            traces[att.trace].evidence["format"] = child.format
                    except LeakdeskError as exc:
                        problem = exc.message
                    finally:
                        target.unlink(missing_ok=True)
                if problem:
                    notes.append(Finding(
                        "pdf-attachment", "attachment", Severity.MEDIUM,
                        f"The embedded file '{clip(att.name, 80)}' could not be audited: "
                        f"{problem}. Open it separately before publishing anything from it.",
                        Location("attachment", att.page, None, None), att.name,
                        {"file": att.name, "error": problem}, Action.REMOVE))
        return children, notes

    # -- clean -------------------------------------------------------------------

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
        if doc.path is None:
            raise UsageError("the PDF to clean has no path")
        deadline = Deadline(options.limits.timeout_seconds, doc.path)
        with time_limit(deadline):
            if plan.mode == "raster":
                from ._pdf_raster import raster

                pages = self.layout(doc, options, deadline)
                return raster(doc, plan, pages, Path(out), options, deadline)
            if plan.mode in ("rebuild", "", "default"):
                from ._pdf_raster import raster
                from ._pdf_rebuild import FONT_ENV, FontLacksGlyphs, NoTextToRebuild, rebuild

                pages = self.layout(doc, options, deadline)
                try:
                    return rebuild(doc, plan, pages, Path(out), options)
                except NoTextToRebuild:
                    # a scan, a form or a blank page: nothing to typeset, so the
                    # clean copy is made of pixels instead of refusing the file
                    result = raster(doc, plan, pages, Path(out), options, deadline)
                    result.actions.insert(0, "no body text to rebuild from: pages rasterised "
                                             "instead (raster mode)")
                    return result
                except FontLacksGlyphs as exc:
                    # Chinese text in a Latin font: a rebuilt copy would show boxes and
                    # lose that text, so the pages are kept as pictures instead
                    result = raster(doc, plan, pages, Path(out), options, deadline)
                    result.actions.insert(0, f"rebuilt as images because the font {exc.font} "
                                             f"has no glyphs for {exc.describe()}: pages "
                                             "rasterised instead (raster mode)")
                    result.not_done.append(f"set {FONT_ENV} to a TrueType font with these "
                                           "characters to get a rebuilt, reflowed text PDF")
                    result.extra["fallback"] = "raster: font lacks glyphs"
                    result.extra["missing_glyphs"] = sum(exc.missing.values())
                    return result
        raise UsageError(f"unknown PDF sanitize mode {plan.mode!r}: use rebuild or raster")

    def layout(self, doc: Document, options: ReadOptions, deadline: Deadline) -> list[PageText]:
        """Per-page analysis of ``doc``'s file, as :meth:`read` saw it."""
        assert doc.path is not None
        key = _cache_key(doc.path, options)
        pages = _LAYOUTS.get(key)
        if pages is None:
            opened = open_pdf(doc.path, options, deadline)
            try:
                scan = scan_structure(opened.pike, deadline, light=True)
                pages = analyse_pages(opened, scan.off_layers, scan.redactions, deadline,
                                      options.limits.max_text_chars)
            finally:
                opened.close()
        for seg in doc.iter_parts("body"):
            if seg.page is None or seg.page > len(pages) or \
                    pages[seg.page - 1].body != doc.text[seg.start:seg.end]:
                raise InputError("the file changed since it was audited; audit it again",
                                 doc.path)
        return pages

    # -- the residue proof's independent view --------------------------------------

    def residue_streams(self, path: Path, options: ReadOptions) -> Iterator[tuple[str, bytes]]:
        """The raw file, then every object: strings decoded, streams decompressed."""
        path = Path(path)
        yield "file", path.read_bytes()
        try:
            pdf = open_quietly(path, options.password)
        except pikepdf.PdfError as exc:
            raise InputError(f"cannot re-open the output ({short_error(exc)})", path) from None
        with pdf:
            yield "trailer", pdf.trailer.unparse(resolved=True)
            for obj in pdf.objects:
                label = _label(obj)
                if isinstance(obj, pikepdf.Stream):
                    yield f"{label} dictionary", obj.stream_dict.unparse(resolved=True)
                    if _large_image(obj):
                        # decoded pixels of a rendered page are not text: search the
                        # compressed bytes only (a 200-page raster would be 450 MB)
                        yield f"{label} image (compressed)", bytes(obj.read_raw_bytes())
                        continue
                    try:
                        yield f"{label} stream", bytes(obj.read_bytes())
                    except (pikepdf.PdfError, RuntimeError, ValueError):
                        yield f"{label} stream (raw)", bytes(obj.read_raw_bytes())
                elif isinstance(obj, pikepdf.Dictionary | pikepdf.Array):
                    yield label, obj.unparse(resolved=True)
                strings = list(_strings(obj))
                if strings:
                    yield f"{label} strings", b"\n".join(strings)

    def independent_text(self, path: Path, options: ReadOptions) -> str:
        """The output's text as pdfminer.six reads it (not PDFium, not qpdf)."""
        return pdfminer_text(Path(path), options)

    def revision_count(self, path: Path, options: ReadOptions | None = None) -> int:
        """Number of revisions (incremental updates + 1) in ``path``."""
        from ._pdf_revisions import revision_count

        return revision_count(Path(path))


def analyse_pages(opened: OpenedPdf, off_layers: frozenset[str],
                  redactions: dict[int, list[tuple[tuple[float, float, float, float], str, str]]],
                  deadline: Deadline, max_chars: int) -> list[PageText]:
    pages: list[PageText] = []
    total = 0
    for i in range(opened.page_count):
        deadline.check()
        page = opened.pdfium[i]
        try:
            tp = page.get_textpage()
            try:
                pt = analyse_page(page, tp, i + 1, off_layers, redactions.get(i + 1, ()))
            finally:
                tp.close()
        finally:
            page.close()
        total += len(pt.raw)
        if total > max_chars:
            raise LimitExceeded(f"more than {max_chars:,} characters of text", opened.path)
        pages.append(pt)
    return pages


def build_document(path: Path, pages: list[PageText], traces: list[Trace],
                   opened: OpenedPdf) -> Document:
    """Body pages first, then each container value as its own segment."""
    b = DocumentBuilder()
    hidden_spans: list[tuple[int, int, HiddenRun, int]] = []
    for pt in pages:
        if pt.body:
            b.add(pt.body, part="body", page=pt.number, source=f"page {pt.number}")
    for pt in pages:
        for run in pt.hidden:
            start, end = b.add(run.text, part="hidden", page=pt.number,
                               source=f"page {pt.number}: {run.kind}")
            hidden_spans.append((start, end, run, pt.number))
    spans: list[tuple[int | None, int | None, Trace]] = []
    for part in _PART_ORDER:
        for t in traces:
            if (t.part if t.part in _PART_ORDER else "metadata") != part:
                continue
            if t.value and t.value.strip():
                start, end = b.add(t.value, part=t.part, page=t.page, source=t.source)
                spans.append((start, end, t))
            else:
                spans.append((None, None, t))
    doc = b.build(format="pdf", path=path)
    findings: list[Finding] = []
    for start, end, run, number in hidden_spans:
        detector, category, template = HIDDEN_MESSAGES[run.kind]
        fields = {"page": number, "text": clip(run.text), "cover": "a box", "size_pt": "<1",
                  "layer": "?", **run.detail}
        message = template.format(**fields)
        if run.detail.get("annotation") == "Redact":
            message = (f"Text under a redaction mark that was never applied on page {number}: "
                       f"'{clip(run.text)}'. The text is still in the file and anyone can "
                       "copy it out.")
        findings.append(doc.finding(detector, category, Severity.HIGH, message, start, end,
                                    action=Action.REMOVE,
                                    evidence={"kind": run.kind, **run.detail}))
    for t_start, t_end, t in spans:
        if t_start is not None and t_end is not None:
            findings.append(Finding(t.detector, t.category, t.severity, t.message,
                                    Location(t.part, t.page, t_start, t_end), t.value or "",
                                    t.evidence, Action.REMOVE))
        else:
            findings.append(Finding(t.detector, t.category, t.severity, t.message,
                                    Location(t.part, t.page, None, None), "", t.evidence,
                                    Action.REMOVE))
    empty = [pt.number for pt in pages if not pt.body and pt.images]
    if empty:
        listed = ", ".join(map(str, empty[:10])) + ("..." if len(empty) > 10 else "")
        findings.append(Finding(
            "pdf-no-text", "structure", Severity.LOW,
            f"{len(empty)} page(s) have images but no text layer (page {listed}): leakdesk "
            "cannot read what they show. Check them by eye; sanitize --mode raster keeps them "
            "as pictures, rebuild leaves them out.",
            Location("body", empty[0], None, None), "", {"pages": empty}, Action.REVIEW))
    if opened.repaired:
        findings.append(Finding(
            "pdf-repaired", "structure", Severity.LOW,
            "The file was damaged (its cross-reference table was rebuilt by qpdf); leakdesk read "
            "the repaired structure. Damage can hide objects a viewer still shows.",
            Location("metadata", None, None, None), "",
            {"warnings": len(opened.repaired)}, Action.REVIEW))
    doc.container_findings.extend(findings)
    doc.meta.update({
        "pages": len(pages),
        "images": sum(p.images for p in pages),
        "ocr_layer_pages": [p.number for p in pages if p.ocr_layer],
        "hidden_runs": sum(len(p.hidden) for p in pages),
        "repaired": bool(opened.repaired),
        "encrypted": bool(opened.pike.is_encrypted),
    })
    return doc


def _large_image(stream: pikepdf.Stream) -> bool:
    """An image XObject whose decoded pixels would exceed 1 MB."""
    try:
        if stream.stream_dict.get("/Subtype") != pikepdf.Name.Image:
            return False
        return int(stream.stream_dict.get("/Width", 0)) * int(
            stream.stream_dict.get("/Height", 0)) > (1 << 20) // 3
    except (TypeError, ValueError, pikepdf.PdfError):
        return False


def _label(obj: Any) -> str:
    try:
        num, gen = obj.objgen
        return f"object {num} {gen}"
    except (AttributeError, pikepdf.PdfError):
        return "object"


def _strings(obj: Any) -> Iterator[bytes]:
    """Every string inside ``obj`` (direct objects only), raw and as UTF-8 text."""
    stack = [obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj]
    n = 0
    while stack and n < 100_000:
        cur = stack.pop()
        n += 1
        if isinstance(cur, pikepdf.String):
            raw = bytes(cur)
            yield raw
            text = str(cur).encode("utf-8", "replace")
            if text != raw:
                yield text
        elif isinstance(cur, pikepdf.Dictionary):
            for key in list(cur.keys()):
                val = cur.get(key)
                if val is not None and not getattr(val, "is_indirect", False):
                    stack.append(val)
        elif isinstance(cur, pikepdf.Array):
            stack.extend(v for v in cur if not getattr(v, "is_indirect", False))


def pdfminer_text(path: Path, options: ReadOptions) -> str:
    """Text of ``path`` via pdfminer.six's interpreter, without layout analysis.

    A small device collects each text-showing operator's characters (one line per
    operator): whitespace is not meaningful, every character is there, and it is
    several times faster than ``extract_text``.
    """
    from pdfminer.pdfdevice import PDFDevice
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdffont import PDFUnicodeNotDefined
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.psexceptions import PSException

    class _Collect(PDFDevice):
        def __init__(self, rsrc: PDFResourceManager) -> None:
            super().__init__(rsrc)
            self.parts: list[str] = []
            self.maps: dict[int, tuple[Any, dict[int, str]]] = {}

        def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
            font = textstate.font
            if font is None:
                return
            held = self.maps.get(id(font))
            if held is None or held[0] is not font:
                held = self.maps[id(font)] = (font, {})
            cache = held[1]
            out = self.parts.append
            for item in seq:
                if isinstance(item, int | float):
                    if item < -200:
                        out(" ")
                    continue
                cids = font.decode(item)
                try:
                    out("".join([cache[cid] for cid in cids]))
                except KeyError:
                    for cid in cids:
                        if cid not in cache:
                            try:
                                cache[cid] = font.to_unichr(cid)
                            except (PDFUnicodeNotDefined, KeyError, ValueError):
                                cache[cid] = "\ufffd"
                    out("".join([cache[cid] for cid in cids]))
            out("\n")

    deadline = Deadline(options.limits.timeout_seconds, path)
    try:
        with time_limit(deadline), open(path, "rb") as fh:
            parser = PDFParser(fh)
            document = PDFDocument(parser, options.password or "")
            rsrc = PDFResourceManager(caching=True)
            device = _Collect(rsrc)
            interp = PDFPageInterpreter(rsrc, device)
            for page in PDFPage.create_pages(document):
                deadline.check()
                interp.process_page(page)
                device.parts.append("\f")
            return "".join(device.parts)
    except (PSException, ValueError, TypeError, KeyError, AttributeError, OSError) as exc:
        raise InputError(f"pdfminer cannot read the output ({short_error(exc)})", path) from None


__all__ = ["Adapter", "analyse_pages", "build_document", "pdfminer_text"]
