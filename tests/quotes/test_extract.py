"""Quotation extraction: every quote style, apostrophes, nesting, splits, blocks, bad marks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leakdesk.quotes.extract import QUOTE_MARKS, extract, extract_quotes


def texts(article: str) -> list[str]:
    return [q.text for q in extract_quotes(article)]


@pytest.mark.parametrize(
    ("article", "expected"),
    [
        pytest.param('He said "we will go" today.', ["we will go"], id="straight-double"),
        pytest.param("He said “we will go” today.", ["we will go"], id="curly-double"),
        pytest.param('"Yes."', ["Yes."], id="whole-line"),
        pytest.param(
            "She called it 'the reset' but didn't explain the 1990s plan or the students' union.",
            ["the reset"], id="straight-single-vs-apostrophes",
        ),
        pytest.param("‘We don’t know,’ he said of the ’90s.", ["We don’t know,"],
                     id="curly-single-with-apostrophes"),
        pytest.param("It was the so-called ‘reset’ policy, O’Brien’s idea.", ["reset"],
                     id="scare-quote-curly-single"),
        pytest.param("The students’ union and the Joneses’ car: ‘no comment’.", ["no comment"],
                     id="plural-possessives"),
        pytest.param("'Tis the season, he said 'now or never' loudly.", ["now or never"],
                     id="elision-then-quote"),
        pytest.param("Il a dit « nous partons » hier.", ["nous partons"], id="guillemets-french"),
        pytest.param("Il a dit «nous partons» hier.", ["nous partons"], id="guillemets-tight"),
        pytest.param("Er sagte »wir gehen« heute.", ["wir gehen"], id="guillemets-german"),
        pytest.param("Er sagte „wir gehen“ heute.", ["wir gehen"], id="low-9-double"),
        pytest.param("Er sagte ‚nein‘ dazu.", ["nein"], id="low-9-single"),
        pytest.param("Han sa ”vi går” i dag.", ["vi går"], id="swedish"),
        pytest.param("彼は「行きます」と言った。", ["行きます"], id="corner-brackets"),
        pytest.param("彼は「『はい』と言った」と書いた。", ["『はい』と言った"], id="corner-nested"),
        pytest.param("He said ＂ok＂ then.", ["ok"], id="fullwidth"),
        pytest.param('"He said \'no\' twice," she said.', ["He said 'no' twice,"],
                     id="nested-straight"),
        pytest.param("“He called it ‘the reset’ twice,” she said.",
                     ["He called it ‘the reset’ twice,"], id="nested-curly"),
        pytest.param("‘He said “no” twice,’ she said.", ["He said “no” twice,"],
                     id="nested-british"),
        pytest.param('"We will review it," he said, "and we will act."',
                     ["We will review it, and we will act."], id="split-by-attribution"),
        pytest.param('"We will review it", he said, "and we will act."',
                     ["We will review it and we will act."], id="split-comma-outside"),
        pytest.param('"We will review it," said Ahmed Khan, the foreign minister, "and act."',
                     ["We will review it, and act."], id="split-long-attribution"),
        pytest.param('"We will review it," he said. "Then we act."',
                     ["We will review it,", "Then we act."], id="two-sentences-two-quotes"),
        pytest.param('She called it "reckless" and "naive".', ["reckless", "naive"],
                     id="two-terms-not-split"),
        pytest.param("A line\n\n> First line of the block quote\n> and its second line.\n\nAfter.",
                     ["First line of the block quote and its second line."], id="block-gt"),
        pytest.param(
            "First paragraph here.\n\nSecond paragraph.\n\n"
            "    The indented paragraph is a block quote from the memo.\n\nThird paragraph.",
            ["The indented paragraph is a block quote from the memo."], id="block-indented",
        ),
        pytest.param(
            "Intro.\n\n> \"A block quote in its own marks, here.\"\n\nAfter.",
            ["A block quote in its own marks, here."], id="block-with-marks",
        ),
    ],
)
def test_quote_styles(article: str, expected: list[str]) -> None:
    assert texts(article) == expected


def test_multi_paragraph_quote() -> None:
    article = (
        "“The first paragraph of the statement is here.\n\n"
        "“The second paragraph repeats the opening mark.\n\n"
        "“And the last one closes it,” Khan said.\n"
    )
    ex = extract(article)
    assert len(ex.quotes) == 1
    q = ex.quotes[0]
    assert q.joins == ["paragraph", "paragraph"]
    assert q.text == ("The first paragraph of the statement is here. The second paragraph "
                      "repeats the opening mark. And the last one closes it,")
    assert ex.unbalanced == []


def test_multi_paragraph_straight_quotes() -> None:
    article = ('"We have reviewed every figure in the report.\n\n'
               '"We stand by them," the statement said.\n')
    qs = extract_quotes(article)
    assert [q.text for q in qs] == [
        "We have reviewed every figure in the report. We stand by them,"]


def test_split_quote_parts_and_offsets() -> None:
    article = 'Intro. "We will review it," he said, "and we will act." End.'
    q = extract_quotes(article)[0]
    assert [article[a:b] for a, b in q.parts] == ["We will review it,", "and we will act."]
    assert q.joins == ["split"]
    assert article[q.outer_start] == '"' and article[q.outer_end - 1] == '"'


def test_hard_wrapped_quote_spans_lines() -> None:
    article = ("The memo, seen by this newspaper and dated in March, says that \"the\n"
               "figures should be delayed until the new year, when the political\n"
               "calendar is quieter\" and that the minister agreed to this.\n")
    (q,) = extract_quotes(article)
    assert " ".join(q.text.split()) == ("the figures should be delayed until the new year, "
                                        "when the political calendar is quieter")


@pytest.mark.parametrize(
    ("article", "mark", "offset"),
    [
        ('He said "we will go today.\n\nThen he left.', '"', 8),
        ("He said “we will go today.\nShe said “no” to that.", "“", 8),
        ("Unmatched ” closer here.", "”", 10),
        ("Er sagte »wir gehen heute.", "»", 9),
    ],
)
def test_unbalanced_marks_reported(article: str, mark: str, offset: int) -> None:
    ex = extract(article)
    assert any(u.offset == offset and u.mark == mark for u in ex.unbalanced), ex.unbalanced
    # the rest of the article is still read
    for q in ex.quotes:
        assert 0 <= q.start <= q.end <= len(article)


def test_unclosed_quote_ends_at_its_line_and_next_quote_survives() -> None:
    ex = extract("He said “we will go today.\nShe said “no” to that.")
    assert [q.text for q in ex.quotes] == ["we will go today.", "no"]
    assert ex.quotes[0].unclosed


def test_apostrophes_alone_give_no_quote_and_no_complaint() -> None:
    ex = extract("It's the students' union, the Joneses' car, rock 'n' roll and the '90s.")
    assert ex.quotes == []
    assert ex.unbalanced == []


# -- properties -----------------------------------------------------------------

_ALPHABET = st.sampled_from([*QUOTE_MARKS, *"ab Z.,;:!?\n\n>-—…[]()", " ", "    ", "\t"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_ALPHABET, st.text(max_size=4)), max_size=120).map("".join))
def test_extraction_never_crashes_and_spans_hold(article: str) -> None:
    ex = extract(article)
    n = len(article)
    for q in ex.quotes:
        assert 0 <= q.start <= q.end <= n
        assert q.parts and all(0 <= a <= b <= n for a, b in q.parts)
        assert all(q.start <= a and b <= q.end for a, b in q.parts)
        assert q.text == " ".join(article[a:b] for a, b in q.parts)
        for a, b in q.parts:
            assert article[a:b] in article[q.start : q.end]
        assert 0 <= q.outer_start <= q.start and q.end <= q.outer_end <= n
    for u in ex.unbalanced:
        assert 0 <= u.offset < n and article[u.offset] == u.mark


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_extraction_on_arbitrary_unicode(article: str) -> None:
    for q in extract_quotes(article):
        assert 0 <= q.start <= q.end <= len(article)
        assert q.text == " ".join(article[a:b] for a, b in q.parts)
