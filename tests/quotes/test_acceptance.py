"""The acceptance case: a news article about a leaked memo, checked against the memo.

The fixture (tests/quotes/make_fixtures.py) has quotes taken from the memo, a
split quote, a one-word quote, a sentence-long quote, one altered quote,
quotes by a spokesperson, at a rally and at a hearing that are in no source,
and two paragraphs repeated.  Every quotation must be extracted with the right
verdict and speaker, whatever format the memo is read from.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.quotes.make_fixtures import ARTICLE, EXPECTED, REPEATED, write_fixtures


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("quotes-acceptance")
    paths = write_fixtures(out)
    try:
        from fpdf import FPDF

        from tests.quotes.make_fixtures import MEMO

        pdf = FPDF()
        pdf.add_page()
        font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
        if font.exists():
            pdf.add_font("dv", "", str(font))
            pdf.set_font("dv", size=11)
            for para in MEMO.split("\n\n"):
                pdf.multi_cell(0, 6, para)
                pdf.ln(3)
            paths["memo_pdf"] = out / "memo.pdf"
            pdf.output(str(paths["memo_pdf"]))
    except ImportError:  # pragma: no cover
        pass
    return paths


@pytest.mark.parametrize("memo", ["memo", "memo_docx", "memo_pdf"])
def test_every_quotation_verdict_and_speaker(files: dict[str, Path], memo: str) -> None:
    if memo not in files:
        pytest.skip(f"no {memo} fixture (python-docx or fpdf2 or the font missing)")
    r = run_cli("quotes", files["article"], "--source", files[memo], "--format", "json")
    assert r.code == 1, r.err  # one altered quote and quotes not in the source
    report = r.json()
    quotes = report["quotes"]
    got = [(q["text"], q["verdict"], q["kind"], q["speaker"]) for q in quotes]
    assert len(quotes) == len(EXPECTED), got
    for (text, verdict, kind, speaker), q in zip(EXPECTED, quotes, strict=True):
        assert q["text"].startswith(text), (text, q["text"])
        assert (q["verdict"], q["kind"], q["speaker"]) == (verdict, kind, speaker), q
        a, b = q["article"]["start"], q["article"]["end"]
        if "parts" not in q["article"]:
            assert ARTICLE[a:b] == q["text"]


def test_split_quote_is_one_quotation(files: dict[str, Path]) -> None:
    r = run_cli("quotes", files["article"], "--source", files["memo"], "--format", "json")
    split = r.json()["quotes"][0]
    assert len(split["article"]["parts"]) == 2
    assert split["text"].startswith("The national flood risk report is complete, and its")
    assert split["verdict"] == "verbatim"


def test_altered_quote_diff(files: dict[str, Path]) -> None:
    r = run_cli("quotes", files["article"], "--source", files["memo"], "--format", "json")
    (altered,) = [q for q in r.json()["quotes"] if q["verdict"] == "altered"]
    assert [d for d in altered["diff"] if d["op"] != "equal"] == [
        {"op": "replace", "article": "reverse", "source": "review"}
    ]
    memo = files["memo"].read_text()
    assert memo[altered["source"]["start"] : altered["source"]["end"]] == altered["source"]["text"]


def test_both_repeated_paragraphs_in_duplicates(files: dict[str, Path]) -> None:
    r = run_cli("quotes", files["article"], "--source", files["memo"], "--format", "json")
    dups = r.json()["duplicates"]
    assert sorted(d["text"] for d in dups) == sorted(REPEATED)
    for d in dups:
        assert len(d["occurrences"]) == 2
        for occ in d["occurrences"]:
            assert ARTICLE[occ["start"] : occ["end"]] == d["text"]


def test_text_report(files: dict[str, Path]) -> None:
    r = run_cli("quotes", files["article"], "--source", files["memo"])
    assert r.code == 1
    out = r.out
    assert "altered" in out and "not in source" in out and "verbatim" in out
    assert "[-review-]{+reverse+}" in out
    assert "Repeated paragraphs (2)" in out
    assert "Sara Malik" in out and "Jane Doe" in out and "Ahmed Khan" in out
