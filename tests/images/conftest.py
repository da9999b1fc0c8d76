"""Shared fixtures for the image tests: generated once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from leakdesk.document import Action, Severity
from leakdesk.formats import ReadOptions, detect
from leakdesk.formats.base import CleanResult
from leakdesk.sanitize.plan import CleanPlan, Edit

from .make_fixtures import make_all


@pytest.fixture(scope="session")
def image_fixtures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_all(tmp_path_factory.mktemp("images"))


def plan_for(path: Path, remove: tuple[str, ...] = (), ocr: bool = True, **options: object):
    """Audit ``path`` and build the plan sanitize would: every REMOVE/REPLACE finding
    with a span becomes an edit, plus explicit strings to remove from the text."""
    from leakdesk.api import audit

    result = audit(path, ocr=ocr)
    doc = result.document
    edits: list[Edit] = []
    removed: list[str] = []
    for f in result.findings:
        if f.action in (Action.REMOVE, Action.REPLACE) and f.start is not None and f.end:
            edits.append(Edit(f.start, f.end, "", f))
            removed.append(f.excerpt)
    for word in remove:
        i = doc.text.find(word)
        assert i >= 0, f"{word!r} not in the document text"
        f = doc.finding("test", "identifier", Severity.HIGH, "test removal", i, i + len(word),
                        action=Action.REPLACE)
        edits.append(Edit(i, i + len(word), "[REDACTED]", f))
        removed.append(word)
    edits.sort(key=lambda e: (e.start, e.end))
    kept: list[Edit] = []
    for e in edits:
        if kept and e.start < kept[-1].end:
            continue
        kept.append(e)
    plan = CleanPlan(doc, kept, [f for f in result.findings if f.start is None],
                     removed=removed, options=dict(options))
    return result, plan


def clean(path: Path, out: Path, remove: tuple[str, ...] = (), ocr: bool = True,
          **options: object):
    result, plan = plan_for(path, remove, ocr, **options)
    adapter = detect(path)
    res: CleanResult = adapter.clean(result.document, plan, out, ReadOptions(ocr=ocr))
    return result, plan, res
