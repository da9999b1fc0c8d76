"""The residue proof: it finds what survives in every byte form, and only that."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from leakdesk.document import Action, Document, Severity
from leakdesk.formats.base import ReadOptions
from leakdesk.formats.text import Adapter as TextAdapter
from leakdesk.sanitize.engine import build_plan
from leakdesk.sanitize.plan import CleanPlan
from leakdesk.sanitize.proof import (
    ProofReport,
    _pdf_literal,
    byte_patterns,
    fold,
    prove,
)

SECRET = "Ref E-1142/LDN été"


class Streams(TextAdapter):
    """The text adapter, with residue streams and revisions chosen by the test."""

    name = "text"

    def __init__(self, extra: list[bytes] | None = None, revisions: int | None = None) -> None:
        self.extra = extra or []
        self.revisions = revisions

    def residue_streams(self, path: Path, options: ReadOptions) -> Iterator[tuple[str, bytes]]:
        yield "file", Path(path).read_bytes()
        for i, data in enumerate(self.extra):
            yield f"stream {i}", data


class WithRevisions(Streams):
    def revision_count(self, path: Path, options: ReadOptions) -> int:
        return self.revisions or 1


def plan_for(text: str, *subs: str, action: Action = Action.REPLACE) -> CleanPlan:
    doc = Document.from_text(text)
    fs = []
    for sub in subs:
        i = text.index(sub)
        fs.append(doc.finding("t.id", "identifier", Severity.HIGH, "m", i, i + len(sub),
                              action=action))
    return build_plan(doc, fs)


def write(tmp_path: Path, text: str, name: str = "out.txt") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def assert_no_secret_in(report: ProofReport, *secrets: str) -> None:
    dumped = json.dumps(report.to_json(), ensure_ascii=False)
    for s in secrets:
        assert s not in dumped


def test_clean_output_passes(tmp_path: Path) -> None:
    plan = plan_for(f"Body with {SECRET} inside.\n", SECRET)
    out = write(tmp_path, plan.clean_text)
    report = prove(plan, out, writer=Streams())
    assert report.passed, report.summary()
    assert [c.id for c in report.checks] == [
        "format", "bytes", "text", "invisible", "homoglyph", "revisions", "attachments",
        "container"]
    assert report.strings["searched_in_bytes"] >= 1


CP1252_SECRET = "Ref E-1142/LDN – été"  # the en dash is in cp1252, not in Latin-1
XML_SECRET = "Smith & Jones <E-1142>"


@pytest.mark.parametrize(
    ("form", "secret"),
    [(f, SECRET) for f in ["utf-8", "utf-16-le", "utf-16-be", "latin-1", "pdf-literal (latin-1)",
                           "pdf-hex (latin-1)", "pdf-hex (utf-16-be)",
                           "pdf-literal (utf-16-be)", "xml-charref"]]
    + [("cp1252", CP1252_SECRET), ("pdf-literal (cp1252)", CP1252_SECRET), ("xml", XML_SECRET),
       ("pdf-literal-raw (latin-1)", "Copy (No. 4) été")],
)
def test_every_byte_form_is_found(tmp_path: Path, form: str, secret: str) -> None:
    plan = plan_for(f"Body with {secret} inside.\n", secret)
    out = write(tmp_path, plan.clean_text)
    data = dict(byte_patterns(secret))[form]
    # streams are searched ignoring ASCII case: write the form in upper case
    report = prove(plan, out, writer=Streams([b"q 1 0 0 1 72 720 cm " + data.upper() + b" Tj Q"]))
    assert not report.passed
    failures = report.check("bytes").failures
    assert failures and failures[0]["string"].startswith("R")
    assert any(w["encoding"] == form or w["stream"] == "stream 0" for w in failures[0]["where"])
    assert_no_secret_in(report, secret, "E-1142")
    # the redaction log's view reveals it
    revealed = json.dumps(report.to_json(reveal=True), ensure_ascii=False)
    assert secret in revealed


def test_pdf_literal_escapes() -> None:
    assert _pdf_literal("a(b)c\\é".encode("latin-1")) == b"a\\(b\\)c\\\\\\351"
    forms = dict(byte_patterns("Copy (No. 4)"))
    assert b"copy \\(no. 4\\)" in forms.values()


def test_kept_occurrences_are_allowed_but_not_more(tmp_path: Path) -> None:
    text = "SECRET\nThe secret talks went on.\n"
    doc = Document.from_text(text)
    f = doc.finding("m", "marking", Severity.HIGH, "m", 0, 6, action=Action.REPLACE)
    plan = build_plan(doc, [f])
    assert plan.clean_text == "The secret talks went on.\n"
    out = write(tmp_path, plan.clean_text)
    report = prove(plan, out, writer=Streams())
    assert report.passed, report.summary()
    assert report.strings["also_in_kept_text"] == 1
    leaked = write(tmp_path, "SECRET\n" + plan.clean_text, "leak.txt")
    report = prove(plan, leaked, writer=Streams())
    assert not report.passed
    bad = report.check("bytes").failures[0]
    assert (bad["found"], bad["allowed"]) == (2, 1)
    assert report.check("text").failures[0]["found"] == 2


def test_text_check_ignores_whitespace_case_and_hyphenation(tmp_path: Path) -> None:
    plan = plan_for("Keep this. Copy No. 4 of 9 here. Keep that.\n", "Copy No. 4 of 9")
    out = write(tmp_path, plan.clean_text)

    class Extract(Streams):
        def independent_text(self, path: Path, options: ReadOptions) -> str:
            return Path(path).read_text() + "\ncopy no.\u00ad\n4 of\n9\n"

    report = prove(plan, out, writer=Extract())
    assert not report.passed
    assert report.check("bytes").status == "passed"
    fails = report.check("text").failures
    assert [f["view"] for f in fails] == ["independent"]
    assert fold("Identi-\nfier  X") == "identifierx"


def test_short_and_numeric_strings(tmp_path: Path) -> None:
    text = "Ref AB and 2217 and 12345678 end.\n"
    plan = plan_for(text, "AB", "2217", "12345678")
    out = write(tmp_path, plan.clean_text)
    # a stream that happens to hold the digits (e.g. an xref offset) is not a failure for
    # the 4-digit number, but is for the 8-digit one
    report = prove(plan, out, writer=Streams([b"0000002217 00000 n"]))
    assert report.passed, report.summary()
    assert report.strings == {
        "total": 3, "searched_in_text": 2, "searched_in_bytes": 1, "too_short": 1,
        "text_only": 1, "marked_words": 0, "also_in_kept_text": 0}
    report = prove(plan, out, writer=Streams([b"12345678"]))
    assert not report.passed


def test_invisible_and_homoglyph_checks(tmp_path: Path) -> None:
    plan = plan_for("Plain text here.\n")
    out = write(tmp_path, "Plain te\u200bxt here, in Pаris.\n")
    report = prove(plan, out, writer=Streams())
    assert report.check("invisible").status == "failed"
    assert report.check("invisible").failures[0]["code_point"] == "U+200B"
    hg = report.check("homoglyph")
    assert hg.status == "failed" and hg.failures[0]["foreign"] == ["U+0430"]
    assert_no_secret_in(report, "Pаris")
    assert "Pаris" in json.dumps(report.to_json(reveal=True), ensure_ascii=False)


def test_policy_kept_marks_are_allowed(tmp_path: Path) -> None:
    from leakdesk.sanitize.policy import _default_mapping, merge_policy, policy_from_mapping

    pol = policy_from_mapping(merge_policy(_default_mapping(),
                                           {"categories": {"invisible": {"action": "keep"}}}))
    doc = Document.from_text("a\u200bb\n")
    plan = build_plan(doc, [], pol)
    assert plan.clean_text == "a\u200bb\n"
    report = prove(plan, write(tmp_path, plan.clean_text), writer=Streams())
    assert report.passed
    assert report.check("invisible").searched["kept_on_purpose"] == {"U+200B": 1}


def test_revisions(tmp_path: Path) -> None:
    plan = plan_for("Body.\n")
    out = write(tmp_path, plan.clean_text)
    assert prove(plan, out, writer=WithRevisions(revisions=1)).passed
    report = prove(plan, out, writer=WithRevisions(revisions=3))
    assert report.check("revisions").failures == [{"revisions": 3}]
    assert report.check("revisions").status == "failed"


def test_format_mismatch_and_unreadable(tmp_path: Path) -> None:
    plan = plan_for("Body.\n")
    out = tmp_path / "out.bin"
    out.write_bytes(b"\x7fELF\x00\x00binary")
    report = prove(plan, out, writer=Streams())
    assert report.check("format").status == "failed"


def test_attachments_left_fail(tmp_path: Path) -> None:
    plan = plan_for("Body.\n")
    out = write(tmp_path, plan.clean_text)

    class WithChild(Streams):
        def read(self, path: Path, options: ReadOptions) -> Document:
            doc = super().read(path, options)
            doc.children.append(Document.from_text("attached"))
            return doc

    report = prove(plan, out, writer=WithChild())
    assert report.check("attachments").status == "failed"


def test_empty_output(tmp_path: Path) -> None:
    text = "SECRET//NOFORN\n"
    doc = Document.from_text(text)
    plan = build_plan(doc, [doc.finding("m", "marking", Severity.HIGH, "m", 0, 14,
                                        action=Action.REPLACE)])
    assert plan.clean_text == ""
    out = write(tmp_path, "")
    report = prove(plan, out, writer=Streams())
    assert report.passed, report.summary()


def test_no_text_layer_is_skipped_not_passed(tmp_path: Path) -> None:
    plan = plan_for("A long body text that should be readable.\n")
    out = write(tmp_path, plan.clean_text)

    class Blind(Streams):
        def independent_text(self, path: Path, options: ReadOptions) -> str:
            return ""

        def read(self, path: Path, options: ReadOptions) -> Document:
            return Document.from_text("")

    report = prove(plan, out, writer=Blind())
    assert report.check("text").status == "skipped"
    assert report.passed


def test_a_view_that_does_not_give_back_the_text_is_set_aside(tmp_path: Path) -> None:
    plan = plan_for("A long body text that should be readable by both.\n")
    out = write(tmp_path, plan.clean_text)

    class Garbled(Streams):
        def independent_text(self, path: Path, options: ReadOptions) -> str:
            return "\x00".join(Path(path).read_text())  # a wrong decoder

    report = prove(plan, out, writer=Garbled())
    assert report.passed
    text = report.check("text")
    assert text.status == "warning" and text.searched["views"] == ["reader"]
    assert report.check("invisible").status == "passed"  # the NULs are not counted

    class Unreadable(Garbled):
        def read(self, path: Path, options: ReadOptions) -> Document:
            return Document.from_text("\x00".join(Path(path).read_text()))

    report = prove(plan, out, writer=Unreadable())
    assert not report.passed
    assert report.check("text").failures == [{"reason": "no usable text view"}]


def test_words_with_invisible_marks_are_searched_as_written(tmp_path: Path) -> None:
    doc = Document.from_text("The Amba\u200bssador spoke.\n")
    plan = build_plan(doc, [])
    assert plan.clean_text == "The Ambassador spoke.\n"
    assert "Amba\u200bssador" in plan.removed
    report = prove(plan, write(tmp_path, plan.clean_text), writer=Streams())
    assert report.passed
    assert report.strings["marked_words"] == 1 and report.strings["also_in_kept_text"] == 0
    leaked = tmp_path / "leak.txt"
    leaked.write_bytes(plan.clean_text.encode() + "Amba\u200bssador".encode("utf-16-be"))
    report = prove(plan, leaked, writer=Streams())
    assert report.check("bytes").status == "failed"
