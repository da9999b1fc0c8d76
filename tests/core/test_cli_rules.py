"""`leakdesk audit --rules DIR` adds a newsroom's rule pack without code."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

PACK = """pack: ruritania
title: Kingdom of Ruritania (fictional)
description: Markings of the Ruritanian chancery.
markings:
  - id: classification
    kind: classification
    severity: high
    in_prose: ignore
    titlecase: banner
    distinctive: true
    message: A Ruritanian classification marking.
    terms: [GEHEIM STAATSSACHE]
"""


def test_extra_rule_pack(tmp_path: Path) -> None:
    doc = tmp_path / "memo.txt"
    doc.write_text("GEHEIM STAATSSACHE\n\nThe envoy arrived on time.\n")
    before = run_cli("audit", doc, "--format", "json").json()
    packs_before = [f["evidence"].get("pack") for f in before["documents"][0]["findings"]]
    assert "ruritania" not in packs_before
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "ruritania.yaml").write_text(PACK)
    after = run_cli("audit", doc, "--rules", packs, "--format", "json")
    assert after.code == 1, after.err
    found = [f for f in after.json()["documents"][0]["findings"]
             if f["evidence"].get("pack") == "ruritania"]
    assert found and found[0]["severity"] == "high" and found[0]["category"] == "marking"
    assert "GEHEIM STAATSSACHE" in found[0]["excerpt"]
    from leakdesk.detectors import rules

    rules.configure([])  # back to the built-in packs for other tests


def test_bad_rule_pack_is_one_line(tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "bad.yaml").write_text(PACK.replace("severity: high", "severity: hihg"))
    doc = tmp_path / "memo.txt"
    doc.write_text("hello\n")
    r = run_cli("audit", doc, "--rules", packs)
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1 and "bad.yaml" in r.err
    from leakdesk.detectors import rules

    rules.configure([])
