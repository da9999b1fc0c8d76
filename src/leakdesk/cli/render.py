"""Rich text rendering of audit results for a person at a terminal."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from ..api import AuditResult
from ..document import Finding, Severity
from ..errors import safe_name
from ..textutil import make_visible

_STYLE = {Severity.HIGH: "bold red", Severity.MEDIUM: "yellow", Severity.LOW: "cyan"}


def where(result: AuditResult, f: Finding) -> str:
    loc = f.location
    bits = []
    if loc.start is not None:
        line, col = result.document.line_col(loc.start)
        bits.append(f"{line}:{col}")
    if loc.page is not None:
        bits.append(f"p.{loc.page}")
    if loc.part != "body":
        bits.append(loc.part)
    return " ".join(bits) or "-"


def render_audit(console: Console, results: Iterable[AuditResult]) -> None:
    for top in results:
        for r in top.walk():
            name = safe_name(r.name or str(r.document.path))  # a name may hold escapes
            n = len(r.findings)
            console.print(
                Text.assemble(
                    (name, "bold"),
                    f"  ({r.document.format}, {len(r.document.text):,} characters): ",
                    (f"{n} finding{'s' if n != 1 else ''}", "bold" if n else "green"),
                )
            )
            for sev in (Severity.HIGH, Severity.MEDIUM, Severity.LOW):
                group = [f for f in r.findings if f.severity is sev]
                if not group:
                    continue
                console.print(Text(f"  {sev.value.upper()} ({len(group)})", style=_STYLE[sev]))
                for f in group:
                    excerpt = make_visible(f.excerpt)
                    if len(excerpt) > 90:
                        excerpt = excerpt[:87] + "…"
                    console.print(
                        f"    {escape(where(r, f)):<14} [dim]{f.category}/{f.detector}[/dim]  "
                        f"[bold]{escape(excerpt)}[/bold]  → {f.action.value}"
                    )
                    console.print(f"        [dim]{escape(f.message)}[/dim]")
            console.print()
