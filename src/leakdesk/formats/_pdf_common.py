"""Opening untrusted PDFs safely: passwords, repair, page limits, and a time limit.

Every PDF is opened twice, by two independent libraries: pikepdf (qpdf) for the
structure and pypdfium2 (PDFium) for text and rendering.  This module opens
both within the limits of :class:`~leakdesk.formats.base.Limits` and turns
every library error into a one-line :class:`~leakdesk.errors.InputError`.

Time limit.  Each file gets ``limits.timeout_seconds`` (300 s by default).  The
limit is enforced in two ways: a :class:`Deadline` checked between pages,
objects and revisions, and, in the main thread on POSIX, a real-time timer
(``SIGALRM``) that interrupts any Python-level loop, in our code or in a
library's.  A single C call (one qpdf or PDFium call) cannot be interrupted in
process; both libraries guard against reference loops themselves, and
``leakdesk batch`` adds a hard kill of the worker process.
"""

from __future__ import annotations

import contextlib
import math
import re
import signal
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import pikepdf
import pypdfium2 as pdfium

from ..errors import EncryptedInput, InputError, LimitExceeded
from .base import Limits, ReadOptions

#: Repair warnings from qpdf that mean data was lost, not merely re-indexed.
_DATA_LOSS = (
    "unable to recover stream data",
    "treating stream as empty",
    "unable to find /Root",
)


class Deadline:
    """A point in time after which parsing stops with :class:`LimitExceeded`."""

    def __init__(self, seconds: float, path: Path) -> None:
        self.seconds = seconds
        self.path = path
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise LimitExceeded(
                f"took longer than the {self.seconds:g} s time limit per file", self.path
            )

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())


@contextlib.contextmanager
def time_limit(deadline: Deadline) -> Iterator[None]:
    """Interrupt Python code running past ``deadline`` (main thread, POSIX only).

    Leaves any timer someone else set untouched.
    """
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if not usable:
        yield
        return

    def _expired(signum: int, frame: FrameType | None) -> None:
        raise LimitExceeded(
            f"took longer than the {deadline.seconds:g} s time limit per file", deadline.path
        )

    old = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, max(deadline.remaining(), 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def short_error(exc: BaseException) -> str:
    """A library error as a short phrase without the file path it repeats."""
    msg = " ".join(str(exc).split())
    msg = re.sub(r"^\S+\.pdf(?: \([^)]*\))?: ", "", msg)
    return msg[:160] or type(exc).__name__


@dataclass(slots=True)
class OpenedPdf:
    """Both views of one PDF, opened within limits; close with :meth:`close`."""

    path: Path
    pike: pikepdf.Pdf
    pdfium: pdfium.PdfDocument
    page_count: int
    repaired: list[str] = field(default_factory=list)
    deadline: Deadline | None = None
    _tmp_dir: Any = None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.pdfium.close()
        with contextlib.suppress(Exception):
            self.pike.close()
        if self._tmp_dir is not None:
            with contextlib.suppress(Exception):
                self._tmp_dir.__exit__(None, None, None)
            self._tmp_dir = None


def open_pike(path: Path | Any, options: ReadOptions, label: Path) -> tuple[pikepdf.Pdf, list[str]]:
    """Open with pikepdf; return the Pdf and qpdf's repair warnings."""
    try:
        pdf = open_quietly(path, options.password)
    except pikepdf.PasswordError:
        if options.password:
            raise EncryptedInput("encrypted, and the password given is wrong", label) from None
        raise EncryptedInput("encrypted; pass --password", label) from None
    except pikepdf.PdfError as exc:
        text = short_error(exc)
        if "loop detected" in text.lower():
            raise InputError("the page tree loops back on itself (a damaged or hostile file)",
                             label) from None
        raise InputError(f"not a readable PDF, damaged beyond repair ({text})", label) from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise InputError(f"not a readable PDF ({short_error(exc)})", label) from None
    return pdf, list(pdf.get_warnings())


def open_quietly(path: Path | Any, password: str | None) -> pikepdf.Pdf:
    """Open with pikepdf, giving the password only if the file needs one."""
    try:
        return pikepdf.open(path, suppress_warnings=True)
    except pikepdf.PasswordError:
        if not password:
            raise
    if hasattr(path, "seek"):
        path.seek(0)
    return pikepdf.open(path, password=password, suppress_warnings=True)


def count_pages(pdf: pikepdf.Pdf, label: Path) -> int:
    try:
        return len(pdf.pages)
    except (pikepdf.PdfError, RuntimeError) as exc:
        text = short_error(exc)
        if "loop" in text.lower():
            raise InputError("the page tree loops back on itself (a damaged or hostile file)",
                             label) from None
        raise InputError(f"the page tree is damaged ({text})", label) from None


def check_complete(pdf: pikepdf.Pdf, warnings: list[str], label: Path,
                   deadline: Deadline) -> None:
    """After a repair, refuse a file that lost page content (truncated, not re-indexed)."""
    lost = [w for w in warnings if any(k in w for k in _DATA_LOSS)]
    if lost:
        raise InputError("truncated or damaged beyond repair: part of its content is lost; "
                         "leakdesk does not audit a partial file", label)
    total = len(pdf.pages)
    for i, page in enumerate(pdf.pages):
        deadline.check()
        obj = page.obj
        if "/Contents" not in obj:
            continue
        contents = obj.get("/Contents")
        parts = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        for part in parts:
            if not isinstance(part, pikepdf.Stream):
                raise InputError(f"truncated or damaged beyond repair: page {i + 1} of {total} "
                                 "has lost its content", label)
            try:
                part.read_bytes()
            except (pikepdf.PdfError, RuntimeError, ValueError) as exc:
                raise InputError(f"damaged: the content of page {i + 1} cannot be decoded "
                                 f"({short_error(exc)})", label) from None


def open_pdf(path: Path, options: ReadOptions, deadline: Deadline) -> OpenedPdf:
    """Open ``path`` with both libraries, or raise a one-line InputError.

    Checks the page count against ``limits.max_pages`` before any page is parsed.
    A file qpdf had to repair is re-written by qpdf to a private temporary file
    and PDFium reads that, so both libraries see the same repaired structure.
    """
    from ..fsutil import private_tempdir

    pike, warnings = open_pike(path, options, path)
    tmp_cm = None
    try:
        pages = count_pages(pike, path)
        limit = options.limits.max_pages
        if pages > limit:
            raise LimitExceeded(f"{pages:,} pages, over the {limit:,}-page limit", path)
        if pages == 0:
            raise InputError("the PDF has no pages", path)
        check_stream_bombs(pike, options.limits, path, deadline)
        source: Path = path
        if warnings:
            check_complete(pike, warnings, path, deadline)
            tmp_cm = private_tempdir()
            tmp = tmp_cm.__enter__()
            source = tmp / "repaired.pdf"
            try:
                pike.save(source)
            except (pikepdf.PdfError, RuntimeError) as exc:
                raise InputError(f"damaged beyond repair ({short_error(exc)})", path) from None
        try:
            doc = pdfium.PdfDocument(source, password=options.password)
        except pdfium.PdfiumError as exc:
            text = str(exc)
            if "password" in text.lower():
                raise EncryptedInput("encrypted; pass --password", path) from None
            raise InputError(f"not a readable PDF ({short_error(exc)})", path) from None
        if len(doc) != pages:
            doc.close()
            raise InputError(f"damaged: the two PDF readers disagree on the page count "
                             f"({pages} and {len(doc)})", path)
    except BaseException:
        pike.close()
        if tmp_cm is not None:
            tmp_cm.__exit__(None, None, None)
        raise
    return OpenedPdf(path, pike, doc, pages, warnings, deadline, tmp_cm)


#: Streams that inflate to less than this are never refused for their ratio.
BOMB_FLOOR = 16 << 20


def check_stream_bombs(pdf: pikepdf.Pdf, limits: Limits, label: Path,
                       deadline: Deadline) -> None:
    """Refuse a FlateDecode stream that inflates past the compression-ratio or size
    limit (a decompression bomb) before qpdf or PDFium decode it whole.

    Inflates in bounded chunks and keeps nothing.  Images are left to the pixel
    limit (their declared size bounds their decoded size); streams with other or
    chained filters are not measured here.
    """
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        deadline.check()
        try:
            if obj.get("/Subtype") == pikepdf.Name.Image:
                continue
            filt = obj.get("/Filter")
            if isinstance(filt, pikepdf.Array):
                filt = filt[0] if len(filt) == 1 else None
            if filt != pikepdf.Name.FlateDecode:
                continue
            raw = bytes(obj.read_raw_bytes())
        except (pikepdf.PdfError, RuntimeError, ValueError, TypeError):
            continue  # a damaged stream: the readers report it
        size, ratio = _inflated(raw, limits)
        if size:
            raise LimitExceeded(
                f"a stream inflates {ratio:,.0f}:1 to over {size:,} bytes (limit "
                f"{limits.max_compression_ratio:,.0f}:1): a likely decompression bomb", label)


def _inflated(raw: bytes, limits: Limits) -> tuple[int, float]:
    """``(bytes inflated, ratio)`` once ``raw`` is seen to inflate past the ratio (beyond
    :data:`BOMB_FLOOR`) or the size limit, else ``(0, 0.0)``."""
    d = zlib.decompressobj()
    total, pos, step = 0, 0, 1 << 16
    data = b""
    while True:
        if not data:
            if pos >= len(raw) or d.eof:
                return 0, 0.0
            data = raw[pos:pos + step]
            pos += len(data)
        try:
            total += len(d.decompress(data, 1 << 20))
        except zlib.error:
            return 0, 0.0  # not a valid deflate stream: the readers report it
        data = d.unconsumed_tail
        ratio = total / max(pos - len(data), 1)
        if total > limits.max_uncompressed_bytes or (
                total > BOMB_FLOOR and ratio > limits.max_compression_ratio):
            return total, ratio


def matrix_scale(a: float, b: float, c: float, d: float) -> float:
    """The geometric mean scale of a 2x2 matrix (1.0 for the identity)."""
    return math.sqrt(abs(a * d - b * c))
