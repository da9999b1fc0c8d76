"""Fault-injecting format adapters, loaded through LEAKDESK_ADAPTER_PLUGINS.

Like OCRmyPDF's test plugins: they let tests prove that failure paths work.
A file whose content starts with one of the magic words below is claimed by
the matching adapter.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from leakdesk.document import Document
from leakdesk.formats.base import FormatAdapter, ReadOptions


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


class Adapter(FormatAdapter):
    """Dispatches to the fault adapters above (the plugin hook loads ``Adapter``)."""

    name = "fault"
    _kinds = (HangAdapter, CrashAdapter, MemoryHogAdapter, LiarAdapter, SlowAdapter)

    @classmethod
    def sniff(cls, head: bytes, path: Path) -> bool:
        return any(k.sniff(head, path) for k in cls._kinds)

    def read(self, path: Path, options: ReadOptions) -> Document:
        head = path.read_bytes()[:16]
        for k in self._kinds:
            if k.sniff(head, path):
                return k().read(path, options)
        raise AssertionError("unreachable")
