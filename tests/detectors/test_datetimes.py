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
