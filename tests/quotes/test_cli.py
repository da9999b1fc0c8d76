"""``leakdesk quotes`` and ``leakdesk reuse``: JSON schema, exit codes, text report, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import run_cli

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "report.schema.json").read_text())
MEMO = ("We will review the decision once the figures are final. Until then, the release of "
        "the figures should be delayed until the new year.\n")


@pytest.fixture
def memo(tmp_path: Path) -> Path:
    p = tmp_path / "memo.txt"
    p.write_text(MEMO)
    return p


def _article(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "article.txt"
    p.write_text(text)
    return p


def test_all_verbatim_exits_zero_and_validates(tmp_path: Path, memo: Path) -> None:
    art = _article(tmp_path, 'Khan said: "We will review the decision once the figures are '
                             'final." The memo called it a "decision".\n')
    r = run_cli("quotes", art, "--source", memo, "--format", "json")
    assert r.code == 0, r.out + r.err
    report = r.json()
    jsonschema.validate(report, SCHEMA)
    assert report["command"] == "quotes"
    assert [q["verdict"] for q in report["quotes"]] == ["verbatim", "verbatim"]
    assert [q["kind"] for q in report["quotes"]] == ["speech", "term"]
    assert report["unbalanced"] == [] and report["duplicates"] == []
    assert report["summary"]["verbatim"] == 2


def test_variation_exits_zero(tmp_path: Path, memo: Path) -> None:
    art = _article(tmp_path, 'Khan said: "We will review the decision ... until the new year."\n')
    r = run_cli("quotes", art, "--source", memo, "--format", "json")
    assert r.code == 0
    assert r.json()["quotes"][0]["verdict"] == "variation"


def test_altered_exits_one(tmp_path: Path, memo: Path) -> None:
    art = _article(tmp_path, 'Khan said: "We will reverse the decision once the figures are final."\n')
    r = run_cli("quotes", art, "--source", memo, "--format", "json")
    assert r.code == 1
    jsonschema.validate(r.json(), SCHEMA)


def test_several_sources(tmp_path: Path, memo: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("The committee will meet again in the spring to hear evidence.\n")
    art = _article(tmp_path, '"The committee will meet again in the spring," she said. '
                             '"We will review the decision once the figures are final."\n')
    r = run_cli("quotes", art, "--source", memo, "-s", other, "--format", "json")
    assert r.code == 0
    paths = [q["source"]["path"] for q in r.json()["quotes"]]
    assert paths == [str(other), str(memo)]


def test_unbalanced_marks_reported_with_line_and_column(tmp_path: Path, memo: Path) -> None:
    art = _article(tmp_path, 'Title\n\nKhan said: "We will review the decision once the figures '
                             'are final.\n\nThen he left.\n')
    r = run_cli("quotes", art, "--source", memo, "--format", "json")
    assert r.code == 0
    report = r.json()
    (u,) = report["unbalanced"]
    assert (u["line"], u["col"], u["mark"]) == (3, 12, '"')
    assert u["offset"] == art.read_text().index('"')
    assert report["quotes"][0]["verdict"] == "verbatim"
    text = run_cli("quotes", art, "--source", memo)
    assert "Unbalanced quotation marks (1)" in text.out and "3:12" in text.out


def test_article_without_quotes(tmp_path: Path, memo: Path) -> None:
    art = _article(tmp_path, "Nothing quoted here at all.\n")
    r = run_cli("quotes", art, "--source", memo)
    assert r.code == 0 and "0 quotations" in r.out


@pytest.mark.parametrize("which", ["article", "source"])
def test_missing_file_exits_two(tmp_path: Path, memo: Path, which: str) -> None:
    art = _article(tmp_path, 'He said "hello".\n')
    missing = tmp_path / "missing.txt"
    args = (missing, "--source", memo) if which == "article" else (art, "--source", missing)
    r = run_cli("quotes", *args)
    assert r.code == 2
    assert "missing.txt" in r.err and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_binary_source_exits_two(tmp_path: Path) -> None:
    art = _article(tmp_path, 'He said "hello".\n')
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    r = run_cli("quotes", art, "--source", binary)
    assert r.code == 2 and "blob.bin" in r.err


def test_source_is_required(tmp_path: Path) -> None:
    art = _article(tmp_path, 'He said "hello".\n')
    assert run_cli("quotes", art).code == 2


def test_reuse_json_and_exit_codes(tmp_path: Path, memo: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_text("Our own opening words come first. " + MEMO + "And our own ending.\n")
    r = run_cli("reuse", memo, copy, "--format", "json")
    assert r.code == 1
    report = r.json()
    jsonschema.validate(report, SCHEMA)
    assert report["command"] == "reuse"
    (p,) = report["passages"]
    assert copy.read_text()[p["b"]["start"] : p["b"]["end"]] == p["b"]["text"]
    assert MEMO[p["a"]["start"] : p["a"]["end"]] == p["a"]["text"]
    assert 0.6 < report["copied_share"] < 0.9
    text = run_cli("reuse", memo, copy)
    assert "copied from" in text.out and "1 passage" in text.out
    unrelated = tmp_path / "unrelated.txt"
    unrelated.write_text("A completely different text about gardening and the weather today.\n")
    assert run_cli("reuse", memo, unrelated, "--format", "json").code == 0
