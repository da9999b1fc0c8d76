"""Whitespace and typography fingerprints: the minority variant of each convention."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leakdesk.detectors import typography
from leakdesk.document import Action, Document, DocumentBuilder, Severity

SENTENCES = [
    "The minister met the ambassador on Tuesday",
    "They agreed to meet again before the summit",
    "Nobody else was told about the meeting",
    "The embassy sent a short note to the capital",
    "A second note followed later in the evening",
    "The press office said nothing about it",
    "Officials in the ministry were not informed",
    "The delegation left early the next morning",
    "Talks will resume after the holiday",
    "The ambassador declined to comment further",
    "A spokesman confirmed the date of the visit",
    "The agenda was kept short on purpose",
]


def prose(sep: str = " ", n: int = 12) -> str:
    return sep.join(s + "." for s in (SENTENCES * 3)[:n]) + "\n"


def typo(text: str) -> list:
    return list(typography.detect_typography(Document.from_text(text)))


def ws(text: str) -> list:
    return list(typography.detect_whitespace(Document.from_text(text)))


def only(findings: list, convention: str) -> list:
    return [f for f in findings if f.evidence.get("convention") == convention]


# -- apostrophes and quotes -------------------------------------------------------------

CURLY = (
    "The minister’s aide didn’t call. The embassy’s note wasn’t sent. "
    "They’re late and it’s raining. We’ll see what the ambassador’s office can’t do. "
)


def test_straight_apostrophe_among_curly_ones() -> None:
    text = CURLY + "The consul's car was late."
    (f,) = only(typo(text), "apostrophe")
    pos = text.index("consul's") + 6
    assert (f.start, f.end) == (pos, pos + 1)
    assert f.severity is Severity.MEDIUM and f.action is Action.NORMALIZE
    assert f.replacement == "’"
    assert f.evidence["variant"] == "straight (')" and f.evidence["majority"] == "curly (’)"
    assert f.evidence["majority_count"] == 9 and f.evidence["count"] == 1


def test_curly_apostrophe_among_straight_ones() -> None:
    text = CURLY.replace("’", "'") + "The consul’s car was late."
    (f,) = only(typo(text), "apostrophe")
    assert f.excerpt == "’" and f.replacement == "'"


def test_code_is_not_counted_against_curly_apostrophes() -> None:
    text = CURLY + "Use b'bytes' or scope_test's value or os.path's join."
    assert only(typo(text), "apostrophe") == []


def test_tiny_sample_is_not_reported() -> None:
    assert typo("It’s late. Don't go. Isn’t it?") == []


def test_no_clear_majority_is_one_low_finding_for_review() -> None:
    text = CURLY + CURLY.replace("’", "'")
    (f,) = only(typo(text), "apostrophe")
    assert f.severity is Severity.LOW and f.action is Action.REVIEW
    assert f.evidence["clear_majority"] is False
    assert len(f.evidence["offsets"]) == 9


DQ = " ".join(f"He said “{s.lower()}” and left." for s in SENTENCES[:6]) + " "


def test_straight_double_quote_among_curly_ones() -> None:
    text = DQ + "Then “we agree\" said the consul."
    (f,) = only(typo(text), "double-quotes")
    assert f.excerpt == '"' and f.replacement == "”" and f.severity is Severity.MEDIUM
    text = DQ + 'Then "we agree” said the consul.'
    (f,) = only(typo(text), "double-quotes")
    assert f.replacement == "“"


def test_a_straight_pair_among_curly_quotes_is_low() -> None:
    text = DQ + 'The string is "spam" here.'
    found = only(typo(text), "double-quotes")
    assert len(found) == 2
    assert all(f.severity is Severity.LOW and f.evidence["paired"] for f in found)


def test_single_quotes() -> None:
    text = " ".join(f"The word ‘{w}’ was used." for w in ("alpha", "beta", "gamma", "delta")) + (
        " The word 'omega’ was not."
    )
    (f,) = only(typo(text), "single-quotes")
    assert f.excerpt == "'" and f.replacement == "‘"


# -- dashes and ellipses -------------------------------------------------------------


def test_en_dash_where_the_document_uses_em_dashes() -> None:
    parts = [f"{s}—and more" for s in SENTENCES]
    text = ". ".join(parts) + ". The talks – so far – went well."
    found = only(typo(text), "dash")
    assert [f.excerpt for f in found] == [" – ", " – "]
    assert all(f.replacement == "—" for f in found)
    assert found[0].severity is Severity.MEDIUM


def test_double_hyphen_document_with_one_em_dash() -> None:
    text = " ".join(f"{s}--and more." for s in SENTENCES[:8]) + " Then—suddenly—rain."
    found = only(typo(text), "dash")
    assert [f.excerpt for f in found] == ["—", "—"]
    assert all(f.replacement == "--" for f in found)


def test_command_line_options_are_not_dashes() -> None:
    text = " ".join(f"{s}—and more." for s in SENTENCES[:8]) + " Run it with --verbose."
    assert only(typo(text), "dash") == []


def test_en_dash_in_a_compound_word() -> None:
    words = "well-known long-term so-called high-level follow-up short-lived".split()
    text = " ".join(f"A {w} plan." for w in words) + " A self–made man."
    (f,) = only(typo(text), "compound-hyphen")
    assert f.excerpt == "–" and f.replacement == "-"
    text = " ".join(f"A {w} plan." for w in words) + " A self\u2011made man."
    (f,) = only(typo(text), "compound-hyphen")
    assert f.excerpt == "\u2011" and f.evidence["variant"].startswith("non-breaking hyphen")


def test_ellipsis() -> None:
    text = " ".join(f"{s}..." for s in SENTENCES[:6]) + " And then… nothing."
    (f,) = only(typo(text), "ellipsis")
    assert f.excerpt == "…" and f.replacement == "..."


# -- spaces ---------------------------------------------------------------------------


def test_double_space_inside_a_sentence() -> None:
    text = prose()
    pos = text.index("met the") + 3
    marked = text[:pos] + " " + text[pos:]
    (f,) = only(ws(marked), "word-spacing")
    assert (f.start, f.end) == (pos, pos + 2)
    assert f.replacement == " " and f.severity is Severity.MEDIUM
    assert f.category == "whitespace" and f.detector == "whitespace"


def test_two_spaces_between_sentences_where_the_document_uses_one() -> None:
    text = prose()
    pos = text.index(". ", 200) + 1
    marked = text[:pos] + " " + text[pos:]
    (f,) = only(ws(marked), "sentence-spacing")
    assert (f.start, f.end) == (pos, pos + 2)
    assert f.replacement == " " and f.severity is Severity.MEDIUM


def test_one_space_between_sentences_where_the_document_uses_two() -> None:
    text = prose("  ")
    pos = text.index(".  ", 200) + 1
    marked = text[:pos] + text[pos + 1 :]
    (f,) = only(ws(marked), "sentence-spacing")
    assert (f.start, f.end) == (pos, pos + 1)
    assert f.replacement == "  "


def test_abbreviations_are_not_sentence_gaps() -> None:
    text = prose("  ") + "Mr. Smith met Dr. Jones and J. Doe.  They left.\n"
    assert only(ws(text), "sentence-spacing") == []


def test_aligned_columns_are_layout_not_double_spaces() -> None:
    table = "Name    Post      City\nSmith   Consul    Paris\nJones   Attache   Rome\n"
    assert only(ws(prose() + table), "word-spacing") == []
    assert only(ws(prose() + "TO:      SECSTATE WASHDC\n"), "word-spacing") == []


def test_trailing_space() -> None:
    lines = [s + "." for s in SENTENCES]
    lines[4] += "  "
    text = "\n".join(lines) + "\n"
    (f,) = only(ws(text), "trailing-space")
    assert text[f.start : f.end] == "  " and text[f.end] == "\n"
    assert f.replacement == "" and f.severity is Severity.MEDIUM


def test_many_trailing_spaces_are_not_a_deviation() -> None:
    text = "\n".join(s + ". " for s in SENTENCES) + "\n"
    assert only(ws(text), "trailing-space") == []


# -- line endings and indentation -------------------------------------------------------


def test_one_crlf_among_lf_line_endings() -> None:
    lines = [s + "." for s in SENTENCES]
    text = "\n".join(lines[:5]) + "\r\n" + "\n".join(lines[5:]) + "\n"
    (f,) = only(ws(text), "line-ending")
    assert text[f.start : f.end] == "\r\n"
    assert f.replacement == "\n" and f.severity is Severity.MEDIUM


def test_one_lf_among_crlf_line_endings() -> None:
    lines = [s + "." for s in SENTENCES]
    text = "\r\n".join(lines[:5]) + "\n" + "\r\n".join(lines[5:]) + "\r\n"
    (f,) = only(ws(text), "line-ending")
    assert text[f.start : f.end] == "\n" and f.replacement == "\r\n"


def test_builder_separators_are_not_line_endings() -> None:
    b = DocumentBuilder()
    b.add("\r\n".join(s + "." for s in SENTENCES) + "\r\n", part="body")
    b.add("Author Name", part="metadata")
    b.add("Title", part="metadata")
    doc = b.build()
    assert only(typography.detect_whitespace(doc), "line-ending") == []


def test_tab_indented_line_among_space_indented_ones() -> None:
    text = "".join(f"    {s}.\n" for s in SENTENCES) + "\tThe odd line.\n"
    (f,) = only(ws(text), "indentation-character")
    assert text[f.start : f.end] == "\t" and f.replacement == "    "


def test_odd_indentation_is_low() -> None:
    text = "".join(f"    {s}.\n        more.\n" for s in SENTENCES) + "     Five spaces.\n"
    (f,) = only(ws(text), "indentation-width")
    assert text[f.start : f.end] == "     " and f.severity is Severity.LOW
    assert f.replacement == "    "


CABLE = (
    "SUBJECT: TALKS WITH THE MINISTER\n\n"
    "1. THE MINISTER SAID HE WOULD NOT ATTEND. WE DO NOT EXPECT A CHANGE -- HE IS FIRM.\n"
    "2. THE EMBASSY VIEW IS THAT THE TALKS WILL GO AHEAD IN ANY CASE, AS PLANNED.\n"
    "3. COMMENT: THE DELEGATION WILL REPORT AFTER THE SECOND ROUND.\n"
)


@pytest.mark.parametrize(
    ("mark", "replacement"), [("’", "'"), ("“", '"'), ("—", "--"), ("…", "...")]
)
def test_one_typographic_character_in_an_ascii_document(mark: str, replacement: str) -> None:
    pos = CABLE.index("EMBASSY") + 7
    text = CABLE[:pos] + mark + CABLE[pos:]
    (f,) = typo(text)
    assert (f.start, f.end) == (pos, pos + 1)
    assert f.severity is Severity.MEDIUM and f.replacement == replacement
    assert f.evidence["convention"] == "ascii"


def test_ascii_rule_needs_a_real_document_and_few_characters() -> None:
    assert typo("It’s short.") == []
    many = CABLE.replace("THE", "TH’E", 5)
    assert only(typo(many), "ascii") == []


def test_consistent_document_has_no_finding() -> None:
    text = prose() + CURLY + "\n" + DQ + "\n"
    assert ws(text) == []
    assert typo(text) == []


# -- properties -----------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_swapped_apostrophe_is_found_where_it_was_made(data) -> None:
    n = data.draw(st.integers(6, 40))
    words = ["don’t", "it’s", "minister’s", "they’re", "can’t", "wasn’t", "embassy’s"]
    chosen = [data.draw(st.sampled_from(words)) for _ in range(n)]
    text = " and ".join(chosen) + "."
    positions = [i for i, c in enumerate(text) if c == "’"]
    pos = data.draw(st.sampled_from(positions))
    marked = text[:pos] + "'" + text[pos + 1 :]
    hits = [f for f in only(typo(marked), "apostrophe") if f.start <= pos < f.end]
    assert len(hits) == 1
    assert hits[0].replacement == "’"
    assert hits[0].severity is Severity.MEDIUM


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_inserted_double_space_is_found(data) -> None:
    text = prose(n=data.draw(st.integers(4, 30)))
    spaces = [i for i, c in enumerate(text) if c == " " and text[i - 1].isalpha()]
    pos = data.draw(st.sampled_from(spaces))
    marked = text[:pos] + " " + text[pos:]
    hits = [f for f in ws(marked) if f.start <= pos < f.end]
    assert len(hits) == 1 and hits[0].replacement == " "


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=400))
def test_findings_stay_inside_the_text(text: str) -> None:
    doc = Document.from_text(text)
    for f in [*typography.detect_typography(doc), *typography.detect_whitespace(doc)]:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.excerpt
        assert f.severity in (Severity.MEDIUM, Severity.LOW)


def test_planted_invisible_and_lookalike_characters_do_not_hide_a_lone_curly_quote() -> None:
    """A telegram in ASCII with a zero-width space and a Cyrillic "о" planted (other
    detectors' marks) is still an ASCII document: its one curly apostrophe stands out."""
    body = ("THE MINISTER SAID THE TALKS WOULD RESUME IN MARCH. " * 6
            + "IT IS THE GOVERNMENT\u2019S VIEW THAT N\u043eRLAND WILL WAIT.\u200b " + "END OF MESSAGE. " * 4)
    found = [f for f in typo(body) if f.evidence.get("convention") == "ascii"]
    assert len(found) == 1 and found[0].severity is Severity.MEDIUM
    assert body[found[0].location.start] == "\u2019" and found[0].replacement == "'"
    # without the planted marks the verdict is the same
    plain = body.replace("\u200b", "").replace("\u043e", "O")
    assert [f.location.start for f in typo(plain) if f.evidence.get("convention") == "ascii"] == [
        found[0].location.start]
