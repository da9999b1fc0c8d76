"""Run leakdesk's real CLI on one corpus file and classify what happened.

For each file: ``leakdesk audit --format json FILE`` and ``leakdesk sanitize
FILE -o OUTDIR/NAME``, each a subprocess with a time limit, a private TMPDIR,
and its process tree's peak memory sampled with psutil.  Then exiftool reads
the original and the cleaned copy, and an established reader (probe.py) judges
refusals and checks that the cleaned copy opens.

Classes, worst first: hang, crash, partial-output, leak, refused, ok-clean.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

from . import exifcheck
from .corpus import CorpusFile

CLASSES = ("hang", "crash", "partial-output", "leak", "refused", "ok-clean")


def leakdesk_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "leakdesk"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "leakdesk"]


@dataclass
class Run:
    code: int | None
    secs: float
    peak_mib: float
    stdout: str
    stderr: str
    timeout: bool
    temp_left: list[str] = field(default_factory=list)

    @property
    def stderr_lines(self) -> list[str]:
        return [ln for ln in self.stderr.splitlines() if ln.strip()]

    @property
    def one_line(self) -> bool:
        """stderr is empty or exactly one ``leakdesk: `` line, and holds no traceback."""
        lines = self.stderr_lines
        if "Traceback" in self.stderr:
            return False
        return not lines or (len(lines) == 1 and lines[0].startswith("leakdesk: "))

    @property
    def internal_error(self) -> bool:
        return "internal error" in self.stderr

    def brief(self) -> dict[str, Any]:
        d = asdict(self)
        d["stdout"] = self.stdout[:400]
        d["stderr"] = self.stderr[-3000:]
        return d


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def _kill_tree(proc: psutil.Process) -> None:
    try:
        kids = proc.children(recursive=True)
    except psutil.Error:
        kids = []
    for p in [proc, *kids]:
        try:
            p.kill()
        except psutil.Error:
            pass


def run_cli(args: list[str], timeout: float, env_extra: dict[str, str] | None = None) -> Run:
    tmpdir = Path(tempfile.mkdtemp(prefix="rw-tmp-"))
    env = dict(os.environ, TMPDIR=str(tmpdir), **(env_extra or {}))
    env.pop("LEAKDESK_DEBUG", None)
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = psutil.Popen([*leakdesk_cmd(), *args], stdout=out, stderr=err,
                            stdin=subprocess.DEVNULL, env=env)
        peak = 0
        timed_out = False
        while True:
            try:
                proc.wait(0.05)
                break
            except psutil.TimeoutExpired:
                pass
            peak = max(peak, _tree_rss(proc))
            if time.monotonic() - t0 > timeout:
                timed_out = True
                _kill_tree(proc)
                proc.wait(10)
                break
        secs = time.monotonic() - t0
        # let the forkserver and sandbox children wind down before looking at TMPDIR
        for _ in range(40):
            if not any(p.info["environ"] and p.info["environ"].get("TMPDIR") == str(tmpdir)
                       for p in psutil.process_iter(["environ"]) if p.pid != os.getpid()):
                break
            time.sleep(0.05)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    left = sorted(str(p.relative_to(tmpdir)) for p in tmpdir.rglob("*"))
    shutil.rmtree(tmpdir, ignore_errors=True)
    return Run(None if timed_out else proc.returncode, secs, peak / 2**20, stdout, stderr,
               timed_out, left)


def probe(path: Path, timeout: float = 60) -> dict[str, str]:
    try:
        proc = subprocess.run([sys.executable, "-m", "bench.realworld.probe", str(path)],
                              capture_output=True, timeout=timeout, check=False,
                              cwd=Path(__file__).parents[2])
        return dict(json.loads(proc.stdout))
    except subprocess.TimeoutExpired:
        return {"state": "hostile", "detail": "reference reader ran past its time limit"}
    except (json.JSONDecodeError, ValueError):
        return {"state": "corrupt",
                "detail": f"reference reader died (exit {proc.returncode})"}


@dataclass
class Result:
    ident: str
    source: str
    member: str
    kind: str
    size: int
    detected: str = ""
    audit: dict[str, Any] = field(default_factory=dict)
    sanitize: dict[str, Any] = field(default_factory=dict)
    ref: dict[str, str] = field(default_factory=dict)
    out_ref: dict[str, str] = field(default_factory=dict)
    ident_before: dict[str, list[str]] = field(default_factory=dict)
    leaks: list[dict[str, str]] = field(default_factory=list)
    byte_residue: list[str] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)
    cls: str = ""
    reason: str = ""
    justified: str = ""  # for refusals: justified / unjustified / unsupported
    notes: list[str] = field(default_factory=list)


_MASKED = re.compile(r"could not parse: \w+(Error|Exception)\b")


def _error_text(run: Run) -> str:
    lines = run.stderr_lines
    return lines[-1] if lines else ""


def _strip_path(msg: str, path: Path) -> str:
    msg = msg.removeprefix("leakdesk: ")
    for p in (str(path), path.name):
        msg = msg.replace(p + ": ", "", 1)
    return msg


def check_file(cf: CorpusFile, workdir: Path, timeout: float = 120) -> Result:
    path = cf.path
    r = Result(cf.ident, cf.source, cf.member, cf.kind, path.stat().st_size)
    outdir = workdir / "out"
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    name = path.name if path.suffix else path.name + ".out"
    out = outdir / f"cleaned-{name}"

    audit = run_cli(["audit", "--format", "json", str(path)], timeout)
    san = run_cli(["sanitize", str(path), "-o", str(out)], timeout)
    r.audit = audit.brief()
    r.sanitize = san.brief()
    left = sorted(str(p.relative_to(outdir)) for p in outdir.rglob("*"))
    if audit.code in (0, 1):
        try:
            report = json.loads(audit.stdout)
            r.detected = report["documents"][0]["format"]
        except (json.JSONDecodeError, KeyError, IndexError, TypeError):
            r.notes.append("audit printed no valid JSON report")
    r.ref = probe(path)

    # -- classify, worst first ---------------------------------------------------
    problems: list[tuple[str, str]] = []
    for label, run in (("audit", audit), ("sanitize", san)):
        if run.timeout:
            problems.append(("hang", f"{label} ran past {timeout:g} s"))
        elif run.code not in (0, 1, 2) and not (label == "sanitize" and run.code == 3):
            problems.append(("crash", f"{label} exit {run.code}: {_error_text(run)[:200]}"))
        elif not run.one_line:
            tail = " | ".join(run.stderr_lines[-3:])[:300]
            problems.append(("crash", f"{label} stderr not one line: {tail}"))
        elif run.internal_error:
            problems.append(("crash", f"{label}: {_error_text(run)[:300]}"))
        if run.temp_left:
            r.notes.append(f"{label} left {len(run.temp_left)} file(s) in TMPDIR: "
                           f"{', '.join(run.temp_left[:3])}")
    if san.code == 0:
        r.stray = [x for x in left if x != out.name]
        if out.name not in left:
            problems.append(("crash", "sanitize exit 0 but no output written"))
    else:
        r.stray = left
    if r.stray:
        problems.append(("partial-output", f"output folder holds {', '.join(r.stray[:3])}"))
    if audit.code == 2 and san.code == 0:
        r.notes.append("audit refused the file but sanitize cleaned it")

    before = exifcheck.exiftool(path)
    r.ident_before = exifcheck.identifying(before)
    if audit.code in (0, 1):
        missed = exifcheck.unmentioned(r.ident_before, audit.stdout)
        if missed:
            r.notes.append("audit does not mention: " + "; ".join(
                f"{k}={v[:40]!r}" for k, v in missed[:4]) +
                (f" (+{len(missed) - 4} more)" if len(missed) > 4 else ""))
    if san.code == 0 and out.is_file():
        after = exifcheck.exiftool(out)
        r.leaks = exifcheck.leaks(before, after)
        r.byte_residue = exifcheck.byte_residue(r.ident_before, out.read_bytes())
        r.out_ref = probe(out)
        if r.out_ref.get("state") != "ok":
            r.notes.append(f"the cleaned copy does not open: {r.out_ref.get('detail')}")
        if r.leaks:
            shown = "; ".join(f"{x['tag']}={x['value'][:40]!r}" for x in r.leaks[:4])
            problems.append(("leak", f"{len(r.leaks)} identifying value(s) survive: {shown}"))
        if r.byte_residue:
            r.notes.append(f"identifying value(s) still in the output's bytes: "
                           f"{', '.join(repr(s[:40]) for s in r.byte_residue[:3])}")
    elif san.code in (2, 3) or audit.code == 2:
        run = san if san.code in (2, 3) else audit
        msg = _strip_path(_error_text(run), path)
        if san.code == 3:
            msg = "residue proof failed (nothing written): " + msg
        problems.append(("refused", msg))
        state = r.ref.get("state")
        low = msg.lower()
        if state in ("encrypted", "corrupt", "hostile"):
            r.justified = "justified"
        elif "unsupported file type" in low or "not supported" in low:
            r.justified = "unsupported"
        else:
            r.justified = "unjustified"
        if san.code == 3:
            r.justified = "unjustified"
        if _MASKED.search(msg):
            r.notes.insert(0, "masked exception: an unexpected Python exception in the reader, "
                              "turned into a one-line error by the sandbox")
            if r.justified == "justified":
                r.notes.insert(0, "the file is damaged, but the reader failed on a bug, "
                                  "not on a check")

    if problems:
        order = {c: i for i, c in enumerate(CLASSES)}
        problems.sort(key=lambda p: order[p[0]])
        r.cls, r.reason = problems[0]
        if r.cls != "refused":
            r.justified = ""
        r.notes.extend(f"also {c}: {m}" for c, m in problems[1:])
    else:
        r.cls = "ok-clean"
    return r
