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
import os
import signal
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from .. import wire
from ..formats import ReadOptions
from ..sandbox import apply_limits, context, set_plugins
from .store import FileResult, FindingRow
from .worker import failed_result, process_file


def result_to_wire(r: FileResult) -> dict[str, Any]:
    return {
        "path": r.path, "sha256": r.sha256, "size": r.size, "mtime_ns": r.mtime_ns,
        "status": r.status, "format": r.format, "error": r.error,
        "characters": r.characters, "members": r.members,
        "findings": [[f.member, f.data] for f in r.findings],
        "texts": [list(t) for t in r.texts],
    }


def result_from_wire(untrusted: Any, path: str) -> FileResult:
    """Validate a worker's result for ``path`` (the path the parent asked about)."""
    if not isinstance(untrusted, dict) or untrusted.get("path") != path:
        raise wire.WireError("result for another file")
    status = untrusted.get("status")
    sha = untrusted.get("sha256")
    if status not in ("ok", "failed", "duplicate") or not isinstance(sha, str) or len(sha) > 64:
        raise wire.WireError("bad status or hash")
    texts = untrusted.get("texts") or []
    findings = []
    text_len = {t[0]: len(t[2]) for t in texts if isinstance(t, list) and len(t) == 3
                and isinstance(t[2], str)}
    for item in untrusted.get("findings") or []:
        if not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], str):
            raise wire.WireError("bad finding")
        limit = text_len.get(item[0], wire.MAX_WIRE_BYTES)
        f = wire.finding_from_wire(item[1], limit)
        findings.append(FindingRow(item[0], f.to_json()))
    clean_texts = []
    for t in texts:
        if not (isinstance(t, list) and len(t) == 3 and all(isinstance(x, str | None) for x in t)):
            raise wire.WireError("bad text")
        clean_texts.append((t[0] or "", t[1] or "", t[2] or ""))
    def _n(key: str) -> int:
        v = untrusted.get(key, 0)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise wire.WireError(f"bad {key}")
        return v
    fmt, err = untrusted.get("format"), untrusted.get("error")
    return FileResult(
        path, sha, _n("size"), _n("mtime_ns"), status,
        format=fmt if isinstance(fmt, str) else None,
        error=err[:1000] if isinstance(err, str) else None,
        characters=_n("characters"), members=_n("members"),
        findings=findings, texts=clean_texts,
    )


@dataclass(frozen=True, slots=True)
class WorkerLimits:
    """Limits applied to every worker process (see docs/batch.md)."""

    file_timeout: float = 120.0  # seconds per file, wall clock
    data_bytes: int = 2 << 30  # heap and private memory (RLIMIT_DATA)
    address_space: int = 8 << 30  # bytes of virtual memory (RLIMIT_AS)
    open_files: int = 512


def _child_main(
    conn: Connection,
    options: ReadOptions,
    known: frozenset[str],
    limits: WorkerLimits,
    plugins: str | None,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides about Ctrl-C
    # The forkserver was started once; take the parent's plugin list of *now*.
    set_plugins(plugins)
    apply_limits(limits.data_bytes, limits.address_space, limits.open_files)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        paths: Sequence[str] = msg
        for i, path in enumerate(paths):
            conn.send_bytes(wire.dumps(["start", i]))
            result = process_file(path, options, known)
            conn.send_bytes(wire.dumps(["done", i, result_to_wire(result)]))
        conn.send_bytes(wire.dumps(["batch-done"]))


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
        ctx = context()
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
                    msg = wire.loads(conn.recv_bytes())
                    if not isinstance(msg, list) or not msg:
                        raise wire.WireError("malformed message")
                    if msg[0] == "done":
                        msg[2] = result_from_wire(msg[2], todo[msg[1]])
                except (EOFError, OSError, wire.WireError, IndexError, TypeError) as exc:
                    failed_at = current if current is not None else done_upto
                    reason = (f"the parser process sent a malformed result ({exc})"
                              if isinstance(exc, wire.WireError) else self._death_reason())
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
