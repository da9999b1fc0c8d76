"""Tie walking, change detection, the engines and the case store together.

Counting (docs/batch.md): ``processed`` counts the *paths* of readable files
handled in this run, so a duplicate file counts under each of its paths, while
its content is audited and stored once (``unique`` counts new contents).
``failed`` counts files that could not be audited; ``skipped`` counts files
unchanged since an earlier run (same path, size and mtime).  A rerun with
nothing new reports ``processed: 0``.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..formats import ReadOptions, sha256_file
from .engines import DaskEngine, LocalEngine
from .isolate import WorkerLimits
from .store import CaseStore, FileResult, display_path
from .walk import FileEntry, walk_files

ProgressFn = Callable[[int, int], None]  # (files done, files to do)


@dataclass(slots=True)
class BatchSummary:
    processed: int = 0
    unique: int = 0
    skipped: int = 0
    failed: int = 0
    findings: int = 0
    members: int = 0
    files: int = 0
    seconds: float = 0.0
    files_per_second: float = 0.0
    engine: str = "local"
    jobs: int = 1
    store: str = ""
    complete: bool = False
    failures: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _batches(entries: list[FileEntry], jobs: int, target: int | None) -> list[list[str]]:
    """Coarse batches: about 8 per worker, between 4 and 256 files, balanced by size."""
    if not entries:
        return []
    size = target or max(4, min(256, len(entries) // (jobs * 8) or 1))
    return [[e.path for e in entries[i : i + size]] for i in range(0, len(entries), size)]


def run_batch(
    root: Path | str,
    db: Path | str,
    *,
    jobs: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    options: ReadOptions | None = None,
    limits: WorkerLimits | None = None,
    batch_size: int | None = None,
    progress: ProgressFn | None = None,
) -> BatchSummary:
    """Audit every file under ``root`` into the case store ``db``; resumable."""
    root = Path(root)
    if not root.exists():
        raise InputError("no such folder", root)
    if engine not in ("local", "dask"):
        raise UsageError(f"unknown engine {engine!r}: use local or dask")
    jobs = jobs or default_jobs()
    options = options or ReadOptions()
    limits = limits or WorkerLimits()
    db = Path(db)
    started = time.monotonic()
    summary = BatchSummary(engine=engine, jobs=jobs, store=str(db))
    with CaseStore(db) as store:
        run_id = store.start_run(os.fspath(root), engine, jobs)
        dbabs = os.path.abspath(db)
        exclude = {dbabs, dbabs + "-wal", dbabs + "-shm", dbabs + "-journal"}
        entries = list(walk_files(root, exclude))
        summary.files = len(entries)
        seen = store.known_stat()
        todo = []
        for e in entries:
            if seen.get(display_path(e.path)) == (e.size, e.mtime_ns):
                summary.skipped += 1
            else:
                todo.append(e)
        known = frozenset(store.known_contents())
        todo, dups = _split_duplicates(todo, known)
        if engine == "dask":
            eng: LocalEngine | DaskEngine = DaskEngine(jobs, options, known, limits, scheduler)
        else:
            eng = LocalEngine(jobs, options, known, limits)
        done = 0
        if progress:
            progress(0, len(todo))
        try:
            total = len(todo) + len(dups)
            for results in eng.map(_batches(todo, jobs, batch_size)):
                _store(store, summary, results, run_id)
                done += len(results)
                if progress:
                    progress(done, total)
            # Files whose content was met before (in this run or an earlier one)
            dup_results = [
                FileResult(e.path, sha, e.size, e.mtime_ns, "duplicate") for e, sha in dups
            ]
            for i in range(0, len(dup_results), 500):
                chunk = dup_results[i : i + 500]
                _store(store, summary, chunk, run_id)
                done += len(chunk)
                if progress:
                    progress(done, total)
            summary.complete = True
        finally:
            eng.close()
            summary.seconds = round(time.monotonic() - started, 3)
            summary.files_per_second = round(done / summary.seconds, 2) if summary.seconds else 0.0
            store.finish_run(run_id, summary.to_json(), summary.complete)
    return summary


def _split_duplicates(
    todo: list[FileEntry], known: frozenset[str]
) -> tuple[list[FileEntry], list[tuple[FileEntry, str]]]:
    """Hash only files that share a size with another file; keep one path per content."""
    by_size: dict[int, int] = defaultdict(int)
    for e in todo:
        by_size[e.size] += 1
    first: set[str] = set()
    keep: list[FileEntry] = []
    dups: list[tuple[FileEntry, str]] = []
    for e in todo:
        if by_size[e.size] > 1:
            try:
                sha = sha256_file(Path(e.path))
            except OSError:
                keep.append(e)
                continue
            if sha in first or sha in known:
                dups.append((e, sha))
                continue
            first.add(sha)
        keep.append(e)
    return keep, dups


def _store(store: CaseStore, summary: BatchSummary, results: list[FileResult], run_id: int) -> None:
    new_docs, new_findings = store.store_results(results, run_id)
    summary.unique += new_docs
    summary.findings += new_findings
    status = store.statuses([r.sha256 for r in results if r.status == "duplicate"])
    for r in results:
        failed = r.status == "failed" or (r.status == "duplicate" and status.get(r.sha256) == "failed")
        if failed:
            summary.failed += 1
            summary.failures.append({"path": display_path(r.path), "error": r.error or "failed (same content)"})
        else:
            summary.processed += 1
            summary.members += r.members
