"""The redaction log (``sanitize --report FILE``): every change, in clear.

It records, for each change, the original text, where it was (part, page,
code-point offsets, line and column), the action and the replacement, with
the findings behind it; then the container traces acted on, the findings left
in place and why, the removed strings with the ids the proof report uses, and
the proof itself with those strings revealed.

**It holds the very text that was removed**, so it is written only on
request, with mode 0600, atomically, never over the input or the output; the
command line prints a warning when it writes one.  Keep it as safe as the
original document and never publish it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..fsutil import atomic_output, same_file
from ..report import envelope
from .plan import CleanPlan
from .proof import ProofReport

WARNING = (
    "this redaction log holds every removed string in clear text; keep it as safe as "
    "the original document and never publish it"
)

_KIND_ACTION = {
    "remove": "removed",
    "replace": "replaced by the placeholder",
    "normalize": "normalized",
    "line": "removed with its whole line",
}


def _where(plan: CleanPlan, start: int, end: int) -> dict[str, Any]:
    doc = plan.document
    loc = doc.location(start, end)
    line, col = doc.line_col(start)
    end_line, end_col = doc.line_col(max(start, end - 1)) if end > start else (line, col)
    return {
        **loc.to_json(),
        "line": line,
        "column": col,
        "end_line": end_line,
        "end_column": end_col + (1 if end > start else 0),
    }


def _finding(f: Any) -> dict[str, Any]:
    return {
        "detector": f.detector,
        "category": f.category,
        "severity": f.severity.value,
        "message": f.message,
        "excerpt": f.excerpt,
        "location": f.location.to_json(),
    }


def build_log(
    plan: CleanPlan,
    proof: ProofReport | None,
    *,
    source: Path | None,
    output: Path | None,
    actions: list[str] | None = None,
) -> dict[str, Any]:
    """The redaction log as a JSON-ready mapping (it holds sensitive text)."""
    text = plan.document.text
    changes = []
    for i, e in enumerate(plan.edits):
        changes.append(
            {
                "id": f"C{i + 1:04d}",
                "kind": e.kind or "edit",
                "action": _KIND_ACTION.get(e.kind, e.kind),
                "location": _where(plan, e.start, e.end),
                "original": text[e.start : e.end],
                "replacement": e.replacement,
                "findings": [_finding(f) for f in e.findings],
            }
        )
    container = [
        {**_finding(f), "action": f.action.value}
        for f in plan.container_findings
    ]
    left = [
        {**_finding(d.finding), "outcome": d.outcome, "reason": d.reason}
        for d in plan.decisions
        if not d.changes_text
    ]
    strings = [
        {"id": f"R{i + 1:03d}", "text": s,
         "category": plan.removed_categories[i] if i < len(plan.removed_categories) else ""}
        for i, s in enumerate(plan.removed)
    ]
    return envelope(
        "sanitize",
        kind="redaction-log",
        warning=WARNING,
        source=str(source) if source else None,
        output=str(output) if output else None,
        policy=plan.policy_source,
        mode=plan.mode,
        placeholder=plan.placeholder,
        changes=changes,
        container=container,
        left_in_place=left,
        removed_strings=strings,
        adapter_actions=list(actions or []),
        proof=proof.to_json(reveal=True) if proof is not None else None,
    )


def write_log(dest: Path, data: dict[str, Any], *, protect: tuple[Path | None, ...] = ()) -> Path:
    """Write the log to ``dest`` with mode 0600, atomically; refuse to overwrite ``protect``."""
    dest = Path(dest)
    if dest.is_dir():
        raise UsageError("the redaction log path is a folder; give a file name", dest)
    for p in protect:
        if p is not None and same_file(p, dest):
            raise UsageError("refusing to write the redaction log over the input or the output", dest)
    payload = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    with atomic_output(dest, mode=0o600) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(payload)
        os.chmod(tmp, 0o600)
    return dest
