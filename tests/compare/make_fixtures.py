"""Fixtures for leakdesk compare: recipients' copies of a fictional cable, and a scan of one.

Run ``python -m tests.compare.make_fixtures OUTDIR`` to write them, or import
:func:`write_fixtures`.  The cable is invented (no real names or events).
Copies are built from one template in which every ``⟪name⟫`` placeholder is
filled per copy, so the truth (where each mark sits in each copy) is known
exactly:

- ``a.txt`` and ``b.txt``: two recipients' copies.  They differ in the copy
  number, one distribution entry, three word choices, and fourteen canary
  marks (invisible characters, homoglyphs, spacing, punctuation), some in A's
  copy and some in B's;
- ``b-scan.txt``: B's copy as it comes back from a print-and-scan: lines
  re-wrapped at another width, long words hyphenated at line ends, a few OCR
  letter confusions and a dropped comma at a line end; the invisible
  characters, homoglyphs and repeated spaces of B's copy are gone, as OCR
  loses them;
- ``c.txt``: a third recipient sharing some variants with A and some with B;
- ``moved.txt``: A's copy with one paragraph moved and one word changed in it;
- ``other.txt``: an unrelated text of similar length (not a copy).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = """\
⟪class⟫
COPY ⟪copy⟫ OF 40 COPIES

R 141207Z MAR 24
FM AMEMBASSY VALDORIA
TO SECSTATE WASHDC IMMEDIATE 4411
INFO AMEMBASSY LISBON
     AMEMBASSY VIENNA
     ⟪dist⟫
     USMISSION GENEVA

E.O. 12958: DECL: 03/14/2034
TAGS: PREL, PGOV, ECON, VD
SUBJECT: VALDORIA: MINISTER SIGNALS DELAY ON PORT CONCESSION

REF: A. VALDORIA 0882 B. STATE 31207

Classified By: Deputy Chief of Mission Harold Penwright for reasons 1.4
(b) and (d).

1. (C) Summary: Foreign Minister Aurelio Tavares told the Ambassador on
March 13 that the cabinet would not approve the northern port
concession before the summer recess. He expressed deep ⟪w1⟫ about the
financing terms offered by the consortium and said the ⟪ho1⟫overnment
wanted a modern review of the environmental study. Tavares asked that
Washington refrain from public comment until the cabinet had reached a
decision. End summary.

2. (C) Tavares, joined by his chief of staff, opened the meeting by
noting that the port concession had become a domestic political issue
far more ⟪w2⟫ than he had expected. Opposition deputies had seized on
the financing terms⟪p1⟫ arguing that the consortium would recover its
investment within six years while the state carried the dredging
costs. The minister said he shared some of these concerns⟪zw1⟫ but did
not believe the deal was beyond repair.⟪sp1⟫He added that the finance
ministry had asked for an independent valuation, which would take at
least three months.

3. (C) The Ambassador replied that American firms in the consortium
had acted in good faith and that a long delay would send a poor signal
to other investors. She urged the minister to publish a clear timeline.
Tavares ⟪w3⟫ that a timeline would be premature, but promised to keep
the embassy informed "at every ⟪zw2⟫stage" of the review. He noted that
the cabinet⟪q1⟫s legal adviser was drafting a memorandum on the tender
rules, and that the memorandum would be shared with the consortium
before it went to parliament.

4. (C) On the environmental study, Tavares said the harbour authority
had found errors in the sediment survey⟪nb1⟫and that a second survey
would be commissioned from a university laboratory in Port Ardel. He
did not expect the new survey to change the overall assessment, but
said the government could not risk a court challenge from fishing
cooperatives on the northern coast.⟪tr1⟫
The minister also asked whether the United States would support a
regional development fund for the coastal provinces.

5. (C) Comment: Tavares appeared tired and ⟪ho2⟫nusually guarded. His
⟪dash⟫ and the request for embassy silence ⟪dash2⟫ suggest the cabinet
is divided⟪p2⟫ and that the prime minister has not yet decided whether
to spend political capital on the concession. We will continue to
engage the finance ministry and the consortium, and will report further
developments. End comment.

6. (U) Minimize considered.

PENWRIGHT
"""

#: name: (kind, A's variant, B's variant, C's variant, where the mark is)
MARKS: dict[str, tuple[str, str, str, str, str]] = {
    "class": ("wording", "SECRET", "SECRET NOFORN", "SECRET", "ab"),
    "copy": ("number", "12", "17", "23", "ab"),
    "dist": ("wording", "AMEMBASSY ROME", "AMEMBASSY MADRID", "AMEMBASSY ROME", "ab"),
    "w1": ("wording", "concern", "worry", "concern", "ab"),
    "w2": ("wording", "rapidly", "quickly", "quickly", "ab"),
    "w3": ("wording", "replied", "answered", "answered", "ab"),
    # canary marks
    "ho1": ("homoglyph", "g", "\u0261", "g", "b"),  # Latin small script g in B
    "p1": ("punctuation", ",", ";", ",", "ab"),
    "zw1": ("invisible", "\u200b", "", "", "a"),  # zero width space
    "sp1": ("whitespace", "  ", " ", " ", "a"),  # double space
    "zw2": ("invisible", "", "\u200c", "", "b"),  # zero width non-joiner
    "q1": ("punctuation", "\u2019", "'", "\u2019", "ab"),  # curly vs straight apostrophe
    "nb1": ("whitespace", "\u00a0", " ", " ", "a"),  # no-break space
    "tr1": ("whitespace", " ", "", "", "a"),  # trailing space at a line end
    "ho2": ("homoglyph", "u", "u", "\u057d", "c"),  # Armenian seh in C only
    "dash": ("punctuation", "caution \u2013", "caution -", "caution \u2013", "ab"),
    "dash2": ("punctuation", "\u2013", "-", "\u2013", "ab"),
    "p2": ("punctuation", ",", "", ",", "ab"),  # comma only in A
}
# Homoglyphs inside words of A: Cyrillic small a in "refrain", Cyrillic small ie in "sediment".
_A_ONLY_HOMOGLYPHS = (("refrain from public", "refr\u0430in from public"),
                      ("sediment survey", "sedim\u0435nt survey"))

#: The OCR slips the scan adds: (word in B, as the scan reads it)
OCR_SLIPS = (("modern", "modem"), ("clear", "dear"), ("Official", "0fficial"),
             ("Opposition", "0pposition"), ("will", "wi1l"))


@dataclass
class Copy:
    name: str
    text: str
    #: mark name -> (start, end) of the mark in this copy
    spans: dict[str, tuple[int, int]]


def build(which: str) -> Copy:
    """Fill the template for copy ``which`` ("a", "b" or "c") and record each mark's span."""
    col = {"a": 1, "b": 2, "c": 3}[which]
    out: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    pos = 0
    length = 0
    t = TEMPLATE
    while True:
        i = t.find("⟪", pos)
        if i < 0:
            out.append(t[pos:])
            break
        j = t.index("⟫", i)
        name = t[i + 1 : j]
        out.append(t[pos:i])
        length += i - pos
        value = MARKS[name][col]
        spans[name] = (length, length + len(value))
        out.append(value)
        length += len(value)
        pos = j + 1
    text = "".join(out)
    if which == "a":
        for plain, marked in _A_ONLY_HOMOGLYPHS:
            k = text.index(plain)
            text = text[:k] + marked + text[k + len(plain) :]
            spans[f"hom:{plain}"] = (k, k + len(marked.split()[0]))
    return Copy(f"{which}.txt", text, spans)


def truth_marks() -> list[dict[str, object]]:
    """Every difference between a.txt and b.txt: A's span, B's span, and the two variants."""
    a, b = build("a"), build("b")
    out: list[dict[str, object]] = []
    for name, (kind, va, vb, _vc, _where) in MARKS.items():
        if va == vb:
            continue
        (a0, a1), (b0, b1) = a.spans[name], b.spans[name]
        # leave out whole words the two variants share ("SECRET" / "SECRET NOFORN")
        pre = _common_words(va, vb)
        suf = _common_words(va[pre:][::-1], vb[pre:][::-1])
        out.append({"name": name, "kind": kind, "a": [a0 + pre, a1 - suf], "b": [b0 + pre, b1 - suf],
                    "a_text": va[pre : len(va) - suf], "b_text": vb[pre : len(vb) - suf]})
    for plain, marked in _A_ONLY_HOMOGLYPHS:
        k = f"hom:{plain}"
        bk = b.text.index(plain)
        word, marked_word = plain.split()[0], marked.split()[0]
        out.append({"name": k, "kind": "homoglyph", "a": list(a.spans[k]),
                    "b": [bk, bk + len(word)], "a_text": marked_word, "b_text": word})
    return out


def _common_words(x: str, y: str) -> int:
    """Length of the common prefix of ``x`` and ``y`` that ends at a space in both."""
    n = 0
    for i, (c, d) in enumerate(zip(x, y, strict=False)):
        if c != d:
            return n
        if c == " ":
            n = i + 1
    short, long_ = sorted((x, y), key=len)
    if len(short) < len(long_) and long_[len(short)] == " ":
        return len(short)
    return n


# -- the scan ---------------------------------------------------------------------

_TO_LATIN = {"\u0261": "g", "\u0430": "a", "\u0435": "e", "\u057d": "u", "\u03bf": "o"}


def _hyphenate(words: list[str], width: int) -> list[str]:
    """Greedy wrap at ``width``; a long word that does not fit is split with a hyphen."""
    lines: list[str] = []
    line = ""
    for w in words:
        cand = f"{line} {w}" if line else w
        if len(cand) <= width:
            line = cand
            continue
        room = width - len(line) - 2  # space and hyphen
        alpha = w.isalpha() and w.islower()
        if line and alpha and len(w) >= 9 and room >= 4 and len(w) - room >= 3:
            lines.append(f"{line} {w[:room]}-")
            line = w[room:]
        else:
            lines.append(line)
            line = w
    if line:
        lines.append(line)
    return lines


def scan(text: str, width: int = 58) -> str:
    """B's copy as OCR returns it from a print: see the module docstring."""
    import re

    t = re.sub(r"[\u200b-\u200f\u2060\ufeff]", "", text)
    t = "".join(_TO_LATIN.get(c, c) for c in t)
    t = re.sub(r"[\u00a0\u2009\u202f]", " ", t)
    t = re.sub(r"(?<=\S) {2,}", " ", t)
    t = re.sub(r" +\n", "\n", t)
    paras = t.split("\n\n")
    out = []
    for p in paras:
        if re.match(r"\d\. \(", p):
            out.append("\n".join(_hyphenate(p.split(), width)))
        else:
            out.append(p)
    t = "\n\n".join(out)
    for word, slip in OCR_SLIPS:
        t = re.sub(rf"\b{word}\b", slip, t, count=1)
    # a comma lost where the scan broke the line after it
    k = t.index(", ", t.index("3. (C)"))
    return t[:k] + "\n" + t[k + 2 :]


def moved_copy() -> str:
    """A's copy with paragraph 4 moved before paragraph 3, and one word changed inside it."""
    a = build("a").text
    p3 = a.index("3. (C)")
    p4 = a.index("4. (C)")
    p5 = a.index("5. (C)")
    para3, para4 = a[p3:p4], a[p4:p5]
    para4 = para4.replace("commissioned", "ordered")
    return a[:p3] + para4 + para3 + a[p5:]


OTHER = """\
The village of Lower Brantham lies at the bend of a slow river, where the
old mill still turns on market days. Visitors come for the cheese fair in
October, when farmers from the valley bring their wheels of hard cheese
and set them out on trestle tables along the green. The church has a
square tower and a clock that has been five minutes fast for as long as
anyone can remember. In the evenings the inn serves a pie of mutton and
barley, and the landlord tells stories about the great flood of the last
century, when the water reached the second step of the market cross.

Walkers follow the towpath east to the lock keeper's cottage and then
climb the chalk ridge to see the whole valley spread out below, a patchwork
of hedges and small fields, with the spire of the cathedral town visible
on clear days. Birdwatchers count herons and kingfishers along the reeds.
A bus runs twice a day to the station, though most people prefer to walk
or cycle along the lanes, stopping at the farm shop for apples and honey.
The school holds a summer fete with a tug of war across the river, and the
losing team, by long custom, ends up in the water to general applause.
"""


def write_fixtures(out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    a, b, c = build("a"), build("b"), build("c")
    files = {
        "a": out / "a.txt",
        "b": out / "b.txt",
        "c": out / "c.txt",
        "scan": out / "b-scan.txt",
        "moved": out / "moved.txt",
        "other": out / "other.txt",
    }
    files["a"].write_text(a.text, encoding="utf-8")
    files["b"].write_text(b.text, encoding="utf-8")
    files["c"].write_text(c.text, encoding="utf-8")
    files["scan"].write_text(scan(b.text), encoding="utf-8")
    files["moved"].write_text(moved_copy(), encoding="utf-8")
    files["other"].write_text(OTHER, encoding="utf-8")
    (out / "truth.json").write_text(json.dumps(truth_marks(), indent=1), encoding="utf-8")
    return files


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path("compare-fixtures")
    for name, path in write_fixtures(out).items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

__all__ = ["MARKS", "OCR_SLIPS", "Copy", "build", "moved_copy", "scan", "truth_marks",
           "write_fixtures"]
