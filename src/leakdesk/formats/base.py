"""The contract every format adapter fulfils (mat2's parser-per-format model).

An adapter *reads* a container into a :class:`~leakdesk.document.Document`
(text with provenance, plus container findings such as metadata) and *cleans*
it: writes a sanitized output from a :class:`~leakdesk.sanitize.plan.CleanPlan`.
For the residue proof it also gives an *independent* view of an output: every
byte stream it holds, decompressed, and its text as a second extractor sees it.

Adapters are found by content (magic bytes), never by file extension.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import UnsupportedFormat

if TYPE_CHECKING:
    from ..document import Document
    from ..sanitize.plan import CleanPlan


@dataclass(frozen=True, slots=True)
class Limits:
    """Safety limits for untrusted input; every adapter honours them."""

    max_file_bytes: int = 1 << 30  # 1 GiB on disk
    max_text_chars: int = 200_000_000
    max_pages: int = 5_000
    max_uncompressed_bytes: int = 1 << 30  # sum over archive members / streams
    max_compression_ratio: float = 200.0
    max_pixels: int = 180_000_000  # about 13,400 x 13,400
    max_archive_depth: int = 5
    max_archive_members: int = 20_000
    timeout_seconds: float = 300.0


@dataclass(slots=True)
class ReadOptions:
    password: str | None = None
    encoding: str | None = None
    ocr: bool = True
    limits: Limits = field(default_factory=Limits)
    #: How deep inside archives/attachments this read is (0 = a file on disk).
    depth: int = 0

    def nested(self) -> ReadOptions:
        """Options for reading a member or attachment one level deeper."""
        return ReadOptions(self.password, self.encoding, self.ocr, self.limits, self.depth + 1)


@dataclass(slots=True)
class CleanResult:
    """What an adapter did when it wrote a clean output."""

    output: Path
    format: str
    mode: str
    #: Human-readable lines: "removed 3 annotations", "re-encoded pixels".
    actions: list[str] = field(default_factory=list)
    #: Traces the adapter could not remove, said plainly.
    not_done: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


class FormatAdapter(ABC):
    """One container format: sniffing, reading, cleaning, and an independent view."""

    #: Short id used in reports ("text", "pdf", "docx"...).
    name: ClassVar[str]
    #: MIME types this adapter handles (documentation and the web UI).
    mimetypes: ClassVar[tuple[str, ...]] = ()
    #: Extension the clean output gets ("txt", "pdf"...).
    output_extension: ClassVar[str] = ""

    @classmethod
    @abstractmethod
    def sniff(cls, head: bytes, path: Path) -> bool:
        """True if ``head`` (the first 64 KiB) is this format.  Must not read ``path``
        except to look inside a zip directory."""

    @abstractmethod
    def read(self, path: Path, options: ReadOptions) -> Document:
        """Parse ``path`` within ``options.limits``; raise :class:`~leakdesk.errors.InputError`."""

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
        """Write a sanitized copy to ``out`` (a private temporary path)."""
        raise UnsupportedFormat(f"sanitize does not support {self.name} files yet", doc.path)

    def residue_streams(self, path: Path, options: ReadOptions) -> Iterator[tuple[str, bytes]]:
        """Every byte stream of the output at ``path``, decompressed, labelled, for the proof.

        The default is the raw file.
        """
        yield "file", Path(path).read_bytes()

    def independent_text(self, path: Path, options: ReadOptions) -> str:
        """The output's text as a *different* extractor than :meth:`read` sees it."""
        return self.read(path, options).text
