"""leakdesk never opens a network connection: every CLI path runs under an audit
hook that records each socket event, in every process it starts."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
GUARD = Path(__file__).parent / "netguard"

CABLE = "SECRET\nCopy No. 4 of 9\nFM AMEMBASSY VALDORIA\nTO SECSTATE WASHDC\n\n" \
        "1. The minister said: \"we will review the decision\".\u200b Talks resume in Pаris.\n"


def _fixtures(d: Path) -> list[Path]:
    files = []
    t = d / "cable.txt"
    t.write_text(CABLE)
    files.append(t)
    b = d / "cable-b.txt"
    b.write_text(CABLE.replace("4 of 9", "5 of 9").replace("\u200b", ""))
    files.append(b)
    z = d / "bundle.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("memo.txt", CABLE)
    files.append(z)
    try:
        from reportlab.pdfgen import canvas

        p = d / "cable.pdf"
        c = canvas.Canvas(str(p))
        c.setAuthor("Desk Officer")
        for i, line in enumerate(CABLE.splitlines()):
            c.drawString(72, 750 - 14 * i, line.replace("\u200b", "").replace("а", "a"))
        c.save()
        files.append(p)
    except ImportError:
        pass
    try:
        import docx

        w = d / "cable.docx"
        document = docx.Document()
        document.core_properties.author = "Desk Officer"
        for line in CABLE.splitlines():
            document.add_paragraph(line)
        document.save(str(w))
        files.append(w)
    except ImportError:
        pass
    from PIL import Image

    img = d / "photo.jpg"
    Image.new("RGB", (64, 48), "white").save(img)
    files.append(img)
    eml = d / "mail.eml"
    eml.write_text("From: a@example.org\nTo: b@example.org\nSubject: cable\n"
                   "Message-ID: <1@example.org>\nReceived: from mx.example.org (10.0.0.1)\n\n"
                   + CABLE)
    files.append(eml)
    return files


def _commands(d: Path, files: list[Path]) -> list[list[str]]:
    from leakdesk.cli import COMMAND_MODULES

    cmds: list[list[str]] = [["audit", str(f), "--format", "json"] for f in files]
    out = d / "out"
    out.mkdir()
    if "sanitize" in COMMAND_MODULES:
        cmds += [["sanitize", str(f), "-o", str(out / f"clean-{f.name}")] for f in files
                 if f.suffix in (".txt", ".pdf", ".docx", ".jpg", ".eml")]
    if "compare" in COMMAND_MODULES:
        cmds.append(["compare", str(files[0]), str(files[1]), "--format", "json"])
    if "quotes" in COMMAND_MODULES:
        cmds.append(["quotes", str(files[0]), "--source", str(files[1]), "--format", "json"])
    cmds.append(["batch", str(d), "--db", str(d / "case.sqlite"), "--format", "json"])
    cmds.append(["report", str(d / "case.sqlite"), "--format", "json"])
    return cmds


@pytest.mark.slow
def test_no_network_in_any_cli_path(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    files = _fixtures(docs)
    log = tmp_path / "net.log"
    env = {**os.environ, "LEAKDESK_NETLOG": str(log),
           "PYTHONPATH": os.pathsep.join([str(GUARD), str(ROOT)])}
    for args in _commands(docs, files):
        r = subprocess.run([sys.executable, "-m", "leakdesk", *args], capture_output=True,
                           text=True, env=env, timeout=300, cwd=ROOT)
        assert r.returncode in (0, 1), (args, r.stderr)
    events = log.read_text().splitlines() if log.exists() else []
    # the hook is live in every process (the forkserver talks over AF_UNIX)
    assert any("\tunix\t" in e for e in events), "the audit hook did not run"
    network = [e for e in events if "\tunix\t" not in e]
    assert network == [], network
