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
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent


def run_one(name: str, seconds: int) -> dict[str, object]:
    corpus = HERE / "corpus" / name
    work = HERE / ".corpus-work" / name
    crashes = HERE / "crashes" / name
    for d in (corpus, work, crashes):
        d.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "fuzz.worker", name, str(work), str(corpus),
           f"-max_total_time={seconds}", f"-artifact_prefix={crashes}/",
           "-timeout=20", "-rss_limit_mb=3072", "-print_final_stats=1"]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent,
                          env={**os.environ, "LEAKDESK_ISOLATION": "off"})
    elapsed = time.monotonic() - t0
    log = proc.stdout + proc.stderr
    m = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
    execs = int(m[-1]) if m else 0
    found = sorted(p.name for p in crashes.iterdir())
    (HERE / ".corpus-work" / f"{name}.log").write_text(log[-200_000:])
    return {"target": name, "seconds": round(elapsed), "executions": execs,
            "crashes": len(found), "exit": proc.returncode}


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
    rows = []
    for name in chosen:
        r = run_one(name, a.seconds)
        rows.append(r)
        print(f"{r['target']}: {r['executions']:,} executions in {r['seconds']} s, "
              f"{r['crashes']} crash files (exit {r['exit']})", flush=True)
    with open(HERE / "results.md", "a") as fh:
        fh.write(f"\n## {datetime.now(UTC).isoformat(timespec='minutes')} "
                 f"`python -m fuzz --target {a.target} --seconds {a.seconds}`\n\n")
        fh.write("| target | seconds | executions | crash files |\n|---|---|---|---|\n")
        for r in rows:
            fh.write(f"| {r['target']} | {r['seconds']} | {r['executions']:,} | {r['crashes']} |\n")


if __name__ == "__main__":
    main()
