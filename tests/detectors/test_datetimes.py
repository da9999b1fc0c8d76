"""Date-times: DTGs and header fields are high; dates in running prose are low."""

from __future__ import annotations

import pytest

from leakdesk.document import Action, Severity

from ._structural import covering, run

HEADER = [
    ("P 141234Z FEB 09\n", "P 141234Z FEB 09"),
    ("OF 141230Z MARCH 22\n", "OF 141230Z MARCH 22"),
    ("Dated: 14.03.2022\n", "Dated: 14.03.2022"),
    ("Received: 14 March 2022, 1530 hrs\n", "Received: 14 March 2022, 1530 hrs"),
    ("Time of receipt: 1745 hrs\n", "Time of receipt: 1745 hrs"),
    ("No. E-1142/LDN        Dated: 14.03.2022\n", "Dated: 14.03.2022"),
    ("Your 071530Z MAR 22 refers to the visit of the delegation next week.\n", "071530Z MAR 22"),
]


@pytest.mark.parametrize(("text", "needle"), HEADER)
def test_transmission_date_times_are_high_or_medium(text: str, needle: str) -> None:
    found = run("datetimes", text)
    hits = covering(found, text, needle)
    assert hits, [(f.detector, f.excerpt) for f in found]
    assert hits[0].severity in (Severity.HIGH, Severity.MEDIUM)
    assert hits[0].action is Action.REPLACE


PROSE = [
    ("On 12 March the minister met his counterpart in the capital to discuss trade.\n", "12 March"),
    ("The talks, which began on March 12, 2009, ended without an agreement last night.\n", "March 12, 2009"),
    ("The meeting ended at 2130 hrs, when the delegation left for the airport in a hurry.\n", "2130 hrs"),
    ("The report was dated 2022-03-14 and was circulated to ministers the following week.\n", "2022-03-14"),
]


@pytest.mark.parametrize(("text", "needle"), PROSE)
def test_dates_in_prose_are_low_for_review(text: str, needle: str) -> None:
    found = run("datetimes", text)
    hits = covering(found, text, needle)
    assert hits, [(f.detector, f.excerpt) for f in found]
    assert all(f.severity is Severity.LOW and f.action is Action.REVIEW for f in found)


NEGATIVE = [
    "The economy grew by 3.2 per cent, with 1,200 people employed and 14 ministers in office.\n",
    "He may come in March, or in May, if the weather allows it, said the minister.\n",
    "The score was 3-2 after 90 minutes, and 10.5.2 is a version number of the tool.\n",
    "The agreement runs to 84 pages and section 2.1 covers the border commission.\n",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_no_date_no_finding(text: str) -> None:
    assert run("datetimes", text) == []


def test_date_line_in_header_is_medium() -> None:
    text = "SECRET\n\n14 March 2022\n\nThe minister said the talks would resume next week in the capital.\n"
    found = run("datetimes", text)
    assert [(f.excerpt, f.severity) for f in found] == [("14 March 2022", Severity.MEDIUM)]


# -- dates in letters, dialogue, tables and headers ----------------------------------------

PARAGRAPH = "The minister said the talks would resume next week in the capital, and the delegation agreed."


def between_paragraphs(line: str) -> str:
    return f"{PARAGRAPH}\n\n{line}\n\n{PARAGRAPH}\n"


def in_header(line: str) -> str:
    return f"SECRET\n\n{line}\n\n{PARAGRAPH}\n\n{PARAGRAPH}\n"


def _date(text: str, needle: str):
    hits = covering(run("datetimes", text), text, needle)
    assert len(hits) == 1, [(f.detector, f.excerpt) for f in run("datetimes", text)]
    return hits[0]


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("Kestrel, 14 March 2026", "14 March 2026"),
        ("Monday, 2 August 2021.", "2 August 2021"),
        ("14.03.2026", "14.03.2026"),
        ("14.3.22", "14.3.22"),
    ],
)
def test_date_line_between_paragraphs_is_medium(line: str, needle: str) -> None:
    f = _date(between_paragraphs(line), needle)
    assert f.severity is Severity.MEDIUM
    assert f.action is Action.REPLACE


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        # A letter quoted in a novel: the line opens with a quotation mark.
        ('"Gracechurch street, Sept. 6.', "Sept. 6"),
        ("“Hunsford, near Westerham, Kent, 15th October.", "15th October"),
        # A date among other numbers: a table row, a list, a reference.
        ("│4.4.4  │14 Aug│37392│235271│1630579   │2295   │Corrections", "14 Aug"),
        ("June 1, 1985; Anne, born August 9, 1987; a son, November 5,", "August 9, 1987"),
        ("History of Computing, Vol. 3, No. 3 (July 1981), pp. 285-286.", "July 1981"),
    ],
)
def test_date_in_speech_or_among_numbers_is_low(line: str, needle: str) -> None:
    f = _date(between_paragraphs(line), needle)
    assert f.severity is Severity.LOW
    assert f.action is Action.REVIEW


def test_date_of_a_version_in_a_header_is_low_a_date_line_medium() -> None:
    text = in_header("Version 2.0, January 2004")
    assert _date(text, "January 2004").severity is Severity.LOW
    text = in_header("14 March 2026                    Copy No. 4 of 9")
    assert _date(text, "14 March 2026").severity is Severity.MEDIUM


@pytest.mark.parametrize(
    "line", ["New in version 2.7.15.", "Notable changes in Python 3.6.10", "│2.9.12 │1993  │22238│", "release 1.10.22 is out"]
)
def test_version_numbers_are_not_dates(line: str) -> None:
    for text in (between_paragraphs(line), in_header(line)):
        assert [f for f in run("datetimes", text) if f.detector == "datetimes.date"] == []


def test_transmission_times_stay_high_or_medium_between_paragraphs() -> None:
    text = between_paragraphs("Time of despatch: 1420 hrs")
    assert _date(text, "1420 hrs").severity is Severity.HIGH
    text = between_paragraphs("P 071530Z MAR 22")
    assert _date(text, "071530Z MAR 22").severity is Severity.HIGH
    text = between_paragraphs("Received 2130 hrs")
    assert _date(text, "2130 hrs").severity is Severity.MEDIUM


def test_letterhead_date_in_a_header_is_medium() -> None:
    text = in_header("Foreign Office, King Charles Street, London SW1A 2AH, 14 March 2026")
    assert _date(text, "14 March 2026").severity is Severity.MEDIUM


def test_date_after_an_address_in_a_header_is_low() -> None:
    text = in_header("(<nather@astro.as.utexas.edu>), on May 21, 1983.")
    assert _date(text, "May 21, 1983").severity is Severity.LOW
