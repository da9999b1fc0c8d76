#!/usr/bin/env bash
# Run every check CI runs: set up (dev), ruff, mypy, then the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
.venv/bin/ruff check src tests bench fuzz
.venv/bin/mypy
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
