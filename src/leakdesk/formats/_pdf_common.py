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
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
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
        check_hostile_structure(pike, _file_size(path), path, deadline)
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


def _file_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


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


#: Keys that point back up or across a structure rather than down into it: a page's
#: /Parent, an annotation's /P, an outline item's /Prev and /Last, an article bead's /N
#: and /V (beads form a ring) and /T, a destination's page (/D, /Dest), a marked-content
#: reference's page (/Pg), a signature reference's /Data (the catalog), an action's
#: /Fields, a page's /SeparationInfo /Pages...  A loop through one of these is ordinary.
#: /Resources is left out too: writers share one resource dictionary among the forms it
#: lists; whether a form really draws itself is read from its content.
_LINK_KEYS = frozenset({
    "/Parent", "/P", "/Prev", "/Last", "/N", "/V", "/T", "/D", "/Dest", "/Pg", "/Obj",
    "/Data", "/Ref", "/IRT", "/Fields", "/Pages", "/Resources",
})
#: Objects examined at most (the trace scan stops at the same count) ...
_MAX_STRUCT_OBJECTS = 500_000
#: ... values inside them (about 1 s per million) and references kept (8 bytes each).
_MAX_STRUCT_VALUES = 10_000_000
_MAX_STRUCT_EDGES = 4_000_000
_DO = re.compile(rb"/([^\s/\[\]<>(){}%]+)\s*Do(?![^\s/\[\]<>(){}%])")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _code(objgen: tuple[int, int]) -> int:
    return objgen[0] << 16 | (objgen[1] & 0xFFFF)


def check_hostile_structure(pdf: pikepdf.Pdf, file_size: int | None, label: Path,
                            deadline: Deadline) -> None:
    """Refuse what no legitimate writer produces and qpdf would quietly recover:

    * a stream whose /Length is a reference to the stream itself;
    * a stream declaring a /Length larger than the whole file (``file_size``);
    * an object that holds itself, directly or through other objects (an array
      holding itself, an outline whose /Next or /First loops back, a field among its
      own /Kids), or a form XObject that draws itself, directly or through others.

    Back-pointers every PDF has (:data:`_LINK_KEYS`) are not followed.  One pass over
    the objects, each examined once (at most :data:`_MAX_STRUCT_OBJECTS`, with bounded
    values and references), then one depth-first search, all within ``deadline``.
    """
    graph: dict[int, array[int]] = {}
    draws: dict[int, set[int]] = {}
    budget = [_MAX_STRUCT_VALUES]
    edges = 0
    for i, obj in enumerate(pdf.objects):
        if i % 256 == 0:
            deadline.check()
        if i >= _MAX_STRUCT_OBJECTS or budget[0] <= 0 or edges >= _MAX_STRUCT_EDGES:
            break
        try:
            if not isinstance(obj, pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream) \
                    or not obj.is_indirect:
                continue
            here = _code(obj.objgen)
            targets = {t for t, _ in _references(obj, budget, deadline)}
            if isinstance(obj, pikepdf.Stream):
                _check_length(obj, file_size, label)
                if obj.get("/Subtype") == pikepdf.Name.Form:
                    drawn = _drawn_forms(obj)
                    if drawn:
                        draws[here] = drawn
                        targets |= drawn
        except (pikepdf.PdfError, RuntimeError, ValueError, TypeError, KeyError):
            continue  # a damaged object: the readers report it
        if targets:
            graph[here] = array("q", targets)
            edges += len(targets)
    loop = _find_loop(graph, deadline)
    if loop:
        raise InputError(f"the PDF's structure loops back on itself "
                         f"({_describe_loop(pdf, loop, draws, deadline)}): refused as hostile",
                         label)


def _check_length(stream: pikepdf.Stream, file_size: int | None, label: Path) -> None:
    # a /Length that is a number (direct or indirect) comes back as an int; one that
    # refers to a dictionary, array or stream comes back as that indirect object
    length = stream.stream_dict.get("/Length")
    if (isinstance(length, pikepdf.Object) and length.is_indirect
            and length.objgen == stream.objgen):
        raise InputError(f"a stream's /Length refers to the stream itself (object "
                         f"{stream.objgen[0]}): refused as hostile", label)
    if (file_size is not None and isinstance(length, int | Decimal)
            and not isinstance(length, bool) and length > file_size):
        raise InputError(f"a stream declares a /Length of {int(length):,} bytes, more than "
                         f"the whole file ({file_size:,} bytes): refused as hostile", label)


def _references(obj: pikepdf.Object, budget: list[int],
                deadline: Deadline) -> Iterator[tuple[int, str]]:
    """``(object, key)`` for every object ``obj`` refers to (as :func:`_code`, with the
    key it is found under), through its direct dictionaries and arrays but not through
    :data:`_LINK_KEYS`; each value costs one unit of ``budget``."""
    todo: list[tuple[Any, str]] = [(obj, "")]
    while todo:
        node, key = todo.pop()
        items: Any
        if isinstance(node, pikepdf.Array):
            items = ((key, v) for v in node)
        elif isinstance(node, pikepdf.Dictionary | pikepdf.Stream):
            items = node.items()
        else:
            continue
        for k, v in items:
            budget[0] -= 1
            if budget[0] <= 0:
                return
            if budget[0] % 65536 == 0:
                deadline.check()
            if k in _LINK_KEYS or not isinstance(v, pikepdf.Object):
                continue
            if v.is_indirect:
                yield _code(v.objgen), k
            elif isinstance(v, pikepdf.Dictionary | pikepdf.Array):
                todo.append((v, k))


def _drawn_forms(form: pikepdf.Stream) -> set[int]:
    """The form XObjects of ``form``'s own /Resources that its content invokes with
    ``Do``.  Only unfiltered or FlateDecode content is read (already checked for bombs),
    inflated in chunks and kept no longer than one chunk."""
    resources = form.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    if not isinstance(xobjects, pikepdf.Dictionary):
        return set()
    names: dict[bytes, int] = {}
    for name, target in xobjects.items():
        if (isinstance(target, pikepdf.Stream) and target.is_indirect
                and target.get("/Subtype") == pikepdf.Name.Form):
            names[name[1:].encode("utf-8", "surrogateescape")] = _code(target.objgen)
    if not names:
        return set()
    filt = form.get("/Filter")
    if isinstance(filt, pikepdf.Array):
        if len(filt) != 1:
            return set()
        filt = filt[0]
    if filt is not None and filt != pikepdf.Name.FlateDecode:
        return set()
    raw = bytes(form.read_raw_bytes())
    inflate = zlib.decompressobj() if filt is not None else None
    found: set[int] = set()
    tail, pos, pending, step = b"", 0, b"", 1 << 20
    while len(found) < len(names):
        if inflate is None or not pending:
            if pos >= len(raw):
                break
            pending = raw[pos:pos + step]
            pos += len(pending)
        chunk = pending
        if inflate is not None:
            try:
                chunk = inflate.decompress(pending, 4 * step)
            except zlib.error:
                break
            pending = inflate.unconsumed_tail
        window = tail + chunk
        for m in _DO.finditer(window):
            used = _NAME_ESCAPE.sub(lambda h: bytes([int(h[1], 16)]), m[1])
            if used in names:
                found.add(names[used])
        tail = window[-256:]
    return found


def _find_loop(graph: dict[int, array[int]], deadline: Deadline) -> list[int]:
    """The first loop in ``graph`` (object -> objects it refers to), as the objects
    along it, or ``[]``.  Iterative depth-first search; each object is entered once."""
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    steps = 0
    for start in graph:
        if start in state:
            continue
        path = [start]
        stack = [iter(graph[start])]
        state[start] = 1
        while stack:
            steps += 1
            if steps % 65536 == 0:
                deadline.check()
            for target in stack[-1]:
                seen = state.get(target)
                if seen == 1:
                    return path[path.index(target):]
                if seen is None and target in graph:
                    state[target] = 1
                    path.append(target)
                    stack.append(iter(graph[target]))
                    break
            else:
                state[path.pop()] = 2
                stack.pop()
    return []


def _describe_loop(pdf: pikepdf.Pdf, loop: list[int], draws: dict[int, set[int]],
                   deadline: Deadline) -> str:
    """``object 6 holds itself``, ``form objects 5 and 7 draw each other``..."""
    nums = [str(code >> 16) for code in loop]
    drawn = all(b in draws.get(a, ()) for a, b in zip(loop, [*loop[1:], loop[0]],
                                                       strict=True))
    if len(loop) == 1:
        if drawn:
            return f"form object {nums[0]} draws itself"
        key = ""
        with contextlib.suppress(pikepdf.PdfError, RuntimeError, ValueError, TypeError):
            obj = pdf.get_object(loop[0] >> 16, loop[0] & 0xFFFF)
            key = next((k for t, k in _references(obj, [_MAX_STRUCT_VALUES], deadline)
                        if t == loop[0]), "")
        return f"object {nums[0]} refers to itself through {key}" if key else \
            f"object {nums[0]} holds itself"
    listed = ", ".join(nums[:-1]) + " and " + nums[-1]
    if drawn:
        return f"form objects {listed} draw each other"
    return f"objects {listed} refer to each other in a loop"


def matrix_scale(a: float, b: float, c: float, d: float) -> float:
    """The geometric mean scale of a 2x2 matrix (1.0 for the identity)."""
    return math.sqrt(abs(a * d - b * c))
