"""Markings: banners, fields and portion marks are found; words in prose are not."""

from __future__ import annotations

import pytest

from leakdesk.document import Action, Severity

from ._structural import covering, run

BANNERS = [
    ("SECRET\n\nThe minister said the talks had failed.\n", "SECRET"),
    ("TOP SECRET//SI//NOFORN\nText follows here.\n", "TOP SECRET//SI//NOFORN"),
    ("C O N F I D E N T I A L SECTION 01 OF 02 ISLAMABAD 000123\n", "C O N F I D E N T I A L SECTION 01 OF 02 ISLAMABAD 000123"),
    ("Secret\n\nA memo about the budget.\n", "Secret"),
    ("OFFICIAL-SENSITIVE\nbody\n", "OFFICIAL-SENSITIVE"),
    ("UK EYES ONLY\nbody\n", "UK EYES ONLY"),
    ("NATO SECRET\nbody\n", "NATO SECRET"),
    ("COSMIC TOP SECRET\nbody\n", "COSMIC TOP SECRET"),
    ("NATO UNCLASSIFIED\nbody\n", "NATO UNCLASSIFIED"),
    ("RESTREINT UE/EU RESTRICTED\nbody\n", "RESTREINT UE/EU RESTRICTED"),
    ("CONFIDENTIEL UE/EU CONFIDENTIAL\nbody\n", "CONFIDENTIEL UE/EU CONFIDENTIAL"),
    ("TRÈS SECRET UE/EU TOP SECRET\nbody\n", "TRÈS SECRET UE/EU TOP SECRET"),
    ("LIMITE\nbody\n", "LIMITE"),
    ("MOST IMMEDIATE\nSECRET\nCYPHER\n", "MOST IMMEDIATE"),
    ("OUT-TEL\nCYPHER\n", "OUT-TEL"),
    ("SIPDIS\n", "SIPDIS"),
    ("RESTRICTED - MANAGEMENT\nbody\n", "RESTRICTED - MANAGEMENT"),
    ("SECRET // VALDORIA EYES ONLY\n", "SECRET // VALDORIA EYES ONLY"),
    ("गोपनीय\nbody\n", "गोपनीय"),
    ("--- NOT FOR DISTRIBUTION ---\n", "NOT FOR DISTRIBUTION"),
]


@pytest.mark.parametrize(("text", "needle"), BANNERS)
def test_banner_lines_are_high(text: str, needle: str) -> None:
    found = run("markings", text)
    hits = covering(found, text, needle)
    assert hits, f"no finding covers {needle!r}: {found}"
    assert hits[0].severity is Severity.HIGH
    assert hits[0].category == "marking"
    assert hits[0].action in (Action.REPLACE, Action.REMOVE)


def test_banner_is_one_finding_for_the_whole_line() -> None:
    text = "C O N F I D E N T I A L SECTION 01 OF 02 ISLAMABAD 000123\n"
    found = run("markings", text)
    assert len(found) == 1
    f = found[0]
    assert f.excerpt == text.strip()
    assert f.evidence["spaced_out"] is True
    assert f.evidence["cable_number"] == "ISLAMABAD 000123"
    assert "CONFIDENTIAL" in f.evidence["markings"]


FIELDS = [
    "Classification: SECRET\n",
    "Classified By: Ambassador Anne W. Patterson for reasons 1.4 (b) and (d)\n",
    "E.O. 12958: DECL: 02/14/2019\n",
    "ZNY CCCCC ZZH\n",
    "Caveat: UK EYES ONLY\n",
]


@pytest.mark.parametrize("text", FIELDS)
def test_marking_fields_cover_the_whole_line(text: str) -> None:
    found = run("markings", text)
    assert len(found) == 1
    assert found[0].excerpt == text.strip()
    assert found[0].severity is Severity.HIGH


PORTIONS = [
    ("1. (C) Summary: the minister said no.\n", "(C)"),
    ("(S) The minister said no.\n", "(S)"),
    ("2. (S//NF) The minister said no.\n", "(S//NF)"),
    ("The paragraph is (U//FOUO) and short.\n", "(U//FOUO)"),
    ("SUBJECT: (C) PAKISTAN: TALKS\n", "(C)"),
    ("¶3. (TS) Text.\n", "(TS)"),
    ("4. (NS) NATO text.\n", "(NS)"),
]


@pytest.mark.parametrize(("text", "mark"), PORTIONS)
def test_portion_marks(text: str, mark: str) -> None:
    hits = [f for f in run("markings", text) if f.detector == "markings.portion-mark"]
    assert [f.excerpt for f in hits] == [mark]
    assert hits[0].severity is Severity.HIGH


NOT_MARKINGS = [
    "The secret talks with India would resume in March, officials said on Monday.\n",
    "A confidential source said the priority is trade, not security, this year.\n",
    "The government treats the matter as restricted and top secret in all but name.\n",
    "It is an immediate priority for the minister, who spoke in a routine briefing.\n",
    "Copyright (C) 2009 Reuters. All rights reserved by the authors of this work.\n",
    "The list had items (A) first, (B) second and\n(C) third, as in the original text.\n",
    "The person(s) named in the report were not charged with any offence at all.\n",
    "NATO and EU officials met in Brussels to discuss the UK and US positions today.\n",
    "PRIORITY ISSUES FOR THE SUMMIT\n\nThe summit will discuss trade and the border talks at length.\n",
]


@pytest.mark.parametrize("text", NOT_MARKINGS)
def test_words_in_prose_are_not_markings(text: str) -> None:
    found = [f for f in run("markings", text) if f.severity is not Severity.LOW]
    assert found == []


def test_capitals_inside_prose_are_medium_at_most() -> None:
    text = "The cable, marked SECRET//NOFORN, was sent to the embassy in the capital last week.\n"
    found = run("markings", text)
    assert [f.excerpt for f in found] == ["SECRET//NOFORN"]
    assert found[0].severity is Severity.MEDIUM


def test_plain_marking_word_in_prose_is_low_for_review() -> None:
    text = "He said the plan was TOP SECRET and that nobody else in the ministry knew of it.\n"
    found = run("markings", text)
    assert [f.severity for f in found] == [Severity.LOW]
    assert found[0].action is Action.REVIEW


def test_lower_case_marking_word_alone_on_a_line_is_no_banner() -> None:
    assert run("markings", "secret\n\nbody of the text that follows here.\n") == []
