"""Fault-injecting format adapters, loaded through LEAKDESK_ADAPTER_PLUGINS.

Like OCRmyPDF's test plugins: they let tests prove that failure paths work.
A file whose content starts with one of the magic words below is claimed by
the matching adapter.  The ``CLEAN-*`` ones read fine and misbehave in
``clean()`` (sanitize's step that writes the clean copy).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from leakdesk.document import Document
from leakdesk.formats.base import CleanResult, FormatAdapter, ReadOptions
from leakdesk.sanitize.plan import CleanPlan


class _Base(FormatAdapter):
    magic = b""

    @classmethod
    def sniff(cls, head: bytes, path: Path) -> bool:
        return head.startswith(cls.magic)


class HangAdapter(_Base):
    """Hangs forever (a parser stuck in a loop)."""

    name = "hang"
    magic = b"HANG"

    def read(self, path: Path, options: ReadOptions) -> Document:
        while True:
            time.sleep(0.5)


class CrashAdapter(_Base):
    """Kills its own process (a parser segfault)."""

    name = "crash"
    magic = b"CRASH"

    def read(self, path: Path, options: ReadOptions) -> Document:
        os.abort()


class MemoryHogAdapter(_Base):
    """Allocates memory without bound (a decompression bomb inside a parser)."""

    name = "hog"
    magic = b"HOG"

    def read(self, path: Path, options: ReadOptions) -> Document:
        hoard = []
        while True:
            hoard.append(bytearray(64 << 20))


class LiarAdapter(_Base):
    """Returns a finding whose span lies outside the text (a compromised parser)."""

    name = "liar"
    magic = b"LIAR"

    def read(self, path: Path, options: ReadOptions) -> Document:
        from leakdesk.document import Finding, Location, Severity

        doc = Document.from_text("short", path=path)
        doc.container_findings.append(
            Finding("x", "metadata", Severity.HIGH, "m", Location("body", None, 0, 10_000)))
        return doc


class SlowAdapter(_Base):
    """Reads like text but takes 30 ms per file (to interrupt a run midway)."""

    name = "slow"
    magic = b"SLOW"

    def read(self, path: Path, options: ReadOptions) -> Document:
        time.sleep(0.03)
        return Document.from_text(path.read_text(), path=path)


# -- faults in clean(): read() is fine, writing the clean copy is not ------------------


class _CleanFault(_Base):
    """Reads the file as text (format "fault", so sanitize picks this plugin to clean it)."""

    def read(self, path: Path, options: ReadOptions) -> Document:
        doc = Document.from_text(path.read_text(encoding="utf-8", errors="replace"), path=path)
        doc.format = "fault"
        return doc

    @staticmethod
    def start(out: Path) -> None:
        """Begin the copy and leave a scratch file behind: neither may outlive the child."""
        out.write_bytes(b"partial clean copy")
        fd, _name = tempfile.mkstemp(prefix="fault-scratch-")
        os.write(fd, b"scratch")
        os.close(fd)


class CleanHangAdapter(_CleanFault):
    """clean() hangs forever (a rebuild stuck in a loop)."""

    name = "clean-hang"
    magic = b"CLEAN-HANG"

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
        self.start(out)
        while True:
            time.sleep(0.5)


class CleanCrashAdapter(_CleanFault):
    """clean() kills its own process halfway through the copy (a segfault in a writer)."""

    name = "clean-crash"
    magic = b"CLEAN-CRASH"

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
        self.start(out)
        os.abort()


class CleanHogAdapter(_CleanFault):
    """clean() allocates memory without bound (a bomb decompressed while rebuilding)."""

    name = "clean-hog"
    magic = b"CLEAN-HOG"

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
        self.start(out)
        hoard = []
        while True:
            hoard.append(bytearray(64 << 20))


class CleanSpewAdapter(_CleanFault):
    """clean() writes an endless output (a bomb decompressed into the clean copy)."""

    name = "clean-spew"
    magic = b"CLEAN-SPEW"

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
        block = b"\0" * (1 << 20)
        with open(out, "wb") as fh:
            while True:
                fh.write(block)


class CleanLiarAdapter(_CleanFault):
    """clean() writes a copy but reports a format with a terminal escape (a compromised
    writer trying to reach the person's terminal)."""

    name = "clean-liar"
    magic = b"CLEAN-LIAR"

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
        out.write_bytes(doc.text.encode())
        return CleanResult(output=out, format="text\x1b]0;owned\x07", mode="text")


class Adapter(FormatAdapter):
    """Dispatches to the fault adapters above (the plugin hook loads ``Adapter``)."""

    name = "fault"
    _kinds: tuple[type[_Base], ...] = (
        HangAdapter, CrashAdapter, MemoryHogAdapter, LiarAdapter, SlowAdapter,
        CleanHangAdapter, CleanCrashAdapter, CleanHogAdapter, CleanSpewAdapter, CleanLiarAdapter,
    )

    @classmethod
    def sniff(cls, head: bytes, path: Path) -> bool:
        return any(k.sniff(head, path) for k in cls._kinds)

    def read(self, path: Path, options: ReadOptions) -> Document:
        head = path.read_bytes()[:16]
        for k in self._kinds:
            if k.sniff(head, path):
                return k().read(path, options)
        raise AssertionError("unreachable")

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
        assert doc.path is not None
        head = doc.path.read_bytes()[:16]
        for k in self._kinds:
            if k.sniff(head, doc.path):
                return k().clean(doc, plan, out, options)
        raise AssertionError("unreachable")
