"""Shared test helpers: run the CLI in-process and capture its output."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        import json

        return json.loads(self.out)


def run_cli(*args: str | Path) -> CliResult:
    """Run ``leakdesk ARGS`` in this process; return exit code, stdout and stderr."""
    from leakdesk.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in args])
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli() -> Iterator[object]:
    yield run_cli


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def pytest_report_header() -> str:
    return f"leakdesk tests on Python {sys.version.split()[0]}"
