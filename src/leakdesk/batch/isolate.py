"""Run file workers in separate processes with resource and time limits.

Untrusted files are parsed in a child process (``forkserver`` start method, so
children are forked from a clean, single-threaded server).  The child gets
resource limits (address space, open files, core dumps off) and, where the
kernel allows an unprivileged network namespace, no network at all.  It sends
back plain data only: ``("start", i)`` before file *i* and ``("done", i,
FileResult)`` after it.  The parent watches a per-file deadline; a child that
runs past it, or dies, is killed and replaced, the file is recorded as failed,
and the rest of the batch goes on.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from ..formats import ReadOptions
from .store import FileResult
from .worker import failed_result, process_file


@dataclass(frozen=True, slots=True)
class WorkerLimits:
    """Limits applied to every worker process (see docs/batch.md)."""

    file_timeout: float = 120.0  # seconds per file, wall clock
    address_space: int = 6 << 30  # bytes of virtual memory (RLIMIT_AS)
    open_files: int = 512


def _apply_limits(limits: WorkerLimits) -> None:
    import resource

    for res, value in (
        (resource.RLIMIT_AS, limits.address_space),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_CORE, 0),
    ):
        with contextlib.suppress(ValueError, OSError):
            _soft, hard = resource.getrlimit(res)
            new = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(res, (new, hard))
    _drop_network()


def _drop_network() -> None:
    """Enter a fresh network namespace (no interfaces up) where the kernel allows it."""
    unshare = getattr(os, "unshare", None)
    flag = getattr(os, "CLONE_NEWNET", None)
    if unshare is None or flag is None:
        return
    with contextlib.suppress(OSError):
        unshare(flag)


def _child_main(
    conn: Connection,
    options: ReadOptions,
    known: frozenset[str],
    limits: WorkerLimits,
    plugins: str | None,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides about Ctrl-C
    from ..formats import PLUGINS_ENV, adapters

    # The forkserver was started once; take the parent's plugin list of *now*.
    if plugins:
        os.environ[PLUGINS_ENV] = plugins
    else:
        os.environ.pop(PLUGINS_ENV, None)
    adapters.cache_clear()
    _apply_limits(limits)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        paths: Sequence[str] = msg
        for i, path in enumerate(paths):
            conn.send(("start", i))
            result = process_file(path, options, known)
            conn.send(("done", i, result))
        conn.send(("batch-done",))


_CTX: Any = None


def _context() -> Any:
    global _CTX
    if _CTX is None:
        ctx: Any
        try:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(["leakdesk.batch.worker"])
        except ValueError:  # platforms without forkserver
            ctx = mp.get_context("spawn")
        _CTX = ctx
    return _CTX


class IsolatedWorker:
    """One long-lived child process that audits batches of files."""

    def __init__(
        self,
        options: ReadOptions,
        known: frozenset[str] = frozenset(),
        limits: WorkerLimits | None = None,
    ) -> None:
        self.options = options
        self.known = known
        self.limits = limits or WorkerLimits()
        from ..formats import PLUGINS_ENV

        self.plugins = os.environ.get(PLUGINS_ENV)
        self._proc: Any = None
        self._conn: Connection | None = None

    def _start(self) -> None:
        ctx = _context()
        parent, child = ctx.Pipe(duplex=True)
        proc = ctx.Process(
            target=_child_main,
            args=(child, self.options, self.known, self.limits, self.plugins),
            daemon=True,
        )
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent

    def _kill(self) -> None:
        if self._proc is not None:
            with contextlib.suppress(Exception):
                self._proc.kill()
                self._proc.join(5)
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        self._proc = self._conn = None

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.send(None)
        if self._proc is not None:
            self._proc.join(2)
        self._kill()

    def run(self, paths: Sequence[str]) -> Iterator[FileResult]:
        """Audit ``paths`` in the child; yield one result per path, in order."""
        todo = list(paths)
        while todo:
            if self._conn is None:
                self._start()
            assert self._conn is not None
            conn = self._conn
            conn.send(todo)
            current: int | None = None
            started = time.monotonic()
            done_upto = 0
            failed_at: int | None = None
            reason = ""
            while True:
                remaining = self.limits.file_timeout - (time.monotonic() - started)
                if current is not None and remaining <= 0:
                    failed_at = current
                    reason = f"over the per-file time limit of {self.limits.file_timeout:g} s"
                    break
                try:
                    ready = conn.poll(max(0.05, min(remaining, 1.0)) if current is not None else 1.0)
                except (EOFError, OSError):
                    ready = True
                if not ready:
                    if not self._proc.is_alive():
                        failed_at = current if current is not None else done_upto
                        reason = self._death_reason()
                        break
                    continue
                try:
                    msg = conn.recv()
                except (EOFError, OSError):
                    failed_at = current if current is not None else done_upto
                    reason = self._death_reason()
                    break
                if msg[0] == "start":
                    current = msg[1]
                    started = time.monotonic()
                elif msg[0] == "done":
                    yield msg[2]
                    done_upto = msg[1] + 1
                    current = None
                else:  # batch-done
                    return
            # the child is stuck or dead: record the file, restart, go on
            self._kill()
            assert failed_at is not None
            if failed_at < len(todo):
                yield failed_result(todo[failed_at], reason)
            todo = todo[failed_at + 1 :]

    def _death_reason(self) -> str:
        code = None
        if self._proc is not None:
            self._proc.join(1)
            code = self._proc.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            if name == "SIGKILL":
                return "the parser was killed (memory limit or killed from outside)"
            return f"the parser crashed ({name})"
        return "the parser process ended unexpectedly (likely out of memory)"

    def __enter__(self) -> IsolatedWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
