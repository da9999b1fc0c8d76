"""python -m bench.realworld [--limit N] [--only pdf,office,image,docx,...] [--jobs 2] [--render-only]

Runs leakdesk's real CLI (audit and sanitize) over ~200 public test files of
established PDF, image and Office projects (fetched from PyPI sdists, pinned;
see corpus.py), and classifies each file: ok-clean, refused (with a judgement:
justified / unjustified / unsupported), crash, hang, leak, partial-output.
Writes bench/realworld/results.md and .cache/results.json; prints a summary.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from .corpus import CACHE, HERE, corpus
from .report import render
from .runner import CLASSES, Result, check_file


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.realworld")
    ap.add_argument("--limit", type=int, default=0, help="run only the first N files")
    ap.add_argument("--only", default="",
                    help="comma-separated kinds (pdf, office, image) or extensions (docx, jpg...)")
    ap.add_argument("--match", default="", help="run only files whose id contains this text")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120.0, help="per command, seconds")
    ap.add_argument("--no-write", action="store_true", help="do not rewrite results.md")
    ap.add_argument("--render-only", action="store_true",
                    help="rewrite results.md from the last run (.cache/results.json)")
    a = ap.parse_args()
    if a.render_only:
        saved = json.loads((CACHE / "results.json").read_text())
        done = [Result(**r) for r in saved["results"]]
        (HERE / "results.md").write_text(render(done, saved["meta"]))
        return

    files = corpus()
    if a.only:
        wanted = {w.strip().lower().lstrip(".") for w in a.only.split(",") if w.strip()}
        files = [f for f in files
                 if f.kind in wanted or f.path.suffix.lower().lstrip(".") in wanted]
    if a.match:
        files = [f for f in files if a.match in f.ident]
    if a.limit:
        files = files[: a.limit]
    if not files:
        raise SystemExit("no file selected")
    exiftool_ver = subprocess.run(["exiftool", "-ver"], capture_output=True, text=True,
                                  check=False).stdout.strip()
    print(f"{len(files)} files, {a.jobs} job(s), {a.timeout:g} s per command", file=sys.stderr)

    work = Path(tempfile.mkdtemp(prefix="leakdesk-bench-rw-"))
    results: list[Result] = []
    t0 = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=a.jobs) as pool:
            futs = {pool.submit(check_file, f, work / f"w{i}", a.timeout): f
                    for i, f in enumerate(files)}
            for n, fut in enumerate(as_completed(futs), 1):
                r = fut.result()
                results.append(r)
                extra = f" [{r.justified}]" if r.cls == "refused" else ""
                print(f"[{n:3}/{len(files)}] {r.cls:<14}{extra} {r.ident}"
                      + (f": {r.reason[:110]}" if r.reason else ""), file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    wall = time.monotonic() - t0
    order = {f.ident: i for i, f in enumerate(files)}
    results.sort(key=lambda r: order[r.ident])

    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m bench.realworld " + " ".join(sys.argv[1:]),
        "machine": f"{_cpu()}, {__import__('os').cpu_count()} CPUs, {platform.platform()}",
        "exiftool": exiftool_ver,
        "wall": wall,
        "jobs": a.jobs,
        "timeout": a.timeout,
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "results.json").write_text(
        json.dumps({"meta": meta, "results": [asdict(r) for r in results]}, indent=1))
    md = render(results, meta)
    if not a.no_write and not (a.limit or a.only or a.match):
        (HERE / "results.md").write_text(md)
    elif not a.no_write:
        (CACHE / "results-partial.md").write_text(md)
    counts = {c: sum(r.cls == c for r in results) for c in CLASSES}
    print("\n" + md.split("\n## ")[1].split("\n", 1)[1] if "\n## " in md else md)
    print("summary: " + ", ".join(f"{c} {n}" for c, n in counts.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
