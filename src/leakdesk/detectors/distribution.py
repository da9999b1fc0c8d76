"""Address and distribution blocks: who sent, received, cleared and handled a copy.

What it finds (labels from the rule packs): ``From``/``FM``, ``To``/``TO``,
``Repeat``, ``Cc``, ``Info``/``INFO``, ``Distribution``, ``Copy to``,
``Addressees``, ``AND TO``, ``SAVING TO``, the ``STATE FOR SCA/PAK`` and ``For
Foreign Secretary from High Commissioner`` lines of cables and cypher
telegrams, the ``Drafted/Cleared/Approved by`` and ``Decyphered by`` lines
that name officials, and the signature at the foot of a cable.

A block is one finding, whatever its length: the consecutive ``FM/TO/INFO``
lines with their continuation lines (indented lines, lines of routing
indicators, list lines).  The evidence lists the addressees and any people,
e-mail addresses and routing indicators found in it.  High severity; sanitize
removes the whole lines.

A label is a field only with its value: on its line or on the line directly
below (``Author:`` then a blank line then a name is a document's byline, as
in a Sphinx field list, and not reported).  The last short line of a text is
a signature (medium) when it reads as a name: initials and a surname, a
surname in capitals (``PATTERSON``), two or three capitalised words the text
does not also use in lower case, a line after a complimentary close
(``Regards``) or a title line under a name.  Closing words (``FINIS``, ``THE
END``) are not reported; other last lines (a heading such as ``Advanced
Tutorial``) are low, for review.

Why it singles out a copy: a distribution list says who received the
document.  The shorter it is, the fewer people could have leaked it; and the
``Info`` and ``Copy to`` lines often differ between the copies sent to
different offices.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import regex

from ..document import Action, Document, Finding, Severity
from . import detector
from ._context import Claim, Layout, layout

DETECTOR = "distribution"

_LABEL = regex.compile(
    r"^[ \t]*(?:(?:AND|SAVING|PASS|REPEATED?)[ \t]+TO|FM|TO|INFO|CC|BCC|REPEAT|XMT|"
    r"(?i:from|to|cc|bcc|info|repeat(?:ed)?(?:[ \t]+to)?|distribution(?:[ \t]+list)?|distr|copy[ \t]+to|copies[ \t]+to|"
    r"addressees?|recipients?|sender|originator|sent[ \t]+to|attention|attn|through|action|"
    r"drafted(?:[ \t]+by)?|cleared(?:[ \t]+by)?|approved(?:[ \t]+by)?|prepared[ \t]+by|typed[ \t]+by|checked[ \t]+by|"
    r"signed(?:[ \t]+by)?|printed[ \t]+by|[cd]e?[cy]phered[ \t]+by|enciphered[ \t]+by|received[ \t]+by|handled[ \t]+by|"
    r"author|authors|created[ \t]+by|last[ \t]+(?:modified|saved)[ \t]+by|requested[ \t]+by|downloaded[ \t]+by))"
    r"[ \t]*[:：]?[ \t]*",
    regex.MULTILINE,
)
_EMAIL = regex.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_ROUTING = regex.compile(r"\bR[A-Z]{3,}(?=/)")
_PERSON = regex.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|HE|H\.E\.|Amb|Ambassador|Shri|Smt|Janab|Begum|Col|Brig|Gen|Maj|Capt|Prof)\.?[ \t]+)"
    r"(?:[A-Z]\.[ \t]?){0,3}[\p{Lu}][\p{L}'’-]+(?:[ \t]+[\p{Lu}][\p{L}'’-]+){0,2}"
    r"|\b(?:[A-Z]\.[ \t]?){1,3}[\p{Lu}][\p{Ll}][\p{L}'’-]+"
    r"|\b[\p{Lu}][\p{Ll}]+[ \t]+(?:[A-Z]\.[ \t]?)?[\p{Lu}][\p{Ll}][\p{L}'’-]+(?=[ \t]*(?:[,;<(\n]|$))"
)
_NOT_PEOPLE = {"Foreign Secretary", "High Commission", "High Commissioner", "Prime Minister", "Private Secretary", "Political Director", "Deputy Chief", "Foreign Office", "National Security"}

_KIND_MESSAGES = {
    "distribution": (
        "The distribution list names who sent and who received this document{who}; "
        "a short list narrows down who could have leaked it, and copies sent to "
        "different offices differ in these lines."
    ),
    "handled-by": (
        "This line names people who wrote, cleared, typed, decyphered or printed this copy{who}: "
        "it points straight at the people who handled it."
    ),
    "signature": (
        "The signature names the sender{who}; with the date it finds the message in the sender's register."
    ),
}


def _items(text: str) -> list[str]:
    items: list[str] = []
    for line in text.splitlines():
        body = _LABEL.sub("", line, count=1).strip()
        if not body:
            continue
        # Split on commas and semicolons outside brackets: "Port Aubrey
        # (Director, Northern Department)" is one addressee.
        parts = regex.split(r"[;,](?![^()]*\))|\t|[ ]{3,}", body)
        for p in parts:
            p = " ".join(p.split()).strip(" .:")
            if p and p not in items:
                items.append(p)
    return items


def _people(text: str) -> list[str]:
    out: list[str] = []
    for mt in _PERSON.finditer(text):
        name = " ".join(mt.group().split())
        if name in _NOT_PEOPLE or name in out:
            continue
        out.append(name)
    return out


def _finding(doc: Document, c: Claim) -> Finding:
    text = doc.text[c.start : c.end]
    items = c.evidence.get("names") or _items(text)
    people = _people(text)
    emails = list(dict.fromkeys(_EMAIL.findall(text)))
    routing = list(dict.fromkeys(_ROUTING.findall(text)))
    n = len(items)
    if c.kind == "signature":
        who = f" ({', '.join(items)})" if items else ""
    elif n:
        shown = ", ".join(items[:4]) + (f" and {n - 4} more" if n > 4 else "")
        who = f" ({n} entr{'y' if n == 1 else 'ies'}: {shown})"
    else:
        who = ""
    template = _KIND_MESSAGES.get(c.kind)
    if template is not None:
        message = template.format(who=who)
    else:
        message = " ".join((c.message or _KIND_MESSAGES["distribution"].format(who=who)).split())
    ev: dict[str, Any] = {"rule": c.rule, "pack": c.pack, "kind": c.kind, "addressees": items}
    if c.label:
        ev["fields"] = c.evidence.get("fields", [c.label])
    if people:
        ev["people"] = people
    if emails:
        ev["emails"] = emails
    if routing:
        ev["routing_indicators"] = routing
    if c.lines > 1:
        ev["lines"] = c.lines
    return doc.finding(
        f"{DETECTOR}.{c.kind}",
        "distribution",
        c.severity,
        message,
        c.start,
        c.end,
        action=Action.REMOVE if c.action is Action.REPLACE else c.action,
        evidence=ev,
    )


#: Words that close a book or a text, or head its back matter; a last line
#: made only of these (``FINIS``, ``THE END``, ``Acknowledgements``) names nobody.
_CLOSING_WORDS = frozenset(
    "finis fin end the ende fine eof acknowledgements acknowledgments appendix index contents "
    "glossary bibliography references notes colophon postscript epilogue afterword".split()
)
#: Complimentary closes: the line after one of these is a signature.
_CLOSES = regex.compile(
    r"(?i)[ \t]*(?:(?:with[ \t]+)?(?:(?:best|kind|warm|warmest|kindest)[ \t]+)?regards"
    r"|yours(?:[ \t]+(?:sincerely|faithfully|truly|ever))?|(?:very[ \t]+)?(?:sincerely|faithfully|truly|respectfully)(?:[ \t]+yours)?"
    r"|best(?:[ \t]+wishes)?|cheers|(?:many[ \t]+)?thanks|with[ \t]+(?:thanks|best[ \t]+wishes)|respectfully[ \t]+submitted)"
    r"[ \t]*[.,!]?[ \t]*"
)
#: A name: initials and a surname (``K. Marlow``, ``A.M. Kuchling``), a
#: surname in capitals (``PATTERSON``, the cable convention) or two or three
#: capitalised words (``Anne Patterson``, ``Anne W. Patterson``).
_NAME = regex.compile(
    r"[ \t]*(?:\(?(?:signed|sgd)\)?\.?[ \t]+)?"
    r"(?P<name>(?:\p{Lu}\.[ \t]?){1,3}\p{Lu}[\p{Ll}'’-]+(?:[ \t]+\p{Lu}[\p{Ll}'’-]+)?"
    r"|\p{Lu}[\p{Lu}'’-]{2,}(?:[ \t]+\p{Lu}[\p{Lu}'’-]{2,}){0,2}"
    r"|\p{Lu}[\p{Ll}'’-]+(?:[ \t]+(?:\p{Lu}\.|\p{Lu}[\p{Ll}'’-]+)){1,2})"
    r"[ \t]*[.,]?[ \t]*"
)
_WORD = regex.compile(r"\p{L}[\p{L}'’-]*")


def _closing(text: str) -> bool:
    """A closing word (``FINIS``, ``THE END``) or a complimentary close (``Regards,``): no name."""
    words = {w.lower() for w in _WORD.findall(text)}
    return not words or words <= _CLOSING_WORDS or bool(_CLOSES.fullmatch(text))


def _name_line(s: str, start: int, end: int) -> bool:
    """Whether ``s[start:end]`` reads as a name.

    Initials and a surname always do.  Capitalised words do unless the text
    uses one of them in lower case as well: ``Advanced Tutorial`` is a
    heading when ``tutorial`` is an ordinary word of the text; a surname is
    not.
    """
    text = s[start:end]
    if _closing(text):
        return False
    mt = _NAME.fullmatch(text)
    if mt is None:
        return False
    if "." in mt.group("name").split()[0]:  # initials: "K. Marlow", "A.M. Kuchling"
        return True
    for w in _WORD.findall(text):
        if len(w) > 1 and regex.search(r"(?<![\p{L}])" + regex.escape(w.lower()) + r"(?![\p{L}])", s):
            return False
    return True


def _previous_text_line(lay: Layout, start: int) -> tuple[int, int] | None:
    ln = lay.prev_line(lay.line_at(start))
    while ln is not None and ln.blank:
        ln = lay.prev_line(ln)
    return None if ln is None else (ln.body, ln.end)


def _is_signature(lay: Layout, c: Claim) -> bool:
    """Whether the last short line of a text is a signature, not a closing word or a heading.

    A signature is a name (see :func:`_name_line`), a line after a
    complimentary close (``Regards``, ``Yours sincerely``), or a title line
    (``Ambassador``) directly under a name.
    """
    s = lay.s
    if _closing(s[c.start : c.end]):
        return False
    if _name_line(s, c.start, c.end):
        return True
    prev = _previous_text_line(lay, c.start)
    if prev is None:
        return False
    return bool(_CLOSES.fullmatch(s, prev[0], prev[1])) or _name_line(s, prev[0], prev[1])


def _field_span(lay: Layout, c: Claim) -> Claim | None:
    """The field of a label whose value is not on its own line, or None when it has no value.

    ``Author:`` with the name on the line directly below is a field (the
    value is taken in); a label followed by a blank line (a Sphinx or
    reStructuredText field list: ``author:``, a blank line, ``Larry
    Hastings``) is a document's byline, not a header field.
    """
    if c.lines > 1 or lay.s[c.start + len(c.label or "") : c.end].strip(" \t:："):
        return c
    nxt = lay.next_line(lay.line_at(c.start))
    if nxt is None or nxt.blank:
        return None
    return replace(c, end=nxt.end, lines=2)


def _low(f: Finding) -> Finding:
    """The last short line of a text that may be a signature: low, for review."""
    return replace(f, severity=Severity.LOW, action=Action.REVIEW)


def find(doc: Document) -> Iterator[Finding]:
    if not doc.text:
        return
    lay = layout(doc)
    for c in lay.claims_of("distribution"):
        if c.kind in ("distribution", "handled-by"):
            field = _field_span(lay, c)
            if field is not None:
                yield _finding(doc, field)
        elif c.kind == "signature" and not _is_signature(lay, c):
            if not _closing(lay.s[c.start : c.end]):
                yield _low(_finding(doc, c))
        else:
            yield _finding(doc, c)


@detector(DETECTOR, "distribution", "From/To/Info/Distribution/Copy-to blocks, the offices and people in them")
def detect(doc: Document) -> list[Finding]:
    return list(find(doc))
