"""The wording detector: a spelling unlike the rest of the document, for review."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leakdesk.detectors import wording
from leakdesk.document import Action, Document, Severity


def run(text: str) -> list:
    return list(wording.detect(Document.from_text(text)))


UK = (
    "The colour of the flag was a matter of honour. Their behaviour showed no favour "
    "to either side, and the labour talks went on. The neighbour agreed. "
)


@pytest.mark.parametrize(
    ("text", "minority", "replacement", "convention"),
    [
        (UK + "The color was wrong.", "color", "colour", "our-or"),
        (UK + "COLOR GUARD.", "COLOR", "COLOUR", "our-or"),
        (UK + "Color matters.", "Color", "Colour", "our-or"),
        (UK + "It was the neighborhood way.", "neighborhood", "neighbourhood", "our-or"),
        (UK + "Their favorite.", "favorite", "favourite", "our-or"),
        (
            "We organised it, realised the risk, recognised the need and apologised. "
            "Then we finalized the text.",
            "finalized",
            "finalised",
            "ise-ize",
        ),
        (
            "The centre, the theatre and the fibre plant; the centres closed. The center opened.",
            "center",
            "centre",
            "re-er",
        ),
        (
            "They travelled, cancelled, labelled and modelled it; then they traveled on.",
            "traveled",
            "travelled",
            "doubled-l",
        ),
        (
            "Defence policy, defence budget, offence taken, defences built. The defense rested.",
            "defense",
            "defence",
            "ce-se",
        ),
    ],
)
def test_minority_spelling(text: str, minority: str, replacement: str, convention: str) -> None:
    (f,) = run(text)
    start = text.index(minority)
    assert (f.start, f.end) == (start, start + len(minority))
    assert f.category == "wording" and f.detector == "wording"
    assert f.severity is Severity.LOW and f.action is Action.REVIEW
    assert f.replacement == replacement
    assert f.evidence["convention"] == convention
    assert f.evidence["count"] == 1 and f.evidence["majority_count"] >= 4


def test_evidence_lists_the_majority_words() -> None:
    (f,) = run(UK + "The color was wrong.")
    assert f.evidence["majority_words"] == ["behaviour", "colour", "favour", "honour", "labour", "neighbour"]
    assert f.evidence["majority"] == "British -our" and f.evidence["variant"] == "American -or"


@pytest.mark.parametrize(
    "text",
    [
        UK,
        UK.replace("our", "or").replace("neighbor", "neighbor"),
        # a watercolor is not a color; a labrador is not labor
        UK + "A watercolor of a labrador.",
        # different conventions do not mix: Oxford spelling (-ize with -our)
        UK + "They organized, realized, recognized and finalized it.",
        # one against one says nothing
        "The colour, then the color.",
        "",
    ],
)
def test_no_finding(text: str) -> None:
    assert run(text) == []


def test_two_against_one_points_a_reviewer_at_the_odd_one() -> None:
    text = "The colour and the colour, then the color."
    (f,) = run(text)
    assert f.excerpt == "color" and f.action is Action.REVIEW and f.severity is Severity.LOW


def test_no_clear_majority_is_one_finding_for_review() -> None:
    text = UK + " The color, the honor, the favor and the labor."
    (f,) = run(text)
    assert f.evidence["clear_majority"] is False and f.action is Action.REVIEW


def test_rules_are_consistent() -> None:
    lex = wording.lexicon()
    assert len(lex.words) > 1000
    for word, (conv, variant, other) in lex.words.items():
        assert word != other
        assert lex.words[other][:2] == (conv, 1 - variant), word
        assert word == word.lower() and len(word) >= 4


def test_words_with_another_meaning_are_not_listed() -> None:
    words = wording.lexicon().words
    for word in ("license", "practise", "program", "meter", "tire", "check", "story", "while", "among"):
        assert word not in words


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_respelled_word_is_found_where_it_was_changed(data) -> None:
    pool = ["colour", "honour", "favour", "labour", "behaviour", "humour", "rumour", "vapour"]
    n = data.draw(st.integers(5, 30))
    words = [data.draw(st.sampled_from(pool)) for _ in range(n)]
    i = data.draw(st.integers(0, n - 1))
    us = words[i].replace("our", "or")
    filler = ["the", "and", "a", "of", "about"]
    parts = []
    pos = None
    text = ""
    for j, w in enumerate(words):
        text += data.draw(st.sampled_from(filler)) + " "
        if j == i:
            pos = len(text)
            text += us
        else:
            text += w
        text += ". " if j % 5 == 4 else " "
        parts.append(w)
    found = run(text)
    hits = [f for f in found if f.start == pos]
    assert len(hits) == 1
    assert hits[0].replacement == words[i]
