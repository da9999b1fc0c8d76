"""Background processing of files imported from the page, with visible progress."""

from __future__ import annotations

import os
import queue
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..batch.isolate import IsolatedWorker, WorkerLimits
from ..batch.store import CaseStore
from ..formats import ReadOptions


@dataclass(slots=True)
class JobState:
    queued: int = 0
    done: int = 0
    failed: int = 0
    current: str = ""
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "queued": self.queued,
            "done": self.done,
            "failed": self.failed,
            "busy": self.done + self.failed < self.queued,
            "errors": self.errors[-20:],
        }


_SAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_upload_name(name: str) -> str:
    """A file name from the browser, reduced to a harmless base name."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = _SAFE.sub("_", base).strip(" .") or "upload"
    return base[:120]


class Importer:
    """One background thread that audits imported files into the case store."""

    def __init__(self, db: Path, files_dir: Path, limits: WorkerLimits | None = None) -> None:
        self.db = db
        self.files_dir = files_dir
        self.state = JobState()
        self._q: queue.Queue[Path | None] = queue.Queue()
        self._limits = limits or WorkerLimits(file_timeout=120)
        self._thread = threading.Thread(target=self._run, name="leakdesk-import", daemon=True)
        self._lock = threading.Lock()
        self._thread.start()

    def save(self, name: str, data: bytes) -> Path:
        self.files_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        n = 0
        base = safe_upload_name(name)
        target = self.files_dir / base
        while target.exists():
            n += 1
            stem, dot, ext = base.rpartition(".")
            target = self.files_dir / (f"{stem}-{n}.{ext}" if dot else f"{base}-{n}")
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return target

    def submit(self, path: Path) -> None:
        with self._lock:
            self.state.queued += 1
        self._q.put(path)

    def _run(self) -> None:
        worker: IsolatedWorker | None = None
        store: CaseStore | None = None
        while True:
            path = self._q.get()
            if path is None:
                break
            if worker is None:
                worker = IsolatedWorker(ReadOptions(), frozenset(), self._limits)
                store = CaseStore(self.db)
            assert store is not None
            self.state.current = path.name
            results = list(worker.run([str(path)]))
            run_id = store.start_run(str(path), "import", 1)
            store.store_results(results, run_id)
            with self._lock:
                for r in results:
                    if r.status == "failed":
                        self.state.failed += 1
                        self.state.errors.append(f"{path.name}: {r.error}")
                    else:
                        self.state.done += 1
                self.state.current = ""
        if worker is not None:
            worker.close()
        if store is not None:
            store.close()

    def close(self) -> None:
        self._q.put(None)
        self._thread.join(5)
