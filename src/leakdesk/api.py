"""The one Python API; the CLI and the web UI are thin layers over it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .detectors import run_detectors, sort_findings
from .document import Document, Finding, Severity
from .formats import ReadOptions, read_document


@dataclass(slots=True)
class AuditResult:
    """A document and its findings; ``children`` are attachments, each audited."""

    document: Document
    findings: list[Finding]
    children: list[AuditResult] = field(default_factory=list)
    name: str = ""

    def walk(self) -> list[AuditResult]:
        out = [self]
        for c in self.children:
            out.extend(c.walk())
        return out

    @property
    def all_findings(self) -> list[Finding]:
        return [f for r in self.walk() for f in r.findings]

    def to_json_documents(self) -> list[dict[str, Any]]:
        out = []
        for r in self.walk():
            doc = r.document
            out.append(
                {
                    "path": r.name or (str(doc.path) if doc.path else ""),
                    "format": doc.format,
                    "encoding": doc.encoding,
                    "characters": len(doc.text),
                    "parts": sorted({s.part for s in doc.segments}),
                    "findings": [f.to_json() for f in r.findings],
                }
            )
        return out


def _child_name(child: Document, index: int) -> str:
    if child.path is None:
        return f"#{index}"
    return child.path.name if child.path.is_absolute() else child.path.as_posix()


def read(
    path: str | Path,
    *,
    password: str | None = None,
    encoding: str | None = None,
    ocr: bool = True,
    isolate: bool | None = None,
) -> Document:
    """Read one file of any supported format into a :class:`Document`.

    The file is parsed in a separate process with memory and time limits
    (:mod:`leakdesk.sandbox`) unless ``isolate`` is False or the environment
    says ``LEAKDESK_ISOLATION=off``.
    """
    from .fsutil import check_input_file
    from .sandbox import isolated_read, isolation_enabled

    options = ReadOptions(password=password, encoding=encoding, ocr=ocr)
    p = check_input_file(Path(path))
    if isolate is None:
        isolate = isolation_enabled()
    if isolate:
        return isolated_read(p, options)
    return read_document(p, options)


def audit_document(
    doc: Document,
    *,
    detectors: Sequence[str] | None = None,
    min_severity: Severity | str | None = None,
    name: str = "",
) -> AuditResult:
    """Run the text detectors on ``doc`` and merge the container findings it carries."""
    if isinstance(min_severity, str):
        min_severity = Severity.parse(min_severity)
    found = list(doc.container_findings) + run_detectors(doc, detectors)
    if min_severity is not None:
        found = [f for f in found if f.severity.rank >= min_severity.rank]
    base = name or (str(doc.path) if doc.path else "")
    children = [
        audit_document(
            c,
            detectors=detectors,
            min_severity=min_severity,
            name=f"{base}!{_child_name(c, i)}",
        )
        for i, c in enumerate(doc.children)
    ]
    return AuditResult(doc, sort_findings(found), children, base)


def audit(
    path: str | Path,
    *,
    detectors: Sequence[str] | None = None,
    min_severity: Severity | str | None = None,
    password: str | None = None,
    encoding: str | None = None,
    ocr: bool = True,
) -> AuditResult:
    """Read ``path`` and audit it: every trace that could identify its source or copy."""
    doc = read(path, password=password, encoding=encoding, ocr=ocr)
    return audit_document(doc, detectors=detectors, min_severity=min_severity, name=str(path))
