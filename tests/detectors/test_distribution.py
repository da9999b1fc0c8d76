"""Distribution: From/To/Info blocks are one finding listing who is in them."""

from __future__ import annotations

import pytest

from leakdesk.document import Action, Severity

from ._structural import covering, run


def test_cable_routing_block_is_one_finding() -> None:
    text = (
        "FM AMEMBASSY ISLAMABAD\n"
        "TO RUEHC/SECSTATE WASHDC PRIORITY 1234\n"
        "INFO RUEHBUL/AMEMBASSY KABUL PRIORITY 5678\n"
        "RUEHNE/AMEMBASSY NEW DELHI PRIORITY 9012\n"
        "BT\n"
    )
    found = run("distribution", text)
    assert len(found) == 1
    f = found[0]
    assert f.excerpt == text[: text.index("\nBT")]
    assert f.severity is Severity.HIGH
    assert f.action is Action.REMOVE
    assert "RUEHNE/AMEMBASSY NEW DELHI PRIORITY 9012" in f.evidence["addressees"]
    assert "RUEHBUL" in f.evidence["routing_indicators"]


def test_memo_block_lists_people_and_emails() -> None:
    text = (
        "From: Jane Doe <jane.doe@fco.gov.uk>\n"
        "To: Foreign Secretary; Mr J. Smith, South Asia Department\n"
        "Cc: PUS, Political Director\n"
        "\n"
        "The minister said the talks would resume next week in the capital city.\n"
    )
    found = run("distribution", text)
    assert len(found) == 1
    f = found[0]
    assert f.excerpt.endswith("Political Director")
    assert "jane.doe@fco.gov.uk" in f.evidence["emails"]
    assert "Mr J. Smith" in f.evidence["people"]
    assert "Jane Doe" in f.evidence["people"]


BLOCKS = [
    ("Distribution:\n    Foreign Secretary\n    PUS\n    Mrs I. Varga (Desk)\n\nText.\n", "Mrs I. Varga (Desk)"),
    ("Copy to: Private Secretary, No 10\n", "Copy to: Private Secretary, No 10"),
    ("Repeat: Embassy of India, Washington\n", "Repeat: Embassy of India, Washington"),
    ("Addressees: all posts\n", "Addressees: all posts"),
    ("Decyphered by: R. K. Sharma, Cypher Assistant\n", "R. K. Sharma"),
    ("Drafted: SCA/PAK:JSMITH\n", "Drafted: SCA/PAK:JSMITH"),
    ("SECRET\n\nFor Foreign Secretary from High Commissioner.\n\n1. I called on the minister this morning to discuss the proposal.\n",
     "For Foreign Secretary from High Commissioner."),
    ("SECRET\nSTATE FOR SCA/PAK AND S/SRAP\n\n1. I called on the minister this morning to discuss the proposal.\n",
     "STATE FOR SCA/PAK AND S/SRAP"),
]


@pytest.mark.parametrize(("text", "needle"), BLOCKS)
def test_distribution_lines(text: str, needle: str) -> None:
    found = run("distribution", text)
    assert covering(found, text, needle), [(f.detector, f.excerpt) for f in found]
    assert all(f.category == "distribution" for f in found)


NEGATIVE = [
    "From the moment he arrived, the minister said, the talks were difficult.\n",
    "To be sure, the embassy had been informed of the visit in advance.\n",
    "The information was shared with the distribution list of the newsletter last week.\n",
    "He wrote to the Foreign Secretary from his office in the capital, the embassy said in a statement.\n",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_prose_is_not_distribution(text: str) -> None:
    assert run("distribution", text) == []


def test_signature_at_the_foot() -> None:
    text = "1. The minister said the talks would resume next week in the capital city.\n\nPATTERSON\n"
    found = run("distribution", text)
    assert [(f.detector, f.excerpt) for f in found] == [("distribution.signature", "PATTERSON")]


# -- signatures and fields: what a name looks like -------------------------------------

PARAGRAPH = "The minister said the talks would resume next week in the capital, and the delegation agreed."


def ending_with(*lines: str) -> str:
    """A text of two paragraphs whose last lines are ``lines``."""
    return f"{PARAGRAPH}\n\n{PARAGRAPH} See the advanced tutorial.\n\n" + "\n".join(lines) + "\n"


def _loud(found: list) -> list[tuple[str, str]]:
    return [(f.detector, f.excerpt) for f in found if f.severity is not Severity.LOW]


@pytest.mark.parametrize("last", ["FINIS", "Finis", "THE END", "Acknowledgements", "\n\nFINIS"])
def test_closing_words_are_no_signature(last: str) -> None:
    assert run("distribution", ending_with(last)) == []


def test_a_heading_of_ordinary_words_is_low_not_a_signature() -> None:
    found = run("distribution", ending_with("Basic Tutorial", "", "Advanced Tutorial"))
    assert found and _loud(found) == []
    assert all(f.action is Action.REVIEW for f in found)


@pytest.mark.parametrize(
    ("lines", "name"),
    [
        (("PATTERSON",), "PATTERSON"),
        (("K. Marlow",), "K. Marlow"),
        (("Anne W. Patterson",), "Anne W. Patterson"),
        (("Regards,", "Jane"), "Jane"),
        (("Yours sincerely,", "", "Anne Patterson", "Ambassador"), "Ambassador"),
    ],
)
def test_signature_shapes_are_medium(lines: tuple[str, ...], name: str) -> None:
    text = ending_with(*lines)
    found = covering(run("distribution", text), text, name)
    assert [(f.detector, f.severity) for f in found] == [("distribution.signature", Severity.MEDIUM)]


def test_label_with_its_value_after_a_blank_line_is_no_field() -> None:
    text = f"Annotations Best Practices\n\nauthor:\n\nLarry Hastings\n\nAbstract\n\n{PARAGRAPH}\n\n{PARAGRAPH}\n"
    assert run("distribution", text) == []


@pytest.mark.parametrize("field", ["Author: J. Smith", "Author:\nJ. Smith", "Author:\nJohn Smith"])
def test_author_field_with_its_value_is_high(field: str) -> None:
    text = f"Annotations Best Practices\n\n{field}\n\n{PARAGRAPH}\n\n{PARAGRAPH}\n"
    found = covering(run("distribution", text), text, field)
    assert [(f.detector, f.severity) for f in found] == [("distribution.handled-by", Severity.HIGH)]
