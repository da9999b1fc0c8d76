"""python -m bench.sanitize [--pages 200] [--runs 3] [--dpi 150]

Sanitizes one generated text PDF with leakdesk (rebuild, and raster at 150 dpi
without OCR) and with mat2 (Debian's package: its default mode, which rasterises
every page, and --lightweight, which cleans metadata only), each run as a
command a user would type, in the same run on the same file.  Reports the median
wall time of ``--runs`` runs, pages per second, and ratios.

leakdesk's times include everything ``leakdesk sanitize`` does: the audit
(reading the PDF in an isolated process, every detector), the clean plan, the
new PDF, and the residue proof (re-reading the output three ways).  Interpreter
start-up is included in the command-line rows, and left out of the "in-process"
rows (``leakdesk.api.sanitize`` timed inside Python).

Results: bench/sanitize/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from .generate import make_report

HERE = Path(__file__).parent

_IN_PROCESS = """
import sys, time
from leakdesk import api
t, c = time.perf_counter(), time.process_time()
api.sanitize(sys.argv[1], sys.argv[2], mode=sys.argv[3])
print(time.perf_counter() - t, time.process_time() - c)
"""


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "not installed"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


Timing = tuple[float, float] | None


def _timed(run: Callable[[Path], Timing], work: Path,
           runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run.

    A runner that times itself returns ``(wall, cpu)``; otherwise the CPU time is
    that of the child processes this benchmark waited for.
    """
    times, cpu = [], []
    for i in range(runs):
        folder = work / f"run-{i}-{time.monotonic_ns()}"
        folder.mkdir()
        c0 = _children_cpu()
        t0 = time.perf_counter()
        inner = run(folder)
        if inner is not None:
            times.append(inner[0])
            cpu.append(inner[1])
        else:
            times.append(time.perf_counter() - t0)
            cpu.append(_children_cpu() - c0)
        shutil.rmtree(folder, ignore_errors=True)
    return times, cpu


def _leakdesk_cli(src: Path, mode: str, dpi: int) -> Callable[[Path], Timing]:
    def run(folder: Path) -> None:
        out = folder / "clean.pdf"
        args = [sys.executable, "-m", "leakdesk", "sanitize", str(src), "-o", str(out),
                "--mode", mode, "--format", "json"]
        if mode == "raster" and dpi != 150:
            policy = folder / "policy.yaml"
            policy.write_text(f"options: {{dpi: {dpi}}}\n")
            args += ["--policy", str(policy)]
        proc = subprocess.run(args, capture_output=True, text=True)
        if proc.returncode != 0 or not out.exists():
            raise SystemExit(f"leakdesk {mode} failed ({proc.returncode}): {proc.stderr[-500:]}")
        proof = json.loads(proc.stdout)["proof"]
        if not proof["passed"]:
            raise SystemExit(f"leakdesk {mode}: residue proof failed")

    return run


def _leakdesk_api(src: Path, mode: str) -> Callable[[Path], Timing]:
    """``api.sanitize`` timed inside Python, the PDF read in-process (no sandbox), so that
    its CPU time counts every step."""

    def run(folder: Path) -> tuple[float, float]:
        out = folder / "clean.pdf"
        env = dict(os.environ, LEAKDESK_ISOLATION="off")
        proc = subprocess.run([sys.executable, "-c", _IN_PROCESS, str(src), str(out), mode],
                              capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise SystemExit(f"leakdesk api {mode} failed: {proc.stderr[-500:]}")
        wall, cpu = proc.stdout.strip().splitlines()[-1].split()
        return float(wall), float(cpu)

    return run


def _mat2(src: Path, *flags: str) -> Callable[[Path], Timing]:
    def run(folder: Path) -> None:
        copy = folder / "doc.pdf"
        shutil.copyfile(src, copy)
        proc = subprocess.run(["mat2", *flags, str(copy)], capture_output=True, text=True)
        if proc.returncode != 0 or not (folder / "doc.cleaned.pdf").exists():
            raise SystemExit(f"mat2 {' '.join(flags)} failed: {proc.stderr[-500:]}")

    return run


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.sanitize")
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--no-mat2-raster", action="store_true",
                    help="skip mat2's default (raster) mode, which takes about a minute a run")
    args = ap.parse_args()
    runs = max(1, args.runs)
    have_mat2 = shutil.which("mat2") is not None

    load_start = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="bench-sanitize-") as tmp:
        work = Path(tmp)
        src = make_report(work / "report.pdf", args.pages)
        pages = args.pages
        rows: list[tuple[str, list[float], list[float], str]] = []

        def bench(label: str, run: Callable[[Path], Timing], note: str, cpu_ok: bool = True) -> None:
            print(f"{label} ...", flush=True)
            times, cpu = _timed(run, work, runs)
            rows.append((label, times, cpu if cpu_ok else [], note))
            med = statistics.median(times)
            cpu_text = f", CPU {statistics.median(cpu):.2f} s" if cpu_ok else ""
            print(f"  median {med:.2f} s  ({pages / med:.1f} pages/s){cpu_text}  runs: "
                  + ", ".join(f"{t:.2f}" for t in times), flush=True)

        bench("leakdesk sanitize --mode rebuild (command)", _leakdesk_cli(src, "rebuild", args.dpi),
              "audit (read in the sandbox) + new PDF + residue proof; text kept", cpu_ok=False)
        bench("leakdesk rebuild (in-process api.sanitize)", _leakdesk_api(src, "rebuild"),
              "same work in one process (no sandbox), no interpreter start-up")
        bench(f"leakdesk sanitize --mode raster, {args.dpi} dpi (command)",
              _leakdesk_cli(src, "raster", args.dpi),
              "audit + pixels + residue proof; no OCR, text lost", cpu_ok=False)
        bench("leakdesk raster (in-process api.sanitize)", _leakdesk_api(src, "raster"),
              "same work in one process (no sandbox), no interpreter start-up")
        if have_mat2:
            bench("mat2 --lightweight", _mat2(src, "--lightweight"),
                  "metadata only; content not cleaned")
            if not args.no_mat2_raster:
                bench("mat2 (default: raster)", _mat2(src), "pages rasterised; text lost")

    load_end = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    medians = {label: statistics.median(t) for label, t, _c, _n in rows}
    mat2_raster = medians.get("mat2 (default: raster)")
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# bench/sanitize: PDF sanitize, leakdesk against mat2",
        "",
        f"Command: `python -m bench.sanitize --pages {args.pages} --runs {runs} --dpi {args.dpi}`"
        + (" --no-mat2-raster" if args.no_mat2_raster else ""),
        f"Date: {date}",
        f"Machine: {os.cpu_count()} cores (nproc), {_cpu()}, Python {platform.python_version()}",
        f"Peers: {_version(['mat2', '--version'])}; qpdf {_version(['qpdf', '--version'])}",
        f"Input: a generated {pages}-page text PDF (reportlab, fixed seed: "
        "bench/sanitize/generate.py), the same file for every tool, in the same run.",
        "",
        f"Median of {runs} run(s) each. Wall-clock time, and CPU time (user + system), which "
        "other load on the machine disturbs much less: for mat2 the CPU time of its process, "
        "for the in-process rows that of api.sanitize. The command rows have no CPU figure: "
        "leakdesk reads the PDF in a sandbox process started by a forkserver, whose CPU time "
        "the benchmark cannot collect.",
        "",
        "| tool and mode | wall median (s) | pages/s | CPU median (s) | pages per CPU s "
        "| wall runs (s) | what it does |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for label, times, cpu, note in rows:
        med = statistics.median(times)
        cmed = statistics.median(cpu) if cpu else None
        cpu_cells = f"{cmed:.2f} | {pages / cmed:.1f}" if cmed else "– | –"
        lines.append(f"| {label} | {med:.2f} | {pages / med:.1f} | {cpu_cells} | "
                     + ", ".join(f"{t:.2f}" for t in times) + f" | {note} |")
    lines.append("")
    raster_cli = medians.get(f"leakdesk sanitize --mode raster, {args.dpi} dpi (command)")
    rebuild_cli = medians.get("leakdesk sanitize --mode rebuild (command)")
    if mat2_raster and raster_cli:
        lines.append(f"- leakdesk raster is {mat2_raster / raster_cli:.1f}x faster than mat2's "
                     "raster mode on the same file (command against command).")
    if mat2_raster and rebuild_cli:
        lines.append(f"- leakdesk rebuild (with audit and proof) is {mat2_raster / rebuild_cli:.1f}x "
                     "faster than mat2's raster mode, and keeps the text.")
    if rebuild_cli:
        ok = "meets" if pages / rebuild_cli >= 50 else "misses"
        lines.append(f"- Goal rebuild >= 50 pages/s with audit and proof: {pages / rebuild_cli:.0f} "
                     f"pages/s from the command line ({ok} it).")
    if raster_cli:
        ok = "meets" if pages / raster_cli >= 10 else "misses"
        lines.append(f"- Goal raster at {args.dpi} dpi >= 10 pages/s: {pages / raster_cli:.0f} "
                     f"pages/s ({ok} it).")
    cpu_by_label = {label: statistics.median(c) for label, _t, c, _n in rows if c}
    for label, what in (("leakdesk rebuild (in-process api.sanitize)", "rebuild"),
                        ("leakdesk raster (in-process api.sanitize)", "raster")):
        c = cpu_by_label.get(label)
        if c:
            lines.append(f"- {what} costs {c:.2f} CPU s for {pages} pages "
                         f"({pages / c:.0f} pages per CPU second, audit and proof included): "
                         "the rate on an otherwise idle core.")
    mat2_cpu = cpu_by_label.get("mat2 (default: raster)")
    raster_cpu = cpu_by_label.get("leakdesk raster (in-process api.sanitize)")
    if mat2_cpu and raster_cpu:
        lines.append(f"- In CPU time, leakdesk raster is {mat2_cpu / raster_cpu:.1f}x cheaper "
                     "than mat2's raster mode.")
    lines += [
        "",
        f"Load average during the run: {load_start} at the start, {load_end} at the end "
        f"({os.cpu_count()} cores); other work on the machine slows every row alike.",
        "",
        "mat2 --lightweight re-draws each page through poppler and cairo and only cleans "
        "the structure: on leakdesk's cable fixture (tests/pdf/make_fixtures.py) its output "
        "still holds the microscopic text and the embedded photo's EXIF (artist, camera "
        "serial number). mat2's default mode and leakdesk's raster both turn pages into "
        "pixels; leakdesk rebuild keeps the text, and both leakdesk modes prove the result.",
    ]
    (HERE / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nwritten to {HERE / 'results.md'}")


if __name__ == "__main__":
    main()
