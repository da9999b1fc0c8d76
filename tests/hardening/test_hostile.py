"""Hostile files: each is refused in one line, or read safely, within time and memory.

Every fixture of :mod:`tests.hardening.make_hostile` goes through the real CLI in a
subprocess, ``leakdesk audit --format json FILE`` then ``leakdesk sanitize FILE -o
OUTDIR``, with the working folder and ``TMPDIR`` set to empty private folders and
the input alone in a folder of its own.  A small wrapper (:data:`MEASURE`) runs the
CLI as a child subreaper: it samples the RSS of the whole process tree (the CLI, the
forkserver and the parser) every 50 ms, reaps every descendant and reports any still
alive 10 s after the CLI ended.  For every fixture and both commands the tests assert:

* the exit code in the table below;
* a refusal (exit 2) is exactly one line on stderr, ``leakdesk: PATH: reason``, naming
  the file (control characters made visible), without a traceback; a success writes
  nothing on stderr;
* wall time under 60 s and peak memory (tree sum and largest process) under 2 GB;
* no file appeared in the working folder, ``TMPDIR`` or next to the input, nothing in
  the output folder after a refusal, and exactly the clean copy after a success;
* no line of /etc/passwd and no expanded "lol" appears in any report or clean copy,
  and nothing ever connected to the address the http external entities point at.

``test_batch_over_hostile_folder`` runs ``leakdesk batch`` over all of them plus one
good file: it finishes, records every refused file as failed with a one-line reason,
and audits the rest.

Expected outcome per fixture. "refused: X" means audit and sanitize both exit 2
with X in the line; "read" means audit exits 0 or 1 and sanitize 0 with a clean copy.

  fixture                          file                         outcome
  -------------------------------  ---------------------------  -----------------------------------
  bomb-docx, bomb-xlsx             bomb.docx, bomb.xlsx         refused: zip bomb (1,028:1 declared)
  bomb-docx-lying-header           lying.docx                   refused: word/document.xml fails its
                                                                CRC at the size it declares
  bomb-zip                         bomb.zip                     refused: zip bomb (1 GiB in 1 MB)
  bomb-zip-lying-header            lying.zip                    refused: the header lies about its size
  zip-nested-12                    nested.zip                   refused: nested deeper than 5 levels
  zip-100k-members                 many.zip                     refused: 100,000 members
  pdf-pages-cycle                  pages-cycle.pdf              refused: the page tree loops
  pdf-self-length                  self-length.pdf              refused: its /Length refers to the
                                                                stream itself (hostile)
  pdf-huge-length                  huge-length.pdf              refused: a /Length more than the
                                                                whole file (hostile)
  pdf-looping-objects              looping-objects.pdf          refused: the structure loops back on
                                                                itself (hostile)
  pdf-flate-bomb                   flate-bomb.pdf               refused: decompression bomb (4 GiB)
  pdf-encrypted, docx-encrypted    encrypted.pdf, .docx         refused: encrypted, password-protected
  pdf-damaged                      damaged.pdf                  refused: damaged
  png/jpeg/tiff/gif-huge           huge.png, .jpg, .tif, .gif   refused: over the pixel limit
  zip-traversal                    traversal.zip                refused: a member tries to leave its
                                                                folder (path traversal)
  tar-traversal-symlink            traversal.tar                refused: a link points outside it
  targz-traversal-symlink          traversal.tar.gz             refused: gzip data is unsupported
  name-control-chars               "memo\\nSECRET\\x1b[31m.txt"   refused: control characters in the
                                                                name (shown escaped)
  name-control-chars-bad           "bad\\nname\\x1b[2J.pdf"       refused: control characters in the name
  png-named-pdf, pdf-named-docx    picture.pdf, report.docx     refused: the name says .pdf/.docx but
                                                                the content is a picture/a PDF
  random-named-docx                random.docx                  refused: unsupported file type
  elf-named-txt                    program.txt (/bin/ls)        refused: ELF executable
  {laughs,xxe-file,xxe-http}-      *-document.docx,             refused: declares entities
    docx-document, -docx-core        *-core.docx
  {laughs,xxe-file,xxe-http}-svg   *.svg                        refused: declares XML entities
  {...}-jpeg-xmp, {...}-pdf-xmp    *-xmp.jpg, *-xmp.pdf         refused: the XMP declares XML entities
                                                                or a DTD (never parsed or fetched)
  truncated-half-eml               half.eml                     refused: truncated (a MIME part is
                                                                never closed)
  truncated-10-eml, -10-svg        ten.eml, ten.svg             refused: the name says .eml/.svg but
                                                                the content is plain text
  truncated-half-*, truncated-10-* half.*, ten.* (the other     refused (damaged, truncated, corrupt,
                                   11 formats)                  unsupported)
  empty-* (13 formats and .txt)    empty.*                      refused: empty file
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from leakdesk.errors import safe_name
from tests.hardening.make_hostile import ENTITY_KINDS, FORMATS, GOOD_TEXT, write_all

TIME_LIMIT = 60.0
MEMORY_LIMIT = 2_000_000_000  # bytes, the tree's sum and its largest process
#: CLI runs in flight at once (they are mostly waiting on a parser child).
WORKERS = min(4, 2 * (os.cpu_count() or 1))

# -- expected outcomes ---------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    audit: tuple[int, ...]
    sanitize: tuple[int, ...]
    #: A phrase every refusal line must hold.
    says: str = ""
    #: A phrase the sanitize refusal must hold when only sanitize refuses.
    sanitize_says: str = ""
    #: The format the audit must report for a file it reads.
    format: str = ""


def refused(says: str = "") -> Expect:
    return Expect((2,), (2,), says)


def read(fmt: str = "") -> Expect:
    return Expect((0, 1), (0,), format=fmt)


EXPECT: dict[str, Expect] = {
    "bomb-docx": refused("zip bomb"),
    "bomb-docx-lying-header": refused("word/document.xml"),
    "bomb-xlsx": refused("zip bomb"),
    "bomb-zip": refused("zip bomb"),
    "bomb-zip-lying-header": refused("lies about its size"),
    "zip-nested-12": refused("nested deeper than 5 levels"),
    "zip-100k-members": refused("100,000 members"),
    "pdf-pages-cycle": refused("loops"),
    "pdf-self-length": refused("/Length refers to the stream itself"),
    "pdf-huge-length": refused("more than the whole file"),
    "pdf-looping-objects": refused("structure loops back on itself"),
    "pdf-flate-bomb": refused("decompression bomb"),
    "pdf-encrypted": refused("encrypted"),
    "pdf-damaged": refused("damaged"),
    "docx-encrypted": refused("password-protected"),
    "png-huge": refused("pixel limit"),
    "jpeg-huge": refused("pixel limit"),
    "tiff-huge": refused("pixel limit"),
    "gif-huge": refused("pixel limit"),
    "zip-traversal": refused("path traversal"),
    "tar-traversal-symlink": refused("points outside it"),
    "targz-traversal-symlink": refused("unsupported file type (gzip data)"),
    "name-control-chars": refused("control characters"),
    "name-control-chars-bad": refused("control characters"),
    "png-named-pdf": refused("the name says .pdf but the content is a picture"),
    "pdf-named-docx": refused("the name says .docx but the content is a PDF"),
    "random-named-docx": refused("unsupported file type"),
    "elf-named-txt": refused("ELF executable"),
}
for _kind in ENTITY_KINDS:
    EXPECT[f"{_kind}-docx-document"] = refused("declares entities")
    EXPECT[f"{_kind}-docx-core"] = refused("declares entities")
    EXPECT[f"{_kind}-svg"] = refused("declares XML entities")
    EXPECT[f"{_kind}-jpeg-xmp"] = refused("declares XML entities or a DTD")
    EXPECT[f"{_kind}-pdf-xmp"] = refused("declares XML entities or a DTD")
for _fmt in FORMATS:
    EXPECT[f"truncated-half-{_fmt}"] = refused("truncated") if _fmt == "eml" else refused()
    EXPECT[f"truncated-10-{_fmt}"] = refused("the name says") if _fmt in ("eml", "svg") else refused()
for _fmt in (*FORMATS, "txt"):
    EXPECT[f"empty-{_fmt}"] = refused("empty file")


# -- running the CLI, measured ------------------------------------------------------

#: Runs ``argv`` as a child subreaper, samples the RSS of the whole process tree every
#: 50 ms, reaps every descendant, and prints one JSON line with the child's exit code,
#: stdout, stderr, wall time, peak tree RSS, largest process RSS, and the command lines
#: of descendants still alive 10 s after the child ended (killed then).
MEASURE = r"""
import ctypes, json, os, resource, subprocess, sys, threading, time
import psutil
try:
    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
except (OSError, AttributeError):
    pass
me = psutil.Process()
peak = [0]
done = threading.Event()
def poll():
    while not done.is_set():
        total = 0
        for p in me.children(recursive=True):
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        peak[0] = max(peak[0], total)
        done.wait(0.05)
threading.Thread(target=poll, daemon=True).start()
t0 = time.monotonic()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
try:
    out, err = proc.communicate(timeout=float(os.environ.get("MEASURE_TIMEOUT", "150")))
    rc = proc.returncode
except subprocess.TimeoutExpired:
    for k in me.children(recursive=True):
        k.kill()
    out, err = proc.communicate()
    rc = None
wall = time.monotonic() - t0
stray, end = [], time.monotonic() + 10
while True:
    try:
        pid, _ = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        break
    if pid:
        continue
    if time.monotonic() > end:
        for k in me.children(recursive=True):
            try:
                stray.append(" ".join(k.cmdline())[:300])
                k.kill()
            except psutil.Error:
                pass
        end = float("inf")
    time.sleep(0.05)
done.set()
maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"rc": rc, "out": out.decode("utf-8", "replace"),
                  "err": err.decode("utf-8", "replace"), "wall": wall, "peak": peak[0],
                  "maxrss": maxrss, "stray": stray}))
"""


@dataclass
class Run:
    args: list[str]
    rc: int | None
    out: str
    err: str
    wall: float
    peak: int
    maxrss: int
    stray_processes: list[str]
    #: New files, by where they appeared ("working folder", "TMPDIR", "input folder").
    stray_files: dict[str, list[str]] = field(default_factory=dict)
    #: Files in the output folder after the run.
    outputs: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"leakdesk {' '.join(self.args)!r}: exit {self.rc}, stderr {self.err!r}"


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LEAKDESK_")}  # the defaults are what is promised
    env.update(TMPDIR=str(tmp), TEMP=str(tmp), TMP=str(tmp), PYTHONDONTWRITEBYTECODE="1")
    return env


def measure(args: list[str], cwd: Path, tmp: Path) -> Run:
    """Run ``leakdesk ARGS`` in a subprocess under :data:`MEASURE`."""
    cmd = [sys.executable, "-c", MEASURE, sys.executable, "-m", "leakdesk", *args]
    r = subprocess.run(cmd, cwd=cwd, env=_env(tmp), capture_output=True, timeout=240)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    d = json.loads(r.stdout)
    return Run(args, d["rc"], d["out"], d["err"], d["wall"], d["peak"], d["maxrss"], d["stray"])


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def run_fixture(key: str, src: Path, base: Path) -> dict[str, Run] | Exception:
    """Audit, then sanitize, a private copy of ``src``; note every file that appeared."""
    try:
        root = base / key
        in_dir, cwd, tmp, out = (root / n for n in ("in", "cwd", "tmp", "out"))
        for d in (in_dir, cwd, tmp, out):
            d.mkdir(parents=True)
        inp = in_dir / src.name
        shutil.copyfile(src, inp)
        runs: dict[str, Run] = {}
        for cmd, args in (("audit", ["audit", "--format", "json", str(inp)]),
                          ("sanitize", ["sanitize", str(inp), "-o", str(out)])):
            r = measure(args, cwd, tmp)
            r.stray_files = {
                "working folder": listing(cwd),
                "TMPDIR": listing(tmp),
                "input folder": [n for n in listing(in_dir) if n != inp.name],
            }
            r.outputs = listing(out)
            runs[cmd] = r
        return runs
    except Exception as exc:  # reported by the fixture's own test
        return exc


class Listener:
    """A TCP socket on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/leakdesk-xxe"
        self.hits: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, addr = self.sock.accept()
            except OSError:
                continue
            self.hits.append(f"{addr[0]}:{addr[1]}")
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    srv = Listener()
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, listener: Listener) -> dict[str, Path]:
    return write_all(tmp_path_factory.mktemp("hostile"), xxe_url=listener.url)


@dataclass
class Campaign:
    base: Path
    runs: dict[str, dict[str, Run] | Exception]
    etc_evil_before: bool


@pytest.fixture(scope="module")
def campaign(hostile: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Campaign:
    """Every fixture audited and sanitized, :data:`WORKERS` at a time."""
    base = tmp_path_factory.mktemp("runs")
    etc_evil = Path("/etc/evil").exists()
    with ThreadPoolExecutor(WORKERS) as ex:
        futures = {k: ex.submit(run_fixture, k, p, base) for k, p in hostile.items()}
        runs = {k: f.result() for k, f in futures.items()}
    return Campaign(base, runs, etc_evil)


def _passwd_lines() -> list[str]:
    try:
        text = Path("/etc/passwd").read_text(errors="replace")
    except OSError:
        return ["root:x:0:0:"]
    return [ln for ln in text.splitlines() if len(ln) >= 12] or ["root:x:0:0:"]


PASSWD = _passwd_lines()
LAUGHS = "lol" * 20


def _assert_nothing_leaked(where: str, text: str) -> None:
    for line in PASSWD:
        assert line not in text, f"{where} holds a line of /etc/passwd: {line!r}"
    assert LAUGHS not in text, f"{where} holds expanded billion-laughs entities"


# -- the tests ---------------------------------------------------------------------


def test_every_fixture_has_an_expected_outcome(hostile: dict[str, Path]) -> None:
    assert sorted(hostile) == sorted(EXPECT)
    names = [p.name for p in hostile.values()]
    assert len(set(names)) == len(names), "two fixtures share a file name"


@pytest.mark.parametrize("key", sorted(EXPECT))
def test_hostile_file(key: str, campaign: Campaign, hostile: dict[str, Path],
                      listener: Listener) -> None:
    exp = EXPECT[key]
    job = campaign.runs[key]
    if isinstance(job, Exception):
        raise AssertionError(f"running {key} failed: {job!r}") from job
    inp = campaign.base / key / "in" / hostile[key].name
    shown = safe_name(inp)
    for cmd, codes in (("audit", exp.audit), ("sanitize", exp.sanitize)):
        r = job[cmd]
        assert r.rc in codes, f"expected exit {codes}: {r.describe()}"
        assert r.wall < TIME_LIMIT, f"{cmd} took {r.wall:.1f} s"
        assert r.peak < MEMORY_LIMIT, f"{cmd} used {r.peak / 1e9:.2f} GB (process tree)"
        assert r.maxrss < MEMORY_LIMIT, f"{cmd} used {r.maxrss / 1e9:.2f} GB (one process)"
        assert not r.stray_processes, f"{cmd} left processes behind: {r.stray_processes}"
        for where, names in r.stray_files.items():
            assert not names, f"{cmd} left files in the {where}: {names}"
        if r.rc == 2:
            lines = r.err.splitlines()
            assert len(lines) == 1 and r.err.endswith("\n"), f"not one line: {r.err!r}"
            line = lines[0]
            assert line.startswith(f"leakdesk: {shown}: "), line
            assert "Traceback" not in line and "internal error" not in line, line
            assert not any(ord(c) < 32 or ord(c) == 0x7F for c in line), repr(line)
            says = exp.sanitize_says if cmd == "sanitize" and exp.sanitize_says else exp.says
            assert says in line, f"{says!r} not in {line!r}"
            assert r.outputs == [], f"{cmd} refused but wrote {r.outputs}"
        else:
            assert r.err == "", f"{cmd} succeeded but wrote on stderr: {r.err!r}"
        _assert_nothing_leaked(f"{cmd} stdout", r.out)
        _assert_nothing_leaked(f"{cmd} stderr", r.err)

    audit, sanitize = job["audit"], job["sanitize"]
    if audit.rc in (0, 1):
        report = json.loads(audit.out)
        top = report["documents"][0]
        assert top["path"] == str(inp)
        if exp.format:
            assert top["format"] == exp.format, top
    if sanitize.rc == 0:
        assert len(sanitize.outputs) == 1, sanitize.outputs
        clean = campaign.base / key / "out" / sanitize.outputs[0]
        assert ".cleaned." in clean.name and clean.stat().st_size > 0
        _assert_nothing_leaked(f"the clean copy {clean.name}",
                               clean.read_bytes().decode("latin-1"))
    if "xxe-http" in key:
        assert listener.hits == [], f"something connected to {listener.url}: {listener.hits}"


def test_nothing_escaped_the_run_folders(campaign: Campaign) -> None:
    """Traversal members (``../../evil.txt``, ``/etc/evil``) were never written; each
    run's files stayed in its own folder."""
    assert sorted(p.name for p in campaign.base.iterdir()) == sorted(campaign.runs)
    assert not list(campaign.base.parent.glob("evil*"))
    assert Path("/etc/evil").exists() == campaign.etc_evil_before


def test_control_characters_in_a_name_stay_visible(hostile: dict[str, Path],
                                                   tmp_path: Path) -> None:
    """A name with a newline and terminal escapes is refused, and the refusal shows it
    as ``\\x..``: nothing reaches the terminal raw."""
    cwd, tmp = tmp_path / "cwd", tmp_path / "tmp"
    cwd.mkdir()
    tmp.mkdir()
    path = hostile["name-control-chars"]
    r = measure(["audit", str(path)], cwd, tmp)
    assert r.rc == 2, r.describe()
    assert "\x1b" not in r.err and str(path) not in r.err
    assert safe_name(path) in r.err
    assert "\\x0aSECRET\\x1b[31m" in r.err


def test_batch_over_hostile_folder(hostile: dict[str, Path], tmp_path: Path) -> None:
    """``leakdesk batch`` over every hostile file and one good one finishes, records each
    refused file as failed with its reason, and audits the rest."""
    from leakdesk.batch.store import display_path

    leak, store, cwd, tmp = (tmp_path / n for n in ("leak", "store", "cwd", "tmp"))
    for d in (leak, store, cwd, tmp):
        d.mkdir()
    for p in hostile.values():
        shutil.copyfile(p, leak / p.name)
    good = leak / "good.txt"
    good.write_text(GOOD_TEXT + "Copy No. 3 of 12. Distribution: Station Albatross only.\n")
    before = listing(leak)
    db = store / "case.sqlite"
    r = measure(["batch", str(leak), "--db", str(db), "--format", "json", "--jobs", "2",
                 "--timeout", str(TIME_LIMIT)], cwd, tmp)
    assert r.rc == 0, r.describe()
    assert r.wall < 240, f"batch took {r.wall:.1f} s"
    assert not r.stray_processes, r.stray_processes
    summary: dict[str, Any] = json.loads(r.out)
    assert summary["complete"] is True
    assert summary["files"] == len(hostile) + 1
    failures = {f["path"]: f["error"] for f in summary["failures"]}
    for key, p in hostile.items():
        shown = display_path(str(leak / p.name))
        if EXPECT[key].audit == (2,):
            assert shown in failures, f"{key} was not recorded as failed"
            reason = failures[shown]
            assert reason and "\n" not in reason and "Traceback" not in reason, reason
            if EXPECT[key].says and "empty" not in key:  # same content: "failed (same content)"
                assert EXPECT[key].says in reason, (key, reason)
        else:
            assert shown not in failures, (key, failures.get(shown))
    assert display_path(str(good)) not in failures
    readable = sum(1 for e in EXPECT.values() if e.audit != (2,))
    assert summary["processed"] == readable + 1
    assert summary["findings"] > 0
    assert summary["failed"] == len(failures) == len(hostile) - readable
    _assert_nothing_leaked("the batch summary", r.out)
    # nothing written next to the documents, in the working folder or in TMPDIR
    assert listing(leak) == before
    assert listing(cwd) == [] and listing(tmp) == []
    assert {n for n in listing(store)} <= {"case.sqlite", "case.sqlite-wal", "case.sqlite-shm"}
