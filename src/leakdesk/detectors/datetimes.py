"""Date-times of transmission: DTGs, header date fields, times, and dates.

What it finds:

* **Date-time groups**: ``141234Z FEB 09``, ``P 141234Z FEB 09`` (a DTG line),
  ``OF 141230Z MARCH 22``, ``DESKBY 141600Z``.  High on a header line,
  medium in prose.
* **Header date fields**: ``Dated:``, ``Received:``, ``Time of receipt:``,
  ``Date:``, ``Sent:``... (labels from the rule packs).  High.
* **Times**: ``2130 hrs``, ``21:30 GMT``.  Medium on a header line, low in
  prose.
* **Dates**: ``14 March 2022``, ``March 14, 2022``, ``14.03.2022``,
  ``2022-03-14 12:34``.  Medium on a date line (the date alone, or after a
  place or a weekday: ``Kestrel, 14 March 2022``, in a header block or on a
  line of its own) and in a ``Label: value`` field; **low and left for
  review in running prose** (``on 12 March the minister...``), in speech or
  a quoted letter (a line that opens with a quotation mark), and among other
  numbers (a table row, a reference, ``Version 2.0, January 2004``): dates in
  the story are usually what makes it news.  Dotted version numbers
  (``version 2.7.15``, ``4.4.7``) are not dates.

Why it singles out a copy: the transmission time, and above all the time a
copy was received, decyphered or printed, differs between offices and
between copies; with the sender's log it finds the message and the desk.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

import regex

from ..document import Action, Document, Finding, Severity
from . import detector
from ._context import Claim, Layout, layout, trie_regex
from ._place import place

DETECTOR = "datetimes"

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_MONTHS_ANY = r"(?i:" + _MONTHS + r")"
# Months in the case they are written in dates: "March", "MARCH", "Mar", "MAR".
_MONTHS_DATE = r"(?:" + _MONTHS + r"|" + _MONTHS.upper().replace("(?:", "(?:") + r")"

_DTG_TRIGGER = regex.compile(r"[0-3][0-9][0-2][0-9][0-5][0-9][A-Z]")
_DTG = regex.compile(
    r"[0-3]\d[0-2]\d[0-5]\d(?:Z|[A-IK-Y](?=[ \t]?" + _MONTHS_ANY + r"))"
    r"(?:[ \t]?" + _MONTHS_ANY + r"\.?[ \t]?(?:\d{4}|\d{2})(?!\d))?(?![\w])"
)
_TIME_TRIGGERS = (
    regex.compile(r"[0-9][0-9][:.]?[0-9][0-9][ \t]?[hH]"),
    regex.compile(r"[0-9][:.][0-5][0-9](?::[0-5][0-9])?[ \t]?[A-Zhl]"),
)
_TIME = regex.compile(
    r"(?:(?:[01]\d|2[0-3])[:.]?[0-5]\d[ \t]?(?:hrs\.?|hours|HRS|HOURS|h(?![\w]))"
    r"|(?:[01]?\d|2[0-3])[:.][0-5]\d(?::[0-5]\d)?[ \t]?(?:GMT|UTC|IST|PKT|BST|EST|EDT|CET|CEST|BDT|hrs|HRS|local time))(?![\w])"
)
# Numeric and ISO dates, found from "d.d" or "d-dd-d"; day-month dates from
# "d Month"; month-first dates from the month name followed by a digit.
_NUMERIC_TRIGGER = regex.compile(r"[0-9][./-][0-9][0-9]?[./-][0-9]")
_DAYMONTH_TRIGGER = regex.compile(r"[0-9](?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?[JFMASOND][a-zA-Z][a-zA-Z]")
_MONTH_NAMES = (
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
).split()
# A trie of the month names (as written and in capitals) led by literals, so
# the scan skips everything but their first letters.
_MONTHFIRST_TRIGGER = re.compile(
    "(?:" + trie_regex(sorted({*_MONTH_NAMES, *(m.upper() for m in _MONTH_NAMES)}), char=re.escape)
    + r")\.?[ \t]+[0-9]"
)
_DATE = regex.compile(
    r"(?:"
    # 2022-03-14, with an optional time
    r"(?:19|20)\d{2}-[01]\d-[0-3]\d(?:[T ][0-2]\d:[0-5]\d(?::[0-5]\d)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    # 14.03.2022, 14/03/22, 3-14-2009
    r"|(?P<d>[0-3]?\d)(?P<sep>[./-])(?P<m>[01]?\d)(?P=sep)(?:19|20)?\d{2}(?!\d)"
    # 14 March 2022, 14th of March, 14 MAR 22
    r"|[0-3]?\d(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?" + _MONTHS_DATE + r"\.?(?![\w])(?:,?[ \t]+(?:(?:19|20)\d{2}|\d{2})(?![\w.]\d|\d))?"
    # March 14, 2022 / March 2022
    r"|" + _MONTHS_DATE + r"\.?[ \t]+(?:[0-3]?\d(?:st|nd|rd|th)?(?:,?[ \t]+(?:19|20)\d{2})?|(?:19|20)\d{2})"
    r")(?![\w]|[./-]\d)"
)

_MESSAGES = {
    "dtg": "A date-time group stamps the exact minute of transmission; it identifies this message in the sender's log.",
    "header-date": "A header date-time stamps this message in the sender's and receiver's registers; it finds the exact message and the office that handled this copy.",
    "time": "A clock time in the header or text (such as the time a copy was sent, received or printed) can tell copies and desks apart.",
    "date-line": "A date on a header or date line dates this exact message in the sender's register.",
    "date": "A date in running text; usually safe to publish, listed for review in case it appears only in some copies.",
}


def _claim_finding(doc: Document, c: Claim) -> Finding:
    message = " ".join((c.message or _MESSAGES.get(c.kind) or _MESSAGES["header-date"]).split())
    ev = {"rule": c.rule, "pack": c.pack, "kind": c.kind, "where": "header line", **c.evidence}
    return doc.finding(
        f"{DETECTOR}.{c.kind}", "datetime", c.severity, message, c.start, c.end, action=c.action, evidence=ev
    )


def _valid_numeric(mt: regex.Match[str]) -> bool:
    d, m = mt.group("d"), mt.group("m")
    if d is None or m is None:
        return True
    di, mi = int(d), int(m)
    # Day-month or month-day: either reading must be a real date.
    return (1 <= di <= 31 and 1 <= mi <= 12) or (1 <= mi <= 31 and 1 <= di <= 12)


def _where(lay: Layout, start: int) -> tuple[str, bool]:
    where = place(lay, start)
    return where, where == "running prose"


#: Words before a dotted number that make it a version, not a date ("version
#: 2.7.15", "release 1.10.22").
_VERSION_BEFORE = regex.compile(
    r"(?i)\b(?:versions?|ver\.?|v|releases?|rel\.?|builds?|rev\.?|revisions?|patch|update|edition)[ \t]*$"
)


def _version_number(s: str, a: int, mt: regex.Match[str]) -> bool:
    """A dotted number is a version, not a date, after a version word or unpadded.

    ``14.03.22``, ``14.3.22`` and ``3.6.2010`` are dates; ``version 2.7.15``
    and ``4.4.7`` or ``2.9.12`` (one-digit parts and a two-digit last part)
    are versions.
    """
    if mt.group("sep") != ".":
        return False
    if _VERSION_BEFORE.search(s, max(0, a - 24), a):
        return True
    year = mt.group().rsplit(".", 1)[1]
    return len(year) == 2 and len(mt.group("d")) == 1 and len(mt.group("m")) == 1


_CELL_GAP = regex.compile(r"\t[ \t]*|[ ]{3,}")
#: A word of a place, a weekday or an office on a date line.
_PLAIN_WORD = regex.compile(r"\p{L}[\p{L}.'’-]*")
#: A postcode part in a letterhead (``SW1A``, ``2AH``).
_POSTCODE = regex.compile(r"(?=[A-Z]*\d)(?=\d*[A-Z])[A-Z0-9]{2,4}")
_PUNCT = "()[]<>{},.;:!?\"'“”‘’«»–—-"


def _date_line(lay: Layout, a: int, b: int, header: bool) -> bool:
    """Whether a date stands on a date line: alone, or after a place or a weekday.

    ``Kestrel, 14 March 2026`` or ``14.03.2026`` on a line of its own dates
    a letter or a cable: the rest of the line is at most four plain words.
    A date among numbers, addresses or a sentence (a table row, a
    reference, ``Version 2.0, January 2004``, a list of births) is part of
    the text.  In a header block (``header``) only the date's own cell counts
    (wide gaps part the fields of one line) and a letterhead address of up
    to eight words may come first (``Foreign Office, London SW1A 2AH, 14
    March 2026``).
    """
    s = lay.s
    ln = lay.line_at(a)
    start, end = ln.body, ln.end
    if header:
        for g in _CELL_GAP.finditer(s, ln.body, ln.end):
            if g.end() <= a:
                start = g.end()
            elif g.start() >= b:
                end = g.start()
                break
    words = [w for w in (t.strip(_PUNCT) for t in (s[start:a] + " " + s[b:end]).split()) if w]
    if len(words) > (8 if header else 4):
        return False
    return all(_PLAIN_WORD.fullmatch(w) or (header and _POSTCODE.fullmatch(w)) for w in words)


def find(doc: Document) -> Iterator[Finding]:
    if not doc.text:
        return
    lay = layout(doc)
    for c in lay.claims_of("datetimes"):
        yield _claim_finding(doc, c)
    s = lay.s
    if not lay.digit_windows():
        return
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        if lay.covered(a, b) is not None:
            return False
        i = bisect.bisect_left(taken, (b, b))
        return not (i > 0 and taken[i - 1][1] > a)

    for t in lay.finditer(_DTG_TRIGGER, digits=True):
        a = t.start()
        if not lay.left_ok(a):
            continue
        mt = _DTG.match(s, a)
        if mt is None:
            continue
        b = mt.end()
        if not free(a, b):
            continue
        where, prose = _where(lay, a)
        has_month = bool(regex.search(r"[A-Za-z]{3}", mt.group()[7:]))
        sev = Severity.MEDIUM if prose or not has_month else Severity.HIGH
        bisect.insort(taken, (a, b))
        yield doc.finding(
            f"{DETECTOR}.dtg", "datetime", sev, _MESSAGES["dtg"], a, b,
            action=Action.REPLACE, evidence={"kind": "dtg", "where": where},
        )
    starts: set[int] = set()
    for t in lay.finditer(_NUMERIC_TRIGGER, digits=True):
        a = t.start()
        while a > max(0, t.start() - 3) and s[a - 1].isdigit():
            a -= 1
        starts.add(a)
    for t in lay.finditer(_DAYMONTH_TRIGGER, digits=True):
        a = t.start()
        if a > 0 and s[a - 1].isdigit():
            a -= 1
        starts.add(a)
    for t in lay.finditer(_MONTHFIRST_TRIGGER, digits=True):
        starts.add(t.start())
    dates: list[tuple[int, int, str]] = []
    for a in sorted(starts):
        if not lay.left_ok(a) or (a > 0 and s[a - 1] in "./-"):
            continue
        mt = _DATE.match(s, a)
        if mt is None or not _valid_numeric(mt):
            continue
        if mt.group("sep") is not None and _version_number(s, a, mt):
            continue
        b = mt.end()
        if s[b - 1] == "." and regex.search(r"[A-Za-z]{4,}\.$", mt.group()):
            b -= 1  # "24 March." ends a sentence; "Mar." is an abbreviation
        dates.append((a, b, "date"))
    for trig in _TIME_TRIGGERS:
        for t in lay.finditer(trig, digits=True):
            a = t.start()
            if a > 0 and s[a - 1].isdigit():
                a -= 1
            if not lay.left_ok(a) or (a > 0 and s[a - 1] in ":."):
                continue
            mt = _TIME.match(s, a)
            if mt is not None:
                b = mt.end() - (1 if mt.group().endswith(".") else 0)
                dates.append((a, b, "time"))
    dates.sort()
    # A date followed by its time ("14 March 2022, 1530 hrs") is one finding.
    merged: list[tuple[int, int, str]] = []
    for a, b, kind in dates:
        if merged:
            pa, pb, pk = merged[-1]
            if a < pb:
                continue
            gap = s[pb:a]
            if len(gap) <= 4 and regex.fullmatch(r"[ \t,]*(?:at)?[ \t,]*", gap):
                merged[-1] = (pa, b, "date" if pk == "date" or kind == "date" else "time")
                continue
        merged.append((a, b, kind))
    for a, b, kind in merged:
        if not free(a, b):
            continue
        where, prose = _where(lay, a)
        if prose or (where != "field line" and kind == "date" and not _date_line(lay, a, b, where == "header line")):
            # In running text, dialogue, a table or a list, a date is part of
            # what the document says: the same in every copy.
            sev = Severity.LOW
            action = Action.REVIEW
            key = kind
        else:
            sev = Severity.MEDIUM
            action = Action.REPLACE
            key = "date-line" if kind == "date" else "time"
        bisect.insort(taken, (a, b))
        yield doc.finding(
            f"{DETECTOR}.{kind}", "datetime", sev, _MESSAGES[key], a, b,
            action=action, evidence={"kind": kind, "where": where},
        )


@detector(DETECTOR, "datetime", "Date-times of transmission: DTGs, Dated:/Received: fields, times and dates")
def detect(doc: Document) -> list[Finding]:
    return list(find(doc))
