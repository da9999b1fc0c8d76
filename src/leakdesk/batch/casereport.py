"""``leakdesk report``: a case at a glance, as JSON, CSV or one self-contained HTML page.

The documents with the most dangerous traces come first (risk = 10 per high,
3 per medium, 1 per low finding), then counts by category and the failures.
The HTML page has no external resource: no script, no font, no image.
"""

from __future__ import annotations

import csv
import html
import io
from typing import Any

from ..report import envelope
from .store import CaseStore


def case_summary(store: CaseStore, limit: int | None = None) -> dict[str, Any]:
    docs = store.documents(limit)
    return envelope(
        "report",
        store=str(store.path),
        counts=store.counts(),
        documents=[
            {
                "sha256": d["sha256"],
                "paths": d["paths"],
                "format": d["format"],
                "size": d["size"],
                "status": d["status"],
                "error": d["error"],
                "risk": d["risk"],
                "findings": {
                    "total": d["n_findings"],
                    "high": d["n_high"],
                    "medium": d["n_medium"],
                    "low": d["n_low"],
                },
                "members": d["members"],
            }
            for d in docs
        ],
        categories=store.category_counts(),
        failures=store.failures(),
    )


def to_csv(summary: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["path", "sha256", "format", "status", "risk", "high", "medium", "low", "error"])
    for d in summary["documents"]:
        f = d["findings"]
        for p in d["paths"] or [""]:
            w.writerow(
                [p, d["sha256"], d["format"] or "", d["status"], d["risk"], f["high"],
                 f["medium"], f["low"], d["error"] or ""]
            )
    return buf.getvalue()


_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem;color:#111;max-width:70rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;
border-bottom:1px solid #ddd;vertical-align:top}th{background:#f3f3f3}
.high{color:#a00;font-weight:600}.medium{color:#8a5a00}.low{color:#246}
.failed{color:#a00}code{font-size:.85em;word-break:break-all}
"""


def to_html(summary: dict[str, Any]) -> str:
    e = html.escape
    c = summary["counts"]
    rows = []
    for d in summary["documents"]:
        f = d["findings"]
        paths = "<br>".join(e(p) for p in d["paths"])
        status = (
            f'<span class="failed">failed: {e(d["error"] or "")}</span>'
            if d["status"] == "failed"
            else "ok"
        )
        rows.append(
            f"<tr><td>{paths}</td><td>{e(d['format'] or '')}</td><td>{d['risk']}</td>"
            f'<td class="high">{f["high"]}</td><td class="medium">{f["medium"]}</td>'
            f'<td class="low">{f["low"]}</td><td>{status}</td></tr>'
        )
    cats = "".join(
        f'<tr><td>{e(r["category"])}</td><td class="{e(r["severity"])}">{e(r["severity"])}</td>'
        f"<td>{r['n']}</td><td>{r['docs']}</td></tr>"
        for r in summary["categories"]
    )
    fails = "".join(
        f"<tr><td>{e(r['path'])}</td><td>{e(r['error'] or '')}</td></tr>"
        for r in summary["failures"]
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>leakdesk case report</title><style>{_CSS}</style></head><body>
<h1>leakdesk case report</h1>
<p>{c['documents']} documents at {c['paths']} paths, {c['findings']} findings,
{c['failed'] + c['errors']} failures. This page holds excerpts of sensitive documents:
keep it with the case.</p>
<h2>Documents, most dangerous first</h2>
<table><thead><tr><th>Path</th><th>Format</th><th>Risk</th><th>High</th><th>Medium</th>
<th>Low</th><th>Status</th></tr></thead><tbody>{''.join(rows)}</tbody></table>
<h2>Findings by category</h2>
<table><thead><tr><th>Category</th><th>Severity</th><th>Findings</th><th>Documents</th></tr>
</thead><tbody>{cats}</tbody></table>
<h2>Failures</h2>
<table><thead><tr><th>Path</th><th>Error</th></tr></thead><tbody>{fails}</tbody></table>
</body></html>
"""
