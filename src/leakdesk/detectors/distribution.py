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

Why it singles out a copy: a distribution list says who received the
document.  The shorter it is, the fewer people could have leaked it; and the
``Info`` and ``Copy to`` lines often differ between the copies sent to
different offices.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import regex

from ..document import Action, Document, Finding
from . import detector
from ._context import Claim, layout

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


def find(doc: Document) -> Iterator[Finding]:
    if not doc.text:
        return
    lay = layout(doc)
    for c in lay.claims_of("distribution"):
        yield _finding(doc, c)


@detector(DETECTOR, "distribution", "From/To/Info/Distribution/Copy-to blocks, the offices and people in them")
def detect(doc: Document) -> list[Finding]:
    return list(find(doc))
