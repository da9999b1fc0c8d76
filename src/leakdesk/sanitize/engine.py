"""The sanitize engine: findings and a policy in, a :class:`CleanPlan` out.

Pure functions on a :class:`~leakdesk.document.Document`; nothing here opens a
file.  The steps, in order (one method each of :class:`_Planner`):

1. **Decide.** Each finding gets an outcome from the policy (remove, replace,
   normalize, or left in place for review/keep).  Container findings go to
   the plan's ``container_findings`` for the adapter.
2. **Drop parts.** The text of container parts the policy drops (metadata,
   comments, hidden text...) is removed whole.
3. **Propagate.** A removed identifier or date-time is removed wherever else it
   occurs word for word.
4. **Whole lines.** ``whole_line: always`` removes every line a finding
   touches; ``if_alone`` removes a line when only removed spans, punctuation or
   a field label would be left.  A removed line takes its newline with it, and
   a removed block between two blank lines takes one of them, so no blank gap
   shows where it was.
5. **Resolve overlaps.** Overlapping destructive edits merge (one placeholder
   for the group, or nothing when everything in it is removed); destructive
   edits separated only by spaces or slashes merge too ("SECRET // NOFORN"
   becomes one "[REDACTED]").  A normalization inside a destroyed span is
   dropped; one that crosses its edge widens the destroyed span when it is an
   invisible character or homoglyph (the mark must not survive).
6. **Safety net.** Invisible characters and mixed-script homoglyph words that
   no edit covers are deleted or mapped anyway, and no replacement may bring
   one back.
7. **Finish.** Edits are split at segment edges (so per-run adapters see each
   piece); an inline removal takes one neighbouring space with it, so no
   double space is left; a mixed-script word that only exists once the edits
   are applied (a removal joined "ab" to "а") is mapped too.
8. **Removed strings.** The original text of every destroyed span (each line,
   and each finding's own span), every homoglyph or invisible-character word,
   every container excerpt acted on, and lines of removed attachments: the
   residue proof searches the output for each of them.

The invariants (tested with hypothesis): edits are sorted, disjoint, inside
the text and inside one segment each; concatenating :meth:`CleanPlan.clean_span`
over any cut points gives :attr:`CleanPlan.clean_text`; the clean text holds no
invisible character or homoglyph word the policy did not keep.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import regex

from ..document import Action, Document, Finding, Location, Severity
from ..errors import UsageError
from .chars import (
    INVISIBLE_RE,
    clean_replacement,
    homoglyph_words,
    intended_for_span,
    invisible_replacement,
    map_homoglyphs,
    strip_invisible,
    word_bounds,
)
from .plan import CleanPlan, Edit
from .policy import Decision, Policy, default_policy

MODES: tuple[str, ...] = ("rebuild", "raster")

#: Categories produced by text detectors; every other category is a container trace.
TEXT_CATEGORIES = frozenset(
    {
        "marking",
        "identifier",
        "distribution",
        "datetime",
        "invisible",
        "homoglyph",
        "whitespace",
        "typography",
        "wording",
    }
)

#: The category a dropped part's text is reported under.
_PART_CATEGORY = {
    "metadata": "metadata",
    "comment": "annotation",
    "annotation": "annotation",
    "hidden": "hidden",
    "revision": "revision",
    "attachment": "attachment",
    "email-header": "header",
    "filename": "metadata",
    "form": "structure",
    "header": "marking",
    "footer": "marking",
    "footnote": "marking",
    "ocr": "hidden",
}

_ALNUM_RE = regex.compile(r"[\p{L}\p{N}]")
#: A field label left alone on a line: "Dated:", "Ref:", "Copy No.:", "FM:".
_LABEL_RE = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N} .'’/&()\-]{0,40}:")
_MERGE_GAP_RE = regex.compile(r"[ \t/]*")
_LINE_SPLIT_RE = regex.compile(r"[\r\n\u2028\u2029\x85]+")
_HSPACE = " \t"

#: Attachment text lines at least this long are searched for by the proof.
_CHILD_LINE_MIN = 20
_CHILD_LINES_MAX = 200


@dataclass(slots=True)
class _E:
    """A working edit; becomes an :class:`Edit` at the end."""

    start: int
    end: int
    replacement: str
    kind: str  # remove, replace, normalize, line
    findings: list[Finding]
    whole_line: str = "never"
    #: (start, end, kind) of the edits merged into this one.
    members: list[tuple[int, int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.members:
            self.members = [(self.start, self.end, self.kind)]


def _synth(
    doc: Document,
    detector: str,
    category: str,
    message: str,
    start: int,
    end: int,
    action: Action,
    severity: Severity = Severity.MEDIUM,
    evidence: dict[str, object] | None = None,
    part: str | None = None,
    page: int | None = None,
) -> Finding:
    loc = doc.location(start, end)
    if part is not None:
        loc = Location(part, page if page is not None else loc.page, start, end)
    return Finding(
        detector=detector,
        category=category,
        severity=severity,
        message=message,
        location=loc,
        excerpt=doc.text[start:end],
        evidence=dict(evidence or {}),
        action=action,
    )


class _Coverage:
    """Which offsets are covered by a set of intervals (merged, for bisect)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted(s for s in spans if s[1] > s[0]):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def covers(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]

    def overlaps(self, a: int, b: int) -> bool:
        i = bisect.bisect_right(self.starts, max(a, b - 1)) - 1
        return i >= 0 and self.ends[i] > a and self.starts[i] < max(b, a + 1)


# -- step 1: decisions ------------------------------------------------------------


def _fallback_normalization(text: str, f: Finding, start: int, end: int) -> str | None:
    span = text[start:end]
    if f.category == "invisible":
        repl = strip_invisible(span)
        return repl if repl != span else None
    if f.category == "homoglyph":
        return intended_for_span(text, start, end)
    return None


# -- step 5: whole lines ----------------------------------------------------------


def _line_of(starts: Sequence[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1


def _line_is_alone(doc: Document, line: int, destroy: Sequence[_E]) -> bool:
    """True when nothing but removed spans, punctuation or a label is left on ``line``."""
    ls, le = doc.line_span(doc.line_starts[line])
    if ls == le:
        return False
    spans = sorted((max(e.start, ls), min(e.end, le)) for e in destroy if e.start < le and e.end > ls)
    if not spans:
        return False
    rest: list[str] = []
    pos = ls
    for a, b in spans:
        if a > pos:
            rest.append(doc.text[pos:a])
        pos = max(pos, b)
    rest.append(doc.text[pos:le])
    remaining = " ".join(rest).strip()
    if not _ALNUM_RE.search(remaining):
        return True
    return _LABEL_RE.fullmatch(remaining) is not None and len(remaining.split()) <= 4


def _line_removals(doc: Document, lines: set[int]) -> list[tuple[int, int, int, int]]:
    """``(start, end, first_line, last_line)`` for each run of removed lines.

    The span includes the run's final line ending; a run between two blank
    lines (or at the start or end of the text) takes one blank line with it.
    """
    text = doc.text
    starts = doc.line_starts
    n = len(starts)

    def content_end(i: int) -> int:
        return doc.line_span(starts[i])[1]

    def blank(i: int) -> bool:
        return not text[starts[i] : content_end(i)].strip()

    out: list[tuple[int, int, int, int]] = []
    ordered = sorted(lines)
    runs: list[list[int]] = []
    for i in ordered:
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    for i, j in runs:
        if j + 1 < n:
            a, b = starts[i], starts[j + 1]
            if (i == 0 or blank(i - 1)) and blank(j + 1) and j + 1 not in lines:
                b = starts[j + 2] if j + 2 < n else len(text)
            if b == len(text) and i > 0 and blank(i - 1):
                a = starts[i - 1]
        elif i == 0:
            a, b = 0, len(text)
        else:
            a, b = content_end(i - 1), len(text)
            if blank(i - 1) and i - 1 > 0:
                a = content_end(i - 2)
        out.append((a, b, i, j))
    return out


# -- step 6: merging ---------------------------------------------------------------


def _merged_replacement(e: _E, placeholder: str) -> str:
    if e.kind == "line":
        return ""
    destroyers = [(a, b) for a, b, k in e.members if k in ("remove", "line")]
    for a, b, k in e.members:
        if k == "replace" and not any(x <= a and b <= y for x, y in destroyers):
            return placeholder
    return ""


def _merge_destroy(text: str, edits: list[_E], placeholder: str) -> list[_E]:
    out: list[_E] = []
    for e in sorted(edits, key=lambda e: (e.start, -e.end)):
        if out:
            cur = out[-1]
            gap = text[cur.end : e.start] if e.start >= cur.end else ""
            joinable = e.start < cur.end or (
                cur.kind != "line" and e.kind != "line" and _MERGE_GAP_RE.fullmatch(gap) is not None
            )
            if joinable:
                cur.end = max(cur.end, e.end)
                cur.findings.extend(f for f in e.findings if f not in cur.findings)
                cur.members.extend(e.members)
                if "line" in (cur.kind, e.kind):
                    cur.kind = "line"
                elif "replace" in (cur.kind, e.kind):
                    cur.kind = "replace"
                cur.replacement = _merged_replacement(cur, placeholder)
                if cur.kind == "replace" and not cur.replacement:
                    cur.kind = "remove"
                continue
        e.replacement = _merged_replacement(e, placeholder) if e.kind != "normalize" else e.replacement
        out.append(e)
    return out


def _tidy_inline_removal(doc: Document, e: _E, lo: int, hi: int) -> None:
    """Let an inline removal take one neighbouring run of spaces (no double space left)."""
    text = doc.text
    before = text[e.start - 1] if e.start > lo else "\n"
    after = text[e.end] if e.end < hi else "\n"
    if after in _HSPACE and (before in _HSPACE or before in "\r\n" or e.start == lo):
        b = e.end
        while b < hi and text[b] in _HSPACE:
            b += 1
        e.end = b
    elif before in _HSPACE and (after in "\r\n" or e.end == hi or after in ".,;:!?)]"):
        a = e.start
        while a > lo and text[a - 1] in _HSPACE:
            a -= 1
        e.start = a


def _resolve_normalizations(
    text: str, normal: list[_E], destroy: list[_E]
) -> tuple[list[_E], list[_E], bool]:
    """Drop or fold normalizations that touch destroyed spans; return (normal, widen, changed)."""
    cov = _Coverage((e.start, e.end) for e in destroy)
    kept: list[_E] = []
    widen: list[_E] = []
    for n in normal:
        if n.start == n.end:
            if cov.covers(n.start) and not any(d.start == n.start for d in destroy):
                continue
            kept.append(n)
            continue
        if not cov.overlaps(n.start, n.end):
            kept.append(n)
            continue
        inside = all(cov.covers(p) for p in range(n.start, n.end))
        if inside:
            continue
        if any(f.category in ("invisible", "homoglyph") for f in n.findings):
            widen.append(_E(n.start, n.end, "", "remove", list(n.findings)))
    return kept, widen, bool(widen)


def _merge_normalizations(text: str, normal: list[_E]) -> list[_E]:
    out: list[_E] = []
    for n in sorted(normal, key=lambda e: (e.start, -e.end)):
        if out and n.start < out[-1].end:
            cur = out[-1]
            if n.end <= cur.end:
                cur.findings.extend(n.findings)  # nested: the outer edit wins
                continue
            cur.replacement = cur.replacement + text[cur.end : n.end]
            cur.end = n.end
            cur.findings.extend(n.findings)
            continue
        out.append(n)
    return out


# -- step 7: segments ----------------------------------------------------------------


def _split_at_segments(doc: Document, e: _E) -> list[_E]:
    segs = [s for s in doc.segments if s.start < e.end and s.end > e.start]
    if not segs or (segs[0].start <= e.start and e.end <= segs[0].end):
        return [e]
    cuts = sorted({e.start, e.end, *(s.start for s in segs), *(s.end for s in segs)})
    cuts = [c for c in cuts if e.start <= c <= e.end]
    pieces: list[_E] = []
    aligned = e.kind == "normalize" and len(e.replacement) == e.end - e.start
    for a, b in itertools.pairwise(cuts):
        if b <= a:
            continue
        if aligned:  # a letter-for-letter mapping splits letter for letter
            repl = e.replacement[a - e.start : b - e.start]
        else:
            repl = e.replacement if not pieces else ""
        pieces.append(_E(a, b, repl, e.kind, e.findings, e.whole_line, e.members))
    return pieces


# -- after the edits: words joined by a removal ------------------------------------------


def _drop_buried_insertions(edits: list[_E]) -> list[_E]:
    """Drop insertions (empty spans) inside another edit: nothing is left to insert into."""
    spans = _Coverage((e.start, e.end) for e in edits if e.end > e.start)
    return [
        e for e in edits
        if e.end > e.start or not (spans.covers(e.start) and spans.covers(e.start - 1))
    ]


def _keeps(policy: Policy, category: str) -> bool:
    rule = policy.categories.get(category)
    return rule is not None and rule.action in ("keep", "review")


def _rejoined_homoglyphs(
    doc: Document, final: list[_E], protected: _Coverage, decisions: list[Decision]
) -> list[_E]:
    """Map homoglyph words that only exist once the edits are applied.

    Deleting a span inside a word can join a Latin fragment to a Cyrillic one
    ("ab" + "а").  Such a word is found in the clean text, traced back to the
    original offsets, and the edits under it are folded into one edit whose
    replacement is the clean word with its letters mapped.
    """
    text = doc.text
    # (clean_start, clean_end, orig_start, orig_end, edit index or -1)
    pieces: list[tuple[int, int, int, int, int]] = []
    out: list[str] = []
    pos = cpos = 0
    for i, e in enumerate(final):
        if e.start > pos:
            out.append(text[pos : e.start])
            pieces.append((cpos, cpos + e.start - pos, pos, e.start, -1))
            cpos += e.start - pos
        out.append(e.replacement)
        pieces.append((cpos, cpos + len(e.replacement), e.start, e.end, i))
        cpos += len(e.replacement)
        pos = max(pos, e.end)
    out.append(text[pos:])
    pieces.append((cpos, cpos + len(text) - pos, pos, len(text), -1))
    clean = "".join(out)
    words = homoglyph_words(clean)
    if not words:
        return final
    starts = [p[0] for p in pieces]

    def to_orig(c: int, end_side: bool) -> tuple[int, int]:
        """(original offset, clean offset of that original boundary)."""
        i = bisect.bisect_right(starts, c) - 1
        if end_side:
            while i > 0 and pieces[i][0] >= c:
                i -= 1
        else:
            while i + 1 < len(pieces) and pieces[i][1] <= c and pieces[i + 1][0] <= c:
                i += 1
        cs, ce, os_, oe, idx = pieces[i]
        if idx < 0:
            return os_ + (c - cs), c
        return (oe, ce) if end_side else (os_, cs)

    # the original and clean extent of each word, merged where they share an edit
    regions: list[list[int]] = []  # [a, b, ca, cb]
    for h in words:
        a, ca = to_orig(h.start, False)
        b, cb = to_orig(h.end, True)
        if b < a or (b > a and protected.overlaps(a, b)):
            continue
        if regions and (a < regions[-1][1] or a == b == regions[-1][1]):
            r = regions[-1]
            r[1], r[3] = max(r[1], b), max(r[3], cb)
        else:
            regions.append([a, b, ca, cb])
    absorbed: set[int] = set()
    added: list[_E] = []
    for a, b, ca, cb in regions:
        inner = [i for i, e in enumerate(final) if a <= e.start and e.end <= b and i not in absorbed]
        if a == b and not inner:
            continue
        repl = clean_replacement(clean[ca:cb])
        found = homoglyph_words(clean[ca:cb])
        f = _synth(
            doc,
            "sanitize.safety-net",
            "homoglyph",
            "Mixed-script word left by a removal (a joined or partly removed word): mapped.",
            a,
            b,
            Action.NORMALIZE,
            evidence={"foreign": sorted({u for h in found for u in h.foreign})},
        )
        inner_findings = [g for i in inner for g in final[i].findings]
        kinds = {final[i].kind for i in inner}
        kind = next((k for k in ("line", "replace", "remove") if k in kinds), "normalize")
        absorbed.update(inner)
        added.append(_E(a, b, repl, kind, [f, *inner_findings]))
        decisions.append(Decision(f, "normalize", reason="safety_net"))
    if not added:
        return final
    kept = [e for i, e in enumerate(final) if i not in absorbed]
    return sorted(kept + added, key=lambda e: (e.start, e.end))


# -- the plan --------------------------------------------------------------------------


_TOKEN_RE = regex.compile(r"[^\s,;:()\[\]{}<>\"'“”‘’]+")


def _propagation_keys(span: str) -> list[str]:
    """What to look for elsewhere: the removed text, and its identifier core.

    A finding's span often carries a label ("No. E-1142/LDN", "Ref: 22 STATE
    123456"); the same serial may appear bare elsewhere.  The core is each
    token that mixes digits with letters or separators (5 characters or more),
    or a run of at least 6 digits: specific enough that another occurrence is
    the same identifier.
    """
    keys: list[str] = []
    full = span.strip()
    if len(full) >= 4 and "\n" not in full and "\r" not in full:
        keys.append(full)
        label, colon, value = full.partition(":")
        value = value.strip()
        if colon and len(label.split()) <= 3 and len(value) >= 4 and any(
            c.isdigit() for c in value
        ):
            keys.append(value)  # "Ref: 22 STATE 123456" -> "22 STATE 123456"
    for tok in _TOKEN_RE.findall(span):
        tok = tok.strip(".-/")
        if not any(c.isdigit() for c in tok) or tok == full:
            continue
        if (len(tok) >= 5 and not tok.isdigit()) or (tok.isdigit() and len(tok) >= 6):
            keys.append(tok)
    return keys


class _Planner:
    """The working state of one :func:`build_plan` call, one method per step."""

    def __init__(self, doc: Document, policy: Policy) -> None:
        self.doc = doc
        self.policy = policy
        self.text = doc.text
        self.decisions: list[Decision] = []
        self.review: list[Finding] = []
        self.container: list[Finding] = []
        self.destroy: list[_E] = []
        self.normal: list[_E] = []
        #: spans of invisible/homoglyph findings kept on purpose: the safety net leaves them
        self.protected: list[tuple[int, int]] = []

    def _leave(self, d: Decision, why: str | None = None) -> None:
        if why is not None:
            d = Decision(d.finding, "review", reason=f"{d.reason}: {why}")
        self.decisions.append(d)
        self.review.append(d.finding)

    def decide(self, findings: Iterable[Finding]) -> None:
        """Step 1: each finding's outcome; container traces listed for the adapter."""
        n = len(self.text)
        for f in findings:
            d = self.policy.decide(f)
            s, e = f.start, f.end
            if f.category not in TEXT_CATEGORIES and d.changes_text:
                self.container.append(replace(f, action=d.action))
            if not d.changes_text:
                self._leave(d)
                if s is not None and e is not None and f.category in ("invisible", "homoglyph"):
                    self.protected.append((s, e))
                continue
            if s is None or e is None:
                if f.category in TEXT_CATEGORIES:
                    self._leave(d, "no text span to change")
                else:
                    self.decisions.append(d)
                continue
            if not 0 <= s <= e <= n:
                self._leave(d, "span outside the text")
                continue
            if d.outcome == "normalize":
                repl = f.replacement
                if repl is None:
                    repl = _fallback_normalization(self.text, f, s, e)
                if repl is None:
                    self._leave(d, "nothing to normalize to")
                    continue
                if repl != self.text[s:e]:
                    self.normal.append(_E(s, e, repl, "normalize", [f]))
            elif e > s:
                kind = "replace" if d.outcome == "replace" else "remove"
                self.destroy.append(_E(s, e, "", kind, [f], d.whole_line))
            self.decisions.append(d)

    def drop_parts(self) -> None:
        """Step 2: the text of dropped container parts goes whole."""
        for seg in self.doc.segments:
            if seg.part not in self.policy.drop_parts or seg.end <= seg.start:
                continue
            f = _synth(
                self.doc,
                "sanitize.drop-part",
                _PART_CATEGORY.get(seg.part, "hidden"),
                f"Text of the document's {seg.part} is not carried into the clean copy "
                "(policy: drop_parts).",
                seg.start,
                seg.end,
                Action.REMOVE,
                evidence={"part": seg.part, "source": seg.source or ""},
                part=seg.part,
                page=seg.page,
            )
            self.destroy.append(_E(seg.start, seg.end, "", "remove", [f]))
            self.decisions.append(Decision(f, "remove", reason="drop_parts"))

    def propagate(self) -> None:
        """Step 3: a removed identifier goes wherever it occurs word for word."""
        if not self.policy.propagate:
            return
        text = self.text
        cov = _Coverage((e.start, e.end) for e in self.destroy)
        seen: set[str] = set()
        for ed in list(self.destroy):
            src = ed.findings[0]
            if src.category not in self.policy.propagate or ed.kind not in ("remove", "replace"):
                continue
            keys = [k for k in _propagation_keys(text[ed.start : ed.end]) if k not in seen]
            if not keys:
                continue
            seen.update(keys)
            alts = "|".join(regex.escape(k) for k in sorted(keys, key=len, reverse=True))
            pat = regex.compile(r"(?<![\p{L}\p{N}_])(?:" + alts + r")(?![\p{L}\p{N}_])")
            for m in pat.finditer(text):
                if cov.overlaps(m.start(), m.end()):
                    continue
                f = _synth(
                    self.doc,
                    "sanitize.propagate",
                    src.category,
                    f"Another occurrence of a removed {src.category} ({src.detector}).",
                    m.start(),
                    m.end(),
                    Action.REPLACE if ed.kind == "replace" else Action.REMOVE,
                    severity=src.severity,
                    evidence={"source_detector": src.detector},
                )
                self.destroy.append(_E(m.start(), m.end(), "", ed.kind, [f], ed.whole_line))
                self.decisions.append(Decision(f, ed.kind, ed.whole_line, "propagate"))
                cov = _Coverage([(e.start, e.end) for e in self.destroy])

    def whole_lines(self) -> None:
        """Step 4: expand ``always`` and lone ``if_alone`` findings to their lines."""
        doc, starts = self.doc, self.doc.line_starts
        lines: set[int] = set()
        for ed in self.destroy:
            if ed.whole_line == "always":
                a = _line_of(starts, ed.start)
                b = _line_of(starts, max(ed.start, ed.end - 1))
                lines.update(range(a, b + 1))
        for ed in self.destroy:
            if ed.whole_line == "if_alone":
                a = _line_of(starts, ed.start)
                b = _line_of(starts, max(ed.start, ed.end - 1))
                for ln in range(a, b + 1):
                    if ln not in lines and _line_is_alone(doc, ln, self.destroy):
                        lines.add(ln)
        if not lines:
            return
        for a, b, first, _last in _line_removals(doc, lines):
            lseg = doc.segment_at(starts[first])
            if lseg is not None and lseg.start <= starts[first] <= lseg.end:
                # never take a segment separator: stay inside the line's own segment
                a, b = max(a, lseg.start), min(b, lseg.end)
            if b <= a:
                continue
            covered = [f for ed in self.destroy if ed.start < b and ed.end > a for f in ed.findings]
            if covered:
                self.destroy.append(_E(a, b, "", "line", covered))

    def resolve(self) -> None:
        """Step 5: merge destroyed spans; drop or fold normalizations that touch them."""
        text, placeholder = self.text, self.policy.placeholder
        self.destroy = _merge_destroy(text, self.destroy, placeholder)
        for _ in range(4):
            self.normal, widen, changed = _resolve_normalizations(text, self.normal, self.destroy)
            if not changed:
                break
            self.destroy = _merge_destroy(text, self.destroy + widen, placeholder)
        self.normal = _merge_normalizations(text, self.normal)

    def safety_net(self) -> None:
        """Step 6: marks no finding covered; replacements cleaned of marks."""
        if not self.policy.safety_net:
            return
        doc, text = self.doc, self.text
        if not _keeps(self.policy, "homoglyph"):
            cov = _Coverage([(e.start, e.end) for e in self.destroy + self.normal] + self.protected)
            for h in homoglyph_words(text):
                if cov.overlaps(h.start, h.end):
                    continue  # partly edited words are mapped after the edits (step 7)
                f = _synth(
                    doc,
                    "sanitize.safety-net",
                    "homoglyph",
                    f"Mixed-script word ({', '.join(h.foreign)} in a {h.script.title()} word) "
                    "that no detector reported: mapped to the intended letters.",
                    h.start,
                    h.end,
                    Action.NORMALIZE,
                    evidence={"script": h.script, "foreign": list(h.foreign)},
                )
                self.normal.append(_E(h.start, h.end, h.intended, "normalize", [f]))
                self.decisions.append(Decision(f, "normalize", reason="safety_net"))
        if not _keeps(self.policy, "invisible"):
            cov = _Coverage([(e.start, e.end) for e in self.destroy + self.normal] + self.protected)
            positions = [m.start() for m in INVISIBLE_RE.finditer(text) if not cov.covers(m.start())]
            runs: list[list[int]] = []
            for p in positions:
                if runs and p == runs[-1][1]:
                    runs[-1][1] = p + 1
                else:
                    runs.append([p, p + 1])
            for a, b in runs:
                repl = "".join(invisible_replacement(ch) for ch in text[a:b])
                f = _synth(
                    doc,
                    "sanitize.safety-net",
                    "invisible",
                    "Invisible or unusual character that no detector reported: "
                    "deleted or made a plain space.",
                    a,
                    b,
                    Action.NORMALIZE,
                    evidence={"code_points": [f"U+{ord(c):04X}" for c in text[a:b]]},
                )
                self.normal.append(_E(a, b, repl, "normalize", [f]))
                self.decisions.append(Decision(f, "normalize", reason="safety_net"))
        self.normal.sort(key=lambda e: (e.start, e.end))
        # a detector's replacement (or a merged one) must not bring a mark back
        strip_inv = not _keeps(self.policy, "invisible")
        map_hg = not _keeps(self.policy, "homoglyph")
        for ne in self.normal:
            if strip_inv:
                ne.replacement = strip_invisible(ne.replacement)
            if map_hg:
                ne.replacement = map_homoglyphs(ne.replacement)

    def finish(self) -> tuple[list[_E], list[Edit]]:
        """Step 7: split at segment edges, tidy spaces, map joined words."""
        doc, n = self.doc, len(self.text)
        pieces: list[_E] = [p for ed in self.destroy for p in _split_at_segments(doc, ed)]
        for i, ed in enumerate(pieces):
            if ed.kind != "remove" or ed.replacement:
                continue
            pseg = doc.segment_at(ed.start)
            lo = pseg.start if pseg is not None and pseg.start <= ed.start else 0
            hi = pseg.end if pseg is not None and ed.end <= pseg.end else n
            if i > 0:
                lo = max(lo, pieces[i - 1].end)
            if i + 1 < len(pieces):
                hi = min(hi, pieces[i + 1].start)
            for ne in self.normal:  # never eat into a normalization
                if ne.end <= ed.start:
                    lo = max(lo, ne.end)
                elif ne.start >= ed.end:
                    hi = min(hi, ne.start)
            _tidy_inline_removal(doc, ed, lo, hi)
        self.normal, _w, _c = _resolve_normalizations(self.text, self.normal, pieces)
        final = _drop_buried_insertions(sorted(pieces + self.normal, key=lambda e: (e.start, e.end)))
        if self.policy.safety_net and not _keeps(self.policy, "homoglyph"):
            for _ in range(3):
                before = len(self.decisions)
                final = _rejoined_homoglyphs(doc, final, _Coverage(self.protected), self.decisions)
                if len(self.decisions) == before:
                    break
        final = _drop_buried_insertions([p for e in final for p in _split_at_segments(doc, e)])
        edits = [
            Edit(e.start, e.end, e.replacement, e.findings[0], tuple(e.findings[1:]), e.kind)
            for e in final
        ]
        return pieces, edits

    def removed_strings(self, pieces: list[_E]) -> tuple[list[str], list[str]]:
        """Step 8: what the proof must not find, and the category of each."""
        text, placeholder = self.text, self.policy.placeholder
        removed: list[str] = []
        categories: list[str] = []
        seen: set[str] = set()

        def add(s: str, cat: str) -> None:
            for piece in _LINE_SPLIT_RE.split(s):
                t = piece.strip()
                if t and t != placeholder and t not in seen:
                    seen.add(t)
                    removed.append(t)
                    categories.append(cat)

        for ed in pieces:
            add(text[ed.start : ed.end], ed.findings[0].category)
            for f in ed.findings:
                if f.start is not None and f.end is not None:
                    add(text[f.start : f.end], f.category)
        for ne in self.normal:
            cats = {f.category for f in ne.findings}
            if cats & {"invisible", "homoglyph"}:
                a, b = word_bounds(text, ne.start, ne.end)
                word = text[a:b]
                if word and (INVISIBLE_RE.search(word) or homoglyph_words(word)):
                    add(word, "homoglyph" if "homoglyph" in cats else "invisible")
        for f in self.container:
            if f.start is None and f.excerpt:
                add(f.excerpt, f.category)
        if self.policy.attachments == "remove":
            lines: set[str] = set()
            for child in self.doc.children:
                for c in child.walk():
                    lines.update(
                        t.strip() for t in _LINE_SPLIT_RE.split(c.text)
                        if len(t.strip()) >= _CHILD_LINE_MIN
                    )
            for t in sorted(lines, key=lambda s: (-len(s), s))[:_CHILD_LINES_MAX]:
                add(t, "attachment")
        return removed, categories


def build_plan(
    doc: Document,
    findings: Iterable[Finding],
    policy: Policy | None = None,
    *,
    mode: str = "rebuild",
) -> CleanPlan:
    """Turn ``findings`` on ``doc`` into a :class:`CleanPlan` following ``policy``."""
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}: use rebuild or raster")
    policy = policy or default_policy()
    p = _Planner(doc, policy)
    p.decide(findings)
    p.drop_parts()
    p.propagate()
    p.whole_lines()
    p.resolve()
    p.safety_net()
    pieces, edits = p.finish()
    removed, categories = p.removed_strings(pieces)
    return CleanPlan(
        document=doc,
        edits=edits,
        container_findings=p.container,
        mode=mode,
        placeholder=policy.placeholder,
        removed=removed,
        options=dict(policy.options),
        decisions=p.decisions,
        review=p.review,
        removed_categories=categories,
        attachments=policy.attachments,
        policy_source=policy.source,
    )


def check_plan(plan: CleanPlan) -> None:
    """Raise AssertionError unless the plan's edits are sorted, in range and disjoint."""
    pos = 0
    n = len(plan.document.text)
    for e in plan.edits:
        assert 0 <= e.start <= e.end <= n, e
        assert e.start >= pos, (e, pos)
        pos = e.end
