"""Safe reading of zip containers (DOCX, XLSX, PPTX, ODF...), and encrypted-Office sniffing.

Everything a zip file says about itself is untrusted: member names, declared
sizes, flags.  :class:`SafeZip` opens a zip within :class:`~.base.Limits` and
refuses, with a one-line message:

* more members than ``max_archive_members``, or a zip nested deeper than
  ``max_archive_depth``;
* member names that try to leave the archive (absolute, ``..``, drive letters,
  control characters), symbolic links, and duplicate names (two readers may
  pick different copies: a way to hide content from one of them);
* encrypted members (:class:`~leakdesk.errors.EncryptedInput`);
* a declared compression ratio above ``max_compression_ratio`` (zip bombs)
  for members big enough to matter.

Reads stream in chunks and count the bytes really produced, against a per-read
cap, the whole file's ``max_uncompressed_bytes`` budget and the ratio limit,
so a member whose header lies about its size is still stopped.

:func:`ole2_encrypted_package` recognises a password-protected Office file: an
OLE2 compound file (magic ``D0 CF 11 E0``) whose directory holds a stream named
``EncryptedPackage``.  Nothing here writes to disk or extracts by name.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from types import TracebackType

from ..errors import EncryptedInput, InputError, LimitExceeded
from .base import Limits

__all__ = [
    "OLE2_MAGIC",
    "RATIO_FLOOR",
    "SafeZip",
    "is_zip_head",
    "ole2_encrypted_package",
    "unsafe_member_name",
]

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Members smaller than this are never refused for their ratio: they cannot bomb.
RATIO_FLOOR = 1 << 20
_CHUNK = 1 << 16
_SUPPORTED_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                          zipfile.ZIP_LZMA}
_S_IFMT = 0o170000
_S_IFLNK = 0o120000


def is_zip_head(head: bytes) -> bool:
    """True if ``head`` starts like a zip file (a local header or an empty archive)."""
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def unsafe_member_name(name: str) -> str | None:
    """Why ``name`` may not be a member name, or ``None`` if it is fine."""
    if not name:
        return "an empty member name"
    if any(ord(c) < 32 or ord(c) == 0x7F for c in name):
        return "a member name with control characters"
    norm = name.replace("\\", "/")
    p = PurePosixPath(norm)
    if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":"):
        return "an absolute member path"
    if ".." in p.parts:
        return "a member path that leaves the archive (..)"
    return None


class SafeZip:
    """A zip opened for reading within limits.  Use as a context manager.

    ``names`` lists the file members (folders left out) in archive order.
    """

    def __init__(self, path: Path, limits: Limits, *, depth: int = 0, what: str = "zip",
                 fold_case: bool = True) -> None:
        self.path = Path(path)
        #: Treat names differing only in case as duplicates (OPC part names ignore case).
        self.fold_case = fold_case
        self.limits = limits
        self.what = what
        self.used = 0  # decompressed bytes produced so far, over every read
        if depth >= limits.max_archive_depth:
            raise LimitExceeded(
                f"containers nested deeper than {limits.max_archive_depth} levels", self.path
            )
        try:
            self._zf = zipfile.ZipFile(self.path)
        except zipfile.BadZipFile as exc:
            raise InputError(f"corrupt or truncated {what} file ({_short(exc)})", self.path) from None
        except (OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise InputError(f"cannot open {what} file ({_short(exc)})", self.path) from None
        try:
            self._infos = self._check_directory()
        except BaseException:
            self._zf.close()
            raise
        self.names = list(self._infos)
        self._lower = {n.lower(): n for n in self.names}

    # -- directory checks ---------------------------------------------------

    def _check_directory(self) -> dict[str, zipfile.ZipInfo]:
        limits = self.limits
        try:
            infos = self._zf.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:  # pragma: no cover - defensive
            raise InputError(f"corrupt zip directory ({_short(exc)})", self.path) from None
        if len(infos) > limits.max_archive_members:
            raise LimitExceeded(
                f"{len(infos):,} zip members, over the {limits.max_archive_members:,} limit",
                self.path,
            )
        out: dict[str, zipfile.ZipInfo] = {}
        seen: set[str] = set()
        declared = 0
        for info in infos:
            name = info.filename
            why = unsafe_member_name(name)
            if why:
                raise InputError(f"refusing a zip with {why}", self.path)
            mode = (info.external_attr >> 16) & _S_IFMT
            if info.create_system == 3 and mode == _S_IFLNK:
                raise InputError("refusing a zip that holds a symbolic link", self.path)
            if info.flag_bits & 0x1:
                raise EncryptedInput(
                    f"encrypted {self.what} (password-protected zip members); "
                    "leakdesk cannot open it",
                    self.path,
                )
            if info.filename.endswith("/"):  # is_dir() fails on an empty name
                continue
            key = name.lower() if self.fold_case else name
            if key in seen:
                raise InputError(
                    "refusing a zip with two members of the same name (readers disagree "
                    "on which one counts)",
                    self.path,
                )
            if info.file_size > RATIO_FLOOR and (
                info.file_size / max(info.compress_size, 1) > limits.max_compression_ratio
            ):
                raise LimitExceeded(
                    f"a member compresses {info.file_size / max(info.compress_size, 1):,.0f}:1 "
                    f"(limit {limits.max_compression_ratio:,.0f}:1): a likely zip bomb",
                    self.path,
                )
            declared += info.file_size
            seen.add(key)
            out[name] = info
        if declared > limits.max_uncompressed_bytes:
            raise LimitExceeded(
                f"members would expand to {declared:,} bytes, over the "
                f"{limits.max_uncompressed_bytes:,}-byte limit",
                self.path,
            )
        return out

    # -- access ---------------------------------------------------------------

    def has(self, name: str) -> bool:
        return name in self._infos or name.lower() in self._lower

    def resolve(self, name: str) -> str | None:
        """The stored member name for ``name`` (OPC part names ignore case)."""
        if name in self._infos:
            return name
        return self._lower.get(name.lower())

    def info(self, name: str) -> zipfile.ZipInfo:
        real = self.resolve(name)
        if real is None:
            raise KeyError(name)
        return self._infos[real]

    @property
    def comment(self) -> bytes:
        return self._zf.comment or b""

    def read(self, name: str, cap: int | None = None) -> bytes:
        """The decompressed bytes of ``name``, never more than ``cap`` or the budget."""
        return b"".join(self.iter_read(name, cap))

    def iter_read(self, name: str, cap: int | None = None) -> Iterator[bytes]:
        """Stream the decompressed bytes of ``name`` in chunks, within every limit."""
        info = self.info(name)
        if info.compress_type not in _SUPPORTED_COMPRESSION:
            raise InputError(
                f"member {_label(name)} uses an unsupported compression method "
                f"({info.compress_type})",
                self.path,
            )
        limits = self.limits
        budget = limits.max_uncompressed_bytes - self.used
        limit = budget if cap is None else min(cap, budget)
        n = 0
        try:
            with self._zf.open(info) as src:
                while True:
                    block = src.read(_CHUNK)
                    if not block:
                        break
                    n += len(block)
                    self.used += len(block)
                    if n > limit:
                        if cap is not None and cap < budget:
                            raise LimitExceeded(
                                f"member {_label(name)} expands past its {cap:,}-byte limit",
                                self.path,
                            )
                        raise LimitExceeded(
                            f"{self.what} expands past the "
                            f"{limits.max_uncompressed_bytes:,}-byte uncompressed limit",
                            self.path,
                        )
                    if n > RATIO_FLOOR and n / max(info.compress_size, 1) > (
                        limits.max_compression_ratio
                    ):
                        raise LimitExceeded(
                            f"member {_label(name)} expands more than "
                            f"{limits.max_compression_ratio:,.0f}:1: a likely zip bomb",
                            self.path,
                        )
                    yield block
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
                NotImplementedError, RuntimeError) as exc:
            raise InputError(
                f"corrupt or truncated member {_label(name)} ({_short(exc)})", self.path
            ) from None

    def close(self) -> None:
        self._zf.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _label(name: str) -> str:
    """A member name fit for an error line (short, no control characters)."""
    clean = "".join(c if c.isprintable() else "?" for c in name)
    return clean if len(clean) <= 80 else clean[:77] + "..."


def _short(exc: BaseException) -> str:
    msg = " ".join(str(exc).split()) or type(exc).__name__
    return msg[:160]


# -- OLE2 (compound file) encrypted Office packages ------------------------------

_ENCRYPTED_NAME = "EncryptedPackage".encode("utf-16-le")


def ole2_encrypted_package(path: Path, head: bytes | None = None, *,
                           max_scan: int = 1 << 30) -> bool:
    """True if ``path`` is an OLE2 compound file holding an ``EncryptedPackage`` stream.

    That is how Office stores a password-protected DOCX, XLSX or PPTX (MS-OFFCRYPTO).
    Directory entries are 128 bytes, aligned to 128 in every sector size, and
    start with the UTF-16 name followed at byte 64 by its length in bytes
    (including the terminating NUL): the scan checks both, reading in chunks.
    """
    if head is not None and not head.startswith(OLE2_MAGIC):
        return False
    want_len = (len(_ENCRYPTED_NAME) + 2).to_bytes(2, "little")
    try:
        with open(path, "rb") as fh:
            first = fh.read(512)
            if not first.startswith(OLE2_MAGIC):
                return False
            offset = 0
            fh.seek(0)
            while offset < max_scan:
                block = fh.read(1 << 20)  # a multiple of 128: entries never straddle blocks
                if not block:
                    return False
                start = 0
                while True:
                    i = block.find(_ENCRYPTED_NAME, start)
                    if i < 0:
                        break
                    if (offset + i) % 128 == 0 and block[i + 64 : i + 66] == want_len:
                        return True
                    start = i + 1
                offset += len(block)
    except OSError:
        return False
    return False
