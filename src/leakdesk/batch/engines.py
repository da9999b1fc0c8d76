"""Execution engines: spread batches of files over a local pool or a Dask cluster.

Both engines run the same work, :class:`~leakdesk.batch.isolate.IsolatedWorker`
over a batch of paths, so their results are identical.  Tasks are coarse (a
batch of files each) so that scheduler overhead stays small.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from ..errors import UsageError
from ..formats import ReadOptions
from .isolate import IsolatedWorker, WorkerLimits
from .store import FileResult

Batch = Sequence[str]


class LocalEngine:
    """``jobs`` worker processes, each fed by one thread of this process."""

    name = "local"

    def __init__(
        self, jobs: int, options: ReadOptions, known: frozenset[str], limits: WorkerLimits
    ) -> None:
        self.jobs = max(1, jobs)
        self._workers: queue.Queue[IsolatedWorker] = queue.Queue()
        for _ in range(self.jobs):
            self._workers.put(IsolatedWorker(options, known, limits))
        self._all: list[IsolatedWorker] = list(self._workers.queue)
        self._stop = threading.Event()

    def _run_one(self, batch: Batch) -> list[FileResult]:
        worker = self._workers.get()
        try:
            out = []
            for r in worker.run(batch):
                out.append(r)
                if self._stop.is_set():
                    break
            return out
        finally:
            self._workers.put(worker)

    def map(self, batches: Sequence[Batch]) -> Iterator[list[FileResult]]:
        """Yield each batch's results as it completes, with at most 2×jobs in flight."""
        pending: set[Future[list[FileResult]]] = set()
        it = iter(batches)
        with ThreadPoolExecutor(self.jobs, thread_name_prefix="leakdesk-batch") as pool:
            try:
                for b in it:
                    pending.add(pool.submit(self._run_one, b))
                    if len(pending) >= 2 * self.jobs:
                        done, pending = wait(pending, return_when=FIRST_COMPLETED)
                        for f in done:
                            yield f.result()
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for f in done:
                        yield f.result()
            except BaseException:
                self._stop.set()
                for f in pending:
                    f.cancel()
                for w in self._all:
                    w._kill()
                raise

    def close(self) -> None:
        for w in self._all:
            w.close()


# -- Dask ----------------------------------------------------------------

_DASK_WORKERS: dict[tuple[int, str], IsolatedWorker] = {}
_DASK_LOCK = threading.Lock()


def _dask_task(
    batch: Batch, options: ReadOptions, known: frozenset[str], limits: WorkerLimits, token: str
) -> list[FileResult]:
    """Runs on a Dask worker: reuse one isolated child per worker thread and run."""
    key = (threading.get_ident(), token)
    with _DASK_LOCK:
        worker = _DASK_WORKERS.get(key)
        if worker is None:
            for k in [k for k in _DASK_WORKERS if k[1] != token]:
                _DASK_WORKERS.pop(k).close()
            worker = _DASK_WORKERS[key] = IsolatedWorker(options, known, limits)
    return list(worker.run(batch))


class DaskEngine:
    """The same work on Dask: a LocalCluster, or a running scheduler at ``address``."""

    name = "dask"

    def __init__(
        self,
        jobs: int,
        options: ReadOptions,
        known: frozenset[str],
        limits: WorkerLimits,
        address: str | None = None,
    ) -> None:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise UsageError("--engine dask needs dask[distributed]: run scripts/setup.sh") from None
        import secrets

        self.jobs = max(1, jobs)
        self.options, self.known, self.limits = options, known, limits
        self.token = secrets.token_hex(8)
        self._cluster: Any = None
        # Workers start child processes of their own (the isolated parsers).
        dask.config.set({"distributed.worker.daemon": False})
        if address:
            try:
                self.client = Client(address, timeout="20s")
            except OSError as exc:
                raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        else:
            self._cluster = LocalCluster(
                n_workers=self.jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                worker_dashboard_address=None,
                scheduler_kwargs={"dashboard": False},
                host="127.0.0.1",
            )
            self.client = Client(self._cluster)
        self._known_future = self.client.scatter([known], broadcast=True)[0]

    def map(self, batches: Sequence[Batch]) -> Iterator[list[FileResult]]:
        from distributed import as_completed

        futures = [
            self.client.submit(
                _dask_task,
                list(b),
                self.options,
                self._known_future,
                self.limits,
                self.token,
                pure=False,
            )
            for b in batches
        ]
        try:
            for fut in as_completed(futures):
                yield fut.result()
        except BaseException:
            for f in futures:
                f.cancel()
            raise

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
        if self._cluster is not None:
            with contextlib.suppress(Exception):
                self._cluster.close()
