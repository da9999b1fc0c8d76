"""python -m fuzz [--target NAME|all] [--seconds N] [--list]

Runs the atheris (libFuzzer) harness for each target for N seconds, starting
from the seed corpus in fuzz/corpus/<target>/ (made by fuzz/seeds.py from the
test fixture generators).  Crashes are written to fuzz/crashes/<target>/; each
fixed crash becomes a regression test in tests/hardening/test_fuzz_regressions.py.
A summary line per target (executions, seconds, crashes) goes to stdout and to
fuzz/results.md.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent


def run_one(name: str, seconds: int) -> dict[str, object]:
    """Fuzz one target for ``seconds`` of wall time.

    libFuzzer stops at the first crash; the run is then resumed (the working
    corpus keeps what was learnt) until the time is spent, so one crash does
    not end a long run.  CPU seconds are counted too: on a shared machine the
    wall time alone overstates the work done.
    """
    corpus = HERE / "corpus" / name
    work = HERE / ".corpus-work" / name
    crashes = HERE / "crashes" / name
    for d in (corpus, work, crashes):
        d.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    execs, runs, exits, log = 0, 0, [], ""
    while (left := seconds - (time.monotonic() - t0)) > 5 or runs == 0:
        cmd = [sys.executable, "-m", "fuzz.worker", name, str(work), str(corpus),
               f"-max_total_time={max(1, int(left))}", f"-artifact_prefix={crashes}/",
               "-timeout=20", "-rss_limit_mb=3072", "-print_final_stats=1"]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent,
                              env={**os.environ, "LEAKDESK_ISOLATION": "off"})
        runs += 1
        exits.append(proc.returncode)
        log = (log + proc.stdout + proc.stderr)[-400_000:]
        m = re.findall(r"stat::number_of_executed_units:\s*(\d+)", proc.stdout + proc.stderr)
        execs += int(m[-1]) if m else 0
        if proc.returncode == 0:
            break
    elapsed = time.monotonic() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    found = sorted(p.name for p in crashes.iterdir())
    (HERE / ".corpus-work" / f"{name}.log").write_text(log)
    return {"target": name, "seconds": round(elapsed), "cpu_seconds": round(cpu),
            "executions": execs, "crashes": len(found), "runs": runs,
            "corpus": sum(1 for _ in work.iterdir())}


def _record(row: dict[str, object], command: str) -> None:
    path = HERE / "results.md"
    if not path.exists():
        path.write_text("# Fuzzing runs\n\nOne row per target and run of `python -m fuzz`; "
                        "`crash files` counts every input kept in fuzz/crashes/<target>/ "
                        "(each fixed one is a regression test in "
                        "tests/hardening/test_fuzz_regressions.py).\n\n"
                        "| date (UTC) | command | target | wall s | CPU s | executions | "
                        "restarts after a crash | final corpus | crash files |\n"
                        "|---|---|---|---|---|---|---|---|---|\n")
    with open(path, "a") as fh:
        fh.write(f"| {datetime.now(UTC).isoformat(timespec='minutes')} | `{command}` | "
                 f"{row['target']} | {row['seconds']} | {row['cpu_seconds']} | "
                 f"{row['executions']:,} | {int(str(row['runs'])) - 1} | {row['corpus']} | "
                 f"{row['crashes']} |\n")


def main() -> None:
    from .targets import targets

    ap = argparse.ArgumentParser()
    ap.add_argument("--target", default="all")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    names = sorted(targets())
    if a.list:
        print("\n".join(names))
        return
    chosen = names if a.target == "all" else a.target.split(",")
    command = f"python -m fuzz --target {a.target} --seconds {a.seconds}"
    for name in chosen:
        r = run_one(name, a.seconds)
        _record(r, command)
        print(f"{r['target']}: {r['executions']:,} executions in {r['seconds']} s "
              f"({r['cpu_seconds']} s CPU), {r['crashes']} crash files", flush=True)

if __name__ == "__main__":
    main()
