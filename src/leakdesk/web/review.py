"""Turn a reviewer's decisions into a sanitized export with its residue proof.

The original file is read and audited again (the audit is deterministic, so
its findings match the stored ones by detector and span).  Then:

- a *rejected* finding is dropped: its text stays;
- an *accepted* finding keeps its action (what the policy says);
- an *edited* finding takes the action the reviewer chose;
- an undecided finding keeps its default action (the safe default);
- a *manual* redaction becomes a finding of its own, replaced by the placeholder.

The export, its proof and the decision log are stored in the case store.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..api import audit_document, read
from ..batch.store import CaseStore
from ..document import Action, Finding, Location, Severity
from ..errors import InputError, UsageError


def _key(detector: str, start: int | None, end: int | None, category: str) -> tuple[Any, ...]:
    return (detector, category, start, end)


def reviewed_findings(
    stored: list[dict[str, Any]], decisions: list[dict[str, Any]], fresh: list[Finding], doc_text: str
) -> tuple[list[Finding], list[dict[str, Any]]]:
    """The findings sanitize should act on, and a log of how each decision applied."""
    latest: dict[int, dict[str, Any]] = {}
    manual: list[dict[str, Any]] = []
    for dec in decisions:
        if dec["decision"] == "manual":
            manual.append(dec)
        elif dec["finding_id"] is not None:
            latest[int(dec["finding_id"])] = dec
    by_key = {_key(f["detector"], f["start"], f["end"], f["category"]): f for f in stored}
    out: list[Finding] = []
    log: list[dict[str, Any]] = []
    for f in fresh:
        s = by_key.get(_key(f.detector, f.location.start, f.location.end, f.category))
        d: dict[str, Any] | None = latest.get(int(s["id"])) if s else None
        decision = d["decision"] if d else "default"
        if decision == "rejected":
            log.append({"finding": s and s["id"], "decision": "rejected", "kept": f.excerpt[:80]})
            continue
        if decision == "edited" and d and d.get("action"):
            f = replace(f, action=Action(d["action"]))
        out.append(f)
        if d:
            log.append({"finding": s and s["id"], "decision": decision, "action": f.action.value})
    for m in manual:
        start, end = int(m["start"]), int(m["end"])
        if not (0 <= start < end <= len(doc_text)):
            continue
        out.append(
            Finding(
                detector="manual",
                category="redaction",
                severity=Severity.HIGH,
                message="Redacted by the reviewer.",
                location=Location("body", None, start, end),
                excerpt=doc_text[start:end],
                evidence={"note": m.get("note") or ""},
                action=Action.REPLACE,
            )
        )
        log.append({"decision": "manual", "start": start, "end": end})
    return out, log


def source_path(doc: dict[str, Any]) -> Path:
    for raw in doc.get("path_bytes", []):
        p = Path(os.fsdecode(raw))
        if p.is_file():
            return p
    raise InputError("the original file is no longer at any of its recorded paths")


def export_document(store: CaseStore, sha256: str, out_dir: Path) -> int:
    """Sanitize the document ``sha256`` by the decisions; store and return the export id."""
    from ..api import sanitize_document

    doc_row = store.document(sha256)
    if doc_row is None:
        raise UsageError("no such document in the case")
    src = source_path(doc_row)
    doc = read(src)
    fresh = audit_document(doc).findings
    stored = store.findings_for(sha256, "")
    decisions = store.decisions_for(sha256, "")
    findings, log = reviewed_findings(stored, decisions, fresh, doc.text)
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = src.stem or "document"
    ext = src.suffix or ".txt"
    out = out_dir / f"{stem}.cleaned{ext}"
    n = 1
    while out.exists():
        n += 1
        out = out_dir / f"{stem}.cleaned-{n}{ext}"
    result = sanitize_document(doc, out, findings=findings)
    proof = result.proof.to_json() if hasattr(result.proof, "to_json") else result.proof
    return store.add_export(sha256, "", str(src), str(result.output), proof, {
        "decisions": decisions, "applied": log})
