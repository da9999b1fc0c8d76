"""Format adapters, found by content type (magic bytes), never by extension.

``ADAPTER_MODULES`` lists the adapters in the order they are asked; the most
specific come first and plain text is the last resort.  Adding a format means
writing one module with a :class:`~leakdesk.formats.base.FormatAdapter`
subclass named ``Adapter`` and listing it here.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from functools import cache
from pathlib import Path

from ..document import Document
from ..errors import InputError, LimitExceeded, UnsupportedFormat
from ..fsutil import check_input_file
from .base import CleanResult, FormatAdapter, Limits, ReadOptions

__all__ = [
    "ADAPTER_MODULES",
    "CleanResult",
    "FormatAdapter",
    "Limits",
    "ReadOptions",
    "adapter_by_name",
    "adapters",
    "detect",
    "read_document",
]

ADAPTER_MODULES: tuple[str, ...] = (
    "archive",
    "pdf",
    "docx",
    "pptx",
    "xlsx",
    "odf",
    "image",
    "email",
    "svg",
    "text",
)

SNIFF_BYTES = 64 * 1024


#: Extra adapter modules (comma-separated import paths, each with an ``Adapter``
#: class), asked before the built-in ones: a plugin hook for newsroom formats and
#: for tests that inject faults (a parser that hangs, crashes or leaks).
PLUGINS_ENV = "LEAKDESK_ADAPTER_PLUGINS"


@cache
def adapters() -> tuple[FormatAdapter, ...]:
    out = []
    plugins = [m.strip() for m in os.environ.get(PLUGINS_ENV, "").split(",") if m.strip()]
    for modname in plugins:
        out.append(importlib.import_module(modname).Adapter())
    for name in ADAPTER_MODULES:
        mod = importlib.import_module(f"{__name__}.{name}")
        out.append(mod.Adapter())
    # generic containers go last whatever the list order says: text accepts almost
    # anything, and a zip that no zip-based format claimed is a plain archive
    out.sort(key=lambda a: (a.name == "text", a.name == "archive"))
    return tuple(out)


def adapter_by_name(name: str) -> FormatAdapter:
    for a in adapters():
        if a.name == name:
            return a
    raise UnsupportedFormat(f"no adapter named {name!r}")


def detect(path: Path, head: bytes | None = None) -> FormatAdapter:
    """The adapter for ``path``'s content; raise :class:`UnsupportedFormat` if none."""
    if head is None:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    for a in adapters():
        if a.sniff(head, path):
            return a
    kind = describe_magic(head)
    raise UnsupportedFormat(
        f"unsupported file type ({kind}); leakdesk refuses what it cannot parse", path
    )


def describe_magic(head: bytes) -> str:
    """A short name for well-known binary signatures, for refusal messages."""
    table = (
        (b"\x7fELF", "ELF executable"),
        (b"MZ", "Windows executable"),
        (b"PK\x03\x04", "zip archive"),
        (b"%PDF", "PDF"),
        (b"\x89PNG", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"\x1f\x8b", "gzip data"),
        (b"BZh", "bzip2 data"),
        (b"7z\xbc\xaf", "7-Zip archive"),
        (b"Rar!", "RAR archive"),
        (b"\xd0\xcf\x11\xe0", "OLE2 compound file (old Office or Outlook)"),
        (b"SQLite format 3", "SQLite database"),
    )
    for magic, label in table:
        if head.startswith(magic):
            return label
    return "binary data" if b"\x00" in head[:4096] else "unknown data"


#: What a file's extension promises, as the adapters that may read it.  A file
#: whose content another adapter claims (a PDF named .docx, a PNG named .pdf,
#: ten bytes of text named .svg) lies about itself: it is refused, with the
#: content's real type, rather than read as something its name hides.  Within
#: one adapter the name may differ (a PNG named .jpg is still a picture), an
#: unknown or missing extension promises nothing, and a text file may hold a
#: saved e-mail.
EXTENSION_FORMATS: dict[str, frozenset[str]] = {
    ext: frozenset(names)
    for exts, names in (
        (("pdf",), ("pdf",)),
        (("docx", "docm", "dotx", "dotm"), ("docx",)),
        (("xlsx", "xlsm", "xltx", "xltm"), ("xlsx",)),
        (("pptx", "pptm", "potx", "potm", "ppsx", "ppsm"), ("pptx",)),
        (("odt", "ods", "odp", "odg", "ott", "ots", "otp"), ("odf",)),
        (("jpg", "jpeg", "jpe", "jfif", "png", "tif", "tiff", "webp", "gif", "bmp", "heic",
          "heif", "avif", "jp2", "j2k", "jpf", "jpx", "ppm", "pgm", "pbm", "pnm", "mpo"),
         ("image",)),
        (("svg",), ("svg",)),
        (("eml", "mbox", "msg"), ("email",)),
        (("zip", "tar"), ("archive",)),
        (("txt", "text", "md", "csv", "log"), ("text", "email")),
    )
    for ext in exts
}


def check_extension(path: Path, adapter: FormatAdapter) -> None:
    """Refuse a file whose extension promises another format than its content."""
    expected = EXTENSION_FORMATS.get(path.suffix.lower().lstrip("."))
    if expected is None or adapter.name in expected or adapter.name not in ADAPTER_MODULES:
        return
    ext = path.suffix.lower().lstrip(".")
    if adapter.name == "docx" and expected & {"xlsx", "pptx"}:
        with open(path, "rb") as fh:
            if fh.read(8) == _OLE2_MAGIC:
                return  # a password-protected workbook or deck: the Word reader refuses it as such
    if adapter.name == "archive" and expected & {"docx", "xlsx", "pptx", "odf"}:
        raise InputError(
            f"not a readable .{ext} file: a zip without its Office parts (damaged, truncated, "
            "or another kind of zip)", path)
    raise InputError(
        f"the name says .{path.suffix.lower().lstrip('.')} but the content is "
        f"{_CONTENT_LABELS.get(adapter.name, adapter.name)}: a file whose extension lies is "
        "refused; rename it to match its content if you trust it",
        path,
    )


#: Encrypted Word, Excel and PowerPoint files all share one OLE2 container,
#: read (and refused as password-protected) by the Word adapter.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_CONTENT_LABELS = {"text": "plain text", "image": "a picture", "archive": "an archive",
                   "email": "an e-mail", "odf": "an OpenDocument file", "svg": "an SVG drawing",
                   "pdf": "a PDF", "docx": "a Word document", "xlsx": "an Excel workbook",
                   "pptx": "a PowerPoint presentation"}


def read_document(path: Path | str, options: ReadOptions | None = None) -> Document:
    """Check, sniff and read one file into a Document."""
    options = options or ReadOptions()
    path = check_input_file(Path(path))
    size = path.stat().st_size
    if size > options.limits.max_file_bytes:
        raise LimitExceeded(
            f"file is {size:,} bytes, over the {options.limits.max_file_bytes:,}-byte limit", path
        )
    adapter = detect(path)
    if size:  # an empty file is refused as empty, whatever its name says
        check_extension(path, adapter)
    try:
        doc = adapter.read(path, options)
    except InputError as exc:
        if exc.path is None:  # a helper deep in a reader does not know the file
            exc.path = path
        raise
    except MemoryError:
        raise LimitExceeded("ran out of memory while parsing", path) from None
    except RecursionError:
        raise InputError("structure nests too deeply (looping or hostile file)", path) from None
    doc.path = doc.path or path
    doc.meta.setdefault("size", size)
    return doc


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's content, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while True:
            block = fh.read(chunk)
            if not block:
                break
            h.update(block)
    return h.hexdigest()
