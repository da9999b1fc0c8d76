"""The invisible-character detector: every kind found at its offset, innocent uses low."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leakdesk.detectors import invisible
from leakdesk.document import Action, Document, DocumentBuilder, Severity

PROSE = "The minister met the ambassador in Paris on Tuesday and agreed the terms."


def run(text: str) -> list:
    return list(invisible.detect(Document.from_text(text)))


def insert(text: str, pos: int, mark: str) -> str:
    return text[:pos] + mark + text[pos:]


@pytest.mark.parametrize(
    ("char", "kind", "severity", "action", "replacement"),
    [
        ("\u200b", "zero-width", Severity.HIGH, Action.REMOVE, None),
        ("\u200c", "zero-width", Severity.HIGH, Action.REMOVE, None),
        ("\u200d", "zero-width", Severity.HIGH, Action.REMOVE, None),
        ("\u2060", "zero-width", Severity.HIGH, Action.REMOVE, None),
        ("\ufeff", "zero-width", Severity.HIGH, Action.REMOVE, None),
        ("\u180e", "zero-width", Severity.HIGH, Action.REMOVE, None),
        ("\u00ad", "soft-hyphen", Severity.MEDIUM, Action.REMOVE, None),
        ("\u200e", "bidi", Severity.HIGH, Action.REMOVE, None),
        ("\u202e", "bidi", Severity.HIGH, Action.REMOVE, None),
        ("\u2066", "bidi", Severity.HIGH, Action.REMOVE, None),
        ("\U000e0041", "tag", Severity.HIGH, Action.REMOVE, None),
        ("\ufe01", "variation-selector", Severity.HIGH, Action.REMOVE, None),
        ("\U000e0100", "variation-selector", Severity.HIGH, Action.REMOVE, None),
        ("\u2062", "format", Severity.HIGH, Action.REMOVE, None),
        ("\u034f", "ignorable", Severity.HIGH, Action.REMOVE, None),
        ("\u3164", "ignorable", Severity.HIGH, Action.REMOVE, None),
        ("\ue000", "private-use", Severity.MEDIUM, Action.REMOVE, None),
        ("\U000f0001", "private-use", Severity.MEDIUM, Action.REMOVE, None),
        ("\x00", "control", Severity.MEDIUM, Action.REMOVE, None),
        ("\x07", "control", Severity.MEDIUM, Action.REMOVE, None),
        ("\x1b", "control", Severity.MEDIUM, Action.REMOVE, None),
        ("\x85", "line-break", Severity.MEDIUM, Action.NORMALIZE, "\n"),
        ("\u2028", "line-break", Severity.MEDIUM, Action.NORMALIZE, "\n"),
        ("\u2029", "line-break", Severity.MEDIUM, Action.NORMALIZE, "\n"),
    ],
)
def test_each_kind_inside_a_word(char, kind, severity, action, replacement) -> None:
    pos = PROSE.index("ambassador") + 4
    found = run(insert(PROSE, pos, char))
    assert len(found) == 1
    f = found[0]
    assert (f.start, f.end) == (pos, pos + 1)
    assert f.excerpt == char
    assert f.category == "invisible" and f.detector == "invisible"
    assert f.evidence["code_point"] == f"U+{ord(char):04X}"
    assert f.evidence["kind"] == kind
    if unicodedata.name(char, ""):
        assert f.evidence["name"] == unicodedata.name(char)
        assert unicodedata.name(char) in f.message
    assert (f.severity, f.action, f.replacement) == (severity, action, replacement)


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u00a0", "NO-BREAK SPACE"),
        ("\u2009", "THIN SPACE"),
        ("\u200a", "HAIR SPACE"),
        ("\u3000", "IDEOGRAPHIC SPACE"),
        ("\u202f", "NARROW NO-BREAK SPACE"),
        ("\u2007", "FIGURE SPACE"),
        ("\u2003", "EM SPACE"),
        ("\u2002", "EN SPACE"),
        ("\u205f", "MEDIUM MATHEMATICAL SPACE"),
        ("\u1680", "OGHAM SPACE MARK"),
        ("\u2800", "BRAILLE PATTERN BLANK"),
    ],
)
def test_unusual_space_between_words_becomes_a_space(char, name) -> None:
    pos = PROSE.index(" in Paris")
    text = PROSE[:pos] + char + PROSE[pos + 1 :]
    (f,) = run(text)
    assert (f.start, f.end) == (pos, pos + 1)
    assert f.evidence == f.evidence | {"code_point": f"U+{ord(char):04X}", "name": name}
    assert f.action is Action.NORMALIZE and f.replacement == " "
    assert f.severity is Severity.MEDIUM


@pytest.mark.parametrize(
    "text",
    [
        "",
        PROSE,
        "Tabs\tand\nnew lines\r\nand form feeds\f are ordinary text.",
        "Accents are letters: café, naïve, Straße, Łódź, Ελλάδα, Москва.",
        "Typography is not invisible: “quotes”, ‘single’, em—dash, en–dash, … • ©.",
    ],
)
def test_ordinary_text_has_no_finding(text: str) -> None:
    assert run(text) == []


def test_consecutive_identical_characters_are_one_finding() -> None:
    text = "Paris" + "\u200b" * 5 + " is lovely."
    (f,) = run(text)
    assert (f.start, f.end) == (5, 10)
    assert f.evidence["run_length"] == 5
    assert "5 in a row" in f.message


def test_a_zero_width_fingerprint_of_mixed_characters_is_one_finding() -> None:
    code = "\u200b\u200c\u200b\u200b\u200c\u200d"
    text = "Signed" + code + " by the consul."
    (f,) = run(text)
    assert (f.start, f.end) == (6, 6 + len(code))
    assert f.evidence["code_points"] == ["U+200B", "U+200C", "U+200D"]
    assert f.severity is Severity.HIGH


def test_tag_characters_say_what_they_spell() -> None:
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "copy7")
    (f,) = run("Ambassador" + hidden + " arrives.")
    assert f.evidence["hidden_text"] == "copy7"
    assert "'copy7'" in f.message


def test_different_kinds_next_to_each_other_stay_apart() -> None:
    text = "Paris\u200b\u00a0Berlin"
    kinds = [f.evidence["kind"] for f in run(text)]
    assert kinds == ["zero-width", "space"]


@pytest.mark.parametrize(
    ("text", "offset", "why"),
    [
        ("\ufeffReport of the meeting.", 0, "byte order mark"),
        ("Family: \U0001f468\u200d\U0001f469\u200d\U0001f467 at home.", 9, "emoji"),
        ("I love it \u2764\ufe0f very much.", 11, "symbol or emoji"),
        ("Persian: \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 now.", 11, "joiner"),
        ("Hindi: \u0915\u094d\u200d\u0937 text.", 9, "joiner"),
        ("Hebrew \u05e9\u05dc\u05d5\u05dd \u200f(peace) here.", 12, "right-to-left"),
        ("Ends with two spaces.\u00a0 Then more.", 21, "beside an ordinary"),
    ],
)
def test_innocent_uses_are_low(text: str, offset: int, why: str) -> None:
    found = [f for f in run(text) if f.start == offset]
    assert len(found) == 1, run(text)
    assert found[0].severity is Severity.LOW
    assert why in found[0].message


def test_bom_inside_the_text_is_high_but_at_a_segment_start_is_low() -> None:
    assert run("Report\ufeff of the meeting.")[0].severity is Severity.HIGH
    b = DocumentBuilder()
    b.add("Title", part="metadata")
    start, _ = b.add("\ufeffBody text here.", part="body")
    (f,) = invisible.detect(b.build())
    assert f.start == start and f.severity is Severity.LOW


def test_a_frequent_unusual_space_is_low_and_says_so() -> None:
    text = " ".join(f"item{i}\u00a0km" for i in range(8))
    found = run(text)
    assert len(found) == 8
    assert all(f.severity is Severity.LOW for f in found)
    assert "8 of them" in found[0].message


def test_soft_hyphen_kept_low_when_the_document_is_full_of_them() -> None:
    words = ["inter\u00adnational", "govern\u00adment", "corre\u00adspondence"] * 3
    found = run(" ".join(words))
    assert found and all(f.severity is Severity.LOW for f in found)


def test_finding_offsets_match_excerpt_in_a_multi_part_document() -> None:
    b = DocumentBuilder()
    b.add("Author: J\u200bSmith", part="metadata")
    b.add("Body with a thin\u2009space.", part="body")
    doc = b.build()
    found = invisible.detect(doc)
    assert [f.location.part for f in found] == ["metadata", "body"]
    for f in found:
        assert doc.text[f.start : f.end] == f.excerpt


# -- properties -----------------------------------------------------------------------

_ASCII_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.sampled_from("\t\n\r\f"),
    max_size=200,
)


def _table_chars() -> list[str]:
    tab = invisible.table()
    chars = []
    for a, b in zip(tab.starts, tab.ends, strict=True):
        if 0xD800 <= a <= 0xDFFF:
            continue
        chars.extend(chr(c) for c in sorted({a, (a + b) // 2, b}))
    return chars


@settings(max_examples=200, deadline=None)
@given(text=_ASCII_TEXT, data=st.data())
def test_any_reported_character_is_found_at_its_offset(text: str, data) -> None:
    mark = data.draw(st.sampled_from(_table_chars()))
    pos = data.draw(st.integers(0, len(text)))
    marked = insert(text, pos, mark)
    found = run(marked)
    hits = [f for f in found if f.start <= pos < f.end]
    assert len(hits) == 1
    assert hits[0].evidence["code_point"] == f"U+{ord(mark):04X}" or (
        f"U+{ord(mark):04X}" in hits[0].evidence.get("code_points", [])
    )


@settings(max_examples=200, deadline=None)
@given(text=_ASCII_TEXT)
def test_printable_ascii_never_yields_a_finding(text: str) -> None:
    assert run(text) == []


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=300))
def test_findings_cover_exactly_the_reported_characters(text: str) -> None:
    for f in run(text):
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.excerpt
        kinds = {invisible.table().kind(c) for c in f.excerpt}
        assert kinds == {f.evidence["kind"]}


# -- the shipped table -----------------------------------------------------------------


def test_table_holds_every_character_python_calls_invisible() -> None:
    tab = invisible.table()
    for cp in range(0x110000):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if ch in "\t\n\r\f ":
            continue
        if cat in ("Cf", "Co", "Cs", "Zs", "Zl", "Zp", "Cc"):
            assert tab.kind(ch) is not None, f"U+{cp:04X} {cat} missing"


@pytest.mark.slow
def test_table_matches_the_unicode_data_it_was_generated_from() -> None:
    from leakdesk.detectors._convention import load_rules

    shipped = [
        (int(r["from"], 16), int(r["to"], 16), r["kind"])
        for r in load_rules(invisible.TABLE)["ranges"]
    ]
    assert shipped == invisible.build_table(), (
        "rules/invisible_chars.yaml is out of date: run "
        "python -m leakdesk.detectors.invisible --write-table"
    )
