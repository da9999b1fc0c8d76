"""Verdicts: verbatim, variation, altered, not in source; offsets, diffs and scores."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leakdesk.document import Document, DocumentBuilder
from leakdesk.quotes import check_quotes, check_texts

SOURCE = (
    "1. The national flood risk report is complete, and its findings show that 41,000 homes "
    "in the northern districts face a severe risk of flooding by 2030.\n\n"
    "2. We will review the decision once the figures are final. Until then, the release of "
    "the figures should be delayed until the new year. He said the plan was \"sound\" and "
    "that the timetable was agreed by the board in January after a long debate about the "
    "costs of the new flood defences in the north.\n\n"
    "3. Officials should avoid putting any part of this plan in writing outside this office.\n"
)


def check(quote: str, source: str = SOURCE) -> dict:
    (q,) = check_texts(f'Khan said: "{quote}"', {"memo.txt": source})
    return q


@pytest.mark.parametrize(
    ("quote", "verdict"),
    [
        # verbatim: the same words and punctuation (first letter and edge punctuation free)
        ("We will review the decision once the figures are final.", "verbatim"),
        ("we will review the decision once the figures are final", "verbatim"),
        ("Until then, the release of the figures should be delayed until the new year.",
         "verbatim"),
        # variation: case, punctuation, quote marks, ellipsis, brackets
        ("We will Review the decision once the figures are final.", "variation"),
        ("Until then the release of the figures should be delayed until the new year.",
         "variation"),
        ("Until then, the release of the figures should be delayed, until the new year.",
         "variation"),
        ("He said the plan was 'sound' and that the timetable was agreed", "variation"),
        ("We will review the decision ... the release of the figures should be delayed",
         "variation"),
        ("We will review the decision … until the new year.", "variation"),
        ("We will review the decision . . . once the figures are final.", "variation"),
        ("We will review the decision [...] once the figures are final.", "variation"),
        ("The national flood risk report is complete … avoid putting any part of this plan",
         "variation"),
        ("[The ministry] will review the decision once the figures are final.", "variation"),
        ("We [the ministry] will review the decision once the figures are final.", "variation"),
        ("He said the plan was sound and that [the schedule] was agreed by the board",
         "variation"),
        ("[W]e will review the decision once the figures are final.", "variation"),
        ("We will review the decision [sic] once the figures are final.", "variation"),
        # altered: words changed, added, dropped or moved
        ("We will reverse the decision once the figures are final.", "altered"),
        ("We will review the decision once all the figures are final.", "altered"),
        ("We will review the decision once figures are final.", "altered"),
        ("We review the decision once the figures are final.", "altered"),
        ("Once the figures are final, we will review the decision.", "altered"),
        ("We will review the decision once the final figures are.", "altered"),
        ("the release of the figures should be delayed until after the election", "altered"),
        # not in the source
        ("The ministry does not comment on leaked documents.", "not_in_source"),
        ("Families in the north deserve the truth before they vote, not after it.",
         "not_in_source"),
        ("We will win this fight in the courts and at the ballot box.", "not_in_source"),
        ("in the north", "verbatim"),
        ("in the south", "not_in_source"),
        ("the figures are", "verbatim"),
        ("the numbers are", "not_in_source"),
    ],
)
def test_verdicts(quote: str, verdict: str) -> None:
    got = check(quote)
    assert got["verdict"] == verdict, got


@pytest.mark.parametrize(
    ("article", "verdict"),
    [
        ('The memo calls it "sound".', "verbatim"),
        ('The memo calls it "Sound".', "verbatim"),
        ('The memo calls it "reckless".', "not_in_source"),
        ('Khan called the plan "unworkable".', "not_in_source"),
    ],
)
def test_one_word_terms(article: str, verdict: str) -> None:
    (q,) = check_texts(article, {"memo.txt": SOURCE})
    assert q["kind"] == "term"
    assert q["verdict"] == verdict


def test_altered_quote_has_word_diff_and_offsets() -> None:
    article = 'Khan said: "We will reverse the decision once the figures are final."'
    report = check_quotes(article, {"memo.txt": SOURCE})
    (q,) = report.quotes
    data = q.to_json()
    assert data["verdict"] == "altered"
    assert 0.8 <= data["score"] < 1.0
    src = data["source"]
    assert src["path"] == "memo.txt"
    assert SOURCE[src["start"] : src["end"]] == src["text"]
    assert src["text"] == "We will review the decision once the figures are final"
    assert article[data["article"]["start"] : data["article"]["end"]] == data["text"]
    changes = [d for d in data["diff"] if d["op"] != "equal"]
    assert changes == [{"op": "replace", "article": "reverse", "source": "review"}]
    assert {d["op"] for d in data["diff"]} <= {"equal", "replace", "insert", "delete"}


def test_diff_of_dropped_and_added_words() -> None:
    dropped = check("We will review the decision once figures are final.")
    assert {"op": "delete", "article": "", "source": "the"} in dropped["diff"]
    added = check("We will review the decision once all the figures are final.")
    assert {"op": "insert", "article": "all", "source": ""} in added["diff"]


def test_ellipsis_diff_marks_the_elided_source() -> None:
    q = check("We will review the decision ... until the new year.")
    gaps = [d for d in q["diff"] if d.get("note") == "ellipsis"]
    assert gaps and "Until then" in gaps[0]["source"]
    assert q["score"] == 1.0
    assert q["source"]["text"].startswith("We will review") and q["source"]["text"].endswith("year")


def test_bracket_diff_shows_what_it_stands_for() -> None:
    q = check("We [the ministry] will review the decision once the figures are final.")
    (b,) = [d for d in q["diff"] if d.get("note") == "bracket"]
    assert b["article"] == "[the ministry]"


def test_verbatim_has_full_score_and_no_changes() -> None:
    q = check("Officials should avoid putting any part of this plan in writing outside this office.")
    assert q["verdict"] == "verbatim" and q["score"] == 1.0
    assert all(d["op"] == "equal" for d in q["diff"])


def test_not_in_source_has_no_source() -> None:
    q = check("The ministry does not comment on leaked documents.")
    assert q["source"] is None and q["diff"] == []
    assert 0.0 <= q["score"] < 0.6


def test_best_source_among_several() -> None:
    (q,) = check_texts('Khan said: "We will review the decision once the figures are final."',
                       {"a.txt": "Something else entirely about budgets.", "b.txt": SOURCE})
    assert q["verdict"] == "verbatim" and q["source"]["path"] == "b.txt"


def test_source_headers_and_footers_are_not_matched() -> None:
    b = DocumentBuilder()
    b.add("The figures should be delayed until", part="body", page=1)
    b.add("RESTRICTED Page 1 of 2", part="footer", page=1)
    b.add("the new year, when the calendar is quieter.", part="body", page=2)
    src = b.build(format="pdf")
    report = check_quotes(
        'She wrote that "the figures should be delayed until the new year, when the calendar '
        'is quieter."', [src])
    (q,) = report.quotes
    assert q.verdict in ("verbatim", "variation"), q.reasons
    assert q.verdict != "altered"


def test_invisible_characters_in_the_source_do_not_hide_a_quote() -> None:
    src = SOURCE.replace("decision", "deci\u200bsion").replace("figures", "fig\u00adures")
    assert check("We will review the decision once the figures are final.", src)["verdict"] in (
        "verbatim", "variation")


def test_decomposed_accents_match_composed() -> None:
    src = unicodedata.normalize("NFD", "Le ministère a dit que la décision sera revue en été.")
    (q,) = check_texts('Il a dit « la décision sera revue en été ».', {"s": src})
    assert q["verdict"] == "verbatim"


def test_curly_and_straight_apostrophes_are_the_same() -> None:
    src = "The minister’s office said they don’t expect the report before May."
    (q,) = check_texts('He said "they don\'t expect the report before May."', {"s": src})
    assert q["verdict"] == "verbatim"


def test_split_quote_in_source_order_is_verbatim() -> None:
    article = ('"We will review the decision," Khan said, "the release of the figures should '
               'be delayed until the new year."')
    (q,) = check_texts(article, {"s": SOURCE})
    assert q["verdict"] == "variation"  # source words skipped between the parts
    article = ('"We will review the decision once the figures are final," Khan said, '
               '"until then, the release of the figures should be delayed."')
    (q,) = check_texts(article, {"s": SOURCE})
    # each part's edge punctuation and first letter are the journalist's
    assert q["verdict"] == "verbatim"
    article = ('"The national flood risk report is complete," Khan said, "and its findings '
               'show that 41,000 homes in the northern districts face a severe risk."')
    (q,) = check_texts(article, {"s": SOURCE})
    assert q["verdict"] == "verbatim"


def test_document_sources_and_mapping_sources_agree() -> None:
    article = 'Khan said: "We will reverse the decision once the figures are final."'
    a = check_quotes(article, {"memo": SOURCE}).quotes[0]
    b = check_quotes(Document.from_text(article), [Document.from_text(SOURCE)]).quotes[0]
    assert (a.verdict, a.score, a.source_start) == (b.verdict, b.score, b.source_start)


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("abc deф.,'\"“”…[]")), max_size=200),
    st.text(alphabet=st.sampled_from(list("abc deф.,'\"\n")), max_size=300),
)
def test_checking_never_crashes(article: str, source: str) -> None:
    report = check_quotes(article, {"s": source})
    for q in report.quotes:
        assert q.verdict in ("verbatim", "variation", "altered", "not_in_source")
        assert 0.0 <= q.score <= 1.0
        if q.source_start is not None:
            assert 0 <= q.source_start <= (q.source_end or 0) <= len(source)


def test_quote_across_a_page_break_ignores_running_headers_and_footers() -> None:
    b = DocumentBuilder()
    body = [
        "The committee met in private on Monday to consider the draft report and its annexes.",
        "Members agreed that the release of the figures should be delayed until",
        "the new year, when the political calendar is quieter and the maps are checked.",
        "The chair closed the meeting after a short discussion of the budget for next year.",
    ]
    for n, para in enumerate(body, 1):
        b.add(f"RESTRICTED — POLICY\n{para}\nPage {n} of {len(body)}", part="body", page=n)
    src = b.build(format="pdf")
    (q,) = check_quotes('The memo says "the release of the figures should be delayed until the '
                        'new year, when the political calendar is quieter."', [src]).quotes
    assert q.verdict == "verbatim", q.diff


def test_ocr_misreadings_in_the_source_are_a_variation() -> None:
    b = DocumentBuilder()
    b.add("Tbe release of tbe figures should be delayed until the new ycar.", part="ocr", page=1)
    (q,) = check_quotes('She wrote: "The release of the figures should be delayed until the '
                        'new year."', [b.build(format="image")]).quotes
    assert q.verdict == "variation" and any(d.get("note") == "ocr" for d in q.diff)
    b = DocumentBuilder()
    b.add("The release of the figures should be delayed until the new ycar.", part="body")
    (q,) = check_quotes('She wrote: "The release of the figures should be delayed until the '
                        'new year."', [b.build()]).quotes
    assert q.verdict == "altered"  # a text layer is taken at its word


def test_line_end_hyphenation_in_the_source_is_verbatim() -> None:
    src = "We will review the deci-\nsion once the fig-\nures are final.\n"
    (q,) = check_texts('Khan said: "We will review the decision once the figures are final."',
                       {"s": src})
    assert q["verdict"] == "verbatim", q
    assert [d["note"] for d in q["diff"] if d["op"] != "equal"] == ["hyphenation", "hyphenation"]
    (q,) = check_texts('Khan said: "We will review the deci sion once the figures are final."',
                       {"s": "We will review the decision once the figures are final."})
    assert q["verdict"] == "variation"


def test_attachments_of_a_source_are_searched() -> None:
    memo = Document.from_text(SOURCE)
    memo.path = Path("memo.txt")
    mail = Document.from_text("Please find the memo attached.")
    mail.path = Path("mail.eml")
    mail.children.append(memo)
    (q,) = check_quotes('Khan said: "We will review the decision once the figures are final."',
                        [mail]).quotes
    assert q.verdict == "verbatim" and q.source_path == "mail.eml!memo.txt"
