"""Zip and tar archives: each member is read by its own adapter as a child Document.

The archive's own Document text lists what identifies it: member names (a
file name can name a person or a machine), the zip comment, and tar owner
names and ids.  Members are copied, within limits, to private temporary files
with neutral names (so a member called ``../../etc/passwd`` is never written
anywhere near its name) and read from there.  Limits: member count, total
uncompressed bytes (counted while reading, never trusted from headers), the
compression ratio of each member, nesting depth, and zip headers whose sizes
contradict each other (a deflated member "larger" compressed than inflated).  A
member that cannot be read becomes a low-severity finding; the archive goes on.
An archive that tries to write outside its folder (a member named with ``..``,
an absolute path or a drive letter, control characters, a symbolic link in a
zip, a tar link pointing outside) is refused whole, as hostile: no honest
archive of documents needs that.

Sanitize refuses archives: clean the members one by one.
"""

from __future__ import annotations

import io
import lzma
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from ..document import Action, Document, DocumentBuilder, Finding, Location, Severity
from ..errors import EncryptedInput, InputError, LeakdeskError, LimitExceeded, safe_name
from ..fsutil import private_tempdir
from .base import FormatAdapter, ReadOptions

_CHUNK = 1 << 20
#: What a damaged member raises while it is opened or decompressed: every one
#: of them means "this member is corrupt", never a bug to show as a traceback.
_MEMBER_ERRORS = (zipfile.BadZipFile, tarfile.TarError, zlib.error, lzma.LZMAError, EOFError,
                  OSError, ValueError, NotImplementedError, RuntimeError,
                  io.UnsupportedOperation)


@dataclass(slots=True)
class _Member:
    name: str
    size: int
    compressed: int
    open: object  # callable returning a binary stream
    owner: str = ""


def _unsafe_name(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    drive = len(name) > 1 and name[1] == ":" and name[0].isascii() and name[0].isalpha()
    return p.is_absolute() or drive or ".." in p.parts or any(ord(c) < 32 for c in name)


class Adapter(FormatAdapter):
    name = "archive"
    mimetypes = ("application/zip", "application/x-tar")

    @classmethod
    def sniff(cls, head: bytes, path: Path) -> bool:
        if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
            # Office files and other zip-based formats have their own adapters,
            # asked first; a zip that reaches here is a plain archive.
            return True
        return len(head) > 262 and head[257:262] == b"ustar"

    def read(self, path: Path, options: ReadOptions) -> Document:
        limits = options.limits
        if options.depth >= limits.max_archive_depth:
            raise LimitExceeded(
                f"archives nested deeper than {limits.max_archive_depth} levels", path
            )
        with open(path, "rb") as fh:
            head = fh.read(4)
        if head.startswith(b"PK"):
            return self._read_zip(path, options)
        return self._read_tar(path, options)

    # -- zip ----------------------------------------------------------------

    def _read_zip(self, path: Path, options: ReadOptions) -> Document:
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise InputError(f"corrupt zip archive ({exc})", path) from None
        with zf:
            members = []
            for info in zf.infolist():
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise InputError(
                        f"refusing a zip whose member {safe_name(info.filename)!r} is a symbolic "
                        "link: a hostile archive", path)
                if info.filename.endswith("/"):  # is_dir() fails on an empty name
                    continue
                if info.flag_bits & 0x1:
                    raise EncryptedInput("encrypted zip archive; leakdesk cannot open it", path)
                if (info.compress_type == zipfile.ZIP_DEFLATED
                        and info.compress_size > info.file_size + info.file_size // 100 + 1024):
                    # deflate never grows data by more than a few bytes per block
                    raise LimitExceeded(
                        f"a member's header declares {info.file_size:,} bytes but it holds "
                        f"{info.compress_size:,} compressed bytes: the header lies about its "
                        "size (a zip-bomb trick)", path)
                members.append(
                    _Member(info.filename, info.file_size, info.compress_size,
                            lambda i=info: zf.open(i))
                )
            comment = zf.comment.decode("utf-8", "replace") if zf.comment else ""
            return self._build(path, options, "zip", members, comment)

    # -- tar ----------------------------------------------------------------

    def _read_tar(self, path: Path, options: ReadOptions) -> Document:
        try:
            tf = tarfile.open(path, mode="r:*")  # noqa: SIM115 - closed by the with below
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise InputError(f"corrupt tar archive ({exc})", path) from None
        with tf:
            members = []
            try:
                infos = tf.getmembers()
            except (tarfile.TarError, EOFError, OSError) as exc:
                raise InputError(f"corrupt tar archive ({exc})", path) from None
            for info in infos:
                if (info.issym() or info.islnk()) and _unsafe_name(info.linkname or "/"):
                    raise InputError(
                        f"refusing an archive whose link {safe_name(info.name)!r} points outside "
                        f"it ({safe_name(info.linkname)!r}): a hostile archive", path)
                if not info.isfile():
                    continue  # links, devices and folders are never followed
                owner = f"{info.uname or info.uid}:{info.gname or info.gid}"
                members.append(
                    _Member(info.name, info.size, info.size,
                            lambda i=info: tf.extractfile(i), owner)
                )
            return self._build(path, options, "tar", members, "")

    # -- common -------------------------------------------------------------

    def _build(
        self, path: Path, options: ReadOptions, kind: str, members: list[_Member], comment: str
    ) -> Document:
        limits = options.limits
        for m in members:
            if _unsafe_name(m.name):
                raise InputError(
                    f"refusing an archive whose member {safe_name(m.name)!r} tries to leave its "
                    "folder (path traversal, an absolute path or control characters): a hostile "
                    "archive", path)
        if len(members) > limits.max_archive_members:
            raise LimitExceeded(f"{len(members):,} members, over the limit", path)
        b = DocumentBuilder(separator="\n")
        findings: list[Finding] = []
        spans: list[tuple[int, int, _Member]] = []
        for m in members:
            start, end = b.add(m.name, part="filename", source=f"{kind}:member")
            spans.append((start, end, m))
        owners = sorted({m.owner for m in members if m.owner})
        owner_span = b.add("owners: " + ", ".join(owners), part="metadata") if owners else None
        comment_span = b.add(comment, part="metadata", source="zip:comment") if comment else None
        children: list[Document] = []
        total = 0
        with private_tempdir() as tmp:
            for idx, (start, end, m) in enumerate(spans):
                loc = Location("filename", None, start, end)
                if m.compressed and m.size / max(m.compressed, 1) > limits.max_compression_ratio:
                    raise LimitExceeded(
                        f"member compresses {m.size / max(m.compressed, 1):,.0f}:1, "
                        "a likely zip bomb", path)
                target = tmp / f"member-{idx}"
                try:
                    total += _copy_bounded(m, target, limits.max_uncompressed_bytes - total, path)
                    from . import read_document

                    child = read_document(target, options.nested())
                    child.path = Path(m.name)
                    children.append(child)
                except LimitExceeded:
                    raise
                except LeakdeskError as exc:
                    findings.append(Finding(
                        "archive", "structure", Severity.LOW,
                        f"This member could not be audited: {exc.message}", loc, m.name,
                        {"member": m.name, "error": exc.message}, Action.REVIEW))
                finally:
                    target.unlink(missing_ok=True)
        doc = b.build(format=kind, path=path)
        if owner_span:
            findings.append(Finding(
                "archive", "metadata", Severity.MEDIUM,
                "The tar archive records the user and group names that owned each file; "
                "they can name the person or machine that made the archive.",
                doc.location(*owner_span), doc.text[owner_span[0]:owner_span[1]],
                {"owners": owners}, Action.REMOVE))
        if comment_span:
            findings.append(Finding(
                "archive", "metadata", Severity.MEDIUM,
                "The zip archive carries a comment, which can identify who made it.",
                doc.location(*comment_span), comment, {}, Action.REMOVE))
        doc.container_findings.extend(findings)
        doc.children.extend(children)
        doc.meta["members"] = len(members)
        return doc


def _copy_bounded(m: _Member, target: Path, budget: int, path: Path) -> int:
    """Copy a member to ``target``, never more than ``budget`` bytes; return bytes copied."""
    n = 0
    opener = m.open
    assert callable(opener)
    try:
        src: IO[bytes] | None = opener()
    except _MEMBER_ERRORS as exc:
        raise InputError(f"cannot open member ({exc})", path) from None
    if src is None:
        return 0
    with src, open(target, "wb") as out:
        for block in _blocks(src, path):
            n += len(block)
            if n > budget:
                raise LimitExceeded("archive expands past the uncompressed-size limit", path)
            out.write(block)
    return n


def _blocks(src: IO[bytes], path: Path) -> Iterator[bytes]:
    while True:
        try:
            block = src.read(_CHUNK)
        except _MEMBER_ERRORS as exc:
            raise InputError(f"corrupt member ({exc})", path) from None
        if not block:
            return
        yield block
