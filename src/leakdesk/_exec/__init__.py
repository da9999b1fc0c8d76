"""Run external programs safely: argument lists only, a timeout, no shell, no network.

One wrapper module per program lives beside this one (``tesseract.py``,
``soffice.py``, ``qpdf.py``, ``exiftool.py``), as in OCRmyPDF's ``_exec/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import LeakdeskError, LimitExceeded


class ExternalProgramError(LeakdeskError):
    """An external program is missing, failed, or ran past its time limit."""


@dataclass(frozen=True, slots=True)
class Completed:
    returncode: int
    stdout: bytes
    stderr: bytes


def which(program: str) -> str | None:
    return shutil.which(program)


def require(program: str, package: str) -> str:
    exe = which(program)
    if exe is None:
        raise ExternalProgramError(
            f"{program} is not installed (Debian package {package}); run scripts/setup.sh"
        )
    return exe


def run(
    args: Sequence[str | os.PathLike[str]],
    *,
    timeout: float,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    check: bool = True,
    path: Path | None = None,
) -> Completed:
    """Run ``args`` (a list, never a shell string) with a hard ``timeout`` in seconds.

    ``path`` names the document being processed, for error messages.  Output is
    captured, never logged.
    """
    argv = [os.fspath(a) for a in args]
    base_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": os.environ.get("HOME", "/nonexistent"),
        "OMP_THREAD_LIMIT": "1",
    }
    if env:
        base_env.update(env)
    try:
        proc = subprocess.run(
            argv,
            input=input,
            capture_output=True,
            timeout=timeout,
            env=base_env,
            cwd=cwd,
            check=False,
            stdin=None if input is not None else subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        name = Path(argv[0]).name
        raise LimitExceeded(f"{name} ran past its {timeout:g} s time limit", path) from None
    except FileNotFoundError:
        raise ExternalProgramError(f"{argv[0]} is not installed", path) from None
    if check and proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise ExternalProgramError(
            f"{Path(argv[0]).name} failed (exit {proc.returncode}): {tail[0][:200]}", path
        )
    return Completed(proc.returncode, proc.stdout, proc.stderr)
