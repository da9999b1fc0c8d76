"""Batch audits into the case store: counts, reruns, failures, time limits, kill -9."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from leakdesk.batch import CaseStore, run_batch
from leakdesk.batch.isolate import WorkerLimits
from tests.conftest import run_cli

CABLE = """SECRET
Copy No. {n} of 40
FM AMEMBASSY VALDORIA
TO SECSTATE WASHDC
Subject: the talks

The ambassador met the minister on Tuesday and discussed the harbour project.
"""

PLUGIN_ENV = {"LEAKDESK_ADAPTER_PLUGINS": "tests.plugins.fault_adapters"}


def make_tree(root: Path, n: int = 30) -> Path:
    for i in range(n):
        d = root / f"box{i % 3}" / f"folder{i % 2}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"cable{i}.txt").write_text(CABLE.format(n=i))
    (root / "box0" / "copy-of-cable1.txt").write_text(CABLE.format(n=1))  # a duplicate
    (root / "box1" / "broken.txt").write_bytes(b"caf\xc3\x28 au lait")  # unreadable
    return root


def test_counts_rerun_and_tables(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "leak")
    db = tmp_path / "case.sqlite"
    r = run_cli("batch", tree, "--db", db, "--format", "json", "--jobs", "2")
    assert r.code == 0, r.err
    s = json.loads(r.out)
    assert s["processed"] == 31  # 30 cables + the duplicate, counted under both paths
    assert s["unique"] == 31  # 30 distinct cables + the failed file's content
    assert s["failed"] == 1
    assert s["failures"][0]["path"].endswith("broken.txt")
    again = json.loads(run_cli("batch", tree, "--db", db, "--format", "json").out)
    assert again["processed"] == 0 and again["skipped"] == 32 and again["failed"] == 0
    with CaseStore(db) as store:
        assert {"documents", "paths", "findings", "errors", "runs", "texts"} <= set(store.tables())
        counts = store.counts()
        assert counts["paths"] == 32 and counts["documents"] == 31
        assert store.integrity_ok()
        dup = [d for d in store.documents() if len(d["paths"]) == 2]
        assert len(dup) == 1 and any(p.endswith("copy-of-cable1.txt") for p in dup[0]["paths"])
    assert (db.stat().st_mode & 0o777) == 0o600


def test_changed_file_is_redone(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "leak", 5)
    db = tmp_path / "case.sqlite"
    run_batch(tree, db, jobs=1)
    target = tree / "box0" / "folder0" / "cable0.txt"
    target.write_text(CABLE.format(n=99) + "new paragraph\n")
    s = run_batch(tree, db, jobs=1)
    assert s.processed == 1 and s.skipped == 6


def test_non_utf8_path(tmp_path: Path) -> None:
    root = tmp_path / "leak"
    root.mkdir()
    name = os.fsdecode(b"caf\xe9-\xff.txt")
    (root / name).write_text("Copy No. 3 of 9\n")
    db = tmp_path / "case.sqlite"
    s = run_batch(root, db, jobs=1)
    assert s.processed == 1 and s.failed == 0
    with CaseStore(db) as store:
        paths = [p for p, _ in store.iter_paths()]
        assert paths == [str(root) + "/caf\\xe9-\\xff.txt"]
        raw = store.db.execute("SELECT path_bytes FROM paths").fetchone()[0]
        assert raw.endswith(b"caf\xe9-\xff.txt")


def test_hanging_and_crashing_parsers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(*next(iter(PLUGIN_ENV.items())))
    from leakdesk.formats import adapters

    adapters.cache_clear()
    root = tmp_path / "leak"
    root.mkdir()
    (root / "a-hang.bin").write_bytes(b"HANG forever")
    (root / "b-crash.bin").write_bytes(b"CRASH now")
    for i in range(4):
        (root / f"c{i}.txt").write_text(f"Copy No. {i} of 9\n")
    t0 = time.monotonic()
    s = run_batch(root, tmp_path / "case.sqlite", jobs=1, limits=WorkerLimits(file_timeout=2))
    elapsed = time.monotonic() - t0
    adapters.cache_clear()
    assert s.processed == 4 and s.failed == 2
    errors = {Path(f["path"]).name: f["error"] for f in s.failures}
    assert "time limit" in errors["a-hang.bin"]
    assert "crashed" in errors["b-crash.bin"] and "SIGABRT" in errors["b-crash.bin"]
    assert elapsed < 20


def test_kill_minus_nine_then_resume(tmp_path: Path) -> None:
    root = tmp_path / "leak"
    root.mkdir()
    for i in range(300):
        (root / f"f{i:03}.txt").write_text(f"SLOW\nCopy No. {i} of 300\n")
    db = tmp_path / "case.sqlite"
    env = {**os.environ, **PLUGIN_ENV}
    cmd = [sys.executable, "-m", "leakdesk", "batch", str(root), "--db", str(db),
           "--jobs", "1", "--format", "json"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    # wait until some results are stored, then kill the whole process group hard
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and stored < 30:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as con:
                    stored = con.execute("SELECT COUNT(*) FROM paths").fetchone()[0]
            except sqlite3.Error:
                pass
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert 0 < stored < 300, "the run should have been killed midway"
    with CaseStore(db) as store:
        assert store.integrity_ok()
        kept = store.counts()["paths"]
        assert kept >= stored
    done = subprocess.run(cmd, env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    s = json.loads(done.stdout)
    assert s["processed"] == 300 - kept and s["skipped"] == kept and s["failed"] == 0
    with CaseStore(db) as store:
        assert store.counts()["paths"] == 300 and store.integrity_ok()


def test_dask_engine_matches_local(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    tree = make_tree(tmp_path / "leak", 12)
    local = run_batch(tree, tmp_path / "local.sqlite", jobs=2)
    dask = run_batch(tree, tmp_path / "dask.sqlite", jobs=2, engine="dask")
    assert (dask.processed, dask.failed, dask.findings, dask.unique) == (
        local.processed, local.failed, local.findings, local.unique)
    with CaseStore(tmp_path / "local.sqlite") as a, CaseStore(tmp_path / "dask.sqlite") as b:
        rows = "SELECT sha256, detector, start, \"end\" FROM findings ORDER BY 1, 2, 3, 4"
        assert a.db.execute(rows).fetchall() == b.db.execute(rows).fetchall()


def test_report_exports(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "leak", 4)
    db = tmp_path / "case.sqlite"
    run_batch(tree, db, jobs=1)
    j = run_cli("report", db, "--format", "json")
    assert j.code == 0
    data = j.json()
    assert data["command"] == "report" and data["counts"]["paths"] == 6
    assert data["failures"] and data["failures"][0]["path"].endswith("broken.txt")
    out = tmp_path / "case.html"
    assert run_cli("report", db, "--format", "html", "-o", out).code == 0
    page = out.read_text()
    assert "broken.txt" in page and "http" not in page.replace("http-equiv", "")
    csv_out = run_cli("report", db, "--format", "csv").out.splitlines()
    assert csv_out[0].startswith("path,sha256") and len(csv_out) == 1 + 6
    assert run_cli("report", tmp_path / "missing.sqlite").code == 2


def test_nested_zip_and_tar(tmp_path: Path) -> None:
    import tarfile
    import zipfile

    root = tmp_path / "leak"
    root.mkdir()
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("notes/jsmith.txt", "Copy No. 4 of 9\n")
    with zipfile.ZipFile(root / "outer.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(inner, "nested/inner.zip")
    with zipfile.ZipFile(root / "evil.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("memo.txt", "Ref: Your Telegram No. 2217\n")
        z.writestr("../escape.txt", "Ref: Your Telegram No. 2217\n")
    with tarfile.open(root / "box.tar", "w") as t:
        t.add(inner, "deep/inner.zip")
    db = tmp_path / "case.sqlite"
    s = run_batch(root, db, jobs=1)
    # the archive whose member tries to leave its folder is refused, and the run goes on
    assert s.processed == 2 and s.failed == 1
    assert s.members == 4  # inner.zip + jsmith.txt, twice
    with CaseStore(db) as store:
        members = {r[0] for r in store.db.execute("SELECT member FROM texts")}
        assert "nested/inner.zip!notes/jsmith.txt" in members
        assert "deep/inner.zip!notes/jsmith.txt" in members
        failed = store.failures()
    assert len(failed) == 1 and "evil.zip" in str(failed[0]) and "path traversal" in str(failed[0])
    assert not (tmp_path / "escape.txt").exists()
