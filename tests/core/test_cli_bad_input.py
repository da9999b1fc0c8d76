"""Bad input gets one clear line naming the file and exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize(
    ("name", "content", "expect"),
    [
        ("binary.bin", bytes(range(256)) * 4, "binary"),
        ("bad.txt", b"caf\xc3\x28 au lait \xff", "not valid UTF-8"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, content: bytes, expect: str) -> None:
    p = tmp_path / name
    p.write_bytes(content)
    r = run_cli("audit", p)
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert str(p) in lines[0] and expect in lines[0]
    assert "Traceback" not in r.err


def test_directory_and_missing(tmp_path: Path) -> None:
    for p, expect in ((tmp_path, "directory"), (tmp_path / "nope.txt", "no such file")):
        r = run_cli("audit", p)
        assert r.code == 2
        assert expect in r.err and str(p) in r.err and "Traceback" not in r.err


def test_clean_file_exits_zero(tmp_path: Path) -> None:
    p = tmp_path / "clean.txt"
    p.write_text("The committee met on Tuesday and agreed to meet again.\n")
    r = run_cli("audit", p, "--format", "json")
    assert r.code == 0, r.out
    report = r.json()
    assert report["documents"][0]["findings"] == []
    assert report["schema"] and report["command"] == "audit"


@pytest.mark.parametrize("args", [("audit", "--bogus", "x.txt"), ("audit", "x.txt", "-o", "out"),
                                  ("sanitize",)])
def test_usage_mistakes_are_one_plain_line(args: tuple[str, ...]) -> None:
    r = run_cli(*args)
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("leakdesk: "), r.err
    assert "internal error" not in r.err and "Traceback" not in r.err
