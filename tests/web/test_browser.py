"""Headless Chromium drives the real review server: review, decide, redact, export.

Uses Debian's chromium and chromium-driver through Selenium (no browser
download).  Screenshots of the pages go to docs/screenshots/ when
LEAKDESK_SCREENSHOTS=1 is set.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from leakdesk.batch import CaseStore, run_batch

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")

CABLE = """SECRET
Copy No. 4 of 9
FM AMEMBASSY VALDORIA
TO SECSTATE WASHDC

1. The ambassador met the minister on Tuesday. The talks on the harbour
project will resume after the budget review, the minister said.
2. Officials in Port Elm expect a delay of several weeks, and the desk
officer Mirela Stan asked for a written assurance.
"""

SHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    root = tmp_path / "leak"
    root.mkdir()
    (root / "cable.txt").write_text(CABLE)
    db = tmp_path / "case.sqlite"
    run_batch(root, db, jobs=1)
    proc = subprocess.Popen(
        [sys.executable, "-m", "leakdesk", "serve", "--db", str(db), "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    deadline = time.monotonic() + 20
    while True:
        try:
            opener.open(url, timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    try:
        yield url, db, root / "cable.txt"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)


@pytest.fixture
def browser() -> Iterator[object]:
    if not (CHROMIUM and DRIVER):
        pytest.skip("chromium and chromedriver are not installed (scripts/setup.sh --dev)")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never download anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
                "--disable-dev-shm-usage"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    drv.set_page_load_timeout(30)
    try:
        yield drv
    finally:
        drv.quit()


def shot(drv: object, name: str) -> None:
    if os.environ.get("LEAKDESK_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        drv.save_screenshot(str(SHOTS / name))  # type: ignore[attr-defined]


def external_requests(drv: object) -> list[str]:
    import json

    urls = []
    for entry in drv.get_log("performance"):  # type: ignore[attr-defined]
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            u = msg["params"]["request"]["url"]
            if not u.startswith(("http://127.0.0.1", "data:", "about:")):
                urls.append(u)
    return urls


def test_review_decide_redact_export(server: tuple[str, Path, Path], browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    url, db, source = server
    drv = browser
    wait = WebDriverWait(drv, 20)
    drv.get(url)  # type: ignore[attr-defined]
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.docs a")))
    shot(drv, "overview.png")
    drv.find_element(By.CSS_SELECTOR, "table.docs a").click()  # type: ignore[attr-defined]
    wait.until(EC.presence_of_element_located((By.ID, "findings")))

    with CaseStore(db) as store:
        sha = store.documents()[0]["sha256"]
        findings = store.findings_for(sha)
    by_excerpt = {f["excerpt"]: f for f in findings}
    copy_no = next(f for f in findings if "Copy No. 4" in f["excerpt"])
    banner = next(f for f in findings if f["excerpt"].strip() == "SECRET" or
                  f["excerpt"].startswith("SECRET"))
    assert copy_no["id"] != banner["id"], by_excerpt

    # reject the copy-number finding (it stays), accept the banner (it goes)
    drv.find_element(By.CSS_SELECTOR, f'#f-{copy_no["id"]} button.reject').click()  # type: ignore[attr-defined]
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f'#f-{copy_no["id"]} .state').text == "rejected")
    drv.find_element(By.CSS_SELECTOR, f'#f-{banner["id"]} button.accept').click()  # type: ignore[attr-defined]
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f'#f-{banner["id"]} .state').text == "accepted")

    # keyboard: j moves to the first finding and focuses it
    drv.find_element(By.TAG_NAME, "body").send_keys("j")  # type: ignore[attr-defined]
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".finding.current"))

    # manual redaction: select "Port Elm" in the text and press the button
    drv.execute_script(  # type: ignore[attr-defined]
        """
        const pre = document.getElementById('doc-text');
        const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
        let n; while ((n = walker.nextNode())) {
          const i = n.data.indexOf('Port Elm');
          if (i >= 0) { const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 8);
            const s = window.getSelection(); s.removeAllRanges(); s.addRange(r); return; }
        }
        throw new Error('text not found');
        """)
    drv.find_element(By.ID, "redact-selection").click()  # type: ignore[attr-defined]
    try:
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "mark.cat-redaction")))
    except Exception:
        print(drv.get_log("browser"))  # type: ignore[attr-defined]
        raise
    shot(drv, "document.png")

    drv.find_element(By.ID, "export-button").click()  # type: ignore[attr-defined]
    wait.until(EC.presence_of_element_located((By.ID, "proof-status")))
    shot(drv, "export.png")
    status = drv.find_element(By.ID, "proof-status")  # type: ignore[attr-defined]
    assert "Passed" in status.text
    assert external_requests(drv) == []

    with CaseStore(db) as store:
        exp = store.db.execute("SELECT output_path FROM exports ORDER BY id DESC").fetchone()
    out = Path(exp[0]).read_text()
    assert "Copy No. 4 of 9" in out  # rejected: stays
    assert not re.search(r"^SECRET$", out, re.M)  # accepted: gone
    assert "Port Elm" not in out  # manual redaction: gone
    assert "The ambassador met the minister on Tuesday." in out  # the body survives
    assert source.read_text() == CABLE  # the input is untouched
