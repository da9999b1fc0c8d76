"""Parse untrusted files in a separate process with resource limits and no network.

Every read of a file from outside (``leakdesk.api.read``, and so audit,
sanitize, compare and quotes; ``batch`` through its long-lived workers) runs the
format adapter in a child process, and so does sanitize's clean step
(:func:`isolated_clean`: the adapter re-opens and re-parses the input to write
the clean copy):

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
A clean child is given one file to write, the private temporary output the
parent made (``RLIMIT_FSIZE`` caps the size of any file it writes), and keeps
its scratch files in a private folder the parent removes, even when the child
is killed; that it writes nowhere else rests on leakdesk's code, not on the kernel.

Limits are set with environment variables (documented in docs/hardening.md):
``LEAKDESK_TIMEOUT`` (seconds), ``LEAKDESK_MEMORY_MB`` (RLIMIT_DATA),
``LEAKDESK_OUTPUT_MB`` (largest clean copy, RLIMIT_FSIZE, default 4096),
``LEAKDESK_ISOLATION=off`` (parse in-process: for debugging only).
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing as mp
import os
import shutil
import signal
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import errors, wire
from .document import Document
from .errors import InputError, LeakdeskError, LimitExceeded, safe_name

if TYPE_CHECKING:
    from .formats.base import CleanResult


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
    #: Largest file a clean child may write (RLIMIT_FSIZE): the clean copy, scratch files.
    output_bytes: int = field(
        default_factory=lambda: int(_env_float("LEAKDESK_OUTPUT_MB", 4096)) << 20
    )


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


def _one_line(message: Any, limit: int = 500) -> str:
    """A child's message fit for one terminal line: no line breaks, no control characters."""
    return safe_name(" ".join(str(message).split()))[:limit]


def _error(kind: str, message: str) -> dict[str, Any]:
    return {"error": {"type": kind, "message": message}}


def _send(conn: Connection, payload: dict[str, Any]) -> None:
    try:
        conn.send_bytes(wire.dumps(payload))
    except MemoryError:
        conn.send_bytes(b'{"error":{"type":"LimitExceeded","message":"result too large"}}')
    conn.close()


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
        payload = _error(type(exc).__name__, exc.message)
    except MemoryError:
        payload = _error("LimitExceeded", "ran out of memory while parsing (memory limit)")
    except RecursionError:
        payload = _error("InputError", "structure nests too deeply (looping or hostile file)")
    except Exception as exc:
        payload = _error("InputError", f"could not parse: {type(exc).__name__}: "
                                       f"{' '.join(str(exc).split())[:200]}")
    _send(conn, payload)


def _use_scratch(folder: str) -> None:
    """Keep every temporary file of this (child) process in ``folder``, subprocesses too."""
    tempfile.tempdir = folder
    for name in ("TMPDIR", "TEMP", "TMP"):
        os.environ[name] = folder


def _limit_file_size(max_bytes: int) -> None:
    """No file this (child) process writes grows past ``max_bytes`` (writes fail with EFBIG;
    Python ignores SIGXFSZ)."""
    import resource

    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        new = max_bytes if hard == resource.RLIM_INFINITY else min(max_bytes, hard)
        resource.setrlimit(resource.RLIMIT_FSIZE, (new, hard))


def _file_too_large(exc: BaseException, out: str, max_bytes: int) -> bool:
    """Did ``exc`` come from the output size limit (perhaps wrapped by an adapter)?"""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, OSError) and e.errno == errno.EFBIG:
            return True
        e = e.__cause__ or e.__context__
    try:
        return os.stat(out).st_size >= max_bytes
    except OSError:
        return False


def _clean_child(conn: Connection, adapter_name: str, doc: Document, plan: Any, out: str,
                 options: Any, limits: SandboxLimits, plugins: str | None,
                 scratch: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_plugins(plugins)
    _use_scratch(scratch)
    apply_limits(limits.data_bytes, limits.address_space, limits.open_files)
    _limit_file_size(limits.output_bytes)
    from .formats import adapter_by_name

    try:
        result = adapter_by_name(adapter_name).clean(doc, plan, Path(out), options)
        payload = {"ok": wire.clean_result_to_wire(result)}
    except Exception as exc:
        if _file_too_large(exc, out, limits.output_bytes):
            payload = _error("LimitExceeded",
                             f"the clean copy grew past the {limits.output_bytes >> 20} MiB "
                             "output limit (LEAKDESK_OUTPUT_MB)")
        elif isinstance(exc, LeakdeskError):
            payload = _error(type(exc).__name__, exc.message)
        elif isinstance(exc, MemoryError):
            payload = _error("LimitExceeded",
                             "ran out of memory while writing the clean copy (memory limit)")
        elif isinstance(exc, RecursionError):
            payload = _error("InputError", "structure nests too deeply to rebuild")
        else:
            payload = _error("InputError", f"could not write the clean copy: "
                                           f"{type(exc).__name__}: "
                                           f"{' '.join(str(exc).split())[:200]}")
    _send(conn, payload)


_ERRORS: dict[str, type[LeakdeskError]] = {
    name: getattr(errors, name)
    for name in ("InputError", "UnsupportedFormat", "EncryptedInput", "LimitExceeded",
                 "UsageError", "ProofFailed")
}


def _run_child(target: Callable[..., None], args: tuple[Any, ...], limits: SandboxLimits,
               path: Path | None, *, worker: str, task: str) -> Any:
    """Run ``target(conn, *args)`` in a limited child; return the untrusted ``ok`` value.

    A child's error, death, silence past the time limit or malformed answer is
    raised as a one-line :class:`LeakdeskError` about ``path``.
    """
    ctx = context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(child, *args), daemon=True)
    try:
        proc.start()
    except BaseException:
        parent.close()
        raise
    finally:
        child.close()
    deadline = time.monotonic() + limits.timeout
    untrusted_bytes: bytes | None = None
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LimitExceeded(
                    f"{task} ran past the {limits.timeout:g} s time limit (LEAKDESK_TIMEOUT)",
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
        raise InputError(_death_reason(proc.exitcode, worker), path)
    try:
        untrusted = wire.loads(untrusted_bytes)
        if not isinstance(untrusted, dict):
            raise wire.WireError("not an object")
    except wire.WireError as exc:
        raise _malformed(exc, worker, path) from None
    if "error" in untrusted:
        err = untrusted["error"] if isinstance(untrusted["error"], dict) else {}
        cls = _ERRORS.get(str(err.get("type")), InputError)
        raise cls(_one_line(err.get("message", f"{task} failed")), path)
    return untrusted.get("ok")


def _malformed(exc: wire.WireError, worker: str, path: Path | None) -> InputError:
    return InputError(f"the {worker} process sent a malformed result: {exc.message}", path)


def isolated_read(path: Path, options: Any, limits: SandboxLimits | None = None) -> Document:
    """Read ``path`` with :func:`leakdesk.formats.read_document` in a limited child."""
    from .formats import PLUGINS_ENV

    limits = limits or SandboxLimits()
    untrusted = _run_child(
        _read_child, (os.fspath(path), options, limits, os.environ.get(PLUGINS_ENV)),
        limits, Path(path), worker="parser", task="parsing")
    try:
        doc = wire.document_from_wire(untrusted)
    except wire.WireError as exc:
        raise _malformed(exc, "parser", Path(path)) from None
    doc.path = Path(path)
    return doc


#: Seconds a clean child may take per page beyond the first (rasterising and
#: OCR of a scan take a second or two a page); ``LEAKDESK_CLEAN_PAGE_SECONDS``.
CLEAN_PAGE_SECONDS = 3.0


def clean_limits(doc: Document) -> SandboxLimits:
    """The read limits, with a time limit that grows with the page count.

    Writing the clean copy of a 300-page scan (render, OCR, paint) takes
    longer than reading it; a fixed limit would refuse honest long documents.
    The page count is the parent's own, validated Document's.
    """
    base = SandboxLimits()
    pages = len({seg.page for seg in doc.segments if seg.page is not None})
    per_page = _env_float("LEAKDESK_CLEAN_PAGE_SECONDS", CLEAN_PAGE_SECONDS)
    return replace(base, timeout=base.timeout + per_page * max(0, pages - 1))


def isolated_clean(adapter_name: str, doc: Document, plan: Any, out_tmp_path: Path,
                   options: Any, limits: SandboxLimits | None = None) -> CleanResult:
    """Run adapter ``adapter_name``'s ``clean(doc, plan, out_tmp_path, options)`` in a limited
    child (the adapter re-opens and re-parses the untrusted input).

    ``doc``, ``plan`` and ``options`` go to the child pickled (they are the
    parent's own data); the child writes the clean copy to ``out_tmp_path``, a
    private temporary file the parent made (see :func:`leakdesk.fsutil.atomic_output`),
    and keeps its scratch files in a private folder removed here, whatever
    happens.  What the child says it did comes back as JSON, checked by
    :func:`leakdesk.wire.clean_result_from_wire`.  Failures are raised as
    one-line :class:`LeakdeskError` about ``doc.path``; the caller deletes the
    output file.
    """
    from .formats import PLUGINS_ENV

    limits = limits or clean_limits(doc)
    source = doc.path
    out = os.path.abspath(out_tmp_path)
    scratch = tempfile.mkdtemp(prefix="leakdesk-clean-")
    try:
        os.chmod(scratch, stat.S_IRWXU)
        untrusted = _run_child(
            _clean_child,
            (adapter_name, doc, plan, out, options, limits, os.environ.get(PLUGINS_ENV),
             scratch),
            limits, source, worker="sanitizer", task="writing the clean copy")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    try:
        result = wire.clean_result_from_wire(untrusted, Path(out_tmp_path))
    except wire.WireError as exc:
        raise _malformed(exc, "sanitizer", source) from None
    # the child was given one regular file to write; refuse anything else in its place
    try:
        st = os.lstat(out)
    except OSError:
        raise InputError("the sanitizer process wrote no clean copy", source) from None
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        raise InputError("the sanitizer process left something other than a plain file "
                         "as the clean copy", source)
    return result


def _death_reason(code: int | None, worker: str = "parser") -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        if name == "SIGKILL":
            return f"the {worker} was killed (memory limit or killed from outside)"
        if name == "SIGABRT":
            # C++ parsers (qpdf, PDFium) abort when an allocation fails at the memory limit
            return (f"the {worker} crashed (SIGABRT), most likely at the memory limit "
                    f"(LEAKDESK_MEMORY_MB={SandboxLimits().data_bytes >> 20})")
        return f"the {worker} crashed ({name})"
    return f"the {worker} process ended without a result (likely out of memory)"
