"""leakdesk compare on generated copies of a fictional cable (tests/compare/make_fixtures.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from leakdesk.compare import NotSameDocument, compare, compare_documents, compare_texts
from leakdesk.document import Document
from tests.compare.make_fixtures import OCR_SLIPS, build, truth_marks, write_fixtures
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_fixtures(tmp_path_factory.mktemp("compare"))


def _json(*args: str | Path) -> tuple[int, dict[str, Any]]:
    r = run_cli("compare", *args, "--format", "json")
    assert r.code in (0, 1), r.err
    return r.code, r.json()


def _covering(diffs: list[dict[str, Any]], side: str, start: int, end: int) -> list[dict[str, Any]]:
    """Differences whose span on ``side`` covers ``[start, end)`` (or sits at it, if empty)."""
    out = []
    for d in diffs:
        s, e = d[side]["start"], d[side]["end"]
        if start == end:
            if s <= start <= e:
                out.append(d)
        elif s <= start and end <= e:
            out.append(d)
    return out


def _check_offsets(report: dict[str, Any], texts: dict[str, str]) -> None:
    for d in report["differences"]:
        for side, name in (("a", "a"), ("b", "b")):
            span = d[side]
            text = texts[name]
            assert 0 <= span["start"] <= span["end"] <= len(text)
            assert text[span["start"] : span["end"]] == span["text"]


# -- two recipients' copies -----------------------------------------------------------


def test_two_copies_every_mark_reported(files: dict[str, Path]) -> None:
    code, report = _json(files["a"], files["b"])
    assert code == 1
    diffs = report["differences"]
    assert report["command"] == "compare" and report["schema"]
    texts = {"a": files["a"].read_text(encoding="utf-8"), "b": files["b"].read_text(encoding="utf-8")}
    _check_offsets(report, texts)
    truth = truth_marks()
    assert len(truth) >= 17
    for mark in truth:
        a0, a1 = mark["a"]
        b0, b1 = mark["b"]
        found = [d for d in _covering(diffs, "a", a0, a1) if d in _covering(diffs, "b", b0, b1)]
        assert found, f"mark {mark['name']} not reported"
        d = found[0]
        assert mark["a_text"].strip() in d["a"]["text"]
        assert mark["b_text"].strip() in d["b"]["text"]
        assert "noise" not in d["assessment"], (mark["name"], d)
    assert len(diffs) <= 40
    # nothing reported that is not a mark
    assert len(diffs) <= len(truth) + 2


def test_kinds_and_reasons(files: dict[str, Path]) -> None:
    _, report = _json(files["a"], files["b"])
    by_text = {(d["a"]["text"], d["b"]["text"]): d for d in report["differences"]}
    assert by_text[("12", "17")]["kind"] == "number"
    assert by_text[("concern", "worry")]["kind"] == "wording"
    kinds = {d["kind"] for d in report["differences"]}
    assert {"invisible", "homoglyph", "whitespace", "punctuation", "wording", "number"} <= kinds
    inv = next(d for d in report["differences"] if d["kind"] == "invisible")
    assert "U+200" in inv["reason"] and "⟨U+200" in (inv["a"].get("visible", "") + inv["b"].get("visible", ""))
    hom = next(d for d in report["differences"] if d["a"]["text"] == "refrаin")
    assert hom["kind"] == "homoglyph" and "CYRILLIC" in hom["reason"]
    assert all(d["assessment"] == "likely deliberate (mark)" for d in report["differences"])
    assert report["pairs"][0]["rewrapped"] is False


def test_scanned_copy_marks_found_and_noise_labelled(files: dict[str, Path]) -> None:
    code, report = _json(files["a"], files["scan"])
    assert code == 1
    diffs = report["differences"]
    texts = {"a": files["a"].read_text(encoding="utf-8"),
             "b": files["scan"].read_text(encoding="utf-8")}
    _check_offsets(report, texts)
    assert report["pairs"][0]["scan_like"] is True
    for mark in truth_marks():
        kind, va, vb = mark["kind"], mark["a_text"], mark["b_text"]
        if kind in ("invisible", "homoglyph") and va.isascii():
            continue  # a mark only B's copy had: the scan lost it
        a0, a1 = mark["a"]
        found = _covering(diffs, "a", a0, a1)
        assert found, f"A's mark {mark['name']} not reported against the scan"
        if kind in ("wording", "number"):
            assert va.strip() in found[0]["a"]["text"] and vb.strip() in found[0]["b"]["text"]
        if kind in ("wording", "number", "invisible", "homoglyph"):
            assert any("noise" not in d["assessment"] for d in found), found
    unlabelled = [d for d in diffs if "noise" not in d["assessment"]]
    assert len(unlabelled) <= 40
    # every OCR slip, re-wrap and hyphenation is noise
    for _word, slip in OCR_SLIPS:
        if slip not in texts["b"]:
            continue
        hits = [d for d in diffs if slip in d["b"]["text"]]
        assert hits and all("noise" in d["assessment"] for d in hits), slip
    hyph = [d for d in diffs if "-\n" in d["b"]["text"] and d["kind"] == "whitespace"]
    assert hyph and all("noise" in d["assessment"] for d in hyph)
    wraps = [d for d in diffs if d["a"]["text"] in (" ", "\n") and d["b"]["text"] in (" ", "\n")]
    assert len(wraps) > 20 and all("noise" in d["assessment"] for d in wraps)
    lost_comma = [d for d in diffs if d["a"]["text"].startswith(",") and "\n" in d["b"]["text"]]
    assert lost_comma and all("noise" in d["assessment"] for d in lost_comma)


def test_identical_copies_exit_zero(files: dict[str, Path], tmp_path: Path) -> None:
    twin = tmp_path / "twin.txt"
    twin.write_bytes(files["a"].read_bytes())
    code, report = _json(files["a"], twin)
    assert code == 0
    assert report["differences"] == [] and report["identical"] is True
    r = run_cli("compare", files["a"], twin)
    assert r.code == 0 and "identical" in r.out


def test_not_the_same_document_is_refused(files: dict[str, Path]) -> None:
    r = run_cli("compare", files["a"], files["other"], "--format", "json")
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert "same document" in lines[0] and "%" in lines[0] and str(files["other"]) in lines[0]
    assert r.out == "" and "Traceback" not in r.err
    with pytest.raises(NotSameDocument) as exc:
        compare([files["a"], files["other"]])
    assert exc.value.similarity < 0.25
    forced = run_cli("compare", files["a"], files["other"], "--force", "--format", "json")
    assert forced.code == 1 and forced.json()["similarity"] < 0.5


def test_missing_file_and_single_copy(files: dict[str, Path], tmp_path: Path) -> None:
    r = run_cli("compare", files["a"], tmp_path / "nope.txt")
    assert r.code == 2 and "no such file" in r.err and "Traceback" not in r.err
    r = run_cli("compare", files["a"])
    assert r.code == 2 and "at least two" in r.err


# -- N copies -------------------------------------------------------------------------


def test_three_copies_groups(files: dict[str, Path]) -> None:
    code, report = _json(files["a"], files["b"], files["c"])
    assert code == 1
    assert [c["name"] for c in report["copies"]] == ["a.txt", "b.txt", "c.txt"]
    positions = report["differences"]
    by_variants = {frozenset(v["text"] for v in p["variants"]): p for p in positions}
    w2 = by_variants[frozenset({"rapidly", "quickly"})]
    groups = {v["text"]: sorted(v["copies"]) for v in w2["variants"]}
    assert groups == {"rapidly": ["a.txt"], "quickly": ["b.txt", "c.txt"]}
    assert sorted(map(sorted, w2["groups"])) == [["a.txt"], ["b.txt", "c.txt"]]
    copy = by_variants[frozenset({"12", "17", "23"})]
    assert len(copy["variants"]) == 3 and copy["kind"] == "number"
    w1 = by_variants[frozenset({"concern", "worry"})]
    assert {v["text"]: sorted(v["copies"]) for v in w1["variants"]} == {
        "concern": ["a.txt", "c.txt"], "worry": ["b.txt"]}
    # C's own homoglyph mark: only C differs
    c_only = [p for p in positions if any(v["copies"] == ["c.txt"] and "\u057d" in v["text"]
                                          for v in p["variants"])]
    assert len(c_only) == 1 and c_only[0]["kind"] == "homoglyph"
    texts = {n: files[k].read_text(encoding="utf-8") for n, k in
             (("a.txt", "a"), ("b.txt", "b"), ("c.txt", "c"))}
    for p in positions:
        for name, span in p["spans"].items():
            assert texts[name][span["start"] : span["end"]] == span["text"]
        assert sum(len(v["copies"]) for v in p["variants"]) == 3
    r = run_cli("compare", files["a"], files["b"], files["c"])
    assert "b.txt, c.txt" in r.out and "varying position" in r.out


# -- moves ----------------------------------------------------------------------------


def test_moved_paragraph_is_a_move(files: dict[str, Path]) -> None:
    _, report = _json(files["a"], files["moved"])
    diffs = report["differences"]
    moves = [d for d in diffs if d["kind"] == "move"]
    assert len(moves) == 1, [d["kind"] for d in diffs]
    move = moves[0]
    assert move["a"]["text"].startswith("4. (C)") and move["b"]["text"].startswith("4. (C)")
    assert move["a"]["start"] > move["b"]["start"]
    inner = [d for d in diffs if d.get("move") == move["move"] and d["kind"] != "move"]
    assert any(d["a"]["text"] == "commissioned" and d["b"]["text"] == "ordered" for d in inner)
    assert not [d for d in diffs if d["kind"] in ("insertion", "deletion")]
    assert len(diffs) <= 4
    no_moves = run_cli("compare", files["a"], files["moved"], "--no-moves", "--format", "json")
    assert not [d for d in no_moves.json()["differences"] if d["kind"] == "move"]


# -- text view ------------------------------------------------------------------------


def test_text_view(files: dict[str, Path]) -> None:
    r = run_cli("compare", files["a"], files["b"])
    assert r.code == 1
    assert "LIKELY DELIBERATE" in r.out
    assert "⟨U+200B ZERO WIDTH SPACE⟩" in r.out
    assert "[concern]" in r.out and "[worry]" in r.out
    scan = run_cli("compare", files["a"], files["scan"])
    assert "LIKELY NOISE" in scan.out and "re-wrapped" in scan.out and "--all" in scan.out
    full = run_cli("compare", files["a"], files["scan"], "--all")
    assert full.out.count("\n") > scan.out.count("\n") + 20


# -- consensus ------------------------------------------------------------------------


def test_consensus_three_copies(files: dict[str, Path]) -> None:
    from leakdesk.api import read
    from leakdesk.compare.consensus import build_consensus

    docs = [read(files[k]) for k in ("a", "b", "c")]
    cons = build_consensus(docs)
    text = cons.text
    assert "\u200b" not in text and "\u200c" not in text and "\u00a0" not in text
    assert "refrain" in text and "sediment" in text and "government" in text
    assert "\u0430" not in text and "\u0261" not in text and "\u057d" not in text
    assert "  " not in text.replace("\n     ", "\n")  # no double space inside a line
    variants = [{v.text for v in f.variants} for f in cons.flagged]
    for pair in ({"concern", "worry"}, {"12", "17", "23"}, {"rapidly", "quickly"}):
        assert pair in variants, pair
    for f in cons.flagged:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.chosen
    # marks with a neutral form (invisible, homoglyph, spacing, typography) are settled
    kinds = {f.kind for f in cons.flagged}
    assert not kinds & {"invisible", "homoglyph", "whitespace"}, kinds
    # what every copy agrees on is neutral: the apostrophe and the dashes are settled
    assert not any({"\u2019", "'"} <= {v.text[-2:-1] for v in f.variants} for f in cons.flagged)
    placeholder = cons.placeholder_text()
    assert "⟦REWRITE 1⟧" in placeholder and "concern" not in placeholder.split("deep")[1][:12]
    assert cons.to_json()["flagged"][0]["variants"]


def test_consensus_with_scan_picks_the_real_words(files: dict[str, Path]) -> None:
    from leakdesk.api import read
    from leakdesk.compare.consensus import build_consensus

    cons = build_consensus([read(files["a"]), read(files["scan"])])
    assert "modern review" in cons.text and "modem" not in cons.text
    assert "clear timeline" in cons.text and "0pposition" not in cons.text
    assert cons.reflowed
    flagged = {frozenset(v.text.strip() for v in f.variants) for f in cons.flagged}
    assert frozenset({"concern", "worry"}) in flagged
    assert len(cons.flagged) <= 12


def test_cli_consensus_output(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "safe.txt"
    r = run_cli("compare", files["a"], files["b"], "--consensus", out, "--format", "json")
    assert r.code == 1, r.err
    assert out.exists() and "\u200b" not in out.read_text(encoding="utf-8")
    assert r.json()["consensus"]["flagged"]
    bad = run_cli("compare", files["a"], files["b"], "--consensus", files["a"])
    assert bad.code == 2 and "refusing" in bad.err
    assert "\u200b" in files["a"].read_text(encoding="utf-8")


# -- across formats -------------------------------------------------------------------


def _read_or_skip(path: Path, *formats: str) -> Document:
    """Read ``path``; skip the test while no adapter reads it as one of ``formats``."""
    from leakdesk.api import read
    from leakdesk.errors import InputError

    try:
        doc = read(path)
    except InputError as exc:
        pytest.skip(f"no {formats[0]} adapter yet: {exc.message}")
    if doc.format not in formats:
        pytest.skip(f"no {formats[0]} adapter yet (read as {doc.format})")
    return doc


def test_txt_against_docx(files: dict[str, Path], tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    text = build("a").text
    path = tmp_path / "a.docx"
    document = docx.Document()
    document.core_properties.author = "Desk Officer"
    for para in text.split("\n\n"):
        document.add_paragraph(para.replace("deep concern", "deep worry"))
    document.save(str(path))
    _read_or_skip(path, "docx")
    code, report = _json(files["a"], path)
    assert code == 1
    assert report["pairs"][0]["similarity"] > 0.8
    marks = [d for d in report["differences"] if "noise" not in d["assessment"]]
    assert any(d["a"]["text"] == "concern" and d["b"]["text"] == "worry" for d in marks)
    # paragraph layout and the .docx's own metadata are not marks
    assert len(marks) <= 3, [(d["a"]["text"], d["b"]["text"], d["reason"]) for d in marks]


def test_txt_against_pdf(tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    lines = ["The minister expressed deep concern about the financing terms offered",
             "by the consortium and said the government wanted a modern review of",
             "the environmental study before the cabinet reached a decision on the",
             "northern port concession, which opposition deputies now contest."]
    txt = tmp_path / "memo.txt"
    txt.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.cell(0, 6, line.replace("deep concern", "deep worry"), new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "memo.pdf"
    pdf.output(str(path))
    _read_or_skip(path, "pdf")
    code, report = _json(txt, path)
    assert code == 1
    marks = [d for d in report["differences"] if "noise" not in d["assessment"]]
    assert any("concern" in d["a"]["text"] and "worry" in d["b"]["text"] for d in marks)
    assert len(marks) <= 3, [(d["a"]["text"], d["b"]["text"], d["reason"]) for d in marks]


FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


@pytest.mark.external
def test_real_ocr_scan_of_a_printed_copy(files: dict[str, Path], tmp_path: Path) -> None:
    """B's copy typeset, rendered to an image and read back by tesseract (the image adapter)."""
    import shutil
    import textwrap

    if shutil.which("tesseract") is None or not FONT.exists():
        pytest.skip("needs tesseract and the DejaVu fonts")
    from PIL import Image, ImageDraw, ImageFont

    lines: list[str] = []
    for para in build("b").text.split("\n\n"):
        if para[:1].isdigit() and para[1:3] == ". ":
            lines += textwrap.wrap(" ".join(para.split()), 62, break_long_words=False)
        else:
            lines += para.splitlines()
        lines.append("")
    font = ImageFont.truetype(str(FONT), 30)
    img = Image.new("L", (2400, 80 + 44 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for k, line in enumerate(lines):
        draw.text((80, 40 + 44 * k), line, font=font, fill=0)
    scan_png = tmp_path / "b-scan.png"
    img.save(scan_png)
    _read_or_skip(scan_png, "png", "image")
    _, report = _json(files["a"], scan_png)
    diffs = report["differences"]
    assert report["pairs"][0]["scan_like"] is True
    for mark in truth_marks():
        kind, va, vb = mark["kind"], mark["a_text"], mark["b_text"]
        if kind in ("invisible", "homoglyph") and va.isascii():
            continue  # only B's copy had it: the print and scan lost it
        found = [d for d in _covering(diffs, "a", *mark["a"]) if "noise" not in d["assessment"]]
        assert found, f"A's mark {mark['name']} not reported against the real scan"
        if kind in ("wording", "number"):
            assert va.strip() in found[0]["a"]["text"] and vb.strip() in found[0]["b"]["text"]
    assert len([d for d in diffs if "noise" not in d["assessment"]]) <= 40


# -- API and web helper ---------------------------------------------------------------


def test_compare_texts_for_web_ui() -> None:
    a = build("a").text
    b = build("b").text
    diffs = compare_texts(a, b)
    assert any(d["a"]["text"] == "concern" for d in diffs)
    assert all({"kind", "a", "b", "assessment", "reason"} <= set(d) for d in diffs)
    json.dumps(diffs)
    with pytest.raises(NotSameDocument):
        compare_texts(a, "Completely different words about cheese and rivers, and the old "
                         "mill that turns on market days in the valley.")
    # a line or two is always compared
    assert compare_texts("Hello world.", "Goodbye moon.")


def test_report_matches_schema(files: dict[str, Path]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema_path = Path(__file__).parents[2] / "docs" / "report.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    for args in ((files["a"], files["b"]), (files["a"], files["b"], files["c"])):
        _, report = _json(*args)
        jsonschema.validate(report, schema)


def test_documents_without_paths() -> None:
    docs = [Document.from_text("one two three four five six"),
            Document.from_text("one two three four five seven")]
    result = compare_documents(docs)
    assert result.names == ["copy1", "copy2"]
    assert [(d.a.text, d.b.text) for d in result.differences] == [("six", "seven")]


def test_byte_order_mark_is_noted(tmp_path: Path) -> None:
    body = "The committee met on Tuesday and agreed to meet again next month in the capital.\n"
    a, b = tmp_path / "bom.txt", tmp_path / "plain.txt"
    a.write_bytes(b"\xef\xbb\xbf" + body.encode())
    b.write_bytes(body.encode())
    r = run_cli("compare", a, b, "--format", "json")
    assert r.code == 1
    report = r.json()
    assert report["identical"] is True and report["differences"] == []
    assert any("byte-order mark" in n for n in report["pairs"][0]["notes"])
    text = run_cli("compare", a, b)
    assert text.code == 1 and "byte-order mark" in text.out
