"""Concatenate the latest bench/*/results.md under bench/RESULTS.md's summary.

    python -m bench.make_results
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
ORDER = ["marks", "sanitize", "compare", "quotes", "batch", "realworld"]


def main() -> None:
    summary = (HERE / "SUMMARY.md").read_text()
    parts = [summary.rstrip(), ""]
    for name in ORDER:
        f = HERE / name / "results.md"
        if f.exists():
            body = f.read_text().strip()
            body = "\n".join(("#" + line) if line.startswith("#") else line for line in body.splitlines())
            parts += [f"<!-- from bench/{name}/results.md -->", body, ""]
    (HERE / "RESULTS.md").write_text("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
