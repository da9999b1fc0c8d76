"""Parsers run in a limited child process: hangs, crashes, memory bombs and lies
become one-line errors for that file, never a hang, a traceback or a bad result."""

from __future__ import annotations

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
