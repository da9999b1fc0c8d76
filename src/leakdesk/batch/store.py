"""The case store: one SQLite file per case, the embedded default.

Tables (see docs/batch.md):

- ``documents``: one row per distinct content (SHA-256), its format, size,
  status (``ok`` or ``failed``), error and finding counts.  Identical content is
  audited once.
- ``paths``: every path where a content occurs, with the size and mtime seen,
  so a rerun processes only new or changed files.
- ``findings``: every finding of a document or of one of its members
  (archive members and e-mail attachments have ``member`` set).
- ``texts``: the extracted text (zlib-compressed), for the review workspace.
- ``errors``: files that could not be read at all (permission, vanished).
- ``runs``: one row per batch run with its counts.
- ``decisions``: reviewer decisions (used by ``leakdesk serve``).

The store is opened in WAL mode; each batch of results is committed in one
transaction, so an interrupted run (Ctrl-C, kill -9) loses nothing already
stored and leaves the store consistent.  The schema version is SQLite's
``user_version``; :data:`MIGRATIONS` bring older stores up to date.

The store holds excerpts of sensitive text: keep it where the documents are.
"""

from __future__ import annotations

import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import InputError

MIGRATIONS: tuple[str, ...] = (
    # 1: initial schema
    """
    CREATE TABLE documents (
        sha256      TEXT PRIMARY KEY,
        size        INTEGER NOT NULL,
        format      TEXT,
        status      TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
        error       TEXT,
        characters  INTEGER,
        n_findings  INTEGER NOT NULL DEFAULT 0,
        n_high      INTEGER NOT NULL DEFAULT 0,
        n_medium    INTEGER NOT NULL DEFAULT 0,
        n_low       INTEGER NOT NULL DEFAULT 0,
        risk        INTEGER NOT NULL DEFAULT 0,
        members     INTEGER NOT NULL DEFAULT 0,
        processed_at TEXT NOT NULL,
        version     TEXT NOT NULL
    );
    CREATE TABLE paths (
        path        TEXT PRIMARY KEY,
        path_bytes  BLOB NOT NULL,
        sha256      TEXT REFERENCES documents(sha256),
        size        INTEGER NOT NULL,
        mtime_ns    INTEGER NOT NULL,
        run_id      INTEGER,
        seen_at     TEXT NOT NULL
    );
    CREATE INDEX paths_sha ON paths(sha256);
    CREATE TABLE findings (
        id          INTEGER PRIMARY KEY,
        sha256      TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE,
        member      TEXT NOT NULL DEFAULT '',
        detector    TEXT NOT NULL,
        category    TEXT NOT NULL,
        severity    TEXT NOT NULL,
        message     TEXT NOT NULL,
        part        TEXT,
        page        INTEGER,
        start       INTEGER,
        "end"       INTEGER,
        excerpt     TEXT,
        evidence    TEXT,
        action      TEXT NOT NULL,
        replacement TEXT
    );
    CREATE INDEX findings_sha ON findings(sha256);
    CREATE INDEX findings_cat ON findings(category, severity);
    CREATE TABLE texts (
        sha256      TEXT NOT NULL REFERENCES documents(sha256) ON DELETE CASCADE,
        member      TEXT NOT NULL DEFAULT '',
        format      TEXT,
        text_z      BLOB NOT NULL,
        PRIMARY KEY (sha256, member)
    );
    CREATE TABLE errors (
        path        TEXT PRIMARY KEY,
        error       TEXT NOT NULL,
        run_id      INTEGER,
        seen_at     TEXT NOT NULL
    );
    CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        root        TEXT NOT NULL,
        engine      TEXT NOT NULL,
        jobs        INTEGER NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        processed   INTEGER NOT NULL DEFAULT 0,
        unique_docs INTEGER NOT NULL DEFAULT 0,
        skipped     INTEGER NOT NULL DEFAULT 0,
        failed      INTEGER NOT NULL DEFAULT 0,
        findings    INTEGER NOT NULL DEFAULT 0,
        complete    INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE decisions (
        id          INTEGER PRIMARY KEY,
        sha256      TEXT NOT NULL,
        member      TEXT NOT NULL DEFAULT '',
        finding_id  INTEGER,
        decision    TEXT NOT NULL,
        action      TEXT,
        start       INTEGER,
        "end"       INTEGER,
        note        TEXT,
        decided_at  TEXT NOT NULL
    );
    """,
    # 2: exports made in the review workspace
    """
    CREATE TABLE exports (
        id          INTEGER PRIMARY KEY,
        sha256      TEXT NOT NULL,
        member      TEXT NOT NULL DEFAULT '',
        source_path TEXT NOT NULL,
        output_path TEXT NOT NULL,
        proof       TEXT NOT NULL,
        decisions   TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    CREATE INDEX decisions_doc ON decisions(sha256, member);
    """,
)

SEVERITY_WEIGHT = {"high": 10, "medium": 3, "low": 1}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def display_path(path: str) -> str:
    """A printable, storable form of a path whose bytes may not be UTF-8."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


@dataclass(slots=True)
class FindingRow:
    member: str
    data: dict[str, Any]


@dataclass(slots=True)
class FileResult:
    """What a worker sends back for one file: plain, validated data only."""

    path: str
    sha256: str
    size: int
    mtime_ns: int
    status: str  # "ok" | "failed" | "duplicate"
    format: str | None = None
    error: str | None = None
    characters: int = 0
    members: int = 0
    findings: list[FindingRow] = field(default_factory=list)
    texts: list[tuple[str, str, str]] = field(default_factory=list)  # (member, format, text)


class CaseStore:
    """A leakdesk case in one SQLite file."""

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise InputError("no such case store", self.path)
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            raise InputError(f"cannot open case store: {exc}", self.path) from None
        if self.path.exists():
            os.chmod(self.path, 0o600)
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise InputError(f"not a leakdesk case store ({exc})", self.path) from None

    # -- schema ---------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        for i, sql in enumerate(MIGRATIONS[version:], start=version + 1):
            self.db.execute("BEGIN IMMEDIATE")
            for stmt in _split_sql(sql):
                self.db.execute(stmt)
            self.db.execute(f"PRAGMA user_version = {i}")
            self.db.execute("COMMIT")

    def tables(self) -> list[str]:
        rows = self.db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        return [r[0] for r in rows]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs -----------------------------------------------------------

    def start_run(self, root: str, engine: str, jobs: int) -> int:
        cur = self.db.execute(
            "INSERT INTO runs(root, engine, jobs, started_at) VALUES (?,?,?,?)",
            (display_path(root), engine, jobs, now()),
        )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, counts: dict[str, int], complete: bool) -> None:
        self.db.execute(
            "UPDATE runs SET finished_at=?, processed=?, unique_docs=?, skipped=?, failed=?,"
            " findings=?, complete=? WHERE id=?",
            (
                now(),
                counts.get("processed", 0),
                counts.get("unique", 0),
                counts.get("skipped", 0),
                counts.get("failed", 0),
                counts.get("findings", 0),
                int(complete),
                run_id,
            ),
        )

    # -- change detection ----------------------------------------------

    def known_stat(self) -> dict[str, tuple[int, int]]:
        """path -> (size, mtime_ns) of every path already stored with a result."""
        rows = self.db.execute("SELECT path, size, mtime_ns FROM paths WHERE sha256 IS NOT NULL")
        return {r[0]: (r[1], r[2]) for r in rows}

    def has_content(self, sha256: str) -> bool:
        row = self.db.execute("SELECT 1 FROM documents WHERE sha256=?", (sha256,)).fetchone()
        return row is not None

    def statuses(self, shas: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i in range(0, len(shas), 500):
            chunk = shas[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                f"SELECT sha256, status FROM documents WHERE sha256 IN ({marks})",  # noqa: S608
                chunk,
            ):
                out[row[0]] = row[1]
        return out

    def known_contents(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT sha256 FROM documents")}

    # -- writing results ------------------------------------------------

    def store_results(self, results: Iterable[FileResult], run_id: int) -> tuple[int, int]:
        """Store one batch of results in one transaction; return (new documents, new findings)."""
        ts = now()
        new_docs = new_findings = 0
        from .. import __version__

        self.db.execute("BEGIN IMMEDIATE")
        try:
            for r in results:
                if r.status in ("ok", "failed") and not self.has_content(r.sha256):
                    counts = {"high": 0, "medium": 0, "low": 0}
                    for f in r.findings:
                        counts[f.data["severity"]] = counts.get(f.data["severity"], 0) + 1
                    risk = sum(SEVERITY_WEIGHT[k] * v for k, v in counts.items())
                    self.db.execute(
                        "INSERT INTO documents(sha256, size, format, status, error, characters,"
                        " n_findings, n_high, n_medium, n_low, risk, members, processed_at,"
                        " version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (
                            r.sha256,
                            r.size,
                            r.format,
                            r.status,
                            r.error,
                            r.characters,
                            len(r.findings),
                            counts["high"],
                            counts["medium"],
                            counts["low"],
                            risk,
                            r.members,
                            ts,
                            __version__,
                        ),
                    )
                    self.db.executemany(
                        "INSERT INTO findings(sha256, member, detector, category, severity,"
                        ' message, part, page, start, "end", excerpt, evidence, action,'
                        " replacement) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        [_finding_params(r.sha256, f) for f in r.findings],
                    )
                    new_docs += 1
                    new_findings += len(r.findings)
                    self.db.executemany(
                        "INSERT OR REPLACE INTO texts(sha256, member, format, text_z)"
                        " VALUES (?,?,?,?)",
                        [
                            (r.sha256, m, fmt, zlib.compress(t.encode("utf-8", "surrogatepass"), 3))
                            for m, fmt, t in r.texts
                        ],
                    )
                self.db.execute(
                    "INSERT OR REPLACE INTO paths(path, path_bytes, sha256, size, mtime_ns,"
                    " run_id, seen_at) VALUES (?,?,?,?,?,?,?)",
                    (
                        display_path(r.path),
                        os.fsencode(r.path),
                        r.sha256,
                        r.size,
                        r.mtime_ns,
                        run_id,
                        ts,
                    ),
                )
                self.db.execute("DELETE FROM errors WHERE path=?", (display_path(r.path),))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return new_docs, new_findings

    def store_error(self, path: str, error: str, run_id: int) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO errors(path, error, run_id, seen_at) VALUES (?,?,?,?)",
            (display_path(path), error, run_id, now()),
        )

    # -- reading --------------------------------------------------------

    def counts(self) -> dict[str, int]:
        q = self.db.execute
        return {
            "documents": q("SELECT COUNT(*) FROM documents").fetchone()[0],
            "paths": q("SELECT COUNT(*) FROM paths").fetchone()[0],
            "failed": q("SELECT COUNT(*) FROM documents WHERE status='failed'").fetchone()[0],
            "findings": q("SELECT COUNT(*) FROM findings").fetchone()[0],
            "errors": q("SELECT COUNT(*) FROM errors").fetchone()[0],
        }

    def documents(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Documents, the most dangerous first, each with its paths."""
        sql = (
            "SELECT d.*, group_concat(p.path, char(10)) AS paths FROM documents d"
            " LEFT JOIN paths p ON p.sha256 = d.sha256 GROUP BY d.sha256"
            " ORDER BY d.status = 'failed', d.risk DESC, d.n_high DESC, paths"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        out = []
        for row in self.db.execute(sql):
            d = dict(row)
            d["paths"] = sorted((d.get("paths") or "").split("\n")) if d.get("paths") else []
            out.append(d)
        return out

    def findings_for(self, sha256: str, member: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM findings WHERE sha256=?"
        params: list[Any] = [sha256]
        if member is not None:
            sql += " AND member=?"
            params.append(member)
        sql += ' ORDER BY member, start, "end"'
        out = []
        for row in self.db.execute(sql, params):
            d = dict(row)
            d["evidence"] = json.loads(d["evidence"] or "{}")
            out.append(d)
        return out

    def text_for(self, sha256: str, member: str = "") -> str | None:
        row = self.db.execute(
            "SELECT text_z FROM texts WHERE sha256=? AND member=?", (sha256, member)
        ).fetchone()
        if row is None:
            return None
        return zlib.decompress(row[0]).decode("utf-8", "surrogatepass")

    def category_counts(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT category, severity, COUNT(*) AS n, COUNT(DISTINCT sha256) AS docs"
            " FROM findings GROUP BY category, severity ORDER BY n DESC"
        )
        return [dict(r) for r in rows]

    def failures(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT p.path, d.error FROM documents d JOIN paths p ON p.sha256 = d.sha256"
            " WHERE d.status='failed' UNION ALL SELECT path, error FROM errors ORDER BY 1"
        )
        return [dict(r) for r in rows]

    def iter_paths(self) -> Iterator[tuple[str, str]]:
        yield from ((r[0], r[1]) for r in self.db.execute("SELECT path, sha256 FROM paths"))

    # -- review -----------------------------------------------------------

    def finding(self, finding_id: int) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM findings WHERE id=?", (finding_id,)).fetchone()
        if row is None:
            return None
        d = dict(row)
        d["evidence"] = json.loads(d["evidence"] or "{}")
        return d

    def add_decision(
        self,
        sha256: str,
        member: str,
        decision: str,
        *,
        finding_id: int | None = None,
        action: str | None = None,
        start: int | None = None,
        end: int | None = None,
        note: str | None = None,
    ) -> int:
        cur = self.db.execute(
            "INSERT INTO decisions(sha256, member, finding_id, decision, action, start, \"end\","
            " note, decided_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (sha256, member, finding_id, decision, action, start, end, note, now()),
        )
        return int(cur.lastrowid or 0)

    def decisions_for(self, sha256: str, member: str = "") -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT * FROM decisions WHERE sha256=? AND member=? ORDER BY id", (sha256, member)
        )
        return [dict(r) for r in rows]

    def latest_decisions(self, sha256: str, member: str = "") -> dict[int, dict[str, Any]]:
        """finding id -> the latest decision about it."""
        out: dict[int, dict[str, Any]] = {}
        for d in self.decisions_for(sha256, member):
            if d["finding_id"] is not None:
                out[int(d["finding_id"])] = d
        return out

    def add_export(
        self, sha256: str, member: str, source: str, output: str, proof: Any, decisions: Any
    ) -> int:
        cur = self.db.execute(
            "INSERT INTO exports(sha256, member, source_path, output_path, proof, decisions,"
            " created_at) VALUES (?,?,?,?,?,?,?)",
            (sha256, member, source, output,
             json.dumps(proof, ensure_ascii=False, default=str),
             json.dumps(decisions, ensure_ascii=False, default=str), now()),
        )
        return int(cur.lastrowid or 0)

    def export(self, export_id: int) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM exports WHERE id=?", (export_id,)).fetchone()
        if row is None:
            return None
        d = dict(row)
        d["proof"] = json.loads(d["proof"])
        d["decisions"] = json.loads(d["decisions"])
        return d

    def document(self, sha256: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM documents WHERE sha256=?", (sha256,)).fetchone()
        if row is None:
            return None
        d = dict(row)
        d["paths"] = [
            r[0] for r in self.db.execute(
                "SELECT path FROM paths WHERE sha256=? ORDER BY path", (sha256,))
        ]
        d["path_bytes"] = [
            bytes(r[0]) for r in self.db.execute(
                "SELECT path_bytes FROM paths WHERE sha256=? ORDER BY path", (sha256,))
        ]
        d["members"] = [
            r[0] for r in self.db.execute(
                "SELECT member FROM texts WHERE sha256=? ORDER BY member", (sha256,))
        ]
        return d

    def integrity_ok(self) -> bool:
        row = self.db.execute("PRAGMA integrity_check").fetchone()
        fk = self.db.execute("PRAGMA foreign_key_check").fetchall()
        return bool(row and row[0] == "ok" and not fk)


def _finding_params(sha256: str, f: FindingRow) -> tuple[Any, ...]:
    d = f.data
    loc = d.get("location") or {}
    return (
        sha256,
        f.member,
        d["detector"],
        d["category"],
        d["severity"],
        d.get("message", ""),
        loc.get("part"),
        loc.get("page"),
        loc.get("start"),
        loc.get("end"),
        d.get("excerpt", ""),
        json.dumps(d.get("evidence") or {}, ensure_ascii=False, default=str),
        d.get("action", "review"),
        d.get("replacement"),
    )


def _split_sql(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
