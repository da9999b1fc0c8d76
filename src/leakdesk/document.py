"""The Document model: extracted text with provenance, and the findings made on it.

Every format adapter (``leakdesk.formats``) turns a container into one
:class:`Document`.  Every detector (``leakdesk.detectors``) reads a Document and
returns :class:`Finding` objects.  Offsets are always **code-point offsets into
``Document.text``**; for a plain-text file that is the decoded file text itself
(line endings untouched), for other formats the concatenation of the extracted
segments.

This module holds data only: it never opens a file or a socket.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class Severity(StrEnum):
    """How likely a finding is to single out a source or a copy."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return {"high": 3, "medium": 2, "low": 1}[self.value]

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value.lower())
        except ValueError:
            raise ValueError(f"unknown severity {value!r}: use high, medium or low") from None


class Action(StrEnum):
    """What ``leakdesk sanitize`` does with a finding."""

    REMOVE = "remove"  # delete the span (or the container element)
    REPLACE = "replace"  # replace the span by a placeholder such as [REDACTED]
    NORMALIZE = "normalize"  # replace the span by ``Finding.replacement``
    REVIEW = "review"  # left alone; a person must decide


#: Categories of findings.  Text detectors use the first nine; format adapters
#: add the container categories.
CATEGORIES: tuple[str, ...] = (
    "marking",
    "identifier",
    "distribution",
    "datetime",
    "invisible",
    "homoglyph",
    "whitespace",
    "typography",
    "wording",
    # container traces
    "metadata",
    "structure",
    "revision",
    "annotation",
    "attachment",
    "hidden",
    "redaction",
    "image",
    "header",
    "encoding",
)

#: Parts of a document a span of text can come from.
PARTS: tuple[str, ...] = (
    "body",
    "header",
    "footer",
    "footnote",
    "comment",
    "annotation",
    "metadata",
    "attachment",
    "hidden",
    "revision",
    "form",
    "filename",
    "email-header",
    "ocr",
)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is: a part, an optional page, and code-point offsets.

    ``start`` and ``end`` are ``None`` for traces that have no text span
    (a thumbnail, printer dots, an incremental update).
    """

    part: str = "body"
    page: int | None = None
    start: int | None = None
    end: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"part": self.part, "page": self.page, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Finding:
    """One trace that could identify a source or a copy, and what to do about it."""

    detector: str
    category: str
    severity: Severity
    message: str
    location: Location
    excerpt: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    action: Action = Action.REVIEW
    #: For ``normalize``: the text that takes the span's place.
    replacement: str | None = None

    @property
    def start(self) -> int | None:
        return self.location.start

    @property
    def end(self) -> int | None:
        return self.location.end

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "detector": self.detector,
            "category": self.category,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location.to_json(),
            "excerpt": self.excerpt,
            "evidence": self.evidence,
            "action": self.action.value,
        }
        if self.replacement is not None:
            data["replacement"] = self.replacement
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        loc = data.get("location") or {}
        return cls(
            detector=str(data["detector"]),
            category=str(data["category"]),
            severity=Severity(data["severity"]),
            message=str(data.get("message", "")),
            location=Location(
                part=str(loc.get("part", "body")),
                page=loc.get("page"),
                start=loc.get("start"),
                end=loc.get("end"),
            ),
            excerpt=str(data.get("excerpt", "")),
            evidence=dict(data.get("evidence") or {}),
            action=Action(data.get("action", "review")),
            replacement=data.get("replacement"),
        )


@dataclass(frozen=True, slots=True)
class Segment:
    """A run ``[start, end)`` of ``Document.text`` that comes from one place."""

    start: int
    end: int
    part: str = "body"
    page: int | None = None
    #: Free-form pointer back into the container (e.g. "word/document.xml",
    #: "/Info/Author", "attachment:report.pdf").  Never sensitive content.
    source: str | None = None


class Document:
    """Extracted text plus provenance, the same whatever the container.

    Build one with :class:`DocumentBuilder` (for multi-part documents) or
    :meth:`Document.from_text` (for a plain text).
    """

    __slots__ = (
        "_line_starts",
        "_seg_starts",
        "children",
        "container_findings",
        "encoding",
        "format",
        "meta",
        "path",
        "segments",
        "text",
    )

    def __init__(
        self,
        text: str,
        segments: Sequence[Segment] | None = None,
        *,
        path: Path | None = None,
        format: str = "text",
        encoding: str | None = None,
        container_findings: Iterable[Finding] = (),
        children: Iterable[Document] = (),
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.text = text
        if segments is None:
            segments = [Segment(0, len(text), "body", None)] if text else []
        self.segments: list[Segment] = sorted(segments, key=lambda s: s.start)
        self.path = path
        self.format = format
        self.encoding = encoding
        self.container_findings: list[Finding] = list(container_findings)
        self.children: list[Document] = list(children)
        #: Adapter-specific facts (page count, producer...) for reports; not text.
        self.meta: dict[str, Any] = dict(meta or {})
        self._seg_starts = [s.start for s in self.segments]
        self._line_starts: list[int] | None = None

    @classmethod
    def from_text(cls, text: str, *, path: Path | None = None, part: str = "body") -> Document:
        return cls(text, [Segment(0, len(text), part, None)] if text else [], path=path)

    # -- provenance -----------------------------------------------------

    def segment_at(self, offset: int) -> Segment | None:
        """The segment holding code point ``offset`` (or the last one before it)."""
        if not self.segments:
            return None
        i = bisect.bisect_right(self._seg_starts, offset) - 1
        if i < 0:
            return self.segments[0]
        return self.segments[i]

    def location(self, start: int, end: int) -> Location:
        seg = self.segment_at(start)
        if seg is None:
            return Location("body", None, start, end)
        return Location(seg.part, seg.page, start, end)

    def iter_parts(self, *parts: str) -> Iterator[Segment]:
        for seg in self.segments:
            if not parts or seg.part in parts:
                yield seg

    # -- lines ----------------------------------------------------------

    @property
    def line_starts(self) -> list[int]:
        """Offsets at which each line begins (``\\n``, ``\\r\\n`` and ``\\r`` end lines)."""
        if self._line_starts is None:
            import re

            starts = [0]
            starts.extend(m.end() for m in re.finditer(r"\r\n|\r|\n", self.text))
            self._line_starts = starts
        return self._line_starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a code-point offset."""
        starts = self.line_starts
        i = bisect.bisect_right(starts, offset) - 1
        return i + 1, offset - starts[i] + 1

    def line_span(self, offset: int) -> tuple[int, int]:
        """``[start, end)`` of the line holding ``offset``, without its line ending."""
        starts = self.line_starts
        i = bisect.bisect_right(starts, offset) - 1
        start = starts[i]
        end = starts[i + 1] if i + 1 < len(starts) else len(self.text)
        while end > start and self.text[end - 1] in "\r\n":
            end -= 1
        return start, end

    def finding(
        self,
        detector: str,
        category: str,
        severity: Severity,
        message: str,
        start: int,
        end: int,
        *,
        action: Action = Action.REVIEW,
        evidence: dict[str, Any] | None = None,
        replacement: str | None = None,
        excerpt: str | None = None,
    ) -> Finding:
        """Build a finding for ``text[start:end]`` with this document's provenance."""
        return Finding(
            detector=detector,
            category=category,
            severity=severity,
            message=message,
            location=self.location(start, end),
            excerpt=self.text[start:end] if excerpt is None else excerpt,
            evidence=evidence or {},
            action=action,
            replacement=replacement,
        )

    def walk(self) -> Iterator[Document]:
        """This document and every attached child, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def __repr__(self) -> str:
        return f"Document(path={self.path!s}, format={self.format}, chars={len(self.text)})"


class DocumentBuilder:
    """Concatenate text from several parts of a container, keeping provenance.

    >>> b = DocumentBuilder()
    >>> _ = b.add("Title", part="metadata", source="/Info/Title")
    >>> _ = b.add("Body text", part="body", page=1)
    >>> doc = b.build(format="pdf")
    >>> doc.segment_at(8).part
    'body'
    """

    def __init__(self, separator: str = "\n\n") -> None:
        self._chunks: list[str] = []
        self._segments: list[Segment] = []
        self._length = 0
        self._sep = separator

    @property
    def length(self) -> int:
        return self._length

    def add(
        self, text: str, *, part: str = "body", page: int | None = None, source: str | None = None
    ) -> tuple[int, int]:
        """Append ``text``; return its ``[start, end)`` span in the final text."""
        if self._chunks and self._sep:
            self._chunks.append(self._sep)
            self._length += len(self._sep)
        start = self._length
        self._chunks.append(text)
        self._length += len(text)
        self._segments.append(Segment(start, self._length, part, page, source))
        return start, self._length

    def build(self, **kwargs: Any) -> Document:
        return Document("".join(self._chunks), self._segments, **kwargs)
