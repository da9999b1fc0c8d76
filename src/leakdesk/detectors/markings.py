"""Classification and handling markings: banners, fields, portion marks, precedence.

What it finds (vocabularies from the YAML rule packs in ``rules/``):

* **Banner lines**: a line (or a cell of a line) made only of markings,
  written in capitals, spaced out (``C O N F I D E N T I A L``) or, where the
  pack allows it, in title case alone on a line (``Secret``); with the
  ``SECTION 01 OF 02`` and cable number a banner carries.  High severity.
* **Marking fields**: ``Classification: SECRET``, ``Classified By: ...``
  (which names the classifying official), ``E.O. 12958: DECL: ...``,
  ``ZNY CCCCC``.  High.
* **Portion marks**: ``(S)``, ``(C)``, ``(S//NF)``, ``(U//FOUO)`` at the start
  of a paragraph, after a field label, or anywhere when they carry ``//``.
  High.
* **Inline markings**: a marking in capitals elsewhere.  On a short header
  line it is high; inside running prose it is at most medium (``a cable
  marked SECRET//NOFORN``) and plain words (``the SECRET talks``) are low
  and left for review.  Lower-case words are never markings.

Why it singles out a copy: markings are not the same on every copy.  Which
caveats a copy carries, the section numbering, the exact form and spacing of
the banner and whether a page was re-marked when it was printed or
forwarded all differ between the offices that held the document.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..document import Action, Document, Finding, Severity
from . import detector
from ._context import Claim, Layout, TermHit, layout

DETECTOR = "markings"

_KIND_MESSAGES = {
    "banner": (
        "A classification banner ({what}). Its exact wording, spacing and place "
        "show which system and which office this copy came from."
    ),
    "classification-authority": (
        "The classification authority line names the official who classified this "
        "document and the reason; it points to the office it came from."
    ),
    "classification-field": (
        "A classification field ({what}); its exact value shows which system and "
        "which office this copy came from."
    ),
    "transmission-classification": (
        "The transmission security line encodes the classification for the network; "
        "it is part of this copy's header."
    ),
}


def _claim_finding(doc: Document, c: Claim) -> Finding:
    what = ", ".join(c.evidence.get("markings", [])) or (c.label or c.kind)
    template = _KIND_MESSAGES.get(c.kind)
    if c.kind == "banner" and c.evidence.get("spaced_out"):
        what += ", spaced out"
    if template is not None:
        message = template.format(what=what)
    else:
        message = " ".join((c.message or _KIND_MESSAGES["banner"].format(what=what)).split())
    ev = {"rule": c.rule, "pack": c.pack, "kind": c.kind, "where": "header line", **c.evidence}
    if c.lines > 1:
        ev["lines"] = c.lines
    return doc.finding(
        f"{DETECTOR}.{c.kind}",
        "marking",
        c.severity,
        message,
        c.start,
        c.end,
        action=c.action,
        evidence=ev,
    )


def _inline(doc: Document, lay: Layout, h: TermHit) -> Finding | None:
    ln = lay.line_at(h.start)
    zone = lay.in_zone(h.start)
    compound = len(h.terms) > 1 or "//" in lay.s[h.start : h.end] or h.spaced
    distinctive = any(i.distinctive for i in h.infos)
    prose_sev = [i.in_prose for i in h.infos if i.in_prose is not None]
    where: str
    severity: Severity | None
    if not ln.prose:
        where = "header line" if zone else "short line"
        # One plain word ("SECRET", "PRIORITY") on a heading may be a marking or
        # a headline: low, for a person to decide.
        severity = Severity.HIGH if compound or distinctive else (Severity.LOW if prose_sev else None)
    elif ln.lower:
        where = "running prose"
        if not prose_sev:
            severity = None
        else:
            best = max(prose_sev, key=lambda s: s.rank)
            if compound and best is Severity.LOW:
                best = Severity.MEDIUM
            severity = Severity.MEDIUM if best is Severity.HIGH else best
    else:
        where = "capitals prose"
        if distinctive and prose_sev:
            best = max(prose_sev, key=lambda s: s.rank)
            severity = Severity.MEDIUM if best is Severity.HIGH else best
        else:
            severity = None
    if severity is None:
        return None
    terms = ", ".join(dict.fromkeys(h.terms))
    if severity is Severity.LOW:
        message = (
            f"{terms} in capitals in the text. It may be a marking quoted in the text, or "
            "just emphasis: check before publishing."
        )
        action = Action.REVIEW
    else:
        message = (
            f"A marking ({terms}) on a {where}: which markings a copy carries, and their "
            "exact form, show which office and which system this copy came from."
        )
        action = Action.REPLACE
    return doc.finding(
        f"{DETECTOR}.inline",
        "marking",
        severity,
        message,
        h.start,
        h.end,
        action=action,
        evidence={
            "markings": list(dict.fromkeys(h.terms)),
            "kinds": list(dict.fromkeys(i.kind for i in h.infos)),
            "rules": list(dict.fromkeys(r for i in h.infos for r in i.rules)),
            "packs": list(dict.fromkeys(p for i in h.infos for p in i.packs)),
            "where": where,
            **({"spaced_out": True} if h.spaced else {}),
        },
    )


def _portion(doc: Document, a: int, b: int, mark: str) -> Finding:
    return doc.finding(
        f"{DETECTOR}.portion-mark",
        "marking",
        Severity.HIGH,
        f"A portion mark {mark} classifies this paragraph; the sequence of portion marks "
        "is specific to one version of the document and the office that marked it.",
        a,
        b,
        action=Action.REPLACE,
        evidence={"portion_mark": mark, "where": "paragraph start" if "/" not in mark else "inline"},
    )


def find(doc: Document) -> Iterator[Finding]:
    if not doc.text:
        return
    lay = layout(doc)
    for c in lay.claims_of("markings"):
        yield _claim_finding(doc, c)
    for a, b, mark in lay.portion_marks():
        if lay.covered(a, b) is None:
            yield _portion(doc, a, b, mark)
    for h in lay.term_hits:
        if lay.overlaps_claim(h.start, h.end):
            continue
        f = _inline(doc, lay, h)
        if f is not None:
            yield f


@detector(DETECTOR, "marking", "Classification and handling markings, banners, precedence, portion marks")
def detect(doc: Document) -> list[Finding]:
    return list(find(doc))
