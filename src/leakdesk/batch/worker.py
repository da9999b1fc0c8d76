"""Audit one file into plain data (:class:`~leakdesk.batch.store.FileResult`).

This runs inside a worker process; nothing here touches the case store.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..api import audit_document
from ..errors import LeakdeskError, safe_name
from ..formats import ReadOptions, read_document, sha256_file
from .store import FileResult, FindingRow

#: Texts longer than this are not kept in the store (the findings are).
MAX_STORED_TEXT = 5_000_000


def process_file(path: str, options: ReadOptions, known: frozenset[str] | set[str]) -> FileResult:
    """Hash, read and audit ``path``; never raises for a bad file."""
    try:
        st = os.stat(path, follow_symlinks=False)
        sha = sha256_file(Path(path))
    except OSError as exc:
        return FileResult(path, "", 0, 0, "failed", error=f"cannot read: {exc.strerror}")
    base = FileResult(path, sha, st.st_size, st.st_mtime_ns, "ok")
    if sha in known:
        base.status = "duplicate"
        return base
    try:
        doc = read_document(Path(path), options)
        result = audit_document(doc, name=path)
    except LeakdeskError as exc:
        base.status = "failed"
        base.error = " ".join(exc.message.split())
        return base
    except MemoryError:
        base.status = "failed"
        base.error = "ran out of memory while parsing"
        return base
    except Exception as exc:  # a parser bug must not stop the run
        base.status = "failed"
        base.error = f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
        return base
    base.format = doc.format
    base.characters = len(doc.text)
    prefix = len(result.name) + 1
    for r in result.walk():
        member = "" if r is result else r.name[prefix:]
        if r is not result:
            base.members += 1
        base.findings.extend(FindingRow(member, f.to_json()) for f in r.findings)
        if len(r.document.text) <= MAX_STORED_TEXT:
            base.texts.append((member, r.document.format, r.document.text))
    return base


def failed_result(path: str, error: str) -> FileResult:
    """A failure recorded by the parent (time limit, crash) for ``path``."""
    try:
        st = os.stat(path, follow_symlinks=False)
        sha = sha256_file(Path(path))
    except OSError as exc:
        return FileResult(path, "", 0, 0, "failed", error=f"cannot read: {exc.strerror}")
    return FileResult(path, sha, st.st_size, st.st_mtime_ns, "failed", error=error)


def describe(path: str) -> str:
    return safe_name(path)
