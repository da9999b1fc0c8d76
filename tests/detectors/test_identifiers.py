"""Identifiers: numbers, addresses, paths and accounts are found; ordinary numbers are not."""

from __future__ import annotations

import pytest

from leakdesk.document import Action, Severity

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


# -- where a trace sits: header and fields against running text ------------------------

PARAGRAPH = "The minister said the talks would resume next week in the capital, and the delegation agreed."


def in_header(line: str) -> str:
    """``line`` at the top of a document, in its header block."""
    return f"{line}\n\n{PARAGRAPH}\n\n{PARAGRAPH}\n"


def between_paragraphs(line: str) -> str:
    """``line`` on its own between two paragraphs of running text (a list line, a byline)."""
    return f"{PARAGRAPH}\n\n{line}\n\n{PARAGRAPH}\n"


def in_sentence(words: str) -> str:
    """``words`` inside a sentence of running text."""
    return f"{PARAGRAPH}\n\nHe said that {words} was what the office had used for the whole of last year.\n\n{PARAGRAPH}\n"


def _one(kind: str, text: str, needle: str):
    hits = [f for f in covering(run("identifiers", text), text, needle) if f.detector == f"identifiers.{kind}"]
    assert len(hits) == 1, [(f.detector, f.excerpt) for f in run("identifiers", text)]
    return hits[0]


SAME_IN_EVERY_COPY = [
    # (kind, trace on a line of its own, the trace)
    ("email", "Eric Raymond <esr@thyrsus.com>", "esr@thyrsus.com"),
    ("phone", "Tel +1-617-542-5942 (switchboard)", "+1-617-542-5942"),
    ("file-name", "cupholder.exe", "cupholder.exe"),
    ("username", "Follow @jsmith", "@jsmith"),
]


@pytest.mark.parametrize(("kind", "line", "trace"), SAME_IN_EVERY_COPY)
def test_address_in_the_text_is_low_for_review(kind: str, line: str, trace: str) -> None:
    for text in (between_paragraphs(line), in_sentence(trace)):
        f = _one(kind, text, trace)
        assert f.severity is Severity.LOW
        assert f.action is Action.REVIEW


@pytest.mark.parametrize(("kind", "line", "trace"), SAME_IN_EVERY_COPY)
def test_address_in_a_header_or_field_is_high(kind: str, line: str, trace: str) -> None:
    f = _one(kind, in_header(line), trace)
    assert f.severity is Severity.HIGH
    # "Contact: ..." between paragraphs is a field, not text.
    f = _one(kind, between_paragraphs(f"Contact: {trace}"), trace)
    assert f.severity is Severity.HIGH
    assert f.action is Action.REPLACE


def test_lower_case_label_in_a_wrapped_sentence_is_no_field() -> None:
    text = between_paragraphs("He gave an obviously invalid electronic mail\naddress: b1ff@bit.net.")
    assert _one("email", text, "b1ff@bit.net").severity is Severity.LOW


def test_public_url_on_its_own_line_is_low_in_a_header_medium() -> None:
    url = "https://www.example.org/licenses/"
    assert _one("url", between_paragraphs(url), url).severity is Severity.LOW
    assert _one("url", in_header(url), url).severity is Severity.MEDIUM
    internal = "http://intranet.fco.gov.uk/cables/"
    assert _one("url", between_paragraphs(internal), internal).severity is Severity.HIGH


@pytest.mark.parametrize(
    ("url", "severity"),
    [
        ("https://www.example.org/read?id=8842af19c", Severity.HIGH),
        ("https://docs.example.org/d/1aBcD2eFgH3iJkL4mNoP/edit", Severity.HIGH),
        ("https://en.wikipedia.org/wiki/Functional_programming", Severity.LOW),
        ("https://web.archive.org/web/20200703234532/http://effbot.org/zone/elementtree-13-intro.htm", Severity.LOW),
        ("https://groups.google.com/groups?selm=34A04430.CF9@ohioee.com", Severity.LOW),
        ("http://www.newscientist.com/lastword/answers/789communication.jsp?tp=communication", Severity.LOW),
    ],
)
def test_url_token_is_a_generated_value_not_a_readable_name(url: str, severity: Severity) -> None:
    assert _one("url", in_sentence(url), url).severity is severity


def test_a_scheme_alone_is_no_url() -> None:
    text = in_sentence("support for https:// URLs")
    assert [f for f in run("identifiers", text) if f.detector == "identifiers.url"] == []


@pytest.mark.parametrize(
    ("path", "severity"),
    [
        ("/tmp/myapp.log", Severity.LOW),
        ("/var/adm", Severity.LOW),
        ("~/.python-history", Severity.LOW),
        ("D:\\Program Files\\Python\\python.exe", Severity.LOW),
        ("C:\\Windows\\System", Severity.LOW),
        ("C:\\Users\\jsmith\\Documents\\draft.docx", Severity.HIGH),
        ("C:\\Documents and Settings\\jsmith\\Desktop\\notes.txt", Severity.HIGH),
        ("/home/jsmith/leaks/report.pdf", Severity.HIGH),
        ("/Users/jsmith/Desktop", Severity.HIGH),
        ("\\\\kst-fs02\\political\\telegrams\\0417.docx", Severity.HIGH),
        ("D:\\Cables\\2026\\telegrams\\0417.docx", Severity.MEDIUM),
        ("/mnt/archive/cables/0417.pdf", Severity.MEDIUM),
    ],
)
def test_path_severity_follows_what_it_names(path: str, severity: Severity) -> None:
    assert _one("path", in_sentence(path), path).severity is severity


def test_system_path_in_a_field_is_high() -> None:
    path = "/tmp/export/cables.zip"
    assert _one("path", between_paragraphs(f"Saved to: {path}"), path).severity is Severity.HIGH


@pytest.mark.parametrize(
    ("address", "severity"),
    [
        ("127.0.0.1", Severity.LOW),
        ("0.0.0.0", Severity.LOW),
        ("255.255.255.255", Severity.LOW),
        ("192.0.2.10", Severity.LOW),
        ("198.51.100.7", Severity.LOW),
        ("203.0.113.99", Severity.LOW),
        ("10.0.3.1", Severity.LOW),
        ("192.168.1.20", Severity.LOW),
        ("81.2.69.160", Severity.MEDIUM),
    ],
)
def test_ip_address_in_the_text(address: str, severity: Severity) -> None:
    text = in_sentence(f"the server at {address}")
    assert _one("ip-address", text, address).severity is severity
    # Any address in a field or a header is high.
    assert _one("ip-address", between_paragraphs(f"Listen address: {address}"), address).severity is Severity.HIGH
    assert _one("ip-address", in_header(f"Relay server {address}"), address).severity is Severity.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "You can apply @asyncio.coroutine or @dataclass_transform() to the class in the module.",
        "The compiler mangles the name as “@memchr$qpxviui” in the object file of the library.",
        "The word gubbish, pronounced /guhb'@sh/, is a portmanteau of garbage and rubbish, it says.",
    ],
)
def test_code_and_pronunciations_are_not_handles(text: str) -> None:
    doc = between_paragraphs(text)
    assert [f for f in run("identifiers", doc) if f.detector == "identifiers.username"] == []


def test_decorator_in_prose_is_low_user_field_is_high() -> None:
    text = between_paragraphs("The @classmethod decorator turns a method into a class method, as the text explains.")
    assert _one("username", text, "@classmethod").severity is Severity.LOW
    assert _one("username", in_header("User: jsmith"), "User: jsmith").severity is Severity.HIGH
    assert _one("username", in_header("Logged in as: jsmith"), "jsmith").severity is Severity.HIGH


def test_method_call_is_not_a_file_name_and_brackets_stay_out() -> None:
    text = in_sentence("calling Logger.log() with a test (coverage.py can help)")
    found = [f for f in run("identifiers", text) if f.detector == "identifiers.file-name"]
    assert [f.excerpt for f in found] == ["coverage.py"]


@pytest.mark.parametrize(
    "line",
    [
        " bits  0000 0001 0010 0011 0100 0101 0110 0111 1000 1001",
        "  0110 0111 1000 1001 1010 1011 1100",
        " 0300 1234 5678 9012 3456 7890",
    ],
)
def test_binary_numbers_and_number_tables_are_not_phones(line: str) -> None:
    for text in (between_paragraphs(line), in_header(line)):
        assert [f for f in run("identifiers", text) if f.detector == "identifiers.phone"] == []


def test_phone_in_a_short_table_still_found() -> None:
    text = in_header("Desk   020 7946 0123")
    assert _one("phone", text, "020 7946 0123").severity is Severity.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "One might write the caret (^, ASCII 1011110) instead, and the at-sign is ASCII 1000000 there.",
        "The character gamma (extended SAIL ASCII 0001001) has a loop in its tail, as it says.",
        "The summit was held on 15 JUNE 2009 in the capital, with ministers from all the countries.",
        "In 12 ASCII 1011110 the table shows the caret, and the next row shows the underscore too.",
    ],
)
def test_capitalised_word_and_number_is_no_cable_number(text: str) -> None:
    for doc in (between_paragraphs(text), in_header(text.upper())):
        assert [f for f in run("identifiers", doc) if f.detector == "identifiers.cable-number"] == []


@pytest.mark.parametrize("number", ["ISLAMABAD 000123", "STATE 012345", "NEW DELHI 004567", "USUN NEW YORK 000321"])
def test_cable_number_of_a_known_post(number: str) -> None:
    text = between_paragraphs(f"The embassy replied in {number}, which was repeated to all posts in the region.")
    assert _one("cable-number", text, number).severity in (Severity.MEDIUM, Severity.HIGH)
