"""Parsers run in a limited child process: hangs, crashes, memory bombs and lies
become one-line errors for that file, never a hang, a traceback or a bad result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

PLUGIN = {"LEAKDESK_ADAPTER_PLUGINS": "tests.plugins.fault_adapters"}
ROOT = Path(__file__).parents[2]


def audit(path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], float]:
    t0 = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "leakdesk", "audit", str(path)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, **PLUGIN, **env},
    )
    return r, time.monotonic() - t0


@pytest.mark.parametrize(
    ("content", "env", "expect"),
    [
        (b"HANG", {"LEAKDESK_TIMEOUT": "3"}, "time limit"),
        (b"CRASH", {}, "crashed (SIGABRT)"),
        (b"HOG", {"LEAKDESK_MEMORY_MB": "300"}, "memory"),
        (b"LIAR", {}, "outside the text"),
    ],
)
def test_fault_becomes_one_line_error(tmp_path: Path, content: bytes, env: dict[str, str],
                                      expect: str) -> None:
    p = tmp_path / "hostile.bin"
    p.write_bytes(content)
    r, elapsed = audit(p, **env)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and str(p) in lines[0] and expect in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    assert elapsed < 30
    assert list(tmp_path.iterdir()) == [p]  # nothing written


def test_isolation_can_be_turned_off_for_debugging(tmp_path: Path) -> None:
    p = tmp_path / "plain.txt"
    p.write_text("Copy No. 3 of 12\n")
    r, _ = audit(p, LEAKDESK_ISOLATION="off")
    assert r.returncode in (0, 1)


# -- sanitize's clean step (the adapter re-opens and re-parses the input) -------------


def sanitize(path: Path, out: Path, *args: str,
             **env: str) -> tuple[subprocess.CompletedProcess[str], float]:
    t0 = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "leakdesk", "sanitize", str(path), "-o", str(out), *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, **PLUGIN, **env},
    )
    return r, time.monotonic() - t0


@pytest.mark.parametrize(
    ("content", "env", "expect"),
    [
        (b"CLEAN-HANG", {"LEAKDESK_TIMEOUT": "3"},
         "writing the clean copy ran past the 3 s time limit"),
        (b"CLEAN-CRASH", {}, "the sanitizer crashed (SIGABRT)"),
        (b"CLEAN-HOG", {"LEAKDESK_MEMORY_MB": "300"},
         "ran out of memory while writing the clean copy"),
        (b"CLEAN-SPEW", {"LEAKDESK_OUTPUT_MB": "8"}, "past the 8 MiB output limit"),
        (b"CLEAN-LIAR", {}, "sent a malformed result: bad format"),
    ],
)
def test_clean_fault_becomes_one_line_error(tmp_path: Path, content: bytes,
                                            env: dict[str, str], expect: str) -> None:
    src = tmp_path / "hostile.bin"
    src.write_bytes(content + b"\nCopy No. 3 of 12\n")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    out = tmp_path / "clean.out"
    r, elapsed = sanitize(src, out, TMPDIR=str(scratch), **env)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and str(src) in lines[0] and expect in lines[0], r.stderr
    assert "Traceback" not in r.stderr and "\x1b" not in r.stderr + r.stdout
    assert elapsed < 30
    # no clean copy, no partial temporary file next to it, no scratch file left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.bin", "tmp"]
    assert list(scratch.iterdir()) == []


def test_clean_fault_reaches_the_sandbox_not_the_parent(tmp_path: Path) -> None:
    """The same abort with isolation off takes the whole process down: it is the
    sandbox that turns it into an error line (and so the test above tests it)."""
    src = tmp_path / "hostile.bin"
    src.write_bytes(b"CLEAN-CRASH\n")
    r, _ = sanitize(src, tmp_path / "clean.out", LEAKDESK_ISOLATION="off")
    assert r.returncode == -6  # SIGABRT, no error line
    assert "leakdesk:" not in r.stderr


def test_sanitize_pdf_with_isolated_clean_passes_its_proof(tmp_path: Path) -> None:
    from tests.pdf.make_fixtures import TRACES, make_cable

    src = make_cable(tmp_path / "cable.pdf")
    out = tmp_path / "clean.pdf"
    r, _ = sanitize(src, out, "--format", "json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["proof"]["passed"] is True
    assert report["output"] == str(out) and report["mode"] == "rebuild"
    assert any("typeset" in a for a in report["actions"])
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    for key in ("author", "title", "earlier_text"):
        assert TRACES[key].encode() not in data
    # the same copy as cleaning in-process: isolation changes where, not what
    r2, _ = sanitize(src, tmp_path / "inproc.pdf", LEAKDESK_ISOLATION="off")
    assert r2.returncode == 0, r2.stderr
    assert (tmp_path / "inproc.pdf").read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cable.pdf", "clean.pdf", "inproc.pdf"]


def test_api_sanitize_cleans_in_a_child(tmp_path: Path) -> None:
    """Through the Python API too (the review UI's export calls sanitize_document)."""
    from leakdesk.api import sanitize as api_sanitize
    from tests.sanitize.make_fixtures import write_cable

    c = write_cable(tmp_path)
    assert c.path is not None
    done = api_sanitize(c.path, tmp_path / "clean.txt")
    assert done.proof.passed and done.output == tmp_path / "clean.txt"
    assert done.format == "text" and done.clean.actions
    text = done.output.read_text(encoding="utf-8")
    assert "Copy No. 4 of 9" not in text and "[REDACTED]" in text
    off = api_sanitize(c.path, tmp_path / "inproc.txt", isolate=False)
    assert off.output.read_bytes() == done.output.read_bytes()
    assert off.clean.actions == done.clean.actions


def test_clean_result_from_wire_checks_every_field() -> None:
    from leakdesk import wire
    from leakdesk.formats.base import CleanResult

    good = CleanResult(Path("x"), "pdf", "rebuild", ["removed \x1b[2J3 annotations"],
                       ["left\nsomething"], {"pages": 2, "dpi": 150})
    back = wire.clean_result_from_wire(wire.loads(wire.dumps(wire.clean_result_to_wire(good))),
                                       Path("/tmp/out.part"))
    assert back.output == Path("/tmp/out.part")  # the parent's path, never the child's
    assert (back.format, back.mode, back.extra) == ("pdf", "rebuild", {"pages": 2, "dpi": 150})
    assert back.actions == ["removed \\x1b[2J3 annotations"] and back.not_done == ["left something"]
    ok = wire.clean_result_to_wire(good)
    for bad in (
        [],
        {**ok, "format": "pdf\x1b"},
        {**ok, "format": None},
        {**ok, "mode": "x" * 41},
        {**ok, "actions": "removed everything"},
        {**ok, "actions": [1]},
        {**ok, "actions": ["x" * (wire.MAX_LINE + 1)]},
        {**ok, "not_done": ["x"] * (wire.MAX_LINES + 1)},
        {**ok, "extra": ["not", "a", "dict"]},
        {**ok, "extra": {"blob": ["x" * 1000] * 100}},
    ):
        with pytest.raises(wire.WireError):
            wire.clean_result_from_wire(bad, Path("out"))
    with pytest.raises(wire.WireError):
        wire.loads(b"[" * 100_000 + b"]" * 100_000)
