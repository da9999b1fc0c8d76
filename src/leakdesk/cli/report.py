"""``leakdesk report CASE.sqlite [--format text|json|csv|html] [-o OUT]``."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..batch.casereport import case_summary, to_csv, to_html
from ..batch.store import CaseStore
from ..fsutil import write_atomic


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    html = "html"


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report_cmd(
        db: Path = typer.Argument(..., help="The case store written by 'leakdesk batch'."),  # noqa: B008
        format: ReportFormat = typer.Option(ReportFormat.text, "--format", "-f"),  # noqa: B008
        output: Path | None = typer.Option(None, "-o", "--output", help="Write to a file."),  # noqa: B008
        top: int = typer.Option(0, "--top", help="Only the N most dangerous documents."),
    ) -> None:
        """The case at a glance: most dangerous documents first, counts, failures."""
        with CaseStore(db, create=False) as store:
            summary = case_summary(store, top or None)
        if format is ReportFormat.text:
            _print(Console(highlight=False), summary)
            return
        body = {
            ReportFormat.json: lambda: json.dumps(summary, ensure_ascii=False, indent=2) + "\n",
            ReportFormat.csv: lambda: to_csv(summary),
            ReportFormat.html: lambda: to_html(summary),
        }[format]()
        if output:
            write_atomic(output, body, mode=0o600)
        else:
            sys.stdout.write(body)


def _print(console: Console, s: dict) -> None:  # type: ignore[type-arg]
    c = s["counts"]
    console.print(
        f"[bold]{c['documents']:,}[/bold] documents at {c['paths']:,} paths, "
        f"[bold]{c['findings']:,}[/bold] findings, {c['failed'] + c['errors']:,} failures"
    )
    t = Table(title="Most dangerous documents", show_lines=False)
    for col in ("path", "format", "risk", "high", "medium", "low"):
        t.add_column(col)
    for d in s["documents"][:25]:
        if d["status"] != "ok":
            continue
        f = d["findings"]
        first = d["paths"][0] if d["paths"] else d["sha256"][:12]
        more = f" (+{len(d['paths']) - 1})" if len(d["paths"]) > 1 else ""
        t.add_row(escape(first + more), d["format"] or "", str(d["risk"]),
                  str(f["high"]), str(f["medium"]), str(f["low"]))
    console.print(t)
    if s["categories"]:
        ct = Table(title="Findings by category")
        for col in ("category", "severity", "findings", "documents"):
            ct.add_column(col)
        for r in s["categories"]:
            ct.add_row(r["category"], r["severity"], str(r["n"]), str(r["docs"]))
        console.print(ct)
    for r in s["failures"][:50]:
        console.print(f"[red]failed[/red] {escape(r['path'])}: {escape(r['error'] or '')}")
