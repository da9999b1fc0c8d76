"""Fuzz targets: each takes bytes and must either succeed or raise a LeakdeskError.

Any other exception, a hang or a crash of the interpreter is a bug.  Readers are
called in-process (not in the sandbox) so that the fuzzer sees their failures.
"""

from __future__ import annotations

import atexit
import importlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from leakdesk.errors import LeakdeskError
from leakdesk.formats.base import Limits, ReadOptions

# Small limits keep each execution fast and bounded.
LIMITS = Limits(
    max_file_bytes=4 << 20,
    max_text_chars=4_000_000,
    max_pages=50,
    max_uncompressed_bytes=32 << 20,
    max_pixels=4_000_000,
    max_archive_depth=3,
    max_archive_members=200,
    timeout_seconds=10,
)
OPTIONS = ReadOptions(ocr=False, limits=LIMITS)

_FILE: Path | None = None


def _input_file() -> Path:
    """One private scratch file per process, made on first use and removed at exit."""
    global _FILE
    if _FILE is None:
        tmp = Path(tempfile.mkdtemp(prefix="leakdesk-fuzz-"))
        os.chmod(tmp, 0o700)
        atexit.register(shutil.rmtree, tmp, True)
        _FILE = tmp / "input"
    return _FILE


def _reader(module: str) -> Callable[[bytes], None]:
    def target(data: bytes) -> None:
        adapter = importlib.import_module(f"leakdesk.formats.{module}").Adapter()
        path = _input_file()
        path.write_bytes(data)
        try:
            doc = adapter.read(path, OPTIONS)
        except LeakdeskError:
            return
        # the Document must be self-consistent
        n = len(doc.text)
        for s in doc.segments:
            assert 0 <= s.start <= s.end <= n, "segment outside the text"
        for f in doc.container_findings:
            if f.location.start is not None:
                assert 0 <= f.location.start <= (f.location.end or 0) <= n, "finding outside"

    return target


def detectors(data: bytes) -> None:
    from leakdesk.detectors import run_detectors
    from leakdesk.document import Document

    text = data.decode("utf-8", "replace")
    doc = Document.from_text(text)
    for f in run_detectors(doc):
        s, e = f.location.start, f.location.end
        assert s is not None and e is not None and 0 <= s <= e <= len(text)


def quotes(data: bytes) -> None:
    mod = importlib.import_module("leakdesk.quotes.extract")
    text = data.decode("utf-8", "replace")
    for q in mod.extract_quotes(text):
        assert 0 <= q.start <= q.end <= len(text)


def targets() -> dict[str, Callable[[bytes], None]]:
    out: dict[str, Callable[[bytes], None]] = {"detectors": detectors, "quotes": quotes}
    from leakdesk.formats import ADAPTER_MODULES

    for name in ADAPTER_MODULES:
        out[f"read-{name}"] = _reader(name)
    return out
