"""Helpers for the structural detector tests: run one detector on a text."""

from __future__ import annotations

from leakdesk.detectors import registry
from leakdesk.document import Document, Finding


def run(detector: str, text: str) -> list[Finding]:
    """Findings of registered detector ``detector`` on ``text``."""
    return list(registry()[detector].func(Document.from_text(text)))


def covering(findings: list[Finding], text: str, needle: str) -> list[Finding]:
    """Findings whose span contains the first occurrence of ``needle``."""
    a = text.index(needle)
    b = a + len(needle)
    return [f for f in findings if f.start is not None and f.end is not None and f.start <= a and b <= f.end]
