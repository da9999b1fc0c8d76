"""Repeated paragraphs in an article, and passages of one text copied from another."""

from __future__ import annotations

import textwrap

from leakdesk.quotes import find_duplicates, find_reuse
from leakdesk.quotes.extract import paragraphs

P1 = "The memo, dated 3 March, was written by the deputy minister to the private office."
P2 = "A spokesperson for the ministry said the report would be published in due course."
P3 = "Campaigners said the delay put thousands of homes at risk of flooding this winter."


def test_exact_repeats_grouped_with_offsets() -> None:
    text = "\n\n".join([P1, P2, P3, P1, "Short line.", "Short line.", P2]) + "\n"
    dups = find_duplicates(text)
    assert [d.text for d in dups] == [P1, P2]
    for d in dups:
        assert len(d.occurrences) == 2
        for a, b in d.occurrences:
            assert text[a:b] == d.text


def test_near_repeat_found_with_similarity() -> None:
    edited = P3.replace("this winter", "this year")
    text = "\n\n".join([P3, P1, edited])
    (d,) = find_duplicates(text)
    assert d.occurrences[0][0] == 0
    assert text[d.occurrences[1][0] : d.occurrences[1][1]] == edited
    assert 0.9 <= d.similarity < 1.0


def test_different_paragraphs_are_not_duplicates() -> None:
    assert find_duplicates("\n\n".join([P1, P2, P3])) == []


def test_one_paragraph_per_line_articles() -> None:
    text = "\n".join([P1, P2, P1]) + "\n"
    (d,) = find_duplicates(text)
    assert d.text == P1 and len(d.occurrences) == 2


def test_reuse_passages_and_share() -> None:
    a = "Original report. " + P1 + " " + P2 + " Some other closing words of the original."
    b = "New article opens with its own words here. " + P1 + " Then it says something new. " + P2
    report = find_reuse(a, b)
    assert len(report.passages) == 2
    for p in report.passages:
        assert a[p.a_start : p.a_end] == p.a_text
        assert b[p.b_start : p.b_end] == p.b_text
        assert p.similarity == 1.0
    words_b = len(b.split())
    assert abs(report.copied_share - report.copied_words / words_b) < 0.01
    assert 0.5 < report.copied_share < 0.85


def test_reuse_tolerates_small_edits() -> None:
    a = P1 + " " + P2
    b = P1.replace("deputy minister", "junior minister") + " " + P2
    report = find_reuse(a, b)
    assert len(report.passages) == 1
    assert 0.9 < report.passages[0].similarity < 1.0


def test_no_reuse() -> None:
    report = find_reuse(P1, P3)
    assert report.passages == [] and report.copied_share == 0.0


def test_repeated_run_found_when_paragraphs_cannot_be_told_apart() -> None:
    # hard-wrapped text with no blank lines: one "paragraph" for the splitter
    text = textwrap.fill(" ".join([P1, P2, P3, P1, P2]), width=60) + "\n"
    assert len(paragraphs(text)) == 1
    dups = find_duplicates(text)
    assert len(dups) == 1
    a, b = dups[0].occurrences
    assert " ".join(text[a[0] : a[1]].split()) == " ".join(text[b[0] : b[1]].split())
    assert len(text[a[0] : a[1]].split()) >= 20
