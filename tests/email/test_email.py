"""E-mail audit and sanitize: every identifying header is named, attachments are audited
recursively, and the clean message keeps none of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leakdesk.api import audit
from leakdesk.document import Action, Severity
from leakdesk.errors import InputError, UnsupportedFormat
from leakdesk.formats import ReadOptions, detect, read_document
from leakdesk.formats.base import Limits
from leakdesk.formats.email import html_to_text, parse_received, sniff_kind
from leakdesk.sanitize.plan import CleanPlan, Edit
from tests.conftest import run_cli

from . import make_fixtures as fx


@pytest.fixture(scope="module")
def mail(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return fx.make_all(tmp_path_factory.mktemp("email"))


def _json(result) -> str:
    return json.dumps([f.to_json() for r in result.walk() for f in r.findings], ensure_ascii=False)


def test_audit_names_every_header_trace(mail):
    result = audit(mail["eml"])
    found = _json(result)
    for value in fx.EML_VALUES:
        assert value in found, f"{value!r} not named"
    header_findings = [f for f in result.findings if f.detector == "email-header"]
    received = [f for f in header_findings if f.evidence.get("header") == "Received"]
    assert len(received) == 3
    assert {ip for f in received for ip in f.evidence["ips"]} == set(fx.HOP_IPS)
    dkim = next(f for f in header_findings if f.evidence.get("header") == "DKIM-Signature")
    assert dkim.evidence["d"] == fx.DKIM_DOMAIN and dkim.evidence["s"] == fx.DKIM_SELECTOR
    for f in header_findings:
        assert f.location.part in ("email-header", "hidden", "attachment")
        assert f.start is not None
    bcc = next(f for f in header_findings if f.evidence.get("header") == "Bcc")
    assert bcc.severity is Severity.HIGH and bcc.action is Action.REMOVE
    assert "watcher@ministry.example" in result.document.text[bcc.start:bcc.end]


def test_body_and_tracking_pixel(mail):
    doc = read_document(mail["eml"])
    body = "".join(doc.text[s.start:s.end] for s in doc.segments if s.part == "body")
    assert "harbour project" in body
    assert fx.TRACKING_URL in _json(audit(mail["eml"]))


def test_attachments_are_child_documents(mail):
    result = audit(mail["eml"])
    names = [c.name.split("!")[-1] for c in result.children]
    assert "note-for-karl.txt" in names and "attached message.eml" in names
    txt = next(c for c in result.children if c.name.endswith("note-for-karl.txt"))
    assert "copy 12 of 30" in txt.document.text
    nested = next(c for c in result.children if c.name.endswith("attached message.eml"))
    assert nested.document.format == "eml"
    assert "deputy.director@ministry.example" in _json(nested)
    assert "Apple Mail" in _json(nested)
    att = [f for f in result.findings if f.category == "attachment"]
    assert any("budget.docx" in f.message for f in att)
    # a docx and a pdf were attached: each is either audited or said to be unreadable
    for name in ("budget.docx", "annex.pdf"):
        assert name in names or any(name in f.message and "could not" in f.message for f in att)


def test_attachment_depth_limit(mail):
    opts = ReadOptions(limits=Limits(max_archive_depth=1), depth=1)
    doc = read_document(mail["eml"], opts)
    assert not doc.children
    assert any("nested deeper" in f.message for f in doc.container_findings)


def test_mbox_gives_one_child_per_message(mail):
    result = audit(mail["mbox"])
    assert result.document.format == "mbox"
    assert len(result.children) == 2
    found = _json(result)
    assert "karl.leakerman@ministry.example Thu Mar 14" in found
    assert fx.MESSAGE_ID.strip("<>") in found
    assert "inner-memo-0001@ministry.example" in found


def test_sniffing_by_content(mail, tmp_path):
    disguised = tmp_path / "notes.txt"
    disguised.write_bytes(mail["eml"].read_bytes())
    assert detect(disguised).name == "email"
    assert sniff_kind(b"From: a@b.example\nTo: c@d.example\nSubject: hi\n\nbody") == "eml"
    assert sniff_kind(b"Dear colleagues,\nFrom: the minister\n") is None
    assert sniff_kind(b"Subject: only one header\n\nbody") is None
    assert sniff_kind(b"From someone who wrote a letter\nHello") is None
    ole_msg = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "__substg1.0_0037001F".encode("utf-16-le")
    assert sniff_kind(ole_msg) == "msg"
    assert sniff_kind(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100) is None


def test_received_parsing():
    info = parse_received("from mail-x.example.org (mail-x.example.org [2001:db8::25]) by "
                          "mx.example.net with ESMTPS id 123; Mon, 1 Jan 2024 10:00:00 +0000")
    assert info["from"] == "mail-x.example.org"
    assert "2001:db8::25" in info["ips"]
    assert "mx.example.net" in info["hosts"]
    assert info["date"].startswith("Mon")


def test_html_to_text_has_no_markup_and_finds_pixels():
    text, remote = html_to_text('<p>Hi <b>there</b></p><script>evil()</script>'
                                '<img src="http://t.example/p.gif"><img src="cid:logo">')
    assert text == "Hi there"
    assert remote == ["http://t.example/p.gif"]


def _plan(path: Path) -> tuple[CleanPlan, list[str]]:
    result = audit(path)
    doc = result.document
    edits, removed = [], []
    for f in result.findings:
        if f.action in (Action.REMOVE, Action.REPLACE) and f.start is not None and f.end:
            edits.append(Edit(f.start, f.end, "", f))
            removed.append(f.excerpt)
    i = doc.text.find("Please keep this between us.")
    f = doc.finding("test", "wording", Severity.HIGH, "test", i, i + 28, action=Action.REPLACE)
    edits.append(Edit(i, i + 28, "[REDACTED]", f))
    removed.append("Please keep this between us.")
    edits.sort(key=lambda e: (e.start, e.end))
    return CleanPlan(doc, edits, [], removed=removed), removed


def test_sanitize_removes_every_trace(mail, tmp_path):
    plan, removed = _plan(mail["eml"])
    out = tmp_path / "clean.eml"
    adapter = detect(mail["eml"])
    res = adapter.clean(plan.document, plan, out, ReadOptions())
    data = out.read_bytes()
    for value in [*fx.EML_VALUES, "Karl Leakerman", "Please keep this between us",
                  "note-for-karl", "budget.docx", fx.TRACKING_URL, "copy 12 of 30"]:
        assert value.encode() not in data, value
    for label, block in adapter.residue_streams(out, ReadOptions()):
        for v in removed:
            assert v.encode() not in block, (v, label)
    text = adapter.independent_text(out, ReadOptions())
    assert "Subject: " + fx.SUBJECT in text
    assert "figures for the harbour project" in text and "[REDACTED]" in text
    assert any("removed 4 attachments" in a for a in res.actions)
    again = read_document(out)
    assert not [f for f in again.container_findings if f.severity is Severity.HIGH]


def test_sanitize_refuses_mbox(mail, tmp_path):
    doc = read_document(mail["mbox"])
    with pytest.raises(UnsupportedFormat):
        detect(mail["mbox"]).clean(doc, CleanPlan(doc), tmp_path / "x.mbox", ReadOptions())


def test_empty_and_broken_messages(tmp_path):
    p = tmp_path / "broken.eml"
    p.write_bytes(b"From: a@b.example\nTo: c@d.example\nContent-Type: multipart/mixed; "
                  b"boundary=zz\n\n--zz\nContent-Type: text/plain\n\nhalf a message")
    with pytest.raises(InputError) as cut:  # a message cut short is refused, not half-read
        read_document(p)
    assert "truncated" in cut.value.one_line() and "\n" not in cut.value.one_line()
    whole = tmp_path / "whole.eml"
    whole.write_bytes(p.read_bytes() + b"\n--zz--\n")
    assert "half a message" in read_document(whole).text
    msg = tmp_path / "x.msg"
    msg.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200
                    + "__substg1.0_0037001F".encode("utf-16-le"))
    with pytest.raises(InputError) as err:
        read_document(msg)
    assert "\n" not in err.value.one_line()


def test_cli_audit_json(mail):
    r = run_cli("audit", "--format", "json", mail["eml"])
    assert r.code == 1
    for value in (fx.ORIGINATING_IP, fx.DKIM_SELECTOR, "watcher@ministry.example"):
        assert value in r.out


def test_cli_sanitize_eml(mail, tmp_path):
    out = tmp_path / "clean.eml"
    r = run_cli("sanitize", mail["eml"], "-o", out, "--format", "json")
    assert r.code == 0, r.err
    data = out.read_bytes()
    for value in fx.EML_VALUES:
        assert value.encode() not in data, value
    assert fx.SUBJECT.encode() in data and b"harbour project" in data
    assert r.json()["proof"]["passed"] is True
