"""Whole cables: every header trace is inside one finding, few findings, a clean published text.

This mirrors the acceptance check of issue 2: a cable copy with a header of
markings, identifiers, date-times and distribution lines, and about a dozen
per-copy marks; every trace inside some finding's span, at most ~80 findings;
and at most 2 high or medium findings on the clean published transcription.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from leakdesk.api import audit_document
from leakdesk.detectors import run_detectors
from leakdesk.document import Document, Severity

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MINE = ("markings", "identifiers", "datetimes", "distribution")

# "~" stands for the trailing space these cables carry on many lines.
WIKILEAKS_STYLE = """VZCZCXRO1234
PP RUEHWEB

DE RUEHIL #0123/01 0451234
ZNY CCCCC ZZH
P 141234Z FEB 09
FM AMEMBASSY ISLAMABAD
TO RUEHC/SECSTATE WASHDC PRIORITY 1234
INFO RUEHBUL/AMEMBASSY KABUL PRIORITY 5678
RUEHNE/AMEMBASSY NEW DELHI PRIORITY 9012
BT
C O N F I D E N T I A L SECTION 01 OF 02 ISLAMABAD 000123~
~
SIPDIS~
~
E.O. 12958: DECL: 02/14/2019~
TAGS: PREL, PK~
SUBJECT: (C) PAKISTAN: FOREIGN MINISTER ON INDIA TALKS~
~
REF: A. STATE 12345~
     B. ISLAMABAD 456~
~
Classified By: Ambassador Anne W. Patterson for reasons 1.4 (b) and (d)~
~
1. (C) Summary: Foreign Minister Qureshi told the Ambassador on February 12 that the secret talks with India would resume in March. A confidential source said the priority is trade. End Summary.

2. (S//NF) The minister said that the army chief, who met him at 2130 hrs, was opposed. The minister's staff can be reached at +92 51 920 1234 or fm.office@mofa.example.

PATTERSON
""".replace("~", " ")

TRACES = [
    "VZCZCXRO1234",
    "PP RUEHWEB",
    "DE RUEHIL #0123/01 0451234",
    "ZNY CCCCC ZZH",
    "P 141234Z FEB 09",
    "FM AMEMBASSY ISLAMABAD\nTO RUEHC/SECSTATE WASHDC PRIORITY 1234\nINFO RUEHBUL/AMEMBASSY KABUL PRIORITY 5678\nRUEHNE/AMEMBASSY NEW DELHI PRIORITY 9012",
    "C O N F I D E N T I A L SECTION 01 OF 02 ISLAMABAD 000123",
    "SIPDIS",
    "E.O. 12958: DECL: 02/14/2019",
    "TAGS: PREL, PK",
    "(C) PAKISTAN",
    "REF: A. STATE 12345 \n     B. ISLAMABAD 456",
    "Classified By: Ambassador Anne W. Patterson for reasons 1.4 (b) and (d)",
    "(S//NF)",
    "+92 51 920 1234",
    "fm.office@mofa.example",
    "PATTERSON",
]


def _covered(findings: list, text: str, needle: str) -> bool:
    a = text.index(needle)
    b = a + len(needle)
    return any(f.start is not None and f.start <= a and b <= f.end for f in findings)


def test_every_header_trace_of_a_state_cable_is_inside_one_finding() -> None:
    doc = Document.from_text(WIKILEAKS_STYLE)
    found = run_detectors(doc, MINE)
    missing = [t for t in TRACES if not _covered(found, WIKILEAKS_STYLE, t)]
    assert missing == []
    assert len(found) <= 30
    # Prose words are not markings.
    for word in ("secret talks", "confidential source", "priority is"):
        a = WIKILEAKS_STYLE.index(word)
        assert not [f for f in found if f.start <= a < f.end and f.severity is not Severity.LOW]


GROUND_TRUTH = [
    "SECRET // VALDORIA EYES ONLY",
    "MOST IMMEDIATE",
    "CYPHER TELEGRAM",
    "No. VAL/KST/0417/26",
    "Dated: 14.03.2026",
    "Copy No. 4 of 9",
    "DTG: 141230Z MAR 26",
    "Mrs Ilse Varga (Desk Officer), Registry (file VAL/NOR/12)",
    "Info: Office of the President (Mr Tomas Heller)",
    "Ref: Your Telegram No. 2217 of 11 March 2026",
    "(S) NORLAND",
    "For Permanent Secretary from Ambassador.",
    "k.marlow@mfa.valdoria.example",
    "+47 21 55 0199",
    "\\\\kst-fs02\\political\\2026\\telegrams\\0417_border_talks_v2.docx",
    "Drafted by: K. Marlow, Political Section (ext. 4471)",
    "Time of despatch: 1420 hrs",
    "ANDERSEN",
]


def test_bundled_example_header_traces_are_all_found() -> None:
    text = (EXAMPLES / "cable.txt").read_text(encoding="utf-8")
    doc = Document.from_text(text)
    mine = run_detectors(doc, MINE)
    missing = [t for t in GROUND_TRUTH if not _covered(mine, text, t)]
    assert missing == []
    assert len(mine) <= 35
    everything = audit_document(doc).findings
    assert len(everything) <= 80


@pytest.mark.parametrize("detectors", [MINE, None])
def test_published_transcription_is_nearly_clean(detectors: tuple[str, ...] | None) -> None:
    text = (EXAMPLES / "cable-published.txt").read_text(encoding="utf-8")
    found = run_detectors(Document.from_text(text), detectors)
    loud = [f for f in found if f.severity is not Severity.LOW]
    assert len(loud) <= (0 if detectors else 2), [(f.detector, f.excerpt) for f in loud]
