"""One JSON report schema for every command (docs/report.schema.json).

Every report is an object with ``schema`` (the schema id with its major
version), ``version`` (leakdesk's version) and ``command``; each command adds
its own keys: ``documents`` (audit, sanitize), ``differences`` (compare),
``quotes`` and ``duplicates`` (quotes), ``summary`` (batch).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import __version__

if TYPE_CHECKING:
    from .api import AuditResult

SCHEMA_ID = "https://leakdesk.invalid/schema/report/v1"
SCHEMA_VERSION = 1


def envelope(command: str, **body: Any) -> dict[str, Any]:
    return {
        "schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "version": __version__,
        "command": command,
        **body,
    }


def audit_report(
    results: Iterable[AuditResult], errors: Iterable[dict[str, str]] = ()
) -> dict[str, Any]:
    docs: list[dict[str, Any]] = []
    for r in results:
        docs.extend(r.to_json_documents())
    body: dict[str, Any] = {"documents": docs}
    errs = list(errors)
    if errs:
        body["errors"] = errs
    return envelope("audit", **body)


def dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)
