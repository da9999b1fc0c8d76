"""File-system helpers: atomic output, private temporary files, input checks.

leakdesk never writes over its input and never leaves a partial output: every
output is written to a private temporary file in the destination folder and
renamed into place only when it is complete (and, for sanitize, proven clean).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError, UsageError


@contextlib.contextmanager
def atomic_output(dest: Path, *, mode: int = 0o600) -> Iterator[Path]:
    """Yield a private temporary path next to ``dest``; rename it to ``dest`` on success.

    On any exception the temporary file is removed and ``dest`` is untouched.
    """
    dest = Path(dest)
    parent = dest.parent if str(dest.parent) else Path()
    if not parent.is_dir():
        raise UsageError(f"output folder does not exist: {parent}", dest)
    fd, tmp_name = tempfile.mkstemp(prefix=".leakdesk-", suffix=".part", dir=parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, mode)
    try:
        yield tmp
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_atomic(dest: Path, data: bytes | str, *, mode: int = 0o644) -> None:
    """Write ``data`` to ``dest`` atomically."""
    with atomic_output(dest, mode=mode) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8", newline="")
        else:
            tmp.write_bytes(data)
        os.chmod(tmp, mode)


@contextlib.contextmanager
def private_tempdir(prefix: str = "leakdesk-") -> Iterator[Path]:
    """A 0700 temporary folder, removed on exit even after an error."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(path, stat.S_IRWXU)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def check_input_file(path: Path) -> Path:
    """Raise a one-line :class:`InputError` unless ``path`` is a readable regular file.

    A name holding control characters is refused too: a newline or a terminal
    escape in a file name can forge lines in reports, logs and terminals.
    """
    path = Path(path)
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in str(path)):
        raise InputError(
            "the file name holds control characters (a newline or a terminal escape can forge "
            "lines in reports and logs); rename the file",
            path,
        )
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except PermissionError:
        raise InputError("permission denied", path) from None
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror or exc}", path) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError("is a directory (use 'leakdesk batch' for folders)", path)
    if not stat.S_ISREG(st.st_mode):
        raise InputError("not a regular file", path)
    if not os.access(path, os.R_OK):
        raise InputError("permission denied", path)
    return path


def same_file(a: Path, b: Path) -> bool:
    """True when ``a`` and ``b`` name the same file (or would, once ``b`` exists)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(os.path.abspath(a)) == Path(os.path.abspath(b))


def refuse_overwrite_input(inp: Path, out: Path) -> None:
    if same_file(inp, out):
        raise UsageError("refusing to write the output over the input; choose another -o", inp)
