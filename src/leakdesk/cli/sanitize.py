"""``leakdesk sanitize PATH -o OUT [--policy FILE] [--report LOG.json] [--mode rebuild|raster]``.

Writes a clean copy and proves it: exit 0 when the copy is written and the
residue proof passed, 2 on an error (bad input, OUT == PATH, a bad policy),
3 when the proof failed (nothing is written).  The summary names categories
and counts only, never removed text; ``--report`` writes the redaction log,
which holds the removed text, with a warning.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from ..api import SanitizeResult, sanitize
from ..errors import UsageError, safe_name
from ..report import dumps, envelope
from ..sanitize.proof import FAILED, PASSED, SKIPPED, ProofReport, ResidueProofFailed
from ..sanitize.redaction_log import WARNING


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class Mode(StrEnum):
    rebuild = "rebuild"
    raster = "raster"


_OUTCOME = {
    "remove": "removed",
    "replace": "replaced",
    "normalize": "normalized",
    "review": "left for review",
    "keep": "kept (policy)",
}
_MARK = {PASSED: ("✓", "green"), FAILED: ("✗", "bold red"), SKIPPED: ("–", "dim")}


def render_proof(console: Console, proof: ProofReport) -> None:
    verdict = (
        Text("PASSED: nothing removed survives in the output", style="bold green")
        if proof.passed
        else Text("FAILED: the output was deleted", style="bold red")
    )
    console.print(Text.assemble(("Residue proof: ", "bold"), verdict))
    for c in proof.checks:
        mark, style = _MARK.get(c.status, ("!", "yellow"))
        detail_style = "dim" if c.status == SKIPPED else ""
        console.print(
            Text.assemble("  ", (mark, style), f" {c.id:<12} ", (c.detail or c.status, detail_style))
        )
        for note in c.searched.get("notes", []) if isinstance(c.searched, dict) else []:
            console.print(f"      [dim]{escape(str(note))}[/dim]")
        for f in c.failures[:20]:
            bits = [f"{k}={v}" for k, v in f.items() if not k.startswith("_") and k != "where"]
            console.print(f"      [red]{escape(' '.join(bits))}[/red]")
            for w in f.get("where", [])[:3]:
                console.print(
                    f"        [dim]in {escape(str(w['stream']))} as {escape(w['encoding'])} ×{w['count']}[/dim]"
                )
    s = proof.strings
    if s.get("also_in_kept_text"):
        console.print(
            f"  [dim]{s['also_in_kept_text']} removed string(s) also occur in the kept text "
            "(e.g. a word a sentence uses); the output may hold them only as often as the "
            "kept text does (the redaction log names them)[/dim]"
        )
    if s.get("too_short"):
        console.print(
            f"  [dim]{s['too_short']} removed string(s) shorter than 4 characters are not searched "
            "as text or bytes (single invisible characters are covered by the invisible check)[/dim]"
        )


def render_result(console: Console, r: SanitizeResult) -> None:
    src = safe_name(r.source) if r.source else "document"
    console.print(
        Text.assemble(
            (src, "bold"), " → ", (safe_name(r.output), "bold"), f"  ({r.format}, mode {r.mode})"
        )
    )
    changes = r.changes_by_category()
    changed = {c: o for c, o in changes.items() if set(o) & {"remove", "replace", "normalize"}}
    left = {c: o for c, o in changes.items() if set(o) & {"review", "keep"}}
    if changed:
        console.print("[bold]Changed[/bold]")
        for cat in sorted(changed):
            parts = [f"{n} {_OUTCOME[k]}" for k, n in sorted(changed[cat].items())
                     if k in ("remove", "replace", "normalize")]
            console.print(f"  {cat:<14} {', '.join(parts)}")
        n_lines = sum(1 for e in r.plan.edits if e.kind == "line")
        console.print(
            f"  [dim]{len(r.plan.edits)} edit(s) in the text"
            + (f", {n_lines} of them whole lines" if n_lines else "")
            + (f"; placeholder {escape(r.plan.placeholder)}" if r.plan.placeholder else "")
            + "[/dim]"
        )
    else:
        console.print("[green]No trace to change was found.[/green]")
    if left:
        console.print("[bold]Left in place[/bold] (see `leakdesk audit` or --report)")
        for cat in sorted(left):
            parts = [f"{n} {_OUTCOME[k]}" for k, n in sorted(left[cat].items())
                     if k in ("review", "keep")]
            console.print(f"  {cat:<14} {', '.join(parts)}")
    if r.consensus is not None:
        c = r.consensus
        console.print(
            f"[bold]Consensus[/bold] of {c['copies']} copies: {c['positions']} varying "
            f"position(s), {c['neutralized']} neutralized, {c['noise']} noise, "
            f"{c['flagged']} flagged (replaced by the placeholder: rewrite them)"
        )
    children = len(r.audit.walk()) - 1
    if children:
        console.print(f"[bold]Attachments[/bold]  {children} audited and removed")
    if r.clean.actions:
        console.print("[bold]Output[/bold]")
        for a in r.clean.actions:
            console.print(f"  {escape(a)}")
    for nd in r.clean.not_done:
        console.print(f"  [yellow]not done:[/yellow] {escape(nd)}")
    render_proof(console, r.proof)


def _warn_log(path: Path) -> None:
    sys.stderr.write(f"leakdesk: warning: {safe_name(path)}: {WARNING} (mode 0600)\n")


def register(app: typer.Typer) -> None:
    @app.command("sanitize")
    def sanitize_cmd(
        paths: list[Path] = typer.Argument(  # noqa: B008
            ..., help="The file to sanitize (and, after --consensus, further copies of it)."
        ),
        output: Path = typer.Option(  # noqa: B008
            ..., "--output", "-o", help="Clean copy to write, or a folder for NAME.cleaned.EXT."
        ),
        policy: Path | None = typer.Option(  # noqa: B008
            None, "--policy", help="Policy YAML (see docs/sanitize.md); merged over the defaults."
        ),
        report: Path | None = typer.Option(  # noqa: B008
            None, "--report",
            help="Write the redaction log here (it holds the removed text in clear; mode 0600).",
        ),
        mode: Mode = typer.Option(  # noqa: B008
            Mode.rebuild, "--mode", help="rebuild (new file from the clean text) or raster (PDF)."
        ),
        password: str | None = typer.Option(
            None, "--password", help="Password of an encrypted file."
        ),
        encoding: str | None = typer.Option(None, "--encoding", help="Force a text encoding."),
        ocr: bool = typer.Option(True, "--ocr/--no-ocr", help="OCR scans and photos (tesseract)."),
        format: OutputFormat = typer.Option(  # noqa: B008
            OutputFormat.text, "--format", "-f", help="text or json"
        ),
        consensus: list[Path] | None = typer.Option(  # noqa: B008
            None, "--consensus",
            help="Further copies of the same document: sanitize their safest consensus text.",
        ),
    ) -> None:
        """Write a clean copy, then prove nothing removed survives in it.

        Exit codes: 0 written and proven, 2 error, 3 residue proof failed (nothing written).
        """
        path, extra = paths[0], list(paths[1:])
        copies = list(consensus or [])
        if extra and not copies:
            raise UsageError("sanitize takes one PATH (give further copies after --consensus)")
        copies += extra
        console = Console(highlight=False, soft_wrap=True)
        try:
            result = sanitize(
                path,
                output,
                policy=policy,
                mode=mode.value,
                report=report,
                password=password,
                encoding=encoding,
                ocr=ocr,
                consensus=copies or None,
            )
        except ResidueProofFailed as exc:
            if format is OutputFormat.json:
                sys.stdout.write(
                    dumps(envelope("sanitize", documents=[], output=None,
                                   proof=exc.report.to_json())) + "\n"
                )
            else:
                render_proof(console, exc.report)
            if exc.redaction_log is not None:
                _warn_log(exc.redaction_log)
            raise
        if result.report is not None:
            _warn_log(result.report)
        if format is OutputFormat.json:
            sys.stdout.write(dumps(envelope("sanitize", **result.to_json())) + "\n")
        else:
            render_result(console, result)
        raise typer.Exit(0)
