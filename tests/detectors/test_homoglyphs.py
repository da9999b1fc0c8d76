"""The homoglyph detector: mixed-script, look-alike and whole-script words (Unicode TS #39)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from leakdesk.detectors import homoglyphs
from leakdesk.document import Action, Document, Severity


def run(text: str) -> list:
    return list(homoglyphs.detect(Document.from_text(text)))


@pytest.mark.parametrize(
    ("text", "word", "intended", "kind", "severity", "foreign"),
    [
        # Cyrillic а (U+0430) in Paris
        ("We met in P\u0430ris last week.", "P\u0430ris", "Paris", "mixed-script", Severity.HIGH, ["U+0430"]),
        # Greek capital Omicron in Ottawa
        ("The cable from \u039fttawa arrived.", "\u039fttawa", "Ottawa", "mixed-script", Severity.HIGH, ["U+039F"]),
        # two Cyrillic letters in an all-caps marking
        ("S\u0415CR\u0415T // NOFORN", "S\u0415CR\u0415T", "SECRET", "mixed-script", Severity.HIGH, ["U+0415", "U+0415"]),
        # Cyrillic і and ѕ
        ("The m\u0456n\u0456ster said no.", "m\u0456n\u0456ster", "minister", "mixed-script", Severity.HIGH, ["U+0456", "U+0456"]),
        # a zero-width space inside the word is dropped from the intended word
        ("Visit P\u200b\u0430ris soon.", "P\u200b\u0430ris", "Paris", "mixed-script", Severity.HIGH, ["U+0430"]),
        # Cyrillic capital I is read as I, not as the skeleton's l
        ("The \u0406MF loan.", "\u0406MF", "IMF", "mixed-script", Severity.HIGH, ["U+0406"]),
        # a Latin o inside a Cyrillic word: the intended word is Cyrillic
        ("\u041cocкв\u0430 is far.", "\u041cocкв\u0430", "\u041c\u043e\u0441\u043a\u0432\u0430", "mixed-script", Severity.HIGH, ["U+006F", "U+0063"]),
        # look-alikes that are not another script's letters
        ("Flights to Par\u0131s resume.", "Par\u0131s", "Paris", "lookalike", Severity.MEDIUM, ["U+0131"]),
        ("The \uff30aris office.", "\uff30aris", "Paris", "lookalike", Severity.HIGH, ["U+FF30"]),
        ("Year 2\u041e22 budget.", "2\u041e22", "2022", "lookalike", Severity.HIGH, ["U+041E"]),
        ("Ref 11\uff1242 attached.", "11\uff1242", "11242", "lookalike", Severity.HIGH, ["U+FF12"]),
        ("The \U0001d40fresident spoke.", "\U0001d40fresident", "President", "lookalike", Severity.HIGH, ["U+1D40F"]),
        # a whole Cyrillic word that reads as English, between English words
        ("Move it to the \u0422\u043e\u0440 shelf now.", "\u0422\u043e\u0440", "Top", "whole-script", Severity.MEDIUM, ["U+0422", "U+043E", "U+0440"]),
    ],
)
def test_homoglyph_words(text, word, intended, kind, severity, foreign) -> None:
    (f,) = run(text)
    start = text.index(word)
    assert (f.start, f.end) == (start, start + len(word))
    assert f.excerpt == word
    assert f.category == "homoglyph"
    assert f.action is Action.NORMALIZE and f.replacement == intended
    assert f.evidence["kind"] == kind and f.evidence["intended"] == intended
    assert f.severity is severity
    chars = f.evidence["characters"]
    assert [c["code_point"] for c in chars] == foreign
    for c in chars:
        assert text[c["offset"]] == chr(int(c["code_point"][2:], 16))
        assert c["name"] and c["script"] and c["looks_like"]
    assert intended in f.message


def test_evidence_names_the_scripts() -> None:
    (f,) = run("P\u0430ris")
    assert f.evidence["scripts"] == ["Cyrillic", "Latin"]
    (c,) = f.evidence["characters"]
    assert c == {
        "offset": 1,
        "code_point": "U+0430",
        "name": "CYRILLIC SMALL LETTER A",
        "script": "Cyrillic",
        "looks_like": "a",
    }


@pytest.mark.parametrize(
    "text",
    [
        "Plain ASCII prose about Paris and Ottawa.",
        "Accented words are real words: café, naïve, Straße, Łukasz, São Paulo, Ærø, Dvořák.",
        "A Russian sentence stays Russian: Москва — столица России.",
        "Greek stays Greek: Η Αθήνα είναι η πρωτεύουσα.",
        "Japanese mixes scripts normally: 日本語のテキストとカタカナ.",
        "Korean too: 한국어 漢字 text.",
        "Tokyo東京 is a mixed word with no look-alike.",
        "Maths: solve 4258𝑥 + 147𝑦 = 369 for 𝑥.",
        "Units: 5 μm, 3 Ω, ∆x and π r².",
        "A Russian word between English ones: the word да means yes.",
        "Emoji are not letters: 👍🏽 and 🇫🇷.",
        "Turkish words with their own letters: Kılıç, İstanbul, şehir.",
    ],
)
def test_no_finding(text: str) -> None:
    assert run(text) == []


def test_whole_script_word_needs_english_neighbours() -> None:
    # the same word inside Russian text is just Russian
    assert run("Это \u0422\u043e\u0440 здесь.") == []
    # a single letter is not a word worth reporting
    assert run("the letter \u0430 alone") == []


def test_offsets_are_exact_in_longer_text() -> None:
    text = ("The ambassador met the minister. " * 20) + "Then P\u0430ris." + (" More text." * 5)
    (f,) = run(text)
    assert text[f.start : f.end] == "P\u0430ris"


# -- properties -----------------------------------------------------------------------

_ASCII_WORDS = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=12),
    min_size=1,
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(words=_ASCII_WORDS, sep=st.sampled_from([" ", "\n", ", ", ". ", " “", "” ", "—", "\u00a0"]))
def test_ascii_words_never_yield_a_homoglyph(words: list[str], sep: str) -> None:
    assert run(sep.join(words)) == []


# Cyrillic and Greek letters that TS #39 maps to one ASCII letter each
_SWAPS = {
    "a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "x": "\u0445",
    "y": "\u0443", "i": "\u0456", "j": "\u0458", "s": "\u0455", "A": "\u0410", "B": "\u0412",
    "E": "\u0415", "K": "\u041a", "M": "\u041c", "H": "\u041d", "O": "\u039f", "P": "\u0420",
    "C": "\u0421", "T": "\u0422", "X": "\u03a7", "Y": "\u03a5", "Z": "\u0396", "N": "\u039d",
}


@settings(max_examples=300, deadline=None)
@given(
    before=st.lists(st.from_regex(r"[a-z]{1,9}", fullmatch=True), max_size=8),
    word=st.from_regex(r"[A-Za-z]{2,12}", fullmatch=True),
    after=st.lists(st.from_regex(r"[a-z]{1,9}", fullmatch=True), max_size=8),
    data=st.data(),
)
def test_a_swapped_letter_is_found_with_the_original_word(before, word, after, data) -> None:
    positions = [i for i, c in enumerate(word) if c in _SWAPS]
    assume(positions)
    i = data.draw(st.sampled_from(positions))
    marked = word[:i] + _SWAPS[word[i]] + word[i + 1 :]
    prefix = " ".join([*before, ""])
    text = prefix + marked + " " + " ".join(after)
    found = run(text)
    pos = len(prefix) + i
    hits = [f for f in found if f.start <= pos < f.end]
    assert len(hits) == 1
    assert hits[0].replacement == word
    assert hits[0].severity in (Severity.HIGH, Severity.MEDIUM)
