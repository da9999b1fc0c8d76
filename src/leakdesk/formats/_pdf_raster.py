"""Raster: every page rendered to pixels, removed text painted over first.

For each page, black rectangles are added (in PDFium, in page space) over the
characters of every span the plan removes or replaces, and over text found
under boxes; microscopic text is painted white.  Then the page is rendered by
PDFium at ``dpi`` (150 by default; policy option ``dpi``) without annotations
or form fields, and the pixels become the only content of a new page: a JPEG
written by Pillow, in a PDF assembled by qpdf (pikepdf) with no Info
dictionary, no XMP, nothing else.

Text that is never painted (render mode 3, white on white, off the page, in a
hidden layer) leaves no pixels, so nothing is drawn over it: a box there would
show where something was.

An optional OCR text layer (policy option ``ocr: true``) is recognised by
tesseract from the painted pixels, so removed text cannot come back through it,
and written as invisible text in DejaVu Sans.

What raster does not protect: the boxes have the width of what they cover (the
length of a removed name can be guessed from it), and the layout, line breaks
and typography of the original stay exactly as they were.
"""

from __future__ import annotations

import ctypes
import io
import math
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..document import Action, Document
from ..errors import InputError, LimitExceeded
from ..fsutil import private_tempdir
from ._pdf_common import Deadline
from ._pdf_text import PageText
from .base import CleanResult, ReadOptions

if TYPE_CHECKING:
    from PIL import Image

    from ..sanitize.plan import CleanPlan

DEFAULT_DPI = 150
JPEG_QUALITY = 88
#: Hidden kinds that are drawn (so get painted over), and the paint colour.
_PAINT_HIDDEN = {"covered": (0, 0, 0), "same-colour": (0, 0, 0), "tiny": (255, 255, 255)}
_DESTRUCTIVE = ("remove", "replace", "line")


def _paint_ranges(doc: Document, plan: CleanPlan,
                  pages: list[PageText]) -> tuple[dict[int, list[tuple[int, int, tuple[int, int, int]]]],
                                                  int, int]:
    """Raw char ranges to paint per page, with their colour; and counts of edits."""
    paint: dict[int, list[tuple[int, int, tuple[int, int, int]]]] = {}
    painted = skipped = 0
    bodies = list(doc.iter_parts("body"))
    for e in plan.edits:
        destructive = e.kind in _DESTRUCTIVE if e.kind else \
            e.finding.action in (Action.REMOVE, Action.REPLACE)
        touched = False
        for seg in bodies:
            if seg.page is None or e.end <= seg.start or e.start >= seg.end:
                continue
            if not destructive:
                skipped += 1
                break
            pt = pages[seg.page - 1]
            for a, b in pt.raw_ranges(e.start - seg.start, e.end - seg.start):
                paint.setdefault(pt.number, []).append((a, b, (0, 0, 0)))
                touched = True
        painted += touched
    for pt in pages:
        for run in pt.hidden:
            colour = _PAINT_HIDDEN.get(run.kind)
            if colour is not None:
                for a, b in run.chars:
                    paint.setdefault(pt.number, []).append((a, b, colour))
    return paint, painted, skipped


def _rects(textpage: pdfium.PdfTextPage, start: int, end: int) -> list[tuple[float, ...]]:
    out: list[tuple[float, ...]] = []
    n = pdfium_c.FPDFText_CountRects(textpage.raw, start, end - start)
    for i in range(max(0, n)):
        left, top, right, bottom = (ctypes.c_double() for _ in range(4))
        if pdfium_c.FPDFText_GetRect(textpage.raw, i, left, top, right, bottom):
            out.append((left.value, min(bottom.value, top.value), right.value,
                        max(bottom.value, top.value)))
    return out


def _paint(page: pdfium.PdfPage, rects: list[tuple[float, ...]],
           colour: tuple[int, int, int], pad: float = 1.0) -> None:
    for left, bottom, right, top in rects:
        obj = pdfium_c.FPDFPageObj_CreateNewRect(left - pad, bottom - pad,
                                                 right - left + 2 * pad, top - bottom + 2 * pad)
        pdfium_c.FPDFPageObj_SetFillColor(obj, *colour, 255)
        pdfium_c.FPDFPath_SetDrawMode(obj, pdfium_c.FPDF_FILLMODE_WINDING, False)
        pdfium_c.FPDFPage_InsertObject(page.raw, obj)


def _encode(img: Image.Image) -> tuple[bytes, str, str]:
    """``(data, colour space, filter)`` for a page image.

    Gray pages are stored losslessly (Flate: text pages compress well and stay
    sharp); pages in colour as JPEG.
    """
    if img.mode == "RGB":
        small = img.reduce(8) if min(img.size) >= 64 else img
        r, g, b = small.split()
        if r.tobytes() == g.tobytes() == b.tobytes():
            img = img.convert("L")
    if img.mode == "L":
        return zlib.compress(img.tobytes(), 3), "/DeviceGray", "/FlateDecode"
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=JPEG_QUALITY, optimize=False)
    return buf.getvalue(), "/DeviceRGB", "/DCTDecode"


class _ImagePdf:
    """Pages of pixels assembled by qpdf (pikepdf); nothing but the images.

    Pages are compressed in a second thread while the next one renders (zlib and
    Pillow release the GIL; PDFium and pikepdf are only called from this thread).
    """

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.pdf = pikepdf.new()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="leakdesk-encode")
        self.pending: list[tuple[Any, int, int, float, float]] = []

    def add(self, img: Image.Image, wpt: float, hpt: float, words: list[Any]) -> None:
        self.pending.append((self.pool.submit(_encode, img), img.width, img.height, wpt, hpt))
        while len(self.pending) > 2:
            self._place(*self.pending.pop(0))

    def _place(self, future: Any, wpx: int, hpx: int, wpt: float, hpt: float) -> None:
        data, space, filt = future.result()
        image = pikepdf.Stream(self.pdf, data)
        image.Type = pikepdf.Name.XObject
        image.Subtype = pikepdf.Name.Image
        image.Width, image.Height = wpx, hpx
        image.ColorSpace = pikepdf.Name(space)
        image.BitsPerComponent = 8
        image.Filter = pikepdf.Name(filt)
        content = f"q {wpt:.4f} 0 0 {hpt:.4f} 0 0 cm /Im0 Do Q".encode()
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, round(wpt, 4), round(hpt, 4)],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
            Contents=pikepdf.Stream(self.pdf, content),
        )
        self.pdf.pages.append(pikepdf.Page(page))

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pdf.close()

    def save(self, out: Path) -> None:
        while self.pending:
            self._place(*self.pending.pop(0))
        self.pool.shutdown(wait=True)
        self.pdf.save(out, deterministic_id=True, compress_streams=True,
                      stream_decode_level=pikepdf.StreamDecodeLevel.none,
                      object_stream_mode=pikepdf.ObjectStreamMode.generate)
        self.pdf.close()


class _ImagePdfWithText:
    """Pages of pixels with tesseract's words as invisible text (render mode 3), by fpdf2."""

    def __init__(self) -> None:
        from fpdf import FPDF

        from ._pdf_rebuild import font_path

        self.pdf = FPDF(unit="pt")
        self.pdf.set_auto_page_break(False)
        self.pdf.add_font("Body", "", str(font_path()))

    def close(self) -> None:
        pass

    def add(self, img: Image.Image, wpt: float, hpt: float, words: list[Any]) -> None:
        from fpdf.enums import TextMode

        pdf = self.pdf
        pdf.add_page(format=(wpt, hpt))
        pdf.image(img, x=0, y=0, w=wpt, h=hpt)
        pdf.text_mode = TextMode.INVISIBLE
        k = wpt / img.width  # points per pixel
        for w in words:
            size = max(1.0, w.height * k * 0.9)
            pdf.set_font("Body", size=size)
            natural = pdf.get_string_width(w.text) or 1.0
            pdf.set_stretching(max(10.0, min(500.0, 100.0 * w.width * k / natural)))
            pdf.text(w.left * k, (w.top + w.height) * k, w.text)
        pdf.set_stretching(100.0)
        pdf.text_mode = TextMode.FILL

    def save(self, out: Path) -> None:
        """Re-write fpdf2's output with qpdf: no Info, no XMP, no viewer settings."""
        with pikepdf.open(io.BytesIO(bytes(self.pdf.output()))) as pdf:
            if "/Info" in pdf.trailer:
                del pdf.trailer.Info
            for key in list(pdf.Root.keys()):
                if key not in ("/Type", "/Pages"):
                    del pdf.Root[key]
            for page in pdf.pages:
                for key in list(page.obj.keys()):
                    if key not in ("/Type", "/Parent", "/MediaBox", "/Resources", "/Contents"):
                        del page.obj[key]
            pdf.save(out, deterministic_id=True, compress_streams=True,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)


def raster(doc: Document, plan: CleanPlan, pages: list[PageText], out: Path,
           options: ReadOptions, deadline: Deadline) -> CleanResult:
    """Write the image-only PDF to ``out`` (see the module docstring)."""
    assert doc.path is not None
    dpi = _option_int(plan.options.get("dpi"), DEFAULT_DPI, 36, 600)
    want_ocr = bool(plan.options.get("ocr", False))
    paint, painted, skipped = _paint_ranges(doc, plan, pages)
    try:
        src = pdfium.PdfDocument(doc.path, password=options.password)
    except pdfium.PdfiumError as exc:
        raise InputError(f"cannot render ({exc})", doc.path) from None
    writer: _ImagePdf | _ImagePdfWithText = _ImagePdfWithText() if want_ocr else _ImagePdf()
    reduced: list[int] = []
    ocr_words = 0
    try:
        if len(src) != len(pages):
            raise InputError("the file changed since it was audited; audit it again", doc.path)
        with private_tempdir() as tmp:
            for i, pt in enumerate(pages):
                deadline.check()
                page = src[i]
                try:
                    todo = paint.get(pt.number)
                    if todo:
                        tp = page.get_textpage()
                        try:
                            for a, b, colour in todo:
                                _paint(page, _rects(tp, a, b), colour)
                        finally:
                            tp.close()
                    width, height = page.get_size()
                    scale = dpi / 72.0
                    pixels = width * scale * height * scale
                    if pixels > options.limits.max_pixels:
                        scale *= math.sqrt(options.limits.max_pixels / pixels)
                        reduced.append(pt.number)
                    if width * scale < 1 or height * scale < 1:
                        raise LimitExceeded(f"page {pt.number} is too small to render", doc.path)
                    bitmap = page.render(scale=scale, draw_annots=False, may_draw_forms=False,
                                         rev_byteorder=True, grayscale=not pt.colour)
                    img = bitmap.to_pil()
                    if img.mode == "L":
                        img = img.copy()  # L images share PDFium's buffer, freed with the page
                    bitmap.close()
                finally:
                    page.close()
                words: list[Any] = []
                if want_ocr:
                    words = _ocr(img, tmp, round(scale * 72), doc.path)
                    ocr_words += len(words)
                writer.add(img, width, height, words)
                del img
        writer.save(out)
    finally:
        writer.close()
        src.close()
    actions = [
        f"rendered {len(pages)} page(s) to pixels at {dpi} dpi into a new image-only PDF with "
        f"no metadata (gray pages lossless, colour pages JPEG quality {JPEG_QUALITY})",
        f"painted over {painted} removed or replaced span(s) before rendering",
        "did not draw annotations or form fields",
    ]
    n_hidden = sum(len(p.hidden) for p in pages)
    if n_hidden:
        actions.append(f"{n_hidden} run(s) of hidden text: text under boxes painted over, "
                       "invisible text left without pixels")
    not_done = [
        "raster keeps the page layout: each box has the width of the text it hides, so the "
        "length of a removed word can be guessed (use --mode rebuild, which reflows the text)",
    ]
    if skipped:
        not_done.append(f"{skipped} normalization(s) (homoglyphs, spacing, typography) cannot be "
                        "applied to pixels: the page shows them as before")
    if want_ocr:
        actions.append(f"added an invisible OCR text layer ({ocr_words} words, tesseract, from "
                       "the painted pixels)")
    else:
        not_done.append("no text layer: the output's text cannot be searched or copied "
                        "(policy option ocr: true adds one)")
    if reduced:
        not_done.append(f"page(s) {', '.join(map(str, reduced[:10]))} were rendered below "
                        f"{dpi} dpi to stay within the pixel limit")
    return CleanResult(output=out, format="pdf", mode="raster", actions=actions,
                       not_done=not_done,
                       extra={"dpi": dpi, "pages": len(pages), "painted": painted,
                              "ocr": want_ocr})


def _option_int(value: object, default: int, low: int, high: int) -> int:
    try:
        n = int(value) if value is not None else default  # type: ignore[call-overload]
    except (TypeError, ValueError):
        n = default
    return max(low, min(high, n))


def _ocr(img: Image.Image, tmp: Path, dpi: int, path: Path) -> list[Any]:
    from .._exec import tesseract

    if not tesseract.available():
        from .._exec import ExternalProgramError

        raise ExternalProgramError("the OCR text layer needs tesseract (Debian package "
                                   "tesseract-ocr)", path)
    png = tmp / "page.png"
    img.save(png, "PNG")
    try:
        return list(tesseract.ocr_words(png, dpi=dpi, doc_path=path))
    finally:
        png.unlink(missing_ok=True)
