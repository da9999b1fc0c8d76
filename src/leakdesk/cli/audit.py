"""``leakdesk audit PATH... [--format text|json] [--min-severity S]``."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from ..api import AuditResult, audit
from ..document import Severity
from ..errors import LeakdeskError
from ..report import audit_report, dumps
from .render import render_audit


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def register(app: typer.Typer) -> None:
    @app.command("audit")
    def audit_cmd(
        paths: list[Path] = typer.Argument(..., help="Files to audit."),  # noqa: B008
        format: OutputFormat = typer.Option(  # noqa: B008
            OutputFormat.text, "--format", "-f", help="text or json"
        ),
        min_severity: str = typer.Option("low", "--min-severity", help="high, medium or low"),
        password: str | None = typer.Option(
            None, "--password", help="Password of an encrypted file."
        ),
        encoding: str | None = typer.Option(None, "--encoding", help="Force a text encoding."),
        ocr: bool = typer.Option(True, "--ocr/--no-ocr", help="OCR scans and photos (tesseract)."),
        rules: list[Path] = typer.Option(  # noqa: B008
            [], "--rules", help="Extra rule-pack folder or YAML file (repeatable)."
        ),
    ) -> None:
        """Find every trace that could identify the source or the copy.

        Exit codes: 0 no findings, 1 findings, 2 error.
        """
        sev = Severity.parse(min_severity)
        if rules:  # detectors run in this process, after the sandboxed read
            from ..detectors import rules as rule_packs

            rule_packs.configure([Path(r) for r in rules])
        results: list[AuditResult] = []
        errors: list[dict[str, str]] = []
        for p in paths:
            try:
                results.append(
                    audit(p, min_severity=sev, password=password, encoding=encoding, ocr=ocr)
                )
            except LeakdeskError as exc:
                if len(paths) == 1:
                    raise
                errors.append({"path": str(p), "error": exc.one_line()})
                sys.stderr.write(f"leakdesk: {exc.one_line()}\n")
        if format is OutputFormat.json:
            sys.stdout.write(dumps(audit_report(results, errors)) + "\n")
        else:
            render_audit(Console(highlight=False, soft_wrap=True), results)
        if errors:
            raise typer.Exit(2)
        raise typer.Exit(1 if any(r.all_findings for r in results) else 0)
