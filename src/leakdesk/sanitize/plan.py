"""A clean plan: the text edits and container actions that sanitize will apply.

The plan is computed from the findings and the policy, independently of the
container format; each format adapter then applies it to its own structure
(text file, PDF rebuild, DOCX runs...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Document, Finding


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` by ``replacement`` because of ``finding``."""

    start: int
    end: int
    replacement: str
    finding: Finding


@dataclass(slots=True)
class CleanPlan:
    document: Document
    #: Sorted, non-overlapping edits into ``document.text``.
    edits: list[Edit] = field(default_factory=list)
    #: Findings without a text span that the adapter must act on (metadata, thumbnails...).
    container_findings: list[Finding] = field(default_factory=list)
    #: Output mode for formats that have one: "rebuild" or "raster".
    mode: str = "rebuild"
    placeholder: str = "[REDACTED]"
    #: Strings that must not survive anywhere in the output (checked by the proof).
    removed: list[str] = field(default_factory=list)
    #: Manual options a policy may set for an adapter (e.g. {"ocr": True}).
    options: dict[str, object] = field(default_factory=dict)

    @property
    def clean_text(self) -> str:
        return apply_edits(self.document.text, self.edits)

    def clean_span(self, start: int, end: int) -> str:
        """The cleaned text of ``document.text[start:end]`` (for per-run adapters)."""
        inside = [e for e in self.edits if e.start >= start and e.end <= end]
        shifted = [Edit(e.start - start, e.end - start, e.replacement, e.finding) for e in inside]
        return apply_edits(self.document.text[start:end], shifted)


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply sorted, non-overlapping edits to ``text``."""
    out: list[str] = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos:
            continue  # overlapping edit: the earlier, wider one wins
        out.append(text[pos : e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)
