"""LibreOffice (Debian's ``libreoffice-writer-nogui``, MPL-2.0), headless: file conversion.

The only place leakdesk runs ``soffice``.  Each call gets a private, throw-away
user profile (``-env:UserInstallation``), so no recent-files list, no
configuration and no lock files are shared between runs or with a desktop
session, and a time limit (LibreOffice can hang on hostile input).  It is used
to check that a sanitized Office file opens cleanly (converting it to PDF) and
may be used to convert formats.
"""

from __future__ import annotations

from pathlib import Path

from ..fsutil import private_tempdir
from . import ExternalProgramError, require, run, which

#: LibreOffice's first start with a fresh profile takes several seconds.
DEFAULT_TIMEOUT = 120.0


def available() -> bool:
    return which("soffice") is not None


def convert(src: Path, target: str, outdir: Path, *, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Convert ``src`` to ``target`` (an extension such as "pdf" or "docx", optionally
    with a filter, "pdf:writer_pdf_Export") in ``outdir``; return the output path.

    Raises :class:`~leakdesk._exec.ExternalProgramError` if LibreOffice is missing,
    fails, or writes nothing, and :class:`~leakdesk.errors.LimitExceeded` on timeout.
    """
    exe = require("soffice", "libreoffice-writer-nogui")
    src = Path(src)
    outdir = Path(outdir)
    ext = target.split(":", 1)[0]
    with private_tempdir("leakdesk-soffice-") as profile:
        run(
            [
                exe,
                f"-env:UserInstallation={profile.resolve().as_uri()}",
                "--headless",
                "--invisible",
                "--norestore",
                "--nolockcheck",
                "--nodefault",
                "--nofirststartwizard",
                "--convert-to",
                target,
                "--outdir",
                str(outdir),
                str(src),
            ],
            timeout=timeout,
            env={"HOME": str(profile), "SAL_USE_VCLPLUGIN": "svp"},
            path=src,
        )
    out = outdir / f"{src.stem}.{ext}"
    if not out.is_file() or out.stat().st_size == 0:
        raise ExternalProgramError("LibreOffice wrote no output (the file did not open)", src)
    return out
