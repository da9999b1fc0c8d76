"""Concatenate the latest bench/*/results.md under bench/RESULTS.md's summary.

    python -m bench.make_results
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
ORDER = ["marks", "sanitize", "compare", "quotes", "batch", "realworld"]
#: Results kept outside bench/: the fuzzing runs (``python -m fuzz``).
EXTRA = {"fuzz": HERE.parent / "fuzz" / "results.md"}


def main() -> None:
    summary = (HERE / "SUMMARY.md").read_text()
    parts = [summary.rstrip(), ""]
    sources = [(f"bench/{name}/results.md", HERE / name / "results.md") for name in ORDER]
    sources += [(f"{name}/results.md", path) for name, path in EXTRA.items()]
    for label, f in sources:
        if f.exists():
            body = f.read_text().strip()
            body = "\n".join(("#" + line) if line.startswith("#") else line for line in body.splitlines())
            parts += [f"<!-- from {label} -->", body, ""]
    (HERE / "RESULTS.md").write_text("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
