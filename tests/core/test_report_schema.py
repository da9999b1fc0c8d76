"""Every command's JSON validates against docs/report.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from tests.conftest import run_cli

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "report.schema.json").read_text())


def test_audit_json_matches_schema(tmp_path: Path) -> None:
    p = tmp_path / "cable.txt"
    p.write_text("SECRET\nCopy No. 4 of 9\nThe talks went well.\u200b\n")
    r = run_cli("audit", p, "--format", "json")
    assert r.code in (0, 1)
    report = r.json()
    jsonschema.validate(report, SCHEMA)
    for f in report["documents"][0]["findings"]:
        loc = f["location"]
        if loc["start"] is not None:
            assert 0 <= loc["start"] <= loc["end"] <= len(p.read_text())


def test_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
