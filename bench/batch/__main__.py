"""python -m bench.batch [--sizes 10000,50000,100000] [--timing 3000]

Audits generated archives of mixed txt/pdf/docx documents with ``leakdesk batch``
(as a subprocess, like a user would run it) and reports documents/s for 1 and 2
jobs, the peak memory of the run (parent and largest worker) for growing archive
sizes (it must stay flat), and Dask's overhead against the local pool.
Results: bench/batch/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

from .generate import generate

HERE = Path(__file__).parent


def run(root: Path, db: Path, *args: str) -> dict:
    """Run leakdesk batch; return its JSON summary plus wall time and peak RSS (MiB)."""
    if db.exists():
        db.unlink()
    cmd = [sys.executable, "-m", "leakdesk", "batch", str(root), "--db", str(db),
           "--format", "json", *args]
    t0 = time.monotonic()
    proc = psutil.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_parent = peak_child = 0
    while proc.poll() is None:
        try:
            peak_parent = max(peak_parent, proc.memory_info().rss)
            for c in proc.children(recursive=True):
                try:
                    peak_child = max(peak_child, c.memory_info().rss)
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        time.sleep(0.2)
    out, err = proc.communicate()
    wall = time.monotonic() - t0
    if proc.returncode != 0:
        raise SystemExit(f"batch failed: {err.decode()[-2000:]}")
    s = json.loads(out)
    s["wall"] = wall
    s["peak_parent_mib"] = peak_parent / 2**20
    s["peak_worker_mib"] = peak_child / 2**20
    for extra in ("-wal", "-shm"):
        Path(str(db) + extra).unlink(missing_ok=True)
    return s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,50000,100000")
    ap.add_argument("--timing", type=int, default=3000, help="archive size for 1-vs-2 jobs")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", default=None)
    a = ap.parse_args()
    work = Path(a.workdir or tempfile.mkdtemp(prefix="leakdesk-bench-batch-"))
    sizes = [int(x) for x in a.sizes.split(",") if x]
    lines = []
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    lines += [
        "# bench/batch",
        "",
        f"Command: `python -m bench.batch --sizes {a.sizes} --timing {a.timing} --repeat {a.repeat}`",
        f"Machine: {os.cpu_count()} cores, {cpu}, {psutil.virtual_memory().total / 2**30:.0f} GiB",
        f"Date: {datetime.now(UTC).date()}",
        "",
    ]
    # 1 vs 2 jobs, local and dask, on the timing archive
    troot = generate(work / f"timing-{a.timing}", a.timing)
    db = work / "t.sqlite"
    res: dict[str, list[float]] = {"local-1": [], "local-2": [], "dask-2": []}
    for _ in range(a.repeat):
        res["local-1"].append(run(troot, db, "--jobs", "1")["wall"])
        res["local-2"].append(run(troot, db, "--jobs", "2")["wall"])
        res["dask-2"].append(run(troot, db, "--jobs", "2", "--engine", "dask")["wall"])
    med = {k: statistics.median(v) for k, v in res.items()}
    lines += [
        f"## Throughput on {a.timing:,} documents (median of {a.repeat} runs, wall clock incl. start-up)",
        "",
        "| engine | jobs | seconds | documents/s |",
        "|---|---|---|---|",
    ]
    for k, v in med.items():
        eng, jobs = k.split("-")
        lines.append(f"| {eng} | {jobs} | {v:.2f} | {a.timing / v:,.0f} |")
    lines += [
        "",
        f"- 2 jobs / 1 job time ratio: **{med['local-2'] / med['local-1']:.2f}** (goal ≤ 0.7)",
        f"- Dask overhead against the local pool (2 jobs): "
        f"**{(med['dask-2'] / med['local-2'] - 1) * 100:+.0f}%**",
        "",
        "## Growing archives (2 jobs, local engine)",
        "",
        "| documents | seconds | documents/s | failed | findings | peak parent RSS MiB | peak worker RSS MiB |",
        "|---|---|---|---|---|---|---|",
    ]
    print("\n".join(lines), flush=True)
    for n in sizes:
        root = generate(work / f"archive-{n}", n)
        s = run(root, work / f"a{n}.sqlite", "--jobs", "2")
        row = (f"| {n:,} | {s['wall']:.1f} | {n / s['wall']:,.0f} | {s['failed']} | {s['findings']:,} "
               f"| {s['peak_parent_mib']:.0f} | {s['peak_worker_mib']:.0f} |")
        lines.append(row)
        print(row, flush=True)
        shutil.rmtree(root, ignore_errors=True)
        (work / f"a{n}.sqlite").unlink(missing_ok=True)
    (HERE / "results.md").write_text("\n".join(lines) + "\n")
    print(f"\nwritten to {HERE / 'results.md'}")


if __name__ == "__main__":
    main()
