"""``leakdesk quotes ARTICLE --source SRC...`` and ``leakdesk reuse A B``."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from ..document import Document
from ..report import dumps, envelope
from ..textutil import make_visible


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


_STYLE = {
    "verbatim": "green",
    "variation": "cyan",
    "altered": "bold yellow",
    "not_in_source": "bold red",
}
_LABEL = {
    "verbatim": "✔ verbatim",
    "variation": "≈ variation",
    "altered": "✘ altered",
    "not_in_source": "✘ not in source",
}


def _read(path: Path, ocr: bool) -> Document:
    from ..api import read

    doc = read(path, ocr=ocr)
    doc.path = path
    return doc


def _short(s: str, n: int = 300) -> str:
    s = make_visible(" ".join(s.split()))
    return s if len(s) <= n else s[: n - 1] + "…"


def _diff_text(diff: list[dict[str, Any]]) -> Text:
    out = Text()
    for op in diff:
        kind = op["op"]
        note = op.get("note")
        if kind == "equal":
            out.append(_short(op["article"], 200), style="dim")
        elif note in ("ellipsis", "split", "paragraph"):
            words = op.get("words")
            skipped = f"{words} words" if words else _short(op["source"], 60)
            out.append(f"⟦{note}: {skipped}⟧", style="dim italic")
        elif note == "bracket":
            if op["source"]:
                out.append(f"[{_short(op['source'], 80)}]", style="dim strike")
            out.append(_short(op["article"], 80), style="italic")
        else:
            legit = note == "spacing"
            if op["source"]:
                out.append(f"[-{_short(op['source'], 120)}-]",
                           style="strike" if legit else "bold red strike")
            if op["article"]:
                out.append(f"{{+{_short(op['article'], 120)}+}}",
                           style="underline" if legit else "bold green underline")
        out.append(" ")
    return out


def render_quotes(console: Console, report: Any) -> None:
    from ..quotes import VERDICTS

    doc: Document = report.article
    name = str(doc.path) if doc.path else "article"
    counts = report.counts()
    summary = ", ".join(f"{counts[v]} {v.replace('_', ' ')}" for v in VERDICTS if counts[v])
    n = len(report.quotes)
    console.print(Text.assemble(
        (name, "bold"), f": {n} quotation{'s' if n != 1 else ''} checked against ",
        (", ".join(report.sources) or "no source", "bold"),
        f" — {summary or 'nothing to check'}",
    ))
    for q in report.quotes:
        line, col = doc.line_col(q.quotation.start)
        style = _STYLE[q.verdict]
        head = Text.assemble(
            (f"  {line}:{col}".ljust(10), "dim"),
            (_LABEL[q.verdict].ljust(16), style),
            (q.kind.ljust(7), "dim"),
        )
        if q.speaker:
            head.append(f"— {make_visible(q.speaker)}  ")
        if q.verdict in ("altered", "not_in_source", "variation"):
            head.append(f"score {q.score:.2f}", style="dim")
        console.print(head)
        console.print(Text.assemble("            “", (_short(q.text), style), "”"))
        if q.source_path is not None and q.source_document is not None:
            sl, sc = q.source_document.line_col(q.source_start or 0)
            console.print(Text.assemble(("            source ", "dim"),
                                        (f"{q.source_path} {sl}:{sc}", "bold"), ": ",
                                        (_short(q.source_text or "", 200), "italic")))
        if q.verdict in ("altered", "variation") and q.diff:
            console.print(Text.assemble(("            diff   ", "dim"), _diff_text(q.diff)))
        if q.verdict != "verbatim" and q.reasons:
            console.print(Text("            " + "; ".join(_short(r, 120) for r in q.reasons[:4]),
                               style="dim"))
    if report.duplicates:
        console.print()
        console.print(Text(f"Repeated paragraphs ({len(report.duplicates)})", style="bold"))
        for d in report.duplicates:
            where = ", ".join("{}:{}".format(*doc.line_col(a)) for a, _ in d.occurrences)
            console.print(Text.assemble(f"  {len(d.occurrences)}× at {where}: ",
                                        (_short(d.text, 120), "italic")))
    if report.unbalanced:
        console.print()
        console.print(Text(f"Unbalanced quotation marks ({len(report.unbalanced)})",
                           style="bold yellow"))
        for u in report.unbalanced_json():
            console.print(f"  {u['line']}:{u['col']}  {u['mark']}  {u['message']}")


def register(app: typer.Typer) -> None:
    @app.command("quotes")
    def quotes_cmd(
        article: Path = typer.Argument(..., help="The article (any format leakdesk reads)."),  # noqa: B008
        source: list[Path] = typer.Option(  # noqa: B008
            ..., "--source", "-s", help="A source document the article quotes (repeatable)."
        ),
        format: OutputFormat = typer.Option(  # noqa: B008
            OutputFormat.text, "--format", "-f", help="text or json"
        ),
        ocr: bool = typer.Option(True, "--ocr/--no-ocr", help="OCR scans and photos (tesseract)."),
    ) -> None:
        """Check every quotation in ARTICLE against the sources.

        Each quotation is verbatim, a variation (case, punctuation, ellipsis or
        brackets only), altered, or not in the sources; repeated paragraphs and
        unbalanced quotation marks are listed too.
        Exit codes: 0 every quotation verbatim or a variation, 1 any altered or
        not in the sources, 2 error.
        """
        from ..quotes import check_quotes

        doc = _read(article, ocr)
        sources = [_read(s, ocr) for s in source]
        report = check_quotes(doc, sources)
        if format is OutputFormat.json:
            body = report.to_json()
            body["article"] = str(article)
            sys.stdout.write(dumps(envelope("quotes", **body)) + "\n")
        else:
            render_quotes(Console(highlight=False, soft_wrap=True), report)
        raise typer.Exit(1 if report.failed else 0)

    @app.command("reuse")
    def reuse_cmd(
        a: Path = typer.Argument(..., help="The earlier text (the original)."),  # noqa: B008
        b: Path = typer.Argument(..., help="The later text, which may copy from A."),  # noqa: B008
        format: OutputFormat = typer.Option(  # noqa: B008
            OutputFormat.text, "--format", "-f", help="text or json"
        ),
        min_words: int = typer.Option(8, "--min-words", min=4,
                                      help="Shortest copied passage reported, in words."),
        ocr: bool = typer.Option(True, "--ocr/--no-ocr", help="OCR scans and photos (tesseract)."),
    ) -> None:
        """Show which passages of B were copied from A, and how much of B they are.

        Exit codes: 0 nothing copied, 1 copied passages found, 2 error.
        """
        from ..quotes import find_reuse

        da, db = _read(a, ocr), _read(b, ocr)
        report = find_reuse(da, db, min_words=min_words)
        if format is OutputFormat.json:
            sys.stdout.write(dumps(envelope("reuse", a=str(a), b=str(b), **report.to_json())) + "\n")
        else:
            console = Console(highlight=False, soft_wrap=True)
            console.print(Text.assemble(
                (str(b), "bold"),
                f": {report.copied_share:.0%} of its words ({report.copied_words:,} of "
                f"{report.b_words:,}) copied from ",
                (str(a), "bold"),
                f" in {len(report.passages)} passage{'s' if len(report.passages) != 1 else ''}",
            ))
            for p in report.passages:
                la, ca = da.line_col(p.a_start)
                lb, cb = db.line_col(p.b_start)
                console.print(Text.assemble(
                    (f"  B {lb}:{cb} ← A {la}:{ca}", "bold"),
                    (f"  {p.words} words, similarity {p.similarity:.2f}", "dim"),
                ))
                console.print(Text("    " + _short(p.b_text, 200), style="italic"))
        raise typer.Exit(1 if report.passages else 0)
