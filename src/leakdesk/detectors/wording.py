"""Detector: inconsistent spellings within one document (wording fingerprints).

Giving each copy of a text its own spelling of a few words ("colour" in one,
"color" in another) is an old way to trace a leak, and it survives retyping.
``rules/wording_variants.yaml`` lists *conventions*, each a family of words
spelled two ways (British -our and American -or, -ise and -ize, -re and -er,
doubled l...).  Counting the whole family ("honour" and "favor" disagree even
though they are different words), the minority spelling is reported with the
majority as evidence: low severity, action ``review`` (a person decides; a
quotation or a proper name such as "Pearl Harbor" is spelled as it is).

Speed: ``bytes.translate`` and ``split`` cut the text into runs of letters, a
set intersection keeps the listed words, and positions are looked up only for
conventions whose two spellings both occur (with ``str.find``): no Python code
runs per word of the text, and nothing large is compiled.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from ..document import Action, Document, Finding, Severity
from . import detector
from ._convention import Variant, counts_evidence, judge, load_rules, report

ID = "wording"
RULES = "wording_variants.yaml"


@dataclass(frozen=True, slots=True)
class _Convention:
    id: str
    label: str
    variants: tuple[str, str]


@dataclass(frozen=True, slots=True)
class _Lexicon:
    conventions: tuple[_Convention, ...]
    #: lower-case word -> (convention index, variant 0/1, the other spelling)
    words: dict[str, tuple[int, int, str]]
    #: every listed word in lower case, Capitalised and UPPER CASE, as ASCII bytes
    forms: frozenset[bytes]


#: Maps every byte but an ASCII letter to a space: after ``bytes.translate``,
#: ``split()`` yields the runs of ASCII letters (UTF-8 bytes of other letters
#: split too, as a run of ``[A-Za-z]`` would stop there).
_LETTERS_ONLY = bytes(c if 65 <= c <= 90 or 97 <= c <= 122 else 32 for c in range(256))


def _expand(conv: dict[str, Any]) -> list[tuple[str, str]]:
    suffixes = [str(s) for s in conv.get("suffixes", [])]
    out: list[tuple[str, str]] = []
    for pair in conv["pairs"]:
        items = [str(p) for p in pair]
        if any("|" in p for p in items):
            for item in items:
                a, b = item.split("|")
                out.append((a, b))
        else:
            a, b = items
            for suf in suffixes or [""]:
                out.append((a + suf, b + suf))
    return [(a, b) for a, b in out if a != b]


@cache
def lexicon() -> _Lexicon:
    data = load_rules(RULES)
    conventions: list[_Convention] = []
    words: dict[str, tuple[int, int, str]] = {}
    for i, conv in enumerate(data["conventions"]):
        v0, v1 = (str(v) for v in conv["variants"])
        conventions.append(_Convention(str(conv["id"]), str(conv["label"]), (v0, v1)))
        for a, b in _expand(conv):
            for word, variant, other in ((a, 0, b), (b, 1, a)):
                if word in words and words[word][:2] != (i, variant):
                    raise ValueError(f"{RULES}: {word!r} is listed twice")
                words[word] = (i, variant, other)
    forms = set(words) | {w.capitalize() for w in words} | {w.upper() for w in words}
    return _Lexicon(tuple(conventions), words, frozenset(w.encode("ascii") for w in forms))


def _positions(text: str, word: str) -> list[int]:
    """Offsets of ``word`` as a whole word (``str.find`` runs in C)."""
    out: list[int] = []
    n = len(word)
    i = text.find(word)
    while i >= 0:
        before = text[i - 1] if i else " "
        after = text[i + n] if i + n < len(text) else " "
        if not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha()):
            out.append(i)
        i = text.find(word, i + n)
    return out


def _match_case(model: str, word: str) -> str:
    if model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word.capitalize()
    return word


def _counts(text: str, lex: _Lexicon) -> dict[int, tuple[Counter[str], Counter[str]]]:
    """Per convention with both spellings present: how often each listed word occurs.

    The text's runs of ASCII letters come from ``bytes.translate`` and
    ``split`` on its UTF-8 bytes (both in C, several times faster than a
    regular expression); a set intersection (in C) picks out the listed
    words; they are counted (in C) only when some convention has both
    spellings.
    """
    runs = text.encode("utf-8", "surrogatepass").translate(_LETTERS_ONLY).split()
    hits = lex.forms.intersection(runs)
    if not hits:
        return {}
    sides_seen: dict[int, set[int]] = {}
    for h in hits:
        conv, variant, _other = lex.words[h.decode("ascii").lower()]
        sides_seen.setdefault(conv, set()).add(variant)
    mixed = {c for c, v in sides_seen.items() if len(v) == 2}
    if not mixed:
        return {}  # the usual case: every convention is written one way
    wanted = {h for h in hits if lex.words[h.decode("ascii").lower()][0] in mixed}
    counts = Counter(filter(wanted.__contains__, runs))  # filtered in C, counted in C
    per: dict[int, tuple[Counter[str], Counter[str]]] = {}
    for h in hits:
        word = h.decode("ascii")
        conv, variant, _other = lex.words[word.lower()]
        if conv in mixed:
            per.setdefault(conv, (Counter(), Counter()))[variant][word] = counts[h]
    return per


@detector(ID, "wording", "Wording: a spelling unlike the rest of the document (colour/color...)")
def detect(doc: Document) -> list[Finding]:
    text = doc.text
    if not text:
        return []
    lex = lexicon()
    per = _counts(text, lex)
    out: list[Finding] = []
    for ci, sides in sorted(per.items()):
        conv = lex.conventions[ci]

        def spans(vi: int, sides: tuple[Counter[str], Counter[str]] = sides) -> list[tuple[int, int]]:
            # positions are needed for the minority spelling only
            return sorted((i, i + len(w)) for w in sides[vi] for i in _positions(text, w))

        variants = [
            Variant(str(vi), conv.variants[vi], sum(sides[vi].values()), partial(spans, vi))
            for vi in (0, 1)
        ]
        if variants[1].count > variants[0].count:
            variants.reverse()
        # spellings are low and for review anyway: two against one is enough
        # to point a reviewer at the odd one
        verdict = judge(variants, min_majority=2)
        if verdict is None:
            continue
        examples = {v.key: sorted({w.lower() for w in sides[int(v.key)]})[:10] for v in variants}

        def message(var: Variant, maj: Variant, clear: bool, conv: _Convention = conv) -> str:
            if clear:
                return (
                    f"{var.label} spelling where this document otherwise uses {maj.label} "
                    f"({maj.count} times): a spelling changed for one copy can identify it."
                )
            return (
                f"This document mixes {var.label} ({var.count}) and {maj.label} ({maj.count}) "
                "spellings: a copy-specific change could hide among them."
            )

        def replacement(var: Variant, s: int, e: int) -> str:
            word = text[s:e]
            return _match_case(word, lex.words[word.lower()][2])

        findings = report(
            doc,
            verdict,
            detector=ID,
            category="wording",
            convention=conv.id,
            counts=counts_evidence(variants),
            message=message,
            replacement=replacement,
            clear_action=Action.REVIEW,
            severity_cap=Severity.LOW,
            extra={
                "label": conv.label,
                "majority_words": examples[verdict.majority.key],
            },
        )
        out.extend(findings)
    return out
