"""A clean plan: the text edits and container actions that sanitize will apply.

The plan is computed from the findings and the policy (:mod:`.engine`),
independently of the container format; each format adapter then applies it to
its own structure (text file, PDF rebuild, DOCX runs...).

What an adapter reads from a plan:

- :attr:`CleanPlan.clean_text`, or :meth:`CleanPlan.clean_span` for each run
  or segment it writes (edits crossing the span's edges are clipped: the
  part inside is removed, and the replacement goes where the edit starts);
- :attr:`CleanPlan.container_findings`: container traces (metadata, annotations,
  attachments, hidden layers, revisions...), each with the action the policy
  chose, whether or not it also has a text span;
- :attr:`CleanPlan.mode`, :attr:`CleanPlan.options` (from the policy's ``options``).

What the residue proof reads: :attr:`CleanPlan.removed`, the strings that must
not survive anywhere in the output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..document import Document, Finding

if TYPE_CHECKING:
    from .policy import Decision


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` by ``replacement`` because of ``finding``."""

    start: int
    end: int
    replacement: str
    finding: Finding
    #: Further findings merged into this edit (overlapping or adjacent spans).
    also: tuple[Finding, ...] = ()
    #: remove, replace, normalize, or line (a whole line removed with its newline).
    kind: str = ""

    @property
    def findings(self) -> tuple[Finding, ...]:
        return (self.finding, *self.also)


@dataclass(slots=True)
class CleanPlan:
    document: Document
    #: Sorted, non-overlapping edits into ``document.text``; none crosses a segment edge.
    edits: list[Edit] = field(default_factory=list)
    #: Container findings the adapter must act on (metadata, thumbnails, annotations,
    #: attachments...), with the action the policy chose.  Those with a text span
    #: are also covered by ``edits``.
    container_findings: list[Finding] = field(default_factory=list)
    #: Output mode for formats that have one: "rebuild" or "raster".
    mode: str = "rebuild"
    placeholder: str = "[REDACTED]"
    #: Strings that must not survive anywhere in the output (checked by the proof).
    removed: list[str] = field(default_factory=list)
    #: Manual options a policy may set for an adapter (e.g. {"ocr": True}).
    options: dict[str, object] = field(default_factory=dict)
    #: Every decision, one per finding (kept ones included), for the redaction log.
    decisions: list[Decision] = field(default_factory=list)
    #: Findings left in place (policy ``review`` or ``keep``).
    review: list[Finding] = field(default_factory=list)
    #: The category each removed string comes from (same order as ``removed``).
    removed_categories: list[str] = field(default_factory=list)
    #: What happens to attachments and embedded files ("remove").
    attachments: str = "remove"
    #: Where the policy came from, for reports.
    policy_source: str = "default"
    _clean_text: str | None = field(default=None, repr=False)

    @property
    def clean_text(self) -> str:
        if self._clean_text is None:
            self._clean_text = apply_edits(self.document.text, self.edits)
        return self._clean_text

    def invalidate(self) -> None:
        """Forget the cached clean text (call after changing ``edits``)."""
        self._clean_text = None

    def clean_span(self, start: int, end: int) -> str:
        """The cleaned text of ``document.text[start:end]`` (for per-run adapters).

        An edit that crosses ``start`` or ``end`` is clipped: the part of it
        inside the span is removed, and its replacement is written only in the
        span where the edit begins.  So concatenating the clean spans of
        adjacent runs gives the same text as :attr:`clean_text`.
        """
        shifted: list[Edit] = []
        for e in self.edits:
            if e.end <= start and not (e.start == e.end == start):
                continue
            at_text_end = e.start == e.end == end == len(self.document.text)
            if e.start >= end and not at_text_end:
                continue
            a, b = max(e.start, start), min(e.end, end)
            begins_here = start <= e.start < end or e.start == e.end == start or at_text_end
            repl = e.replacement if begins_here else ""
            shifted.append(Edit(a - start, b - start, repl, e.finding, e.also, e.kind))
        return apply_edits(self.document.text[start:end], shifted)

    def segment_clean_text(self, part: str | None = None) -> list[tuple[int, str]]:
        """``(segment index, clean text)`` for each segment (of ``part`` if given)."""
        out = []
        for i, seg in enumerate(self.document.segments):
            if part is None or seg.part == part:
                out.append((i, self.clean_span(seg.start, seg.end)))
        return out


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply sorted, non-overlapping edits to ``text``.

    Overlapping edits (which the engine never produces) are resolved safely:
    the earlier, wider edit wins, and any part of a later edit beyond it is
    deleted rather than kept.
    """
    out: list[str] = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, -e.end)):
        if e.start < pos:
            if e.end > pos:
                pos = e.end  # overlapping remainder: delete it
            continue
        out.append(text[pos : e.start])
        out.append(e.replacement)
        pos = max(pos, e.end)
    out.append(text[pos:])
    return "".join(out)
