"""A realistic (fictional) news article about a leaked memo, and the memo itself.

Run ``python -m tests.quotes.make_fixtures OUTDIR`` to write them; the tests call
:func:`write_fixtures` into a temporary directory.

The article has, on purpose:

- quotations taken word for word from the memo, among them a split quote
  ('"…," Malik wrote, "…"'), a one-word quote ("reckless"), a sentence-long
  quote, a partial quote after "that", a scare-quoted word ("pause") and a
  multi-paragraph quote;
- one quotation whose wording was altered ("review" became "reverse");
- quotations of other speakers that are in no source: a ministry spokesperson,
  a rally speech and a parliamentary hearing;
- two paragraphs repeated (pasted twice, as a CMS does);
- apostrophes that are not quotation marks (the ministry's, officials',
  don't, the '90s).

``EXPECTED`` lists every quotation in article order with its verdict, kind and
speaker; ``REPEATED`` the two repeated paragraphs.
"""

from __future__ import annotations

import sys
from pathlib import Path

MEMO = """\
RESTRICTED — POLICY

MINISTRY OF ENVIRONMENT
Office of the Deputy Minister

To: Minister's Private Office
From: Sara Malik, Deputy Minister
Date: 3 March
Subject: Timing of the national flood risk report

1. The national flood risk report is complete, and its findings show that 41,000 homes in the northern districts face a severe risk of flooding by 2030. That is roughly twice the figure we published last year.

2. We will review the decision once the figures are final. Until then, the release of the figures should be delayed until the new year, when the political calendar is quieter. Publishing before the election would be reckless: it would invite questions we cannot yet answer.

3. The minister has approved this approach, and the communications team should say only that the report remains under review. Officials should describe the delay as a pause and should not give a date.

4. Regional offices have asked for the district maps. They should be told that the maps are being checked for accuracy and will follow with the report.

5. Officials should avoid putting any part of this plan in writing outside this office.

RESTRICTED — Copy 3 of 12
"""

SPLIT = (
    "\u201cThe national flood risk report is complete,\u201d Malik wrote, \u201cand its "
    "findings show that 41,000 homes in the northern districts face a severe risk of "
    "flooding by 2030.\u201d"
)
SPOKESPERSON = (
    "A spokesperson for the Ministry of Environment said: \u201cThe ministry does not "
    "comment on leaked documents. The report will be published in due course, as planned.\u201d"
)

ARTICLE = f"""\
Ministry held back flood warnings until after vote, leaked memo shows

By Elena Marsh, Environment Correspondent

A confidential memo written by a senior environment official shows that the government planned to delay a report on flood risk until after the general election, despite warnings that thousands of homes were in danger.

The memo, dated 3 March and addressed to the minister's private office, was written by Deputy Minister Sara Malik. It has been seen by this newspaper.

{SPLIT}

Malik described publication before the election as \u201creckless\u201d.

In the memo, she wrote that \u201cthe release of the figures should be delayed until the new year, when the political calendar is quieter.\u201d

\u201cWe will reverse the decision once the figures are final,\u201d Ms Malik added.

The memo states: \u201cThe minister has approved this approach, and the communications team should say only that the report remains under review.\u201d

Officials were told to call the delay a \u201cpause\u201d. The ministry's own models, unchanged since the '90s, don't account for the new figures, and officials' requests for the district maps were refused.

{SPOKESPERSON}

Speaking at a rally in Harrowgate on Saturday, the opposition leader, Senator Jane Doe, told supporters: \u201cFamilies in the north deserve the truth before they vote, not after it.\u201d

\u201cThe people of this region have been treated as an afterthought,\u201d she said. \u201cThat ends in May.\u201d

At a hearing of the parliamentary environment committee on Tuesday, its chair, Ahmed Khan, asked officials whether ministers had seen the report.

\u201cIf this memo is genuine, the minister has misled the House and must explain herself,\u201d Mr Khan said.

\u201cWe were told the report was not ready. Now we learn it was finished in March,\u201d he added.

The memo ends with an instruction that officials should \u201cavoid putting any part of this plan in writing outside this office.\u201d

{SPLIT}

{SPOKESPERSON}
"""

#: (text starts with, verdict, kind, speaker) for every quotation, in article order
EXPECTED: list[tuple[str, str, str, str | None]] = [
    ("The national flood risk report is complete", "verbatim", "speech", "Sara Malik"),
    ("reckless", "verbatim", "term", "Sara Malik"),
    ("the release of the figures", "verbatim", "speech", "Sara Malik"),
    ("We will reverse the decision", "altered", "speech", "Sara Malik"),
    ("The minister has approved this approach", "verbatim", "speech", "the memo"),
    ("pause", "verbatim", "term", None),
    ("The ministry does not comment", "not_in_source", "speech",
     "a spokesperson for the Ministry of Environment"),
    ("Families in the north", "not_in_source", "speech", "Jane Doe"),
    ("The people of this region", "not_in_source", "speech", "Jane Doe"),
    ("That ends in May", "not_in_source", "speech", "Jane Doe"),
    ("If this memo is genuine", "not_in_source", "speech", "Ahmed Khan"),
    ("We were told the report was not ready", "not_in_source", "speech", "Ahmed Khan"),
    ("avoid putting any part", "verbatim", "speech", "the memo"),
    ("The national flood risk report is complete", "verbatim", "speech", "Sara Malik"),
    ("The ministry does not comment", "not_in_source", "speech",
     "a spokesperson for the Ministry of Environment"),
]

REPEATED = [SPLIT, SPOKESPERSON]


def write_fixtures(out: Path) -> dict[str, Path]:
    """Write article.txt and memo.txt (and memo.docx when python-docx is there)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"article": out / "article.txt", "memo": out / "memo.txt"}
    paths["article"].write_text(ARTICLE, encoding="utf-8")
    paths["memo"].write_text(MEMO, encoding="utf-8")
    try:
        import docx
    except ImportError:  # pragma: no cover - python-docx is a dev dependency
        return paths
    d = docx.Document()
    for para in MEMO.split("\n\n"):
        d.add_paragraph(para.replace("\n", " "))
    d.core_properties.author = "S. Malik"
    paths["memo_docx"] = out / "memo.docx"
    d.save(str(paths["memo_docx"]))
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "quotes-fixtures")
    for name, path in write_fixtures(target).items():
        print(f"{name}: {path}")
