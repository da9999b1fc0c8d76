"""Text detectors: one small module per trace family, all in one registry.

A detector is a pure function ``Document -> Iterable[Finding]``.  Register it
with :func:`detector`; list its module in ``DETECTOR_MODULES``.  Vocabularies
and patterns live as data in ``rules/*.yaml`` (see :mod:`.rules`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from ..document import Document, Finding, Severity

DetectorFunc = Callable[[Document], Iterable[Finding]]

DETECTOR_MODULES: tuple[str, ...] = (
    "markings",
    "identifiers",
    "datetimes",
    "distribution",
    "invisible",
    "homoglyphs",
    "typography",
    "wording",
)


@dataclass(frozen=True, slots=True)
class DetectorInfo:
    id: str
    category: str
    description: str
    func: DetectorFunc


_REGISTRY: dict[str, DetectorInfo] = {}


def detector(id: str, category: str, description: str) -> Callable[[DetectorFunc], DetectorFunc]:
    """Register ``func`` as detector ``id`` of ``category``."""

    def wrap(func: DetectorFunc) -> DetectorFunc:
        if id in _REGISTRY and _REGISTRY[id].func is not func:
            raise ValueError(f"detector {id!r} registered twice")
        _REGISTRY[id] = DetectorInfo(id, category, description, func)
        return func

    return wrap


@cache
def _load() -> None:
    for name in DETECTOR_MODULES:
        importlib.import_module(f"{__name__}.{name}")


def registry() -> dict[str, DetectorInfo]:
    _load()
    return dict(_REGISTRY)


def run_detectors(
    doc: Document,
    only: Sequence[str] | None = None,
    min_severity: Severity | None = None,
) -> list[Finding]:
    """Run every registered detector (or those in ``only``) on ``doc``."""
    _load()
    found: list[Finding] = []
    for info in _REGISTRY.values():
        if only and info.id not in only and info.category not in only:
            continue
        found.extend(info.func(doc))
    if min_severity is not None:
        found = [f for f in found if f.severity.rank >= min_severity.rank]
    return sort_findings(found)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    def key(f: Finding) -> tuple[int, int, int, str]:
        start = f.location.start if f.location.start is not None else -1
        return (start, -(f.location.end or 0), -f.severity.rank, f.detector)

    return sorted(findings, key=key)
