"""The review server: loopback only, token, CSRF, CSP, decisions and exports."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from leakdesk.batch import CaseStore, run_batch
from leakdesk.web.app import create_app
from leakdesk.web.security import Secrets

CABLE = """SECRET
Copy No. 4 of 9
FM AMEMBASSY VALDORIA
TO SECSTATE WASHDC

1. The ambassador met the minister on Tuesday.\u200b The talks on the harbour
project will resume after the budget review, the minister said.
2. Officials expect a delay of several weeks.
"""


@pytest.fixture
def case(tmp_path: Path) -> Path:
    root = tmp_path / "leak"
    root.mkdir()
    (root / "cable.txt").write_text(CABLE)
    db = tmp_path / "case.sqlite"
    run_batch(root, db, jobs=1)
    return db


@pytest.fixture
def client(case: Path) -> Iterator[tuple[TestClient, Secrets]]:
    secrets = Secrets()
    app = create_app(case, secrets)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c, secrets


def login(c: TestClient, s: Secrets) -> None:
    r = c.get(f"/?token={s.token}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")


def test_token_required(client: tuple[TestClient, Secrets]) -> None:
    c, s = client
    assert c.get("/").status_code == 401
    assert c.get("/?token=wrong").status_code == 403
    assert c.get("/static/app.js").status_code == 401
    c.cookies.set("leakdesk_session", "forged")
    assert c.get("/").status_code == 403
    c.cookies.clear()
    login(c, s)
    r = c.get("/")
    assert r.status_code == 200 and "cable.txt" in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert r.headers["x-frame-options"] == "DENY"


def test_no_external_resources(client: tuple[TestClient, Secrets], case: Path) -> None:
    c, s = client
    login(c, s)
    with CaseStore(case) as store:
        sha = store.documents()[0]["sha256"]
    for url in ("/", f"/doc/{sha}", "/compare", "/quotes", "/static/app.css", "/static/app.js"):
        body = c.get(url).text
        for ref in re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", body) + re.findall(
            r"url\(([^)]+)\)", body
        ):
            assert not re.match(r"^(https?:)?//", ref.strip()), (url, ref)


def test_csrf_and_host(client: tuple[TestClient, Secrets], case: Path) -> None:
    c, s = client
    login(c, s)
    with CaseStore(case) as store:
        fid = store.findings_for(store.documents()[0]["sha256"])[0]["id"]
    body = {"finding_id": fid, "decision": "rejected"}
    assert c.post("/api/decide", json=body).status_code == 403
    assert c.post("/api/decide", json=body, headers={"X-CSRF-Token": "nope"}).status_code == 403
    bad_origin = {"X-CSRF-Token": s.csrf, "Origin": "http://evil.example"}
    assert c.post("/api/decide", json=body, headers=bad_origin).status_code == 403
    ok = c.post("/api/decide", json=body, headers={"X-CSRF-Token": s.csrf})
    assert ok.status_code == 200 and ok.json()["decision"] == "rejected"
    assert c.get("/", headers={"Host": "attacker.example"}).status_code == 403


def test_document_view_highlights(client: tuple[TestClient, Secrets], case: Path) -> None:
    c, s = client
    login(c, s)
    with CaseStore(case) as store:
        doc = store.documents()[0]
        n = len(store.findings_for(doc["sha256"]))
    page = c.get(f"/doc/{doc['sha256']}").text
    assert n > 0
    assert page.count('class="finding ') == n
    assert "⟨U+200B ZERO WIDTH SPACE⟩" in page
    assert "<mark" in page


def test_manual_redaction_span_checked(client: tuple[TestClient, Secrets], case: Path) -> None:
    c, s = client
    login(c, s)
    with CaseStore(case) as store:
        sha = store.documents()[0]["sha256"]
    h = {"X-CSRF-Token": s.csrf}
    assert c.post("/api/manual", json={"sha256": sha, "start": 5, "end": 2}, headers=h).status_code == 400
    assert c.post("/api/manual", json={"sha256": sha, "start": 0, "end": 6}, headers=h).status_code == 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_cli_binds_loopback_and_prints_url(case: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "leakdesk", "serve", "--db", str(case), "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        m = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/\?token=([\w-]+)", line)
        assert m, line
        port = int(m.group(1))
        deadline = time.monotonic() + 20
        import http.cookiejar

        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        while True:
            try:
                with opener.open(line, timeout=2) as r:
                    assert r.status == 200
                    break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            raise AssertionError("no token must not give 200")
        except urllib.error.HTTPError as e:
            assert e.code in (401, 403)
        # listening on loopback only
        out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip():
            for row in out.stdout.strip().splitlines():
                local = row.split()[3]
                assert local.startswith(("127.0.0.1:", "[::ffff:127.0.0.1]:")), row
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
