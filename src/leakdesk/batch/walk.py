"""List the files of a leak archive: regular files only, symlinks never followed."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class FileEntry:
    path: str  # str with surrogate escapes for non-UTF-8 bytes (os.fsdecode)
    size: int
    mtime_ns: int


def walk_files(root: Path, exclude: set[str] | None = None) -> Iterator[FileEntry]:
    """Yield every regular file under ``root`` in a stable (sorted) order.

    Symbolic links are not followed (a link could point outside the archive);
    ``exclude`` holds absolute paths to leave out (the case store itself).
    """
    exclude = exclude or set()
    root_s = os.fspath(root)
    if os.path.isfile(root_s):
        st = os.lstat(root_s)
        yield FileEntry(root_s, st.st_size, st.st_mtime_ns)
        return
    stack = [root_s]
    while stack:
        top = stack.pop()
        try:
            with os.scandir(top) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        dirs = []
        for e in entries:
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                dirs.append(e.path)
            elif stat.S_ISREG(st.st_mode):
                if os.path.abspath(e.path) in exclude:
                    continue
                yield FileEntry(e.path, st.st_size, st.st_mtime_ns)
        stack.extend(reversed(dirs))
