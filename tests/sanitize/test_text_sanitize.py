"""``leakdesk sanitize`` on text files, end to end: the output, the proof, the refusals.

Most tests feed hand-built findings (``hand_findings``) through the real API,
text adapter and proof, so they do not depend on the text detectors.  The
tests at the end run the real registry and are skipped until the marking,
identifier, distribution and date-time detectors are registered.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from leakdesk.api import read, sanitize, sanitize_document
from leakdesk.document import Action, Document, Severity
from leakdesk.errors import UsageError
from leakdesk.formats.text import Adapter as TextAdapter
from leakdesk.sanitize.chars import INVISIBLE_RE, homoglyph_words
from leakdesk.sanitize.proof import ResidueProofFailed
from leakdesk.sanitize.redaction_log import WARNING
from tests.conftest import run_cli

from .make_fixtures import CLEAN_BODY, Cable, hand_findings, write_cable


def byte_forms(s: str) -> list[bytes]:
    forms = [s.encode("utf-8"), s.encode("utf-16-le"), s.encode("utf-16-be")]
    try:
        forms.append(s.encode("latin-1"))
    except UnicodeEncodeError:
        pass
    return forms


def assert_clean(data: bytes, c: Cable) -> None:
    for s in c.secrets:
        for form in byte_forms(s):
            assert form not in data, s


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def assert_body_survives(text: str) -> None:
    out = paragraphs(text)
    for p in CLEAN_BODY:
        best = max(fuzz.ratio(p, q) for q in out) / 100
        assert best >= 0.95, (p, best)


def sanitize_cable(c: Cable, out: Path, **kw: object):
    doc = read(c.path, isolate=False)
    return sanitize_document(doc, out, findings=hand_findings(doc), **kw)


EXPECTED = (
    "Subject: Trade talks with the Ministry\n\n"
    + "\n\n".join(p.replace("E-1142/LDN", "[REDACTED]") for p in CLEAN_BODY)
    + "\n"
)


# -- the cable with hand-built findings -------------------------------------------------


def test_cable_utf8(tmp_path: Path) -> None:
    c = write_cable(tmp_path)
    out = tmp_path / "clean.txt"
    result = sanitize_cable(c, out)
    assert result.proof.passed
    data = out.read_bytes()
    assert data.decode("utf-8") == EXPECTED
    assert_clean(data, c)
    assert_body_survives(data.decode("utf-8"))
    assert INVISIBLE_RE.search(data.decode()) is None and not homoglyph_words(data.decode())
    assert c.path.read_text() == write_cable(tmp_path / "..", "again.txt").text  # input untouched
    checks = {ch.id: ch.status for ch in result.proof.checks}
    assert checks["bytes"] == checks["text"] == checks["invisible"] == "passed"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_cable_utf16_in_gives_utf16_out(tmp_path: Path, encoding: str) -> None:
    c = write_cable(tmp_path, encoding=encoding, bom=True)
    out = tmp_path / "clean.txt"
    result = sanitize_cable(c, out)
    assert result.proof.passed, result.proof.summary()
    data = out.read_bytes()
    assert not data.startswith((b"\xff\xfe", b"\xfe\xff"))  # the BOM is a trace: dropped
    assert data.decode(encoding) == EXPECTED
    assert_clean(data, c)


def test_cable_crlf_keeps_crlf(tmp_path: Path) -> None:
    c = write_cable(tmp_path, newline="\r\n")
    out = tmp_path / "clean.txt"
    sanitize_cable(c, out)
    data = out.read_bytes()
    assert data.decode() == EXPECTED.replace("\n", "\r\n")
    assert_clean(data, c)


def test_output_folder_gets_cleaned_name(tmp_path: Path) -> None:
    c = write_cable(tmp_path, "memo.md")
    outdir = tmp_path / "out"
    outdir.mkdir()
    result = sanitize_cable(c, outdir)
    assert result.output == outdir / "memo.cleaned.md"
    assert result.output.read_text() == EXPECTED


# -- policy variations ----------------------------------------------------------------------


def test_policy_remove_instead_of_replace(tmp_path: Path) -> None:
    c = write_cable(tmp_path)
    pol = tmp_path / "p.yaml"
    pol.write_text("categories:\n  identifier: {action: remove}\n")
    out = tmp_path / "clean.txt"
    sanitize_cable(c, out, policy=pol)
    text = out.read_text()
    assert "[REDACTED]" not in text
    assert "the file referenced as No. had been shared" in text
    assert "patience; stays open." in text
    assert_clean(out.read_bytes(), c)


def test_policy_keep_and_placeholder(tmp_path: Path) -> None:
    c = write_cable(tmp_path)
    pol = tmp_path / "p.yaml"
    pol.write_text('placeholder: "[withheld]"\nkeep:\n  - {category: marking, text: immediate}\n')
    out = tmp_path / "clean.txt"
    result = sanitize_cable(c, out, policy=pol)
    text = out.read_text()
    assert text.startswith("IMMEDIATE\n\nSubject:")
    assert "file referenced as No. [withheld] had" in text
    assert result.plan.policy_source == "p.yaml"
    assert "IMMEDIATE" not in result.plan.removed


# -- the redaction log ---------------------------------------------------------------------------


def test_redaction_log_only_on_request_and_private(tmp_path: Path) -> None:
    c = write_cable(tmp_path)
    out = tmp_path / "clean.txt"
    result = sanitize_cable(c, out)
    assert result.report is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cable.txt", "clean.txt"]
    log = tmp_path / "log.json"
    result = sanitize_cable(c, out, report=log)
    assert result.report == log
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    data = json.loads(log.read_text())
    assert data["command"] == "sanitize" and data["kind"] == "redaction-log"
    assert data["warning"] == WARNING
    originals = [ch["original"] for ch in data["changes"]]
    assert any("SECRET//NOFORN" in o for o in originals)
    assert "E-1142/LDN" in originals
    first = data["changes"][0]
    assert {"id", "kind", "action", "location", "original", "replacement", "findings"} <= set(first)
    assert {"line", "column", "part", "start", "end"} <= set(first["location"])
    assert any(k["outcome"] == "review" for k in data["left_in_place"])
    texts = {r["text"] for r in data["removed_strings"]}
    assert "Copy No. 4 of 9" in texts
    assert data["proof"]["passed"] is True


def test_cli_report_warns_and_json_holds_no_secret(tmp_path: Path) -> None:
    c = write_cable(tmp_path)
    out = tmp_path / "clean.txt"
    log = tmp_path / "log.json"
    r = run_cli("sanitize", c.path, "-o", out, "--report", log, "--format", "json")
    assert r.code == 0, r.err
    assert "warning" in r.err and "log.json" in r.err and "never publish" in r.err
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    report = r.json()
    assert report["command"] == "sanitize"
    assert report["proof"]["passed"] is True
    assert report["output"] == str(out)
    for s in c.secrets:
        assert s not in r.out
    r = run_cli("sanitize", c.path, "-o", out)
    assert r.code == 0 and "warning" not in r.err
    assert "Residue proof: PASSED" in r.out


# -- refusals and failures -----------------------------------------------------------------------


def test_out_equal_to_path_is_refused(tmp_path: Path) -> None:
    c = write_cable(tmp_path)
    before = c.path.read_bytes()
    r = run_cli("sanitize", c.path, "-o", c.path)
    assert r.code == 2 and "refusing to write the output over the input" in r.err
    link = tmp_path / "hardlink.txt"
    os.link(c.path, link)
    r = run_cli("sanitize", c.path, "-o", link)
    assert r.code == 2
    assert c.path.read_bytes() == before
    with pytest.raises(UsageError):
        sanitize(c.path, c.path)


def test_report_over_input_or_output_is_refused(tmp_path: Path) -> None:
    c = write_cable(tmp_path)
    out = tmp_path / "clean.txt"
    r = run_cli("sanitize", c.path, "-o", out, "--report", c.path)
    assert r.code == 2 and not out.exists()
    r = run_cli("sanitize", c.path, "-o", out, "--report", out)
    assert r.code == 2 and not out.exists()


def test_missing_output_folder(tmp_path: Path) -> None:
    c = write_cable(tmp_path)
    r = run_cli("sanitize", c.path, "-o", tmp_path / "nope" / "o.txt")
    assert r.code == 2 and "output folder does not exist" in r.err


def test_extra_path_without_consensus_is_refused(tmp_path: Path) -> None:
    c = write_cable(tmp_path)
    r = run_cli("sanitize", c.path, c.path, "-o", tmp_path / "o.txt")
    assert r.code == 2 and "takes one PATH" in r.err


def test_consensus_of_two_copies(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("The minister voiced grave concern about the talks in Paris.\n"
                 "He said the government would reply within ten days.\n")
    b.write_text("The minister voiced grave worry about the talks in Paris.\n"
                 "He said the govern\u200bment would reply within ten days.\n")
    out = tmp_path / "out.txt"
    r = run_cli("sanitize", a, "-o", out, "--consensus", b, "--format", "json")
    assert r.code == 0, r.err
    assert out.read_text() == (
        "The minister voiced grave [REDACTED] about the talks in Paris.\n"
        "He said the government would reply within ten days.\n")
    report = r.json()
    assert report["consensus"]["flagged"] == 1 and report["consensus"]["copies"] == 2
    # both copies' variants are searched for by the proof, and neither is in the report
    assert report["proof"]["strings"]["total"] == 2
    assert "worry" not in r.out and "concern" not in r.out
    # "sanitize A B --consensus" and "sanitize A --consensus B" are the same
    r2 = run_cli("sanitize", a, b, "-o", tmp_path / "out2.txt", "--consensus", b)
    assert r2.code == 0
    r3 = run_cli("sanitize", a, "-o", b, "--consensus", b)
    assert r3.code == 2 and "over one of the copies" in r3.err


def _leaky_clean(self: TextAdapter, doc: Document, plan, out: Path, options):  # type: ignore[no-untyped-def]
    """A faulty adapter: it writes the clean text, then the original again in UTF-16."""
    result = TextAdapter.clean.__wrapped__(self, doc, plan, out, options)  # type: ignore[attr-defined]
    with open(out, "ab") as fh:
        fh.write(doc.text.encode("utf-16-le"))
    return result


@pytest.fixture
def leaky_text_adapter(monkeypatch: pytest.MonkeyPatch) -> None:
    original = TextAdapter.clean
    _leaky_clean.__wrapped__ = original  # type: ignore[attr-defined]
    monkeypatch.setattr(TextAdapter, "clean", _leaky_clean)
    # the patch lives in this process only: clean() must run here, not in the sandbox
    monkeypatch.setenv("LEAKDESK_ISOLATION", "off")


def test_failed_proof_leaves_no_file(tmp_path: Path, leaky_text_adapter: None) -> None:
    c = write_cable(tmp_path)
    out = tmp_path / "clean.txt"
    log = tmp_path / "log.json"
    with pytest.raises(ResidueProofFailed) as err:
        sanitize_cable(c, out, report=log)
    assert err.value.exit_code == 3
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cable.txt", "log.json"]
    assert "Copy No. 4 of 9" not in err.value.message
    bad = err.value.report.check("bytes").failures
    assert any(w["encoding"] == "utf-16-le" for f in bad for w in f["where"])
    # the log (written on request, even on failure) says which string survived
    data = json.loads(log.read_text())
    assert data["proof"]["passed"] is False and data["output"] is None
    revealed = [f.get("text") for ch in data["proof"]["checks"] for f in ch["failures"]]
    assert "Copy No. 4 of 9" in revealed


def test_failed_proof_on_the_command_line(tmp_path: Path, leaky_text_adapter: None) -> None:
    c = write_cable(tmp_path)
    out = tmp_path / "clean.txt"
    r = run_cli("sanitize", c.path, "-o", out)
    assert r.code == 3
    assert "residue proof failed" in r.err and r.err.count("\n") == 1
    assert "✗ bytes" in r.out
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["cable.txt"]
    r = run_cli("sanitize", c.path, "-o", out, "--format", "json")
    assert r.code == 3 and r.json()["proof"]["passed"] is False and r.json()["output"] is None


# -- with the real detectors -------------------------------------------------------------------


def _detectors_ready() -> bool:
    from leakdesk.detectors import registry

    cats = {d.category for d in registry().values()}
    return {"marking", "identifier", "distribution", "datetime"} <= cats


needs_detectors = pytest.mark.skipif(
    not _detectors_ready(), reason="the text detectors are not registered yet"
)


def test_safety_net_without_detectors(tmp_path: Path) -> None:
    """Invisible characters and homoglyphs go even if no detector reports them."""
    src = tmp_path / "note.txt"
    src.write_text("The envoy met in Pа\u200bris on Mon\u00addаy.\n", encoding="utf-8")
    out = tmp_path / "clean.txt"
    r = run_cli("sanitize", src, "-o", out)
    assert r.code == 0, r.err
    assert out.read_text() == "The envoy met in Paris on Monday.\n"


@needs_detectors
def test_cable_with_real_detectors(tmp_path: Path) -> None:
    c = write_cable(tmp_path)
    out = tmp_path / "clean.txt"
    r = run_cli("sanitize", c.path, "-o", out, "--format", "json")
    assert r.code == 0, r.err + r.out
    data = out.read_bytes()
    assert_clean(data, c)
    assert_body_survives(data.decode())
    assert r.json()["proof"]["passed"] is True


@needs_detectors
def test_utf16_cable_with_real_detectors(tmp_path: Path) -> None:
    c = write_cable(tmp_path, encoding="utf-16-le", bom=True)
    out = tmp_path / "clean.txt"
    r = run_cli("sanitize", c.path, "-o", out)
    assert r.code == 0, r.err + r.out
    data = out.read_bytes()
    assert_clean(data, c)
    assert_body_survives(data.decode("utf-16-le"))


def test_api_result_json_has_no_excerpts(tmp_path: Path) -> None:
    c = write_cable(tmp_path)
    result = sanitize_cable(c, tmp_path / "clean.txt")
    body = json.dumps(result.to_json(), ensure_ascii=False)
    for s in c.secrets:
        assert s not in body
    doc = result.to_json()["documents"][0]
    assert doc["changes"]["marking"] == {"replace": 3}
    assert doc["changes"]["datetime"] == {"replace": 1, "review": 1}
    assert all(f["excerpt"] == "" for f in doc["findings"])
    assert Action.REPLACE.value in {f["action"] for f in doc["findings"]}
    assert Severity.HIGH.value in {f["severity"] for f in doc["findings"]}


def test_json_report_and_log_match_the_schema(tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads((Path(__file__).parents[2] / "docs" / "report.schema.json").read_text())
    c = write_cable(tmp_path)
    log = tmp_path / "log.json"
    r = run_cli("sanitize", c.path, "-o", tmp_path / "clean.txt", "--format", "json",
                "--report", log)
    assert r.code == 0, r.err
    jsonschema.validate(r.json(), schema)
    jsonschema.validate(json.loads(log.read_text()), schema)
