"""``leakdesk batch DIR --db CASE.sqlite [--jobs N] [--engine local|dask] ...``."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ..batch.isolate import WorkerLimits
from ..batch.runner import BatchSummary, run_batch
from ..errors import safe_name


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def register(app: typer.Typer) -> None:
    @app.command("batch")
    def batch_cmd(
        root: Path = typer.Argument(..., help="Folder (or archive) to audit."),  # noqa: B008
        db: Path = typer.Option(..., "--db", help="Case store (SQLite), created if missing."),  # noqa: B008
        jobs: int = typer.Option(0, "--jobs", "-j", help="Worker processes (default: all cores)."),
        engine: Engine = typer.Option(Engine.local, "--engine", help="local or dask"),  # noqa: B008
        scheduler: str | None = typer.Option(
            None, "--scheduler", help="Address of a running dask scheduler (with --engine dask)."
        ),
        format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f"),  # noqa: B008
        timeout: float = typer.Option(120.0, "--timeout", help="Time limit per file, seconds."),
        memory: int = typer.Option(6144, "--memory-mb", help="Address-space limit per worker, MiB."),
    ) -> None:
        """Audit a whole archive into a case store; resumable (a rerun does only new files)."""
        limits = WorkerLimits(file_timeout=timeout, address_space=memory << 20)
        quiet = format is OutputFormat.json or not sys.stderr.isatty()
        console = Console(stderr=True)
        with Progress(
            TextColumn("auditing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} files/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            disable=quiet,
            transient=False,
        ) as bar:
            task = bar.add_task("audit", total=None, rate="-")
            import time

            t0 = time.monotonic()

            def progress(done: int, total: int) -> None:
                dt = time.monotonic() - t0
                rate = f"{done / dt:,.1f}" if dt > 0 and done else "-"
                bar.update(task, completed=done, total=total, rate=rate)

            summary = run_batch(
                root,
                db,
                jobs=jobs or None,
                engine=engine.value,
                scheduler=scheduler,
                limits=limits,
                progress=progress,
            )
        if format is OutputFormat.json:
            sys.stdout.write(json.dumps(summary.to_json(), ensure_ascii=False) + "\n")
        else:
            _print_summary(Console(highlight=False), summary)
        raise typer.Exit(0)


def _print_summary(console: Console, s: BatchSummary) -> None:
    console.print(
        f"[bold]{s.processed:,}[/bold] processed ({s.unique:,} new contents), "
        f"{s.skipped:,} unchanged, [bold]{s.failed:,}[/bold] failed, "
        f"{s.findings:,} findings, {s.members:,} archive members and attachments "
        f"in {s.seconds:.1f} s ({s.files_per_second:,.1f} files/s, {s.engine}, {s.jobs} jobs)"
    )
    for f in s.failures[:20]:
        console.print(f"  [red]failed[/red] {safe_name(f['path'])}: {f['error']}")
    if len(s.failures) > 20:
        console.print(f"  … and {len(s.failures) - 20} more (see 'leakdesk report')")
    console.print(f"Case store: {s.store}   (see it with: leakdesk report {s.store})")
