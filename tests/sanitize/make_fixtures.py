"""Generate text fixtures for the sanitize tests: a fictional cable with every trace.

Importable (:func:`write_cable`) and runnable::

    python -m tests.sanitize.make_fixtures OUTDIR

The cable carries markings (banner lines at the top and bottom), a precedence
word, a distribution block (From/To/Info), a copy number, a reference number,
a transmission date-time, and in its body per-copy marks: zero-width
characters inside words, a Cyrillic letter in "Paris", a Greek capital in
"OTTAWA", a no-break space, a double space, a straight apostrophe among curly
ones.  :class:`Cable` records the secrets that must not survive, the body
paragraphs as they should read once cleaned, and the offsets of every trace.
All content is invented.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from leakdesk.document import Action, Document, Finding, Severity

ZWSP = "\u200b"
ZWNJ = "\u200c"
WJ = "\u2060"
NBSP = "\u00a0"
CYR_A = "\u0430"  # CYRILLIC SMALL LETTER A
GREEK_O = "\u039f"  # GREEK CAPITAL LETTER OMICRON

HEADER = [
    "SECRET//NOFORN",
    "IMMEDIATE",
    "From: AMEMBASSY LONDON",
    "To: SECSTATE WASHDC IMMEDIATE 4410",
    "Info: AMEMBASSY PARIS PRIORITY, AMEMBASSY OTTAWA",
    "Copy No. 4 of 9",
    "Ref: 22 STATE 123456",
    "DTG: 071530Z MAR 22",
]

SUBJECT = "Subject: Trade talks with the Ministry"

#: Body paragraphs as they must read after sanitizing (apart from the
#: identifier E-1142/LDN, which becomes the placeholder).
CLEAN_BODY = [
    "1. The Minister received the Ambassador on Tuesday to discuss the trade talks "
    "in Paris. He said the government’s position had not changed since the January "
    "round, and that any concession on tariffs would need the cabinet’s approval.",
    "2. The Ambassador noted that the file referenced as No. E-1142/LDN had been shared "
    "with the delegation. The Minister did not comment; his adviser said the matter was "
    "“under review” and that a reply would follow within 10 days.",
    "3. Comment: The talks are likely to resume after the elections in OTTAWA. The secret "
    "of the Ministry’s approach, one official said, is patience; E-1142/LDN stays open. "
    "End comment.",
]

FOOTER = ["SECRET//NOFORN"]


def _marked_body() -> list[str]:
    """The body with per-copy marks injected (the text a source would hold)."""
    p1, p2, p3 = CLEAN_BODY
    p1 = p1.replace("Paris", f"P{CYR_A}ris").replace("Ambassador", f"Amba{ZWSP}ssador")
    p1 = p1.replace("cabinet’s", "cabinet's")  # a straight apostrophe among curly ones
    p2 = p2.replace("delegation. The", "delegation.  The")  # a double space
    p2 = p2.replace("10 days", f"10{NBSP}days").replace("reply", f"re{ZWNJ}ply")
    p3 = p3.replace("OTTAWA", f"{GREEK_O}TTAWA").replace("patience", f"pati{WJ}ence")
    return [p1, p2, p3]


@dataclass
class Cable:
    text: str
    path: Path | None = None
    #: Strings that must not survive in any byte of a clean copy.
    secrets: list[str] = field(default_factory=list)
    #: Body paragraphs as they should read once clean.
    body: list[str] = field(default_factory=list)
    #: Per-copy marks (invisible characters, homoglyph words) as written.
    marks: list[str] = field(default_factory=list)

    def span(self, sub: str, nth: int = 0) -> tuple[int, int]:
        i = -1
        for _ in range(nth + 1):
            i = self.text.index(sub, i + 1)
        return i, i + len(sub)

    def spans(self, sub: str) -> list[tuple[int, int]]:
        out = []
        i = self.text.find(sub)
        while i >= 0:
            out.append((i, i + len(sub)))
            i = self.text.find(sub, i + 1)
        return out


def cable(newline: str = "\n") -> Cable:
    """The marked cable as text, with its ground truth."""
    body = _marked_body()
    lines = [*HEADER, "", SUBJECT, "", body[0], "", body[1], "", body[2], "", *FOOTER, ""]
    text = newline.join(lines)
    secrets = [
        "SECRET//NOFORN",
        "AMEMBASSY LONDON",
        "SECSTATE WASHDC",
        "AMEMBASSY PARIS PRIORITY",
        "Copy No. 4 of 9",
        "22 STATE 123456",
        "071530Z MAR 22",
        "E-1142/LDN",
        f"P{CYR_A}ris",
        f"{GREEK_O}TTAWA",
    ]
    marks = [f"P{CYR_A}ris", f"{GREEK_O}TTAWA", ZWSP, ZWNJ, WJ, NBSP]
    return Cable(text, None, secrets, list(CLEAN_BODY), marks)


def hand_findings(doc: Document) -> list[Finding]:
    """The findings a perfect audit of the cable would make, built by hand.

    They let the engine and the end-to-end tests run without depending on the
    text detectors (which have their own tests).
    """
    text = doc.text
    out: list[Finding] = []

    def add(sub: str, det: str, cat: str, action: Action, repl: str | None = None,
            sev: Severity = Severity.HIGH, only_first: bool = False) -> None:
        i = text.find(sub)
        while i >= 0:
            out.append(doc.finding(det, cat, sev, f"{cat} trace", i, i + len(sub),
                                   action=action, replacement=repl))
            if only_first:
                break
            i = text.find(sub, i + 1)

    add("SECRET//NOFORN", "markings.banner", "marking", Action.REPLACE)
    add("IMMEDIATE", "markings.precedence", "marking", Action.REPLACE, only_first=True)
    for line in HEADER[2:5]:
        add(line, "distribution.line", "distribution", Action.REMOVE)
    add("Copy No. 4 of 9", "identifiers.copy", "identifier", Action.REPLACE)
    add("22 STATE 123456", "identifiers.cable", "identifier", Action.REPLACE)
    add("E-1142/LDN", "identifiers.reference", "identifier", Action.REPLACE,
        sev=Severity.MEDIUM, only_first=True)  # the second mention is left to propagation
    add("071530Z MAR 22", "datetimes.dtg", "datetime", Action.REPLACE)
    for ch in (ZWSP, ZWNJ, WJ):
        add(ch, "invisible.format", "invisible", Action.REMOVE, "", Severity.HIGH)
    add(NBSP, "invisible.space", "invisible", Action.NORMALIZE, " ", Severity.MEDIUM)
    add(f"P{CYR_A}ris", "homoglyphs.mixed", "homoglyph", Action.NORMALIZE, "Paris")
    add(f"{GREEK_O}TTAWA", "homoglyphs.mixed", "homoglyph", Action.NORMALIZE, "OTTAWA")
    add("delegation.  The", "whitespace.double", "whitespace", Action.NORMALIZE,
        "delegation. The", Severity.LOW)
    add("cabinet's", "typography.apostrophe", "typography", Action.NORMALIZE, "cabinet’s",
        Severity.LOW)
    add("Tuesday", "datetimes.prose", "datetime", Action.REVIEW, sev=Severity.LOW)
    return out


def write_cable(
    folder: Path,
    name: str = "cable.txt",
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    newline: str = "\n",
) -> Cable:
    """Write the cable into ``folder``; return it with its path."""
    c = cable(newline)
    data = c.text.encode(encoding)
    if bom:
        prefix = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}
        data = prefix[encoding] + data
    path = Path(folder) / name
    path.write_bytes(data)
    c.path = path
    return c


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path("sanitize-fixtures")
    out.mkdir(parents=True, exist_ok=True)
    write_cable(out, "cable.txt")
    write_cable(out, "cable-utf16.txt", encoding="utf-16-le", bom=True)
    write_cable(out, "cable-crlf.txt", newline="\r\n")
    print(f"wrote 3 fixtures to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
