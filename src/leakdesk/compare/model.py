"""The results of a comparison: spans, differences, varying positions, copies.

Field names here are the JSON contract of ``leakdesk compare --format json``
(docs/compare.md): a difference is ``{"kind", "a": {"text", "start", "end"},
"b": {...}, "assessment", "reason", ...}`` with code-point offsets into each
copy's ``Document.text``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import regex

from ..document import Document
from ..textutil import make_visible
from .classify import DELIBERATE, NOISE

#: Characters :func:`leakdesk.textutil.make_visible` rewrites (all but plain text).
_NEEDS_MARKING = regex.compile(
    r"[[\p{Zs}\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}\uFE00-\uFE0F\U000E0100-\U000E01EF]--[ \t]]",
    regex.V1,
)


def visible(text: str, newline: str = "⏎") -> str:
    """:func:`~leakdesk.textutil.make_visible`, fast on the plain text that most spans are."""
    if text.isascii() and text.isprintable():
        return text
    if len(text) <= 4:
        return _visible_short(text, newline)
    return str(_NEEDS_MARKING.sub(lambda m: make_visible(m.group(), newline=newline), text))


@lru_cache(maxsize=4096)
def _visible_short(text: str, newline: str) -> str:
    return str(_NEEDS_MARKING.sub(lambda m: make_visible(m.group(), newline=newline), text))


_LINE_END_RE = regex.compile(r"\r\n|\r|\n")


class LineIndex:
    """Line and column of code-point offsets (lines end at ``\\n``, ``\\r\\n`` or ``\\r``)."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in _LINE_END_RE.finditer(text))]

    def line_col(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


@dataclass(frozen=True, slots=True)
class Span:
    """``text == document.text[start:end]`` of one copy."""

    start: int
    end: int
    text: str

    def to_json(self, doc: Document | None = None, lines: LineIndex | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "start": self.start, "end": self.end}
        shown = visible(self.text)
        if shown != self.text:
            data["visible"] = shown
        if doc is not None:
            line, col = (lines or LineIndex(doc.text)).line_col(self.start)
            data["line"] = line
            data["column"] = col
            if len(doc.segments) > 1 or (doc.segments and doc.segments[0].part != "body"):
                loc = doc.location(self.start, self.end)
                if loc.part != "body":
                    data["part"] = loc.part
                if loc.page is not None:
                    data["page"] = loc.page
        return data


def span_of(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


@dataclass(slots=True)
class Difference:
    """One place where two copies differ, classified."""

    kind: str
    a: Span
    b: Span
    noise: bool
    reason: str
    components: tuple[str, ...] = ()
    #: "token" (same word, other characters), "gap" (whitespace between words),
    #: "block" (other words), "move" (text moved), "inner" (a change inside moved text)
    origin: str = "block"
    #: For moves and the changes inside moved text: the move's number.
    move: int | None = None

    @property
    def assessment(self) -> str:
        return NOISE if self.noise else DELIBERATE

    def to_json(
        self, doc_a: Document | None = None, doc_b: Document | None = None,
        lines: tuple[LineIndex, LineIndex] | None = None,
    ) -> dict[str, Any]:
        la, lb = lines if lines is not None else (None, None)
        data: dict[str, Any] = {
            "kind": self.kind,
            "a": self.a.to_json(doc_a, la),
            "b": self.b.to_json(doc_b, lb),
            "assessment": self.assessment,
            "noise": self.noise,
            "reason": self.reason,
        }
        if len(self.components) > 1:
            data["components"] = list(self.components)
        if doc_a is not None and doc_b is not None and not self.noise:
            # noise (thousands of re-wrapped lines in a scan) goes without context
            data["context"] = {
                "a": context_of(doc_a.text, self.a.start, self.a.end),
                "b": context_of(doc_b.text, self.b.start, self.b.end),
            }
        if self.move is not None:
            data["move"] = self.move
        return data


def context_of(text: str, start: int, end: int, width: int = 40) -> dict[str, str]:
    """Text before and after a span (one line, invisible characters made visible)."""
    lo = max(0, start - width)
    hi = min(len(text), end + width)
    before = text[lo:start]
    after = text[end:hi]
    return {
        "before": ("…" if lo > 0 else "") + visible(before),
        "after": visible(after) + ("…" if hi < len(text) else ""),
    }


@dataclass(slots=True)
class Variant:
    """One form a varying position takes, and the copies that share it."""

    text: str
    copies: list[str]
    spans: dict[str, Span] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text}
        shown = visible(self.text)
        if shown != self.text:
            data["visible"] = shown
        data["copies"] = list(self.copies)
        data["spans"] = {k: {"start": s.start, "end": s.end} for k, s in self.spans.items()}
        return data


@dataclass(slots=True)
class Position:
    """A place where at least one of N copies differs from the others."""

    kind: str
    noise: bool
    reason: str
    spans: dict[str, Span]
    variants: list[Variant]
    components: tuple[str, ...] = ()

    @property
    def assessment(self) -> str:
        return NOISE if self.noise else DELIBERATE

    def to_json(
        self, names: list[str], docs: dict[str, Document],
        lines: dict[str, LineIndex] | None = None,
    ) -> dict[str, Any]:
        lines = lines or {}
        ref = names[0]
        a = self.spans[ref]
        other = next(
            (n for n in names[1:] if self.spans[n].text != a.text), names[1] if len(names) > 1 else ref
        )
        b = self.spans[other]
        data: dict[str, Any] = {
            "kind": self.kind,
            "a": a.to_json(docs.get(ref), lines.get(ref)),
            "b": b.to_json(docs.get(other), lines.get(other)),
            "b_copy": other,
            "assessment": self.assessment,
            "noise": self.noise,
            "reason": self.reason,
            "variants": [v.to_json() for v in self.variants],
            "groups": [list(v.copies) for v in self.variants],
        }
        if len(self.components) > 1:
            data["components"] = list(self.components)
        if not self.noise:
            # noise (a scan's re-wrapped lines) goes without context and per-copy detail;
            # each variant still gives every copy's offsets
            data["context"] = context_of(docs[ref].text, a.start, a.end) if ref in docs else {}
            data["spans"] = {n: s.to_json(docs.get(n), lines.get(n)) for n, s in self.spans.items()}
        return data
