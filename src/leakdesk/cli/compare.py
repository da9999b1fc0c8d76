"""``leakdesk compare A B [C...] [--format text|json] [--all] [--force] [--consensus OUT]``."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import regex
import typer
from rich.console import Console
from rich.text import Text

from ..compare import Comparison, Difference, Position, compare
from ..compare.model import LineIndex
from ..document import Document
from ..errors import UsageError
from ..report import dumps
from ..textutil import make_visible


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


_KIND_ORDER = ("move", "invisible", "homoglyph", "number", "wording", "spelling", "insertion",
               "deletion", "punctuation", "whitespace")
_MARK = "bold red"
_NOISE = "dim"
_CONTEXT = 36
#: Reports with more differences than this are written as compact JSON (10× faster).
COMPACT_ABOVE = 2000


def register(app: typer.Typer) -> None:
    @app.command("compare")
    def compare_cmd(
        paths: list[Path] = typer.Argument(..., help="Two or more copies of one document."),  # noqa: B008
        format: OutputFormat = typer.Option(  # noqa: B008
            OutputFormat.text, "--format", "-f", help="text or json"
        ),
        show_all: bool = typer.Option(
            False, "--all", help="Text view: list every noise difference, not only a summary."
        ),
        force: bool = typer.Option(
            False, "--force", help="Compare even copies that do not look like one document."
        ),
        moves: bool = typer.Option(True, "--moves/--no-moves", help="Report moved text as moves."),
        consensus: Path | None = typer.Option(  # noqa: B008
            None, "--consensus", help="Also write the safest text (consensus) to this file."
        ),
        ocr: bool = typer.Option(True, "--ocr/--no-ocr", help="OCR scans and photos (tesseract)."),
    ) -> None:
        """Line up copies of one document and show every difference that could tell them apart.

        Each difference has a kind (wording, spelling, punctuation, whitespace,
        invisible, homoglyph, number, insertion, deletion, move) and an
        assessment: likely deliberate (a mark) or likely noise (OCR, re-wrapping).
        Exit codes: 0 identical, 1 differences found, 2 error (including copies
        that are not versions of the same document).
        """
        if len(paths) < 2:
            raise UsageError("compare needs at least two copies")
        if consensus is not None:
            from ..fsutil import refuse_overwrite_input

            for p in paths:
                refuse_overwrite_input(p, consensus)
        result = compare(paths, force=force, moves=moves, ocr=ocr)
        report = result.to_json()
        if consensus is not None:
            from ..compare.consensus import consensus_of
            from ..fsutil import write_atomic

            cons = consensus_of(result.names, [d.text for d in result.documents],
                                result.positions)
            write_atomic(consensus, cons.text)
            report["consensus"] = {"path": str(consensus), **cons.to_json()}
            sys.stderr.write(
                f"leakdesk: consensus written to {consensus}: {len(cons.flagged)} position(s) "
                "need a rewrite\n" if cons.flagged else
                f"leakdesk: consensus written to {consensus}\n"
            )
        if format is OutputFormat.json:
            if len(report["differences"]) <= COMPACT_ABOVE:
                sys.stdout.write(dumps(report) + "\n")
            else:  # thousands of noise differences: the C encoder, without indentation
                sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
        else:
            render_comparison(Console(highlight=False, soft_wrap=True), result, show_all=show_all)
        same = result.identical and not any(p.files_marked for p in result.pairs)
        raise typer.Exit(0 if same else 1)


# -- text view ---------------------------------------------------------------------


def _excerpt(text: str, start: int, end: int, style: str) -> Text:
    lo = max(0, start - _CONTEXT)
    hi = min(len(text), end + _CONTEXT)
    out = Text()
    out.append("…" if lo > 0 else "", style="dim")
    out.append(make_visible(text[lo:start]), style="dim")
    changed = make_visible(text[start:end])
    out.append(f"[{changed}]" if changed else "[]", style=style)
    out.append(make_visible(text[end:hi]), style="dim")
    out.append("…" if hi < len(text) else "", style="dim")
    return out


_LINES: dict[int, LineIndex] = {}


def _where(doc: Document, offset: int) -> str:
    index = _LINES.get(id(doc))
    if index is None:
        index = _LINES[id(doc)] = LineIndex(doc.text)
    line, col = index.line_col(offset)
    loc = doc.location(offset, offset)
    page = f" p.{loc.page}" if loc.page is not None else ""
    return f"{line}:{col}{page}"


def _print_difference(console: Console, cmp: Comparison, d: Difference) -> None:
    pair = cmp.pairs[0]
    style = _NOISE if d.noise else _MARK
    head = Text("  ")
    head.append(f"{d.kind:<12}", style="bold" if not d.noise else "dim")
    head.append(f" A {_where(pair.doc_a, d.a.start):<10} B {_where(pair.doc_b, d.b.start)}",
                style="dim")
    if d.move is not None:
        head.append(f"  (move {d.move})", style="dim")
    console.print(head)
    console.print(Text("     A: ").append_text(_excerpt(pair.doc_a.text, d.a.start, d.a.end, style)))
    console.print(Text("     B: ").append_text(_excerpt(pair.doc_b.text, d.b.start, d.b.end, style)))
    console.print(Text(f"     {d.reason}", style="dim" if d.noise else "yellow"))


def _print_position(console: Console, cmp: Comparison, p: Position) -> None:
    ref = cmp.names[0]
    doc = cmp.documents[0]
    span = p.spans[ref]
    style = _NOISE if p.noise else _MARK
    head = Text("  ")
    head.append(f"{p.kind:<12}", style="bold" if not p.noise else "dim")
    head.append(f" {ref} {_where(doc, span.start)}", style="dim")
    console.print(head)
    console.print(Text("     ").append_text(_excerpt(doc.text, span.start, span.end, style)))
    width = max(len(make_visible(v.text)) for v in p.variants) or 9
    width = min(width, 40)
    for v in p.variants:
        shown = make_visible(v.text) or "(nothing)"
        if not v.text.strip():
            shown = shown.replace(" ", "␣")
        if len(shown) > 60:
            shown = shown[:59] + "…"
        line = Text("       ")
        line.append(f"{shown:<{width + 2}}", style=style)
        line.append(", ".join(v.copies), style="cyan")
        console.print(line)
    console.print(Text(f"     {p.reason}", style="dim" if p.noise else "yellow"))


_QUOTED_RE = regex.compile(r"“[^”]*”|\d+")


def _noise_summary(console: Console, items: Sequence[Difference | Position]) -> None:
    reasons = Counter(_QUOTED_RE.sub("…", d.reason.split(";")[0]) for d in items)
    for reason, n in reasons.most_common():
        console.print(Text(f"    {n:>5} × {reason}", style="dim"))


def render_comparison(console: Console, cmp: Comparison, *, show_all: bool = False) -> None:
    """The text report: header, deliberate differences grouped by kind, then the noise."""
    two = len(cmp.names) == 2
    if two:
        p = cmp.pairs[0]
        console.print(Text.assemble(
            ("A ", "dim"), (cmp.names[0], "bold"), ("  B ", "dim"), (cmp.names[1], "bold"),
            f"   similarity {p.similarity:.1%}, {p.profile.describe()}",
        ))
    else:
        console.print(Text.assemble(("Reference ", "dim"), (cmp.names[0], "bold"),
                                    f"  against {len(cmp.names) - 1} copies"))
        for p in cmp.pairs:
            console.print(Text(f"  {p.name_b}: similarity {p.similarity:.1%}, "
                               f"{p.profile.describe()}", style="dim"))
    for p in cmp.pairs:
        for note in p.notes:
            console.print(Text(f"  note: {note}", style="yellow"))
    items: list[Difference | Position] = [*cmp.differences] if two else [*cmp.positions]
    if cmp.identical or not items:
        if any(p.files_marked for p in cmp.pairs):
            console.print(Text("The texts are identical, but the files differ (see the notes).",
                               style="yellow"))
        else:
            console.print(Text("The copies are identical." if cmp.identical
                               else "No differences.", style="green"))
        return
    marks = [d for d in items if not d.noise]
    noise = [d for d in items if d.noise]
    console.print(Text.assemble(
        f"{len(items)} difference{'s' if len(items) != 1 else ''}" if two
        else f"{len(items)} varying position{'s' if len(items) != 1 else ''}",
        ": ", (f"{len(marks)} likely deliberate", _MARK if marks else "green"),
        ", ", (f"{len(noise)} likely noise", _NOISE),
    ))
    console.print()
    if marks:
        console.print(Text(f"LIKELY DELIBERATE ({len(marks)})", style=_MARK))
        for kind in sorted({d.kind for d in marks}, key=lambda k: (*_KIND_ORDER, k).index(k)):
            group = [d for d in marks if d.kind == kind]
            console.print(Text(f" {kind} ({len(group)})", style="bold"))
            for d in group:
                if isinstance(d, Difference):
                    _print_difference(console, cmp, d)
                else:
                    _print_position(console, cmp, d)
        console.print()
    if noise:
        console.print(Text(f"LIKELY NOISE ({len(noise)})", style="bold"))
        if show_all:
            for d in noise:
                if isinstance(d, Difference):
                    _print_difference(console, cmp, d)
                else:
                    _print_position(console, cmp, d)
        else:
            _noise_summary(console, noise)
            console.print(Text("    (--all lists each one; --format json has them all)",
                               style="dim"))
