"""Shared helpers of the canary-trap detectors: rule data, and "deviation from
the document's own majority" as one decision used by typography and wording.

A per-copy mark of this family is a *minority variant*: one straight
apostrophe where the document writes curly ones three hundred times, one
"color" in a text that says "colour" everywhere else.  :func:`judge` turns the
counts of a convention's variants into that decision, with one rule for every
convention so that reports are consistent and explainable:

* fewer than ``MIN_MAJORITY`` occurrences of the majority variant: a tiny
  sample, nothing is dominant, nothing is reported;
* the minority variants together at most a fifth of the majority's count (a
  *clear* majority): each minority occurrence is reported with the majority
  form as its replacement (``normalize``); **medium** when there are at most
  ``MAX_MEDIUM`` of them and the majority has at least five (exactly the
  shape of a canary mark), otherwise **low** (a careless or pasted-together
  document, where a mark could still hide);
* otherwise there is no clear majority: one **low** finding per minority
  variant, at its first occurrence, for a person to review.  Guessing which
  form is "right" would be worse than saying the document mixes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ..document import Action, Document, Finding, Severity

#: The majority variant needs at least this many occurrences to be a convention.
MIN_MAJORITY = 3
#: A clear majority outnumbers all the minority variants together this many times.
CLEAR_RATIO = 4
#: At most this many deviations from a clear majority are reported as medium.
MAX_MEDIUM = 3
#: ...provided the majority has at least this many occurrences.
MEDIUM_MIN_MAJORITY = 5
#: How many offsets a "no clear majority" finding lists in its evidence.
MAX_LISTED = 20


@cache
def load_rules(name: str) -> Any:
    """Parse ``detectors/rules/<name>`` (YAML) shipped with the package."""
    ref = resources.files("leakdesk.detectors").joinpath("rules", name)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(ref.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (safe loader)


@dataclass(frozen=True, slots=True)
class Variant:
    """One way of writing a convention, and where the document writes it so."""

    key: str
    label: str
    count: int
    #: ``[start, end)`` of every occurrence (may be computed lazily by the caller;
    #: only minority variants need them).
    spans: Callable[[], Sequence[tuple[int, int]]]


@dataclass(frozen=True, slots=True)
class Verdict:
    majority: Variant
    minority: list[Variant]
    clear: bool
    severity: Severity


def judge(
    variants: Iterable[Variant],
    *,
    reportable: Iterable[str] | None = None,
    min_majority: int = MIN_MAJORITY,
) -> Verdict | None:
    """Decide whether a convention has deviations worth reporting (see module doc).

    ``reportable`` limits which variants may be reported as the minority (e.g.
    "no trailing space" is never a deviation worth a finding).
    """
    present = [v for v in variants if v.count > 0]
    if len(present) < 2:
        return None
    # majority by count; ties go to the variant listed first (callers list the
    # conventional form first)
    majority = max(present, key=lambda v: v.count)
    allowed = set(reportable) if reportable is not None else None
    minority = [v for v in present if v is not majority and (allowed is None or v.key in allowed)]
    if not minority or majority.count < min_majority:
        return None
    m = sum(v.count for v in present if v is not majority)
    clear = majority.count >= CLEAR_RATIO * m
    medium = clear and m <= MAX_MEDIUM and majority.count >= MEDIUM_MIN_MAJORITY
    return Verdict(majority, minority, clear, Severity.MEDIUM if medium else Severity.LOW)


def counts_evidence(variants: Iterable[Variant]) -> dict[str, int]:
    return {v.label: v.count for v in variants if v.count > 0}


def report(
    doc: Document,
    verdict: Verdict,
    *,
    detector: str,
    category: str,
    convention: str,
    counts: dict[str, int],
    message: Callable[[Variant, Variant, bool], str],
    replacement: Callable[[Variant, int, int], str | None],
    clear_action: Action = Action.NORMALIZE,
    severity_cap: Severity | None = None,
    extra: dict[str, Any] | None = None,
) -> list[Finding]:
    """Findings for the minority variants of ``verdict``.

    ``message(minority, majority, clear)`` says why; ``replacement(minority,
    start, end)`` gives the majority form for one occurrence.
    """
    out: list[Finding] = []
    maj = verdict.majority
    severity = verdict.severity
    if severity_cap is not None and severity.rank > severity_cap.rank:
        severity = severity_cap
    for var in verdict.minority:
        spans = list(var.spans())
        if not spans:
            continue
        evidence: dict[str, Any] = {
            "convention": convention,
            "variant": var.label,
            "count": var.count,
            "majority": maj.label,
            "majority_count": maj.count,
            "counts": counts,
        }
        if extra:
            evidence.update(extra)
        if verdict.clear:
            for start, end in spans:
                out.append(
                    doc.finding(
                        detector,
                        category,
                        severity,
                        message(var, maj, True),
                        start,
                        end,
                        action=clear_action,
                        evidence=dict(evidence),
                        replacement=replacement(var, start, end),
                    )
                )
        else:
            start, end = spans[0]
            evidence["clear_majority"] = False
            evidence["offsets"] = [s for s, _ in spans[:MAX_LISTED]]
            out.append(
                doc.finding(
                    detector,
                    category,
                    Severity.LOW,
                    message(var, maj, False),
                    start,
                    end,
                    action=Action.REVIEW,
                    evidence=evidence,
                )
            )
    return out


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
