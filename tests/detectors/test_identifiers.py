"""Identifiers: numbers, addresses, paths and accounts are found; ordinary numbers are not."""

from __future__ import annotations

import pytest

from leakdesk.document import Severity

from ._structural import covering, run

POSITIVE = [
    # (text, needle, kind)
    ("No. E-1142/LDN\n", "No. E-1142/LDN", "reference"),
    ("Ref: Your Telegram No. 2217\n", "Ref: Your Telegram No. 2217", "reference"),
    ("The cable 09ISLAMABAD123 was sent to all posts in the region last year.\n", "09ISLAMABAD123", "cable-number"),
    ("REF: A. 22 STATE 123456\n", "22 STATE 123456", "reference"),
    ("C O N F I D E N T I A L  ISLAMABAD 000123 and then 22 STATE 123456 here\n", "22 STATE 123456", "cable-number"),
    ("Copy No. 4 of 9\n", "Copy No. 4 of 9", "copy-number"),
    ("This is copy 3/12 of the minutes, which were circulated to the board.\n", "copy 3/12", "copy-number"),
    ("Copy 3 of 12\n", "Copy 3 of 12", "copy-number"),
    ("Saved as C:\\Users\\jsmith\\Documents\\draft v3.docx yesterday.\n", "C:\\Users\\jsmith\\Documents\\draft v3.docx", "path"),
    ("Open /home/jsmith/leaks/report.pdf now.\n", "/home/jsmith/leaks/report.pdf", "path"),
    ("Stored at \\\\fileserver\\share\\cables\\0417.txt today.\n", "\\\\fileserver\\share\\cables\\0417.txt", "path"),
    ("The attachment draft_v3_final.docx was sent on to the desk by the clerk.\n", "draft_v3_final.docx", "file-name"),
    ("Write to jane.doe@fco.gov.uk for details about the visit.\n", "jane.doe@fco.gov.uk", "email"),
    ("Call +44 20 7946 0123 or the duty officer in the evening.\n", "+44 20 7946 0123", "phone"),
    ("Tel: 020 7946 0123\n", "020 7946 0123", "phone"),
    ("Phone (202) 555-0143 after six in the evening, the embassy said.\n", "(202) 555-0143", "phone"),
    ("See https://intranet.example.org/cables?id=8842af19c for the text.\n", "https://intranet.example.org/cables?id=8842af19c", "url"),
    ("The server 10.20.30.40 logged every access to the archive that week.\n", "10.20.30.40", "ip-address"),
    ("The host fe80::1ff:fe23:4567:890a answered the request at night.\n", "fe80::1ff:fe23:4567:890a", "ip-address"),
    ("user: jsmith\n", "user: jsmith", "username"),
    ("Logged on as FCO\\jsmith from the terminal in the registry room.\n", "FCO\\jsmith", "username"),
    ("Document {3F2504E0-4F89-11D3-9A0C-0305E82C3301} was exported by the system.\n", "3F2504E0-4F89-11D3-9A0C-0305E82C3301", "uuid"),
    ("Its SHA-256 is 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 in the log.\n",
     "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "hash"),
    ("TELNO 123\n", "TELNO 123", "telegram-number"),
    ("Cypher No. 1142 dated 7 March 2022\n", "Cypher No. 1142 dated 7 March 2022", "telegram-number"),
    ("NATO document PO(2022)0123 was circulated to all delegations on Friday.\n", "PO(2022)0123", "reference"),
    ("Council document ST 12345/22 INIT was circulated to all delegations on Friday.\n", "ST 12345/22 INIT", "reference"),
    ("VZCZCXRO1234\n", "VZCZCXRO1234", "routing"),
    ("DE RUEHIL #0123/01 0451234\n", "DE RUEHIL #0123/01 0451234", "routing"),
    ("TAGS: PREL, PK\n", "TAGS: PREL, PK", "tags"),
]


@pytest.mark.parametrize(("text", "needle", "kind"), POSITIVE)
def test_identifiers_are_found(text: str, needle: str, kind: str) -> None:
    found = run("identifiers", text)
    hits = covering(found, text, needle)
    assert hits, f"no finding covers {needle!r}: {[(f.detector, f.excerpt) for f in found]}"
    assert any(f.detector == f"identifiers.{kind}" for f in hits), [f.detector for f in hits]
    assert all(f.category == "identifier" for f in hits)


NEGATIVE = [
    "In 2019 the economy grew by 3.2 per cent, and 1,200 people attended the rally.\n",
    "Section 4.2 of the agreement and Article 12 deal with disputes and arbitration.\n",
    "The classification reasons are 1.4 (b) and (d) under the executive order.\n",
    "Version 1.2.3.4 of the software was released on the website this month.\n",
    "The years 1990-2000 saw growth; the figure rose from 1,000,000 to 2,500,000.\n",
    "No. 10 Downing Street said the Prime Minister would speak at noon.\n",
    "He wrote and/or phoned the office 24/7 for a week, and the reply came at 12:30:45.\n",
    "The 2nd copy of the report was never found, the inquiry said in its findings.\n",
    "The decade of accededfacedbeefcafe growth is a made-up word without digits at all.\n",
    "A total of 12345678 votes were cast, said the commission, a record number.\n",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_ordinary_numbers_are_not_identifiers(text: str) -> None:
    found = [f for f in run("identifiers", text) if f.severity is not Severity.LOW]
    assert found == [], [(f.detector, f.excerpt) for f in found]


def test_copy_number_message_names_the_copy() -> None:
    found = run("identifiers", "Copy No. 4 of 9\n")
    assert found[0].message == (
        "A copy number says which of the 9 numbered copies this is; it points to the person who received copy 4."
    )
    assert found[0].severity is Severity.HIGH


def test_public_url_in_prose_is_low_for_review() -> None:
    text = "The statement is published at https://www.example.org/news/statement on the website.\n"
    found = run("identifiers", text)
    assert [f.severity for f in found] == [Severity.LOW]


def test_reference_field_takes_its_continuation_lines() -> None:
    text = "REF: A. STATE 12345\n     B. ISLAMABAD 456\n\n1. (C) Body text of the cable starts here and goes on.\n"
    found = run("identifiers", text)
    assert len(found) == 1
    assert found[0].excerpt == "REF: A. STATE 12345\n     B. ISLAMABAD 456"
