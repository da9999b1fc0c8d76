"""Images and scans: JPEG, PNG, TIFF, WebP, GIF, BMP, Netpbm, JPEG 2000, AVIF, HEIC (pi-heif).

Reading gives a Document whose text is

* the page text as Tesseract reads it (part ``ocr``, one page per frame), with
  every word's box kept in ``doc.meta["ocr_words"]``, so the text detectors run
  on scans and photos of pages; and
* every metadata value (EXIF with its Exif, GPS and IFD1 directories and maker
  note, XMP, IPTC, Photoshop resources, ICC profile, comments, text chunks,
  trailers...) as its own segment (part ``metadata``), with a container finding
  for each value that can identify, quoting it.

Embedded thumbnails, maker notes, hidden trailers and printer tracking dots
are container findings without a text span.

Cleaning re-encodes the pixels only: a new image is built from the decoded
pixel array (same size, same orientation as stored, same mode where the output
format allows), so nothing of the original container survives.  Removed OCR
spans are painted over with black boxes; printer tracking dots are suppressed
when they were found.  The residue view is the output's container structure
(its pixel data left out) and every metadata block, decompressed; the
independent text is a second OCR pass with another page-segmentation mode.

Pillow's decompression-bomb limit is set from ``Limits.max_pixels`` and the
declared size is checked before any pixel is decoded.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import struct
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..document import Action, Document, DocumentBuilder, Finding, Location, Severity
from ..errors import InputError, LeakdeskError, LimitExceeded, UnsupportedFormat
from ..fsutil import private_tempdir
from . import _imagemeta as im
from .base import CleanResult, FormatAdapter, Limits, ReadOptions

if TYPE_CHECKING:
    from PIL import Image as PILImage

    from ..sanitize.plan import CleanPlan

DETECTOR = "image-metadata"

#: Pillow plugin name for each kind leakdesk reads (Image.open is restricted to it,
#: so Pillow never hands a file to a plugin leakdesk did not choose).
_PIL_FORMATS = {
    "jpeg": "JPEG", "png": "PNG", "gif": "GIF", "tiff": "TIFF", "webp": "WEBP",
    "bmp": "BMP", "avif": "AVIF", "heic": "HEIF", "pnm": "PPM",
    "jp2": "JPEG2000",
}
#: Output kind for each input kind (HEIC cannot be written here: it becomes JPEG).
_OUT_KIND = {"jpeg": "jpeg", "png": "png", "gif": "gif", "tiff": "tiff", "webp": "webp",
             "bmp": "bmp", "avif": "png", "heic": "jpeg", "pnm": "pnm",
             "jp2": "png"}
#: Longest side of the picture handed to Tesseract (larger photos are scaled down).
OCR_MAX_SIDE = 4200
#: Words Tesseract is less sure of than this are left out of the text.
OCR_MIN_CONF = 30.0

#: PBM, PGM and PPM (binary and plain): magic, then width and height, comments allowed.
_NETPBM = re.compile(rb"\AP[1-6](?:\s|#[^\n]*\n)+\d+(?:\s|#[^\n]*\n)+\d+\s")

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


def sniff_kind(head: bytes) -> str | None:
    """The image kind of ``head`` by its magic bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:2] == b"BM" and len(head) >= 18 and head[6:10] == b"\x00\x00\x00\x00":
        dib = struct.unpack("<I", head[14:18])[0]
        if dib in (12, 40, 52, 56, 64, 108, 124):
            return "bmp"
    if _NETPBM.match(head[:512]):
        return "pnm"
    if head.startswith((b"\x00\x00\x00\x0cjP  \r\n\x87\n", b"\xff\x4f\xff\x51")):
        return "jp2"
    if head[4:8] == b"ftyp" and len(head) >= 16:
        size = struct.unpack(">I", head[:4])[0]
        box = head[8 : max(16, min(size, 256))]
        brands = {box[i : i + 4] for i in range(0, len(box) - 3, 4)}
        if b"avif" in brands or b"avis" in brands:
            return "avif"
        if brands & _HEIF_BRANDS:
            return "heic"
    return None


# Pillow reports some refusals through the logging module (TiffImagePlugin logs
# "More samples per pixel than can be decoded" at ERROR before it gives up on a
# file).  With no handler configured, logging's last-resort handler would print
# that on stderr next to leakdesk's one-line error; a NullHandler on Pillow's
# logger keeps it off the terminal, while an application that configures logging
# (the review server) still receives the records through propagation.
logging.getLogger("PIL").addHandler(logging.NullHandler())

_QUIET_LOCK = threading.Lock()
_quiet_depth = 0
_quiet_saved_fd = -1


@contextlib.contextmanager
def quiet_c_stderr() -> Iterator[None]:
    """Keep C libraries under Pillow (libtiff above all) off the terminal.

    libtiff's default error handler, which Pillow leaves in place, writes with C
    stdio straight to file descriptor 2 ("ZIPDecode: Decoding error at scanline 0,
    invalid block type."), which would break the one-line error contract of the
    CLI: the Python exception that follows says what went wrong.  File
    descriptor 2 points at /dev/null while the block runs; nested and concurrent
    uses share one redirection (reference counted), so the last one out restores
    it.  The redirection is process-wide: in a threaded process (the review
    server) other threads' writes to fd 2 are dropped while an image is decoded.
    """
    global _quiet_depth, _quiet_saved_fd
    with _QUIET_LOCK:
        if _quiet_depth == 0:
            try:
                sys.stderr.flush()
                saved = os.dup(2)
                devnull = os.open(os.devnull, os.O_WRONLY)
            except OSError:  # no fd 2 to protect (or none to spare): run as is
                saved = -1
            else:
                try:
                    os.dup2(devnull, 2)
                finally:
                    os.close(devnull)
            _quiet_saved_fd = saved
        _quiet_depth += 1
    try:
        yield
    finally:
        with _QUIET_LOCK:
            _quiet_depth -= 1
            if _quiet_depth == 0 and _quiet_saved_fd >= 0:
                with contextlib.suppress(OSError, ValueError):
                    sys.stderr.flush()
                os.dup2(_quiet_saved_fd, 2)
                os.close(_quiet_saved_fd)
                _quiet_saved_fd = -1


@contextlib.contextmanager
def pillow_guard(limits: Limits, path: Path) -> Iterator[None]:
    """Pillow within leakdesk's limits: bombs and corrupt data become one-line errors,
    and the C decoders' own messages stay off the terminal."""
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    with warnings.catch_warnings(), quiet_c_stderr():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        warnings.simplefilter("ignore", UserWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise LimitExceeded(
                f"image is larger than the {limits.max_pixels:,}-pixel limit "
                "(a likely decompression bomb); not decoded", path) from None
        except UnidentifiedImageError:
            raise InputError("not a readable image (corrupt or truncated header)", path) from None
        except MemoryError:
            raise LimitExceeded("ran out of memory while decoding the image", path) from None
        except LeakdeskError:
            raise
        except (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError,
                KeyError, TypeError, ZeroDivisionError) as exc:
            msg = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
            if "truncated" in msg.lower():
                raise InputError(f"truncated image ({msg})", path) from None
            raise InputError(f"corrupt image data ({msg})", path) from None


def _register_heif() -> bool:
    try:
        import pi_heif
    except ImportError:
        return False
    pi_heif.register_heif_opener()
    return True


def open_image(data: bytes, kind: str, path: Path, limits: Limits) -> PILImage.Image:
    """Open ``data`` with the one Pillow plugin for ``kind``; check its declared size."""
    from PIL import Image

    if kind == "heic" and not _register_heif():
        raise UnsupportedFormat(
            "HEIC image: install the optional pi-heif package to read it", path)
    img = Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[kind]])
    check_size(img.size, limits, path)
    return img


def check_size(size: tuple[int, int], limits: Limits, path: Path) -> None:
    w, h = size
    if w <= 0 or h <= 0:
        raise InputError("image declares an empty size", path)
    if w * h > limits.max_pixels:
        raise LimitExceeded(
            f"image declares {w:,} x {h:,} pixels, over the {limits.max_pixels:,}-pixel limit "
            "(a likely decompression bomb); not decoded", path)


def frame_count(img: PILImage.Image, limits: Limits, path: Path) -> int:
    n = int(getattr(img, "n_frames", 1) or 1)
    if n > limits.max_pages:
        raise LimitExceeded(f"image has {n:,} frames, over the {limits.max_pages:,} limit", path)
    return n


def walk_container(data: bytes, kind: str, report: im.MetaReport) -> None:
    """Container-level metadata (segments, chunks, trailers), before Pillow."""
    if kind == "jpeg":
        end = im.walk_jpeg(data, report)
        im.trailer(data, end, report, "JPEG")
    elif kind == "png":
        end = im.walk_png(data, report)
        im.trailer(data, end, report, "PNG")
    elif kind == "webp":
        end = im.walk_webp(data, report)
        im.trailer(data, end, report, "WebP")
    elif kind == "pnm":
        im.walk_netpbm(data, report)
    elif kind == "jp2":
        end = im.walk_jp2(data, report)
        im.trailer(data, end, report, "JPEG 2000")


def pillow_metadata(img: PILImage.Image, kind: str, report: im.MetaReport, frame: int) -> None:
    """Metadata Pillow exposes (TIFF tags, ICC, GIF comments, HEIF/AVIF EXIF/XMP)."""
    from PIL import IptcImagePlugin

    info = img.info
    if frame == 0:
        icc = info.get("icc_profile")
        if isinstance(icc, bytes) and icc:
            im.read_icc(icc, report)
    label = "EXIF" if frame == 0 else f"EXIF (frame {frame + 1})"
    if kind == "tiff":
        tags = getattr(img, "tag_v2", {})
        try:
            if frame == 0:
                im.read_exif_object(img.getexif(), report, label, None)
            else:
                im.read_tags(dict(tags), report, f"TIFF (frame {frame + 1})")
        except Exception as exc:  # untrusted tags: never a crash
            im._unparsable(report, "TIFF tags", b"", exc)
        xmp = tags.get(700)
        if isinstance(xmp, bytes | str) and xmp:
            im.read_xmp(xmp.encode() if isinstance(xmp, str) else xmp, report)
        ps = tags.get(34377)
        if isinstance(ps, bytes) and ps:
            im.read_photoshop(ps, report)
        try:
            iptc = IptcImagePlugin.getiptcinfo(img)  # type: ignore[arg-type]
        except Exception:
            iptc = None
        if iptc:
            im.read_iptc(iptc, report)
    elif kind in ("heic", "avif") and frame == 0:
        exif_raw = info.get("exif")
        if isinstance(exif_raw, bytes) and exif_raw:
            start = exif_raw.find(b"II*\x00")
            start = exif_raw.find(b"MM\x00*") if start < 0 else start
            im.read_exif(exif_raw[start:] if start >= 0 else exif_raw, report)
        xmp = info.get("xmp")
        if isinstance(xmp, bytes) and xmp:
            im.read_xmp(xmp, report)
    elif kind == "gif":
        comment = info.get("comment")
        if isinstance(comment, bytes) and comment:
            text = im.decode_text_bytes(comment) or " ".join(im.printable_strings(comment))
            report.add(im.MetaItem("comment", "GIF comment", text, "gif:comment",
                                   Severity.MEDIUM, "a free-text comment in the file"))


#: One OCR word: text, box (left, top, right, bottom), block, paragraph, line.
OcrWord = tuple[str, tuple[int, int, int, int], int, int, int]


def ocr_image(frame: PILImage.Image, dpi: float | None, tmp: Path, path: Path, *,
              psm: int | None = None, timeout: float = 180.0) -> list[OcrWord] | None:
    """OCR one frame; words with boxes in the frame's pixel coordinates, or None
    when Tesseract is not installed."""
    from PIL import Image

    from .._exec import tesseract

    if not tesseract.available():
        return None
    work = frame if frame.mode in ("L", "RGB") else _rgb_for_analysis(frame).convert("RGB")
    scale = 1.0
    longest = max(work.size)
    if longest > OCR_MAX_SIDE:
        scale = OCR_MAX_SIDE / longest
        work = work.resize((max(1, round(work.width * scale)), max(1, round(work.height * scale))),
                           Image.Resampling.LANCZOS)
    png = tmp / "ocr.png"
    work.save(png, "PNG")
    use_dpi = None
    if dpi and 70 <= dpi * scale <= 2400:
        use_dpi = round(dpi * scale)
    try:
        words = tesseract.ocr_words(png, psm=psm, dpi=use_dpi, timeout=timeout, doc_path=path)
    finally:
        png.unlink(missing_ok=True)
    out: list[OcrWord] = []
    for w in words:
        if w.conf < OCR_MIN_CONF:
            continue
        left, top, right, bottom = w.box
        if scale != 1.0:
            left, top = int(left / scale), int(top / scale)
            right, bottom = int(right / scale + 0.999), int(bottom / scale + 0.999)
        out.append((w.text, (left, top, right, bottom), w.block, w.par, w.line))
    return out


def frame_dpi(img: PILImage.Image) -> float | None:
    dpi = img.info.get("dpi")
    try:
        if isinstance(dpi, tuple) and dpi and float(dpi[0]) > 1:
            return float(round(float(dpi[0])))
    except (TypeError, ValueError):
        return None
    return None


def _rgb_for_analysis(frame: PILImage.Image) -> PILImage.Image:
    if frame.mode in ("RGB", "L", "1"):
        return frame
    if frame.mode in ("RGBA", "LA", "P", "PA"):
        return frame.convert("RGBA").convert("RGB")
    try:
        return frame.convert("RGB")
    except (ValueError, OSError):
        return frame


class Adapter(FormatAdapter):
    name = "image"
    mimetypes = ("image/jpeg", "image/png", "image/tiff", "image/webp", "image/gif",
                 "image/bmp", "image/avif", "image/heic", "image/x-portable-anymap",
                 "image/jp2")
    #: Empty: the clean copy keeps the input's own kind (a JPEG stays a JPEG), so a
    #: folder output is named after the input's extension.
    output_extension = ""

    @classmethod
    def sniff(cls, head: bytes, path: Path) -> bool:
        return sniff_kind(head) is not None

    # -- read -----------------------------------------------------------------

    def read(self, path: Path, options: ReadOptions) -> Document:
        path = Path(path)
        data = path.read_bytes()
        kind = sniff_kind(data[:4096])
        if kind is None:
            raise UnsupportedFormat("not an image leakdesk knows", path)
        limits = options.limits
        report = im.MetaReport()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # malformed tags are reported, not warned
                walk_container(data, kind, report)
        except (struct.error, IndexError, ValueError) as exc:
            im._unparsable(report, f"{kind.upper()} structure", b"", exc)
        pages: list[dict[str, Any]] = []
        ocr_state = "off" if not options.ocr else "not run"
        orientation = 1
        with pillow_guard(limits, path), private_tempdir() as tmp:
            img = open_image(data, kind, path, limits)
            with img:
                n = frame_count(img, limits, path)
                try:
                    orientation = int(img.getexif().get(0x0112, 1) or 1)
                except Exception:
                    orientation = 1
                for i in range(n):
                    if i:
                        img.seek(i)
                        check_size(img.size, limits, path)
                    if kind != "jpeg" or i == 0:
                        pillow_metadata(img, kind, report, i)
                    img.load()
                    frame = _rgb_for_analysis(img)
                    dpi = frame_dpi(img)
                    page: dict[str, Any] = {"size": img.size, "mode": img.mode, "dpi": dpi}
                    from . import _printer_dots

                    try:
                        grid = _printer_dots.find_dots(frame, dpi)
                    except (ValueError, MemoryError):
                        grid = None
                    page["dots"] = grid
                    if options.ocr:
                        words = ocr_image(frame, dpi, tmp, path,
                                          timeout=min(limits.timeout_seconds, 300.0))
                        ocr_state = "tesseract not installed" if words is None else "tesseract"
                        page["words"] = words or []
                    pages.append(page)
                _width, _height = img.size if n == 1 else pages[0]["size"]
        return self._build(path, kind, report, pages, ocr_state, orientation, options)

    def _build(self, path: Path, kind: str, report: im.MetaReport, pages: list[dict[str, Any]],
               ocr_state: str, orientation: int, options: ReadOptions) -> Document:
        from .._exec.tesseract import Word, words_to_text

        b = DocumentBuilder()
        ocr_words: list[tuple[int, int, int, tuple[int, int, int, int]]] = []
        for pno, page in enumerate(pages, 1):
            raw = page.get("words") or []
            if not raw:
                continue
            ws = [Word(t, bx[0], bx[1], bx[2] - bx[0], bx[3] - bx[1], 100.0, blk, par, ln)
                  for t, bx, blk, par, ln in raw]
            text, spans = words_to_text(ws)
            start, _end = b.add(text, part="ocr", page=pno, source=f"ocr:page {pno}")
            for sp in spans:
                ocr_words.append((start + sp.start, start + sp.end, pno, sp.box))
        item_spans: list[tuple[int, int, im.MetaItem]] = []
        for item in report.items:
            s, e = b.add(item.value, part="metadata", source=item.source)
            item_spans.append((s, e, item))
        doc = b.build(format=kind, path=path)
        if len(doc.text) > options.limits.max_text_chars:
            raise LimitExceeded("image metadata and text exceed the text limit", path)
        findings: list[Finding] = []
        grouped: dict[str, list[str]] = {}
        for s, e, item in item_spans:
            if item.severity is None:
                grouped.setdefault(item.group, []).append(item.name)
                continue
            value = doc.text[s:e]
            shown = value if len(value) <= 200 else value[:200] + "…"
            msg = f"{item.group} {item.name}: {shown!r}"
            if item.why:
                msg += f" — {item.why}"
            ev = {"group": item.group, "field": item.name, "value": value[:500], **item.evidence}
            findings.append(doc.finding(DETECTOR, "metadata", item.severity, msg, s, e,
                                        action=Action.REMOVE, evidence=ev))
        for group, names in grouped.items():
            uniq = sorted(set(names))
            findings.append(Finding(
                DETECTOR, "metadata", Severity.LOW,
                f"{len(names)} further {group} values ({', '.join(uniq[:12])}"
                f"{', ...' if len(uniq) > 12 else ''}): technical settings that, together, "
                "can fingerprint a device or the software used",
                Location("metadata"), "", {"group": group, "fields": uniq[:100]}, Action.REMOVE))
        for extra in report.extras:
            category = "structure" if extra.kind == "parse-error" else "metadata"
            findings.append(Finding(
                DETECTOR, category, extra.severity, extra.message, Location("metadata"), "",
                {"kind": extra.kind, **extra.evidence}, Action.REMOVE))
        for pno, page in enumerate(pages, 1):
            grid = page.get("dots")
            if grid is None:
                continue
            mm = grid.period_mm
            spacing = (f"{grid.period_px[0]:.1f} px" + (f" ({mm[0]:.2f} mm)" if mm else ""))
            findings.append(Finding(
                "printer-dots", "image", Severity.HIGH,
                "Printer tracking dots: a grid of faint yellow dots (Machine Identification "
                "Code) that colour laser printers and copiers print on every page; it encodes "
                "the printer's serial number and often the date and time of printing. "
                f"{grid.dots:,} dots in {grid.tiles} of {grid.tiles_examined} sampled areas, "
                f"lattice offset {spacing}.",
                Location("ocr", pno), "", grid.to_json(), Action.REMOVE))
        if options.ocr and ocr_state == "tesseract not installed":
            findings.append(Finding(
                DETECTOR, "image", Severity.LOW,
                "The picture's text was not read: tesseract (Debian package tesseract-ocr) "
                "is not installed, so markings or names visible in the image were not checked.",
                Location("ocr"), "", {"ocr": ocr_state}, Action.REVIEW))
        doc.container_findings.extend(findings)
        first: dict[str, Any] = pages[0] if pages else {"size": (0, 0), "mode": "", "dpi": None}
        doc.meta.update({
            "image_format": kind,
            "width": first["size"][0],
            "height": first["size"][1],
            "mode": first["mode"],
            "frames": len(pages),
            "ocr": ocr_state,
            "ocr_words": ocr_words,
            "printer_dots": [p["dots"].to_json() if p.get("dots") else None for p in pages],
            "orientation": orientation,
            "pages": len(pages),
        })
        return doc

    # -- clean ----------------------------------------------------------------

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:

        from . import _printer_dots

        if doc.path is None:
            raise InputError("the document has no source file to clean")
        path = Path(doc.path)
        data = path.read_bytes()
        kind = sniff_kind(data[:4096])
        if kind is None:
            raise UnsupportedFormat("not an image leakdesk knows", path)
        limits = options.limits
        out_kind = _OUT_KIND[kind]
        dots_mode = str(plan.options.get("printer_dots", "grey")).lower()
        if dots_mode not in ("grey", "gray", "yellow", "off", "always-grey", "always-yellow"):
            dots_mode = "grey"
        actions: list[str] = []
        not_done: list[str] = []
        boxes = self._boxes_to_paint(doc, plan)
        dots_pages = {i + 1 for i, d in enumerate(doc.meta.get("printer_dots") or []) if d}
        frames: list[PILImage.Image] = []
        converted_icc = False
        with pillow_guard(limits, path):
            img = open_image(data, kind, path, limits)
            with img:
                n = frame_count(img, limits, path)
                icc = img.info.get("icc_profile")
                for i in range(n):
                    if i:
                        img.seek(i)
                        check_size(img.size, limits, path)
                    img.load()
                    frame, icc_done = _fresh_pixels(img, icc if isinstance(icc, bytes) else None,
                                                    out_kind)
                    converted_icc = converted_icc or icc_done
                    pno = i + 1
                    if (pno in dots_pages and dots_mode in ("grey", "gray", "yellow")) or \
                            dots_mode.startswith("always-"):
                        how = "yellow" if dots_mode.endswith("yellow") else "grey"
                        frame = _printer_dots.suppress(_rgb_for_analysis(frame).convert("RGB"), how)
                        if how == "grey":
                            actions.append(
                                f"page {pno}: printer tracking dots removed by a greyscale "
                                "conversion from the red and green channels, paper whitened; "
                                "colour lost")
                        else:
                            actions.append(
                                f"page {pno}: faint yellow (printer tracking dots) neutralised; "
                                "colour kept")
                    elif pno in dots_pages:
                        not_done.append(f"page {pno}: printer tracking dots found but left in "
                                        "place (policy printer_dots: off)")
                    page_boxes = boxes.get(pno, [])
                    if page_boxes:
                        frame = _paint(frame, page_boxes)
                        actions.append(f"page {pno}: painted over {len(page_boxes)} word boxes "
                                       "of removed text")
                    frames.append(frame)
        if plan.edits and any(
            doc.location(e.start, e.end).part == "ocr" for e in plan.edits
        ) and not boxes:
            not_done.append("text edits were planned but no OCR word boxes matched them")
        _save(frames, out, out_kind, kind)
        w, h = frames[0].size
        actions.insert(0, f"re-encoded the pixels only as a new {out_kind.upper()} "
                          f"({w}×{h}, {len(frames)} frame{'s' if len(frames) > 1 else ''}); "
                          "no EXIF, GPS, XMP, IPTC, ICC profile, comments, thumbnails or "
                          "trailing data carried over")
        if converted_icc:
            actions.append("colours converted from the embedded ICC profile to sRGB before "
                           "the profile was dropped")
        if kind != out_kind:
            actions.append(f"written as {out_kind.upper()} (leakdesk cannot write {kind.upper()})")
        orientation = int(doc.meta.get("orientation") or 1)
        if orientation not in (1, 0):
            not_done.append(
                f"the picture was stored rotated or flipped (EXIF orientation {orientation}); "
                "the pixels are kept as stored, so viewers may now show it turned")
        if kind == "gif" and len(frames) > 1:
            not_done.append("animation timings were not kept")
        not_done.append(
            "the pixels themselves can still identify: a camera's sensor noise (PRNU), "
            "a scanner's or printer's defects, and anything visible in the picture")
        if dots_mode == "off" or not dots_pages:
            not_done.append(
                "printer tracking dots: none were detected; the detector is not a guarantee "
                "(a policy can force printer_dots: always-grey)")
        return CleanResult(output=Path(out), format=out_kind, mode="pixels", actions=actions,
                           not_done=not_done,
                           extra={"width": w, "height": h, "frames": len(frames),
                                  "printer_dots": dots_mode if dots_pages else "none found"})

    @staticmethod
    def _boxes_to_paint(doc: Document, plan: CleanPlan) -> dict[int, list[tuple[int, int, int, int]]]:
        words = doc.meta.get("ocr_words") or []
        out: dict[int, list[tuple[int, int, int, int]]] = {}
        if not words or not plan.edits:
            return out
        for e in plan.edits:
            if e.replacement == doc.text[e.start : e.end]:
                continue
            for ws, we, pno, box in words:
                if ws < e.end and we > e.start:
                    # a normalisation that keeps the visible word (e.g. a homoglyph) still
                    # paints: the pixels show the original glyphs
                    left, top, right, bottom = (int(v) for v in box)
                    out.setdefault(int(pno), []).append((left, top, right, bottom))
        for pno in out:
            out[pno] = sorted(set(out[pno]))
        return out

    # -- proof views ----------------------------------------------------------

    def residue_streams(self, path: Path, options: ReadOptions) -> Iterator[tuple[str, bytes]]:
        data = Path(path).read_bytes()
        kind = sniff_kind(data[:4096])
        if kind is None:
            yield "file", data
            return
        yield f"{kind} structure (pixel data left out)", structure_bytes(data, kind)
        report = im.MetaReport()
        try:
            walk_container(data, kind, report)
        except (struct.error, IndexError, ValueError):
            pass
        yield from report.blocks
        if kind in ("tiff", "gif", "heic", "avif"):
            with contextlib.suppress(InputError), pillow_guard(options.limits, Path(path)):
                img = open_image(data, kind, Path(path), options.limits)
                with img:
                    for key, value in img.info.items():
                        if isinstance(value, bytes):
                            yield f"info:{key}", value
                        elif isinstance(value, str):
                            yield f"info:{key}", value.encode("utf-8", "replace")
                    for tag, value in getattr(img, "tag_v2", {}).items():
                        yield f"tiff:tag {tag}", repr(value).encode("utf-8", "replace")

    def independent_text(self, path: Path, options: ReadOptions) -> str:
        """A second OCR pass (sparse-text mode) plus any metadata text left in the output."""
        path = Path(path)
        data = path.read_bytes()
        kind = sniff_kind(data[:4096])
        if kind is None:
            return ""
        report = im.MetaReport()
        with contextlib.suppress(struct.error, IndexError, ValueError):
            walk_container(data, kind, report)
        texts = [item.value for item in report.items]
        if not options.ocr:
            return "\n".join(texts)
        with pillow_guard(options.limits, path), private_tempdir() as tmp:
            img = open_image(data, kind, path, options.limits)
            with img:
                n = frame_count(img, options.limits, path)
                for i in range(n):
                    if i:
                        img.seek(i)
                    img.load()
                    words = ocr_image(_rgb_for_analysis(img), frame_dpi(img), tmp, path, psm=11,
                                      timeout=min(options.limits.timeout_seconds, 300.0))
                    if words:
                        texts.append(" ".join(w[0] for w in words))
        return "\n".join(texts)


# -- pixels -----------------------------------------------------------------------

_KEEP_MODES = {
    "jpeg": {"L", "RGB", "CMYK"},
    "png": {"1", "L", "LA", "RGB", "RGBA", "I;16", "I"},
    "webp": {"RGB", "RGBA"},
    "tiff": {"1", "L", "LA", "RGB", "RGBA", "CMYK", "I;16", "I", "F"},
    "gif": {"L", "RGB"},
    "bmp": {"1", "L", "RGB", "RGBA"},
    "pnm": {"1", "L", "RGB"},
}


def _fresh_pixels(img: PILImage.Image, icc: bytes | None, out_kind: str) -> tuple[PILImage.Image, bool]:
    """A new image holding only ``img``'s pixels (no info, no palette metadata)."""
    from PIL import Image

    src = img
    if src.mode in ("P", "PA"):
        src = src.convert("RGBA" if ("transparency" in src.info or src.mode == "PA") else "RGB")
    icc_done = False
    if icc and src.mode in ("RGB", "RGBA", "L", "CMYK"):
        try:
            from PIL import ImageCms

            srgb = ImageCms.createProfile("sRGB")
            prof = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            desc = (ImageCms.getProfileDescription(prof) or "").lower()
            if "srgb" not in desc:
                out_mode = "RGBA" if src.mode == "RGBA" else ("L" if src.mode == "L" else "RGB")
                if out_mode == "L":
                    raise ValueError("grey profiles are left as they are")
                converted = ImageCms.profileToProfile(src, prof, srgb, outputMode=out_mode)
                if converted is not None:
                    src = converted
                    icc_done = True
        except Exception:  # an unusable profile is just dropped
            icc_done = False
    modes = _KEEP_MODES.get(out_kind, {"RGB"})
    if src.mode not in modes:
        if "A" in src.mode and "RGBA" in modes:
            src = src.convert("RGBA")
        elif src.mode in ("I;16", "I;16B", "I;16L", "I", "F") and "L" in modes:
            src = src.convert("I").point(lambda v: v / 256).convert("L") \
                if src.mode.startswith("I;16") else src.convert("L")
        else:
            src = src.convert("RGB")
    fresh = Image.frombytes(src.mode, src.size, src.tobytes())
    return fresh, icc_done


def _paint(frame: PILImage.Image, boxes: list[tuple[int, int, int, int]]) -> PILImage.Image:
    from PIL import Image

    black = Image.new("RGB", (1, 1), (0, 0, 0)).convert(frame.mode).getpixel((0, 0))
    out = frame.copy()
    pad = max(2, round(max(frame.size) / 1000))
    for left, top, right, bottom in boxes:
        box = (max(0, left - pad), max(0, top - pad),
               min(frame.width, right + pad), min(frame.height, bottom + pad))
        if box[2] > box[0] and box[3] > box[1]:
            out.paste(black, box)  # type: ignore[arg-type]
    return out


def _save(frames: list[PILImage.Image], out: Path, out_kind: str, in_kind: str) -> None:
    """Write the fresh frames; the format is explicit, never taken from the file name."""
    first = frames[0]
    rest = frames[1:]
    if out_kind == "jpeg":
        f = first if first.mode in ("L", "RGB", "CMYK") else first.convert("RGB")
        f.save(out, "JPEG", quality=92, optimize=True)
    elif out_kind == "png":
        first.save(out, "PNG", compress_level=6)
    elif out_kind == "webp":
        first.save(out, "WEBP", quality=92, method=4)
    elif out_kind == "tiff":
        first.save(out, "TIFF", compression="tiff_deflate", save_all=bool(rest),
                   append_images=rest)
    elif out_kind == "gif":
        first.save(out, "GIF", save_all=bool(rest), append_images=rest)
    elif out_kind == "bmp":
        f = first if first.mode in ("1", "L", "RGB") else first.convert("RGB")
        f.save(out, "BMP")
    elif out_kind == "pnm":
        f = first if first.mode in ("1", "L", "RGB") else first.convert("RGB")
        f.save(out, "PPM")  # binary P4/P5/P6, no comment
    else:
        first.save(out, "PNG")


def structure_bytes(data: bytes, kind: str) -> bytes:
    """The file with its compressed pixel data left out (for the residue proof).

    Compressed pixel data is leakdesk's own encoder output; a short removed
    string can appear in it by chance without meaning anything.  Everything
    else (headers, segments, chunks, tags, trailers) is kept.
    """
    try:
        if kind == "jpeg":
            return _jpeg_structure(data)
        if kind == "png":
            return _png_structure(data)
        if kind == "webp":
            return _webp_structure(data)
        if kind == "bmp" and len(data) >= 14:
            off = struct.unpack("<I", data[10:14])[0]
            return data[: min(off, len(data))]
        if kind == "tiff":
            return _tiff_structure(data)
        if kind == "pnm":
            report = im.MetaReport()
            end = im.walk_netpbm(data, report)
            return data[:end] if end > 0 else data
    except (struct.error, IndexError, ValueError):
        return data
    return data


def _jpeg_structure(data: bytes) -> bytes:
    out = bytearray(data[:2])
    i = 2
    n = len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            break
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker == 0xD9:
            out += data[i:]
            return bytes(out)
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            out += data[i : i + 2]
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        out += data[i : i + 2 + length]
        i += 2 + length
        if marker == 0xDA:
            # skip entropy-coded data up to the next marker that is not RST/stuffing
            while i < n:
                j = data.find(b"\xff", i)
                if j < 0 or j + 1 >= n:
                    return bytes(out)
                nxt = data[j + 1]
                if nxt == 0x00 or 0xD0 <= nxt <= 0xD7 or nxt == 0xFF:
                    i = j + 2 if nxt != 0xFF else j + 1
                    continue
                i = j
                break
    out += data[i:]
    return bytes(out)


def _png_structure(data: bytes) -> bytes:
    out = bytearray(data[:8])
    i = 8
    n = len(data)
    while i + 8 <= n:
        length = struct.unpack(">I", data[i : i + 4])[0]
        ctype = data[i + 4 : i + 8]
        if ctype in (b"IDAT", b"fdAT"):
            out += data[i : i + 8]
        else:
            out += data[i : i + 12 + length]
        i += 12 + length
        if ctype == b"IEND":
            break
    out += data[i:]
    return bytes(out)


def _webp_structure(data: bytes) -> bytes:
    out = bytearray(data[:12])
    i = 12
    n = len(data)
    while i + 8 <= n:
        ctype = data[i : i + 4]
        size = struct.unpack("<I", data[i + 4 : i + 8])[0]
        step = 8 + size + (size & 1)
        if ctype in (b"VP8 ", b"VP8L", b"ALPH"):
            out += data[i : i + 8]
        else:
            out += data[i : i + step]
        i += step
    out += data[i:]
    return bytes(out)


def _tiff_structure(data: bytes) -> bytes:
    from PIL import Image

    ranges: list[tuple[int, int]] = []
    with Image.open(io.BytesIO(data), formats=["TIFF"]) as img:
        for frame in range(int(getattr(img, "n_frames", 1) or 1)):
            img.seek(frame)
            tags: Any = getattr(img, "tag_v2", {})
            offs = tags.get(273) or tags.get(324) or ()
            counts = tags.get(279) or tags.get(325) or ()
            if isinstance(offs, int):
                offs = (offs,)
            if isinstance(counts, int):
                counts = (counts,)
            ranges.extend((int(o), int(o) + int(c)) for o, c in zip(offs, counts, strict=False))
    if not ranges:
        return data
    out = bytearray()
    pos = 0
    for start, end in sorted(ranges):
        if start > pos:
            out += data[pos:start]
        pos = max(pos, end)
    out += data[pos:]
    return bytes(out)
