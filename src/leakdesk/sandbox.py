"""Parse untrusted files in a separate process with resource limits and no network.

Every read of a file from outside (``leakdesk.api.read``, and so audit,
sanitize, compare and quotes; ``batch`` through its long-lived workers) runs the
format adapter in a child process:

- started from a clean ``forkserver`` (never forked from a threaded parent);
- with limits: heap and private memory (``RLIMIT_DATA``, default 2 GiB),
  address space (``RLIMIT_AS``, default 8 GiB), open files, no core dumps;
- in a fresh network namespace where the kernel allows unprivileged
  ``unshare(CLONE_NEWNET)``; otherwise (most containers and hardened kernels)
  the child keeps the parent's network, and leakdesk's guarantee rests on its
  code never opening a socket (tested by tests/hardening/test_offline.py);
- under a wall-clock limit (default 50 s per file) after which it is killed.

The child sends back JSON only, which :mod:`leakdesk.wire` validates.  A child
that crashes, runs out of memory or time gives a one-line error for that file.

Limits are set with environment variables (documented in docs/hardening.md):
``LEAKDESK_TIMEOUT`` (seconds), ``LEAKDESK_MEMORY_MB`` (RLIMIT_DATA),
``LEAKDESK_ISOLATION=off`` (parse in-process: for debugging only).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from . import errors, wire
from .document import Document
from .errors import InputError, LeakdeskError, LimitExceeded


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True, slots=True)
class SandboxLimits:
    timeout: float = field(default_factory=lambda: _env_float("LEAKDESK_TIMEOUT", 50.0))
    data_bytes: int = field(
        default_factory=lambda: int(_env_float("LEAKDESK_MEMORY_MB", 2048)) << 20
    )
    address_space: int = 8 << 30
    open_files: int = 512


def isolation_enabled() -> bool:
    return os.environ.get("LEAKDESK_ISOLATION", "on").lower() not in ("0", "off", "no", "false")


def apply_limits(data_bytes: int, address_space: int, open_files: int) -> None:
    """Resource limits and network isolation for the current (child) process."""
    import resource

    for res, value in (
        (resource.RLIMIT_DATA, data_bytes),
        (resource.RLIMIT_AS, address_space),
        (resource.RLIMIT_NOFILE, open_files),
        (resource.RLIMIT_CORE, 0),
    ):
        with contextlib.suppress(ValueError, OSError):
            _soft, hard = resource.getrlimit(res)
            new = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(res, (new, hard))
    drop_network()


def drop_network() -> bool:
    """Enter a new, empty network namespace if the kernel lets us; True if it did."""
    unshare = getattr(os, "unshare", None)
    flag = getattr(os, "CLONE_NEWNET", None)
    if unshare is None or flag is None:
        return False
    try:
        unshare(flag)
    except OSError:
        return False
    return True


_CTX: Any = None


def _preload_modules() -> list[str]:
    """Import every adapter and detector once in the forkserver, so each child starts warm."""
    from .formats import ADAPTER_MODULES

    mods = ["leakdesk.sandbox", "leakdesk.batch.worker", "leakdesk.detectors"]
    mods += [f"leakdesk.formats.{m}" for m in ADAPTER_MODULES]
    return mods


def context() -> Any:
    """The multiprocessing context for workers: forkserver, preloaded with leakdesk."""
    global _CTX
    if _CTX is None:
        ctx: Any
        try:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(_preload_modules())
        except ValueError:  # platforms without forkserver
            ctx = mp.get_context("spawn")
        _CTX = ctx
    return _CTX


def set_plugins(plugins: str | None) -> None:
    """Adopt the parent's adapter plugins in a forkserver child (its env is the server's)."""
    from .formats import PLUGINS_ENV, adapters

    if plugins:
        os.environ[PLUGINS_ENV] = plugins
    else:
        os.environ.pop(PLUGINS_ENV, None)
    adapters.cache_clear()


def _read_child(conn: Connection, path: str, options: Any, limits: SandboxLimits,
                plugins: str | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_plugins(plugins)
    apply_limits(limits.data_bytes, limits.address_space, limits.open_files)
    from .formats import read_document

    try:
        doc = read_document(Path(path), options)
        payload = {"ok": wire.document_to_wire(doc)}
    except LeakdeskError as exc:
        payload = {"error": {"type": type(exc).__name__, "message": exc.message}}
    except MemoryError:
        payload = {"error": {"type": "LimitExceeded",
                             "message": "ran out of memory while parsing (memory limit)"}}
    except RecursionError:
        payload = {"error": {"type": "InputError",
                             "message": "structure nests too deeply (looping or hostile file)"}}
    except Exception as exc:
        payload = {"error": {"type": "InputError",
                             "message": f"could not parse: {type(exc).__name__}: "
                                        f"{' '.join(str(exc).split())[:200]}"}}
    try:
        conn.send_bytes(wire.dumps(payload))
    except MemoryError:
        conn.send_bytes(b'{"error":{"type":"LimitExceeded","message":"result too large"}}')
    conn.close()


_ERRORS: dict[str, type[LeakdeskError]] = {
    name: getattr(errors, name)
    for name in ("InputError", "UnsupportedFormat", "EncryptedInput", "LimitExceeded",
                 "UsageError", "ProofFailed")
}


def isolated_read(path: Path, options: Any, limits: SandboxLimits | None = None) -> Document:
    """Read ``path`` with :func:`leakdesk.formats.read_document` in a limited child."""
    from .formats import PLUGINS_ENV

    limits = limits or SandboxLimits()
    ctx = context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_read_child,
        args=(child, os.fspath(path), options, limits, os.environ.get(PLUGINS_ENV)),
        daemon=True,
    )
    proc.start()
    child.close()
    deadline = time.monotonic() + limits.timeout
    untrusted_bytes: bytes | None = None
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LimitExceeded(
                    f"parsing ran past the {limits.timeout:g} s time limit (LEAKDESK_TIMEOUT)",
                    path)
            if parent.poll(min(left, 0.5)):
                try:
                    untrusted_bytes = parent.recv_bytes()
                except (EOFError, OSError):
                    untrusted_bytes = None
                break
            if not proc.is_alive() and not parent.poll(0):
                break
    finally:
        if proc.is_alive():
            proc.join(2 if untrusted_bytes is not None else 0)
        if proc.is_alive():
            proc.kill()
            proc.join(5)
        parent.close()
    if untrusted_bytes is None:
        raise InputError(_death_reason(proc.exitcode), path)
    try:
        untrusted = wire.loads(untrusted_bytes)
        if not isinstance(untrusted, dict):
            raise wire.WireError("not an object")
        if "error" in untrusted:
            err = untrusted["error"] if isinstance(untrusted["error"], dict) else {}
            cls = _ERRORS.get(str(err.get("type")), InputError)
            raise cls(str(err.get("message", "could not parse"))[:500], path)
        doc = wire.document_from_wire(untrusted.get("ok"))
    except wire.WireError as exc:
        raise InputError(f"the parser process sent a malformed result: {exc.message}",
                         path) from None
    doc.path = Path(path)
    return doc


def _death_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        if name == "SIGKILL":
            return "the parser was killed (memory limit or killed from outside)"
        return f"the parser crashed ({name})"
    return "the parser process ended without a result (likely out of memory)"
