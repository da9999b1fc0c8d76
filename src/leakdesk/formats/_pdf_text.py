"""Page text with provenance, and the text a reader cannot see, via PDFium.

For each page this module separates the characters a reader sees (the body)
from those hidden by the way they are drawn:

* ``render-mode-3``: text drawn with render mode 3 (or 7), never painted;
* ``white`` / ``same-colour``: text the colour of what lies under it;
* ``transparent``: text painted fully transparent;
* ``offpage``: text placed outside the page's visible box;
* ``tiny``: microscopic text (under 1 pt after scaling);
* ``layer``: text in an optional-content layer that is off by default;
* ``covered``: text under a filled box or an image drawn over it (a failed
  redaction), or under a redaction annotation that was never applied.

An invisible text layer over a page-sized image is the OCR layer of a scan: it
is the body, not a hidden trace.

The fast path asks PDFium about page *objects* only (a few dozen per page); it
asks about each character only on pages where some object is suspect.  Line
geometry (two character boxes per line) splits the body into paragraphs and
marks which line breaks are soft (the line ran to the right margin), so that
rebuild can reflow paragraphs.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ._pdf_common import matrix_scale

Box = tuple[float, float, float, float]  # left, bottom, right, top (page space)

#: Below this effective size (points) text counts as microscopic.
TINY_POINTS = 1.0
#: Images covering at least this share of the page make invisible text an OCR layer.
SCAN_SHARE = 0.3
#: Two colours closer than this (max channel difference, 0-255) look the same.
SAME_COLOUR = 24
_MAX_FORM_DEPTH = 12
_MAX_OBJECTS = 200_000
#: Stands in ``PageText.raw`` for the second half of a character PDFium keeps as a
#: surrogate pair (two character indexes); never part of the body or a hidden run.
PAIR_TAIL = "\ufffe"
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,3}[.)]|[a-zA-Z][.)]|\(\w{1,4}\)|[•▪◦‣∙·*–—-])\s")


@dataclass(slots=True)
class HiddenRun:
    """Hidden characters of one kind on one page."""

    kind: str
    text: str
    #: Raw character ranges ``[start, end)`` in PDFium's character list.
    chars: list[tuple[int, int]]
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class PageText:
    """What one page holds: its body text and provenance, and hidden runs."""

    number: int  # 1-based
    #: Every character PDFium extracts, hidden ones included (one per char index).
    raw: str
    body: str
    #: ``(body_offset, raw_char_index, length)``: body text maps 1:1 onto raw chars.
    pieces: list[tuple[int, int, int]]
    #: Offsets into ``body`` of line breaks that are soft (a reflowable paragraph).
    soft: list[int]
    hidden: list[HiddenRun]
    chars: int
    images: int = 0
    ocr_layer: bool = False
    #: Page size in points, as displayed (rotation applied).
    width: float = 612.0
    height: float = 792.0
    #: False when everything on the page is black, white or gray (raster renders in gray).
    colour: bool = True

    def raw_ranges(self, start: int, end: int) -> list[tuple[int, int]]:
        """Raw character ranges covering body offsets ``[start, end)``."""
        out = []
        for bstart, raw, length in self.pieces:
            lo = max(start, bstart)
            hi = min(end, bstart + length)
            if lo < hi:
                out.append((raw + lo - bstart, raw + hi - bstart))
        return out


@dataclass(slots=True)
class _TextObj:
    z: int
    box: Box
    kind: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    per_char: bool = False


@dataclass(slots=True)
class _Cover:
    z: int
    box: Box
    kind: str  # "box", "image", "annotation"
    colour: tuple[int, int, int] | None
    label: str = ""
    subtype: str = ""


def _addr(handle: Any) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _bounds(obj: Any) -> Box:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return (0.0, 0.0, 0.0, 0.0)
    return (left.value, bottom.value, right.value, top.value)


def _matrix(obj: Any) -> tuple[float, float, float, float, float, float]:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(m1: tuple[float, ...], m2: tuple[float, ...]) -> tuple[float, ...]:
    """``m1`` then ``m2`` (PDF row-vector convention)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def _transform(box: Box, m: tuple[float, ...]) -> Box:
    a, b, c, d, e, f = m
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[0], box[3]), (box[2], box[1]), (box[2], box[3])):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return (min(xs), min(ys), max(xs), max(ys))


def _colour(getter: Any, obj: Any) -> tuple[int, int, int, int]:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, r, g, b, a):
        return (0, 0, 0, 255)
    return (r.value, g.value, b.value, a.value)


def _utf16(fn: Any, *args: Any) -> str:
    """Call a PDFium ``(..., buffer, buflen, &out_len)`` getter returning UTF-16LE."""
    out = ctypes.c_ulong()
    buf = ctypes.create_string_buffer(512)
    ok = fn(*args, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)), 512, ctypes.byref(out))
    if not ok:
        return ""
    return buf.raw[: min(out.value, 512)].decode("utf-16-le", "replace").rstrip("\x00")


def _layer_names(obj: Any) -> list[str]:
    """Names of the optional-content groups (``/OC`` marks) an object belongs to."""
    names = []
    for i in range(pdfium_c.FPDFPageObj_CountMarks(obj)):
        mark = pdfium_c.FPDFPageObj_GetMark(obj, i)
        if not mark or _utf16(pdfium_c.FPDFPageObjMark_GetName, mark) != "OC":
            continue
        name = _utf16(pdfium_c.FPDFPageObjMark_GetParamStringValue, mark, b"Name")
        if name:
            names.append(name)
    return names


def _gray(rgba: tuple[int, int, int, int]) -> bool:
    return rgba[0] == rgba[1] == rgba[2]


def _image_in_colour(obj: Any, page: pdfium.PdfPage) -> bool:
    meta = pdfium_c.FPDF_IMAGEOBJ_METADATA()
    if not pdfium_c.FPDFImageObj_GetImageMetadata(obj, page.raw, meta):
        return True
    if meta.bits_per_pixel == 1:
        return False
    return meta.colorspace not in (pdfium_c.FPDF_COLORSPACE_DEVICEGRAY,
                                   pdfium_c.FPDF_COLORSPACE_CALGRAY)


def _inside(inner: Box, outer: Box, tol: float = 0.0) -> bool:
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol
            and inner[2] <= outer[2] + tol and inner[3] <= outer[3] + tol)


def _intersects(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _center(box: Box) -> tuple[float, float]:
    return ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)


def _contains(box: Box, point: tuple[float, float]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def _area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _colour_name(rgb: tuple[int, int, int] | None) -> str:
    """How a cover is named in messages, with its article."""
    if rgb is None:
        return "an image"
    if max(rgb) < 64:
        return "a black box"
    if min(rgb) > 235:
        return "a white box"
    return "a filled box (#{:02x}{:02x}{:02x})".format(*rgb)


def _hides(rgb: tuple[int, int, int]) -> bool:
    """A filled box of this colour drawn over text is a redaction or a white-out.

    Light colours (yellow, pale green...) are left out: highlighters draw those
    over text with a blend mode that keeps the text visible.
    """
    return max(rgb) < 100 or min(rgb) > 235


def _page_box(page: pdfium.PdfPage) -> Box:
    ml, mb, mr, mt = page.get_mediabox()
    cl, cb, cr, ct = page.get_cropbox()
    return (max(ml, cl), max(mb, cb), min(mr, cr), min(mt, ct))


def _walk_objects(page: pdfium.PdfPage) -> Iterable[tuple[int, Any, tuple[float, ...], list[Any]]]:
    """Every page object as ``(top-level z, handle, form matrix, enclosing forms)``."""
    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    seen = 0
    stack: list[tuple[int, Any, tuple[float, ...], list[Any], int]] = []
    count = pdfium_c.FPDFPage_CountObjects(page.raw)
    for z in range(min(count, _MAX_OBJECTS)):
        stack.append((z, pdfium_c.FPDFPage_GetObject(page.raw, z), identity, [], 0))
        while stack:
            top, obj, mat, forms, depth = stack.pop()
            seen += 1
            if seen > _MAX_OBJECTS:
                return
            yield top, obj, mat, forms
            if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_FORM and \
                    depth < _MAX_FORM_DEPTH:
                inner = _compose(_matrix(obj), mat)
                n = pdfium_c.FPDFFormObj_CountObjects(obj)
                for j in reversed(range(max(0, n))):
                    child = pdfium_c.FPDFFormObj_GetObject(obj, j)
                    if child:
                        stack.append((top, child, inner, [*forms, obj], depth + 1))


def analyse_page(
    page: pdfium.PdfPage,
    textpage: pdfium.PdfTextPage,
    number: int,
    off_layers: frozenset[str] = frozenset(),
    redactions: Iterable[tuple[Box, str, str]] = (),
) -> PageText:
    """Split one page's text into body and hidden runs (see the module docstring)."""
    page_box = _page_box(page)
    page_area = _area(page_box) or 1.0
    texts: dict[int, _TextObj] = {}
    covers: list[_Cover] = []
    big_images: list[Box] = []
    images = 0
    colourful = False
    text_handles: list[tuple[int, Any, tuple[float, ...], list[Any]]] = []
    for z, obj, mat, forms in _walk_objects(page):
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            text_handles.append((z, obj, mat, forms))
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images += 1
            colourful = colourful or _image_in_colour(obj, page)
            box = _transform(_bounds(obj), mat) if forms else _bounds(obj)
            covers.append(_Cover(z, box, "image", None))
            if _area(box) >= SCAN_SHARE * page_area:
                big_images.append(box)
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
            pdfium_c.FPDFPath_GetDrawMode(obj, fill_mode, stroke)
            r, g, b, a = _colour(pdfium_c.FPDFPageObj_GetFillColor, obj)
            if not colourful:
                colourful = (fill_mode.value != 0 and not r == g == b) or (
                    bool(stroke.value) and not _gray(_colour(pdfium_c.FPDFPageObj_GetStrokeColor,
                                                             obj)))
            if forms or fill_mode.value == 0 or pdfium_c.FPDFPath_CountSegments(obj) > 12:
                continue
            if a >= 200:
                covers.append(_Cover(z, _bounds(obj), "box", (r, g, b)))
        elif kind == pdfium_c.FPDF_PAGEOBJ_SHADING:
            colourful = True
    top_z = 1 << 30
    for box, label, subtype in redactions:
        covers.append(_Cover(top_z, box, "annotation", None, label, subtype))

    modes = [pdfium_c.FPDFTextObj_GetTextRenderMode(h[1]) for h in text_handles]
    n_invisible = sum(1 for m in modes if m in (3, 7))
    # a scan's OCR layer: invisible text over a page-sized image, and (almost) no
    # visible text beside it; invisible text next to plenty of visible text is a trace
    scan = bool(big_images) and n_invisible > 3 * (len(modes) - n_invisible)
    for z, obj, mat, forms in text_handles:
        box = _bounds(obj)
        if forms:
            box = _transform(box, mat)
        info = _TextObj(z, box)
        texts[_addr(obj)] = info
        mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj)
        colour = _colour(pdfium_c.FPDFPageObj_GetFillColor, obj)
        if mode in (1, 5):
            colour = _colour(pdfium_c.FPDFPageObj_GetStrokeColor, obj)
        colourful = colourful or (mode not in (3, 7) and not _gray(colour))
        size = ctypes.c_float(0.0)
        pdfium_c.FPDFTextObj_GetFontSize(obj, size)
        scale = matrix_scale(*_matrix(obj)[:4])
        if forms:
            scale *= matrix_scale(*mat[:4])
        eff_size = abs(size.value) * scale
        layers = [n for o in (*forms, obj) for n in _layer_names(o)] if off_layers else []
        center = _center(box)
        if mode in (3, 7):
            if scan and any(_contains(b, center) for b in big_images):
                continue  # the OCR layer of a scan: the body
            info.kind, info.detail = "render-mode-3", {"render_mode": mode}
        elif colour[3] == 0:
            info.kind = "transparent"
        elif any(n in off_layers for n in layers):
            info.kind = "layer"
            info.detail = {"layer": next(n for n in layers if n in off_layers)}
        elif 0 < eff_size < TINY_POINTS:
            info.kind, info.detail = "tiny", {"size_pt": round(eff_size, 2)}
        elif not _intersects(box, page_box) and _area(box) > 0:
            info.kind = "offpage"
        else:
            under = [c for c in covers if c.z < z and _contains(c.box, center)]
            bg = under[-1].colour if under else (255, 255, 255)
            if under and under[-1].kind == "image":
                bg = None
            if bg is not None and max(abs(colour[i] - bg[i]) for i in range(3)) <= SAME_COLOUR:
                white = min(bg) > 235
                info.kind = "white" if white else "same-colour"
                info.detail = {"colour": "#{:02x}{:02x}{:02x}".format(*colour[:3])}
                if not white:
                    info.detail["cover"] = _colour_name(bg)
        if info.kind is None:
            later = any(c.z > z and _intersects(c.box, box) for c in covers)
            partly_off = not _inside(box, page_box, 1.0)
            info.per_char = later or partly_off

    n = textpage.count_chars()
    raw = _page_chars(textpage, n)
    suspect = any(t.kind or t.per_char for t in texts.values())
    if not suspect:
        cls: list[str | None] | None = None
        details: dict[int, dict[str, Any]] = {}
    else:
        cls, details = _classify_chars(textpage, n, texts, covers, page_box)
    body, pieces, soft = _build_body(textpage, raw, cls)
    hidden = _hidden_runs(raw, cls, details) if cls is not None else []
    width, height = page.get_size()
    return PageText(number, raw, body, pieces, soft, hidden, n, images,
                    ocr_layer=scan,
                    width=width, height=height, colour=colourful)


def _page_chars(textpage: pdfium.PdfTextPage, n: int) -> str:
    """The page's characters, exactly one per PDFium character index."""
    if n <= 0:
        return ""
    text: str = textpage.get_text_range(0, n)
    if len(text) == n and "\ufffe" not in text:
        return text.replace("\x02", "-")
    cps = [pdfium_c.FPDFText_GetUnicode(textpage.raw, i) for i in range(n)]
    out = []
    i = 0
    while i < n:
        cp = cps[i]
        if 0xD800 <= cp <= 0xDBFF and i + 1 < n and 0xDC00 <= cps[i + 1] <= 0xDFFF:
            out.append(chr(0x10000 + ((cp - 0xD800) << 10) + (cps[i + 1] - 0xDC00)))
            out.append(PAIR_TAIL)
            i += 2
            continue
        if cp == 2:
            out.append("-")
        elif cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF or cp in (0xFFFE, 0xFFFF):
            out.append("\ufffd")
        else:
            out.append(chr(cp))
        i += 1
    return "".join(out)


def _char_box(textpage: pdfium.PdfTextPage, i: int) -> Box:
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    pdfium_c.FPDFText_GetCharBox(textpage.raw, i, left, right, bottom, top)
    return (left.value, bottom.value, right.value, top.value)


def _classify_chars(
    textpage: pdfium.PdfTextPage, n: int, texts: dict[int, _TextObj], covers: list[_Cover],
    page_box: Box,
) -> tuple[list[str | None], dict[int, dict[str, Any]]]:
    """Hidden kind of each character (None: visible), and details by char index."""
    cls: list[str | None] = [None] * n
    details: dict[int, dict[str, Any]] = {}
    generated: list[int] = []
    for i in range(n):
        handle = pdfium_c.FPDFText_GetTextObject(textpage.raw, i)
        info = texts.get(_addr(handle)) if handle else None
        if info is None:
            generated.append(i)
            continue
        if info.kind:
            cls[i] = info.kind
            details[i] = info.detail
            continue
        if not info.per_char:
            continue
        box = _char_box(textpage, i)
        if _area(box) == 0:
            continue  # a space: takes its neighbours' class below
        center = _center(box)
        if not _contains(page_box, center):
            cls[i] = "offpage"
            continue
        for cover in reversed(covers):
            if cover.z <= info.z:
                continue
            if cover.kind == "annotation":
                hit = _contains(cover.box, center)  # drawn by hand over the text
            else:
                hit = _inside(box, cover.box, 1.5) and (cover.colour is None
                                                        or _hides(cover.colour))
            if hit:
                cls[i] = "covered"
                if cover.kind == "annotation":
                    details[i] = {"cover": cover.label, "annotation": cover.subtype}
                else:
                    details[i] = {"cover": _colour_name(cover.colour) if cover.kind == "box"
                                  else "an image"}
                break
    # spaces and generated characters between two hidden characters of one kind
    # belong to the run
    for i in range(n):
        if cls[i] is None and i > 0 and cls[i - 1]:
            j = i
            while j < n and cls[j] is None and (j in generated or _is_blank_box(textpage, j)):
                j += 1
            if j < n and j > i and cls[j] == cls[i - 1]:
                for k in range(i, j):
                    cls[k] = cls[i - 1]
    return cls, details


def _is_blank_box(textpage: pdfium.PdfTextPage, i: int) -> bool:
    return _area(_char_box(textpage, i)) == 0


_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(slots=True)
class _Line:
    pieces: list[tuple[int, int]]  # raw [start, end)
    text: str
    left: float = 0.0
    right: float = 0.0
    bottom: float = 0.0
    top: float = 0.0


def _build_body(
    textpage: pdfium.PdfTextPage, raw: str, cls: list[str | None] | None
) -> tuple[str, list[tuple[int, int, int]], list[int]]:
    """Body text of a page: visible lines, paragraphs split by vertical gaps."""
    lines: list[_Line] = []
    pos = 0
    bounds = [(m.start(), m.end()) for m in _BREAK.finditer(raw)]
    bounds.append((len(raw), len(raw)))
    for end, nxt in bounds:
        pieces = _visible_pieces(raw, pos, end, cls)
        pos = nxt
        if not pieces:
            continue
        text = "".join(raw[a:b] for a, b in pieces)
        lines.append(_Line(pieces, text))
    if not lines:
        return "", [], []
    for ln in lines:
        first = ln.pieces[0][0]
        last = ln.pieces[-1][1] - 1
        rect = pdfium_c.FS_RECTF()
        if pdfium_c.FPDFText_GetLooseCharBox(textpage.raw, first, rect):
            ln.left, ln.top, ln.bottom = rect.left, rect.top, rect.bottom
        ln.right = _char_box(textpage, last)[2]
    breaks = _paragraph_breaks(lines)
    out: list[str] = []
    pieces_out: list[tuple[int, int, int]] = []
    soft: list[int] = []
    length = 0
    for idx, ln in enumerate(lines):
        if idx:
            sep = "\n\n" if breaks[idx] == "para" else "\n"
            if breaks[idx] == "soft":
                soft.append(length)
            out.append(sep)
            length += len(sep)
        for a, b in ln.pieces:
            pieces_out.append((length, a, b - a))
            out.append(raw[a:b])
            length += b - a
    return "".join(out), pieces_out, soft


def _visible_pieces(raw: str, start: int, end: int,
                    cls: list[str | None] | None) -> list[tuple[int, int]]:
    """Maximal runs of visible characters in ``raw[start:end]``, trimmed of blanks."""
    if cls is None and PAIR_TAIL not in raw[start:end]:
        spans = [(start, end)]
    else:
        def visible(k: int) -> bool:
            return (cls is None or cls[k] is None) and raw[k] != PAIR_TAIL

        spans = []
        i = start
        while i < end:
            while i < end and not visible(i):
                i += 1
            j = i
            while j < end and visible(j):
                j += 1
            if j > i:
                spans.append((i, j))
            i = j
    # trim the line's leading and trailing blanks; drop blank-only spans
    spans = [s for s in spans if raw[s[0]:s[1]].strip()]
    if not spans:
        return []
    a, b = spans[0]
    while a < b and raw[a].isspace():
        a += 1
    spans[0] = (a, b)
    a, b = spans[-1]
    while b > a and raw[b - 1].isspace():
        b -= 1
    spans[-1] = (a, b)
    return spans


def _paragraph_breaks(lines: list[_Line]) -> list[str]:
    """For each line, how it joins the previous one: "para", "hard" or "soft"."""
    heights = [ln.top - ln.bottom for ln in lines if ln.top > ln.bottom]
    height = statistics.median(heights) if heights else 10.0
    gaps = [a.bottom - b.bottom for a, b in itertools.pairwise(lines)
            if 0.3 * height < a.bottom - b.bottom < 2.5 * height]
    pitch = statistics.median(gaps) if gaps else 1.2 * height
    rights = sorted(ln.right for ln in lines if len(ln.text) > 20)
    right = rights[int(len(rights) * 0.9)] if rights else max(ln.right for ln in lines)
    lefts = [ln.left for ln in lines]
    left = min(lefts)
    width = max(right - left, 1.0)
    out = ["para"]
    for prev, cur in itertools.pairwise(lines):
        drop = prev.bottom - cur.bottom
        if drop > 1.4 * pitch or drop < 0.3 * height or _LIST_MARKER.match(cur.text):
            out.append("para")
        elif prev.right >= right - max(0.12 * width, 2 * height) and cur.left <= left + height:
            out.append("soft")
        else:
            out.append("hard")
    return out


def _hidden_runs(raw: str, cls: list[str | None],
                 details: dict[int, dict[str, Any]]) -> list[HiddenRun]:
    runs: list[HiddenRun] = []
    i, n = 0, len(raw)
    while i < n:
        kind = cls[i]
        if kind is None:
            i += 1
            continue
        j = i
        while j < n and cls[j] == kind:
            j += 1
        detail = details.get(i, {})
        prev = runs[-1] if runs else None
        gap = raw[prev.chars[-1][1]:i] if prev else ""
        if prev and prev.kind == kind and prev.detail == detail and not gap.strip():
            prev.chars.append((i, j))
        else:
            runs.append(HiddenRun(kind, "", [(i, j)], dict(detail)))
        i = j
    for run in runs:
        run.text = " ".join(" ".join(raw[a:b].replace(PAIR_TAIL, "").split())
                            for a, b in run.chars).strip()
    return [r for r in runs if r.text]
