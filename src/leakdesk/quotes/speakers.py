"""Who said it: rule-based speaker attribution for extracted quotations.

No model is needed.  The rules read the sentence around each quotation:

- a reporting verb after the quote ('"…," Khan said', '"…," said Khan',
  '"…," Khan, the foreign minister, said', '"…," according to a spokesperson'),
  between the parts of a split quote, or before it ('Khan told reporters: "…"',
  'Khan said the plan was "unworkable"');
- titles and honorifics ("Mr Khan", "Senator Jane Doe", "the Prime Minister");
- pronouns resolved to the last person named before ("he continued");
- a surname or title alone resolved to the full name given earlier ("Khan" ->
  "Ahmed Khan"), and a role to the person who held it ("the minister");
- a quote with no attribution of its own continues the speaker of the quote
  before it in the same paragraph, or of the paragraph before when it opens
  its paragraph.

The speaker is given as written in the article: a person's name without
honorifics when a given name is known ("Ahmed Khan"), otherwise the words used
("Mr Khan", "a spokesperson for the ministry", "the memo").
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .extract import Quotation
from .lexicon import (
    ABBREVIATIONS,
    AUXILIARIES,
    CHARACTERISING_VERBS,
    CLAUSE_BREAKS,
    DETERMINERS,
    FEMALE_TITLES,
    HONORIFICS,
    INVERTING_VERBS,
    MALE_TITLES,
    NAME_PARTICLES,
    NOT_NAMES,
    ORG_WORDS,
    PRONOUNS,
    REPORTING_VERBS,
    ROLE_NOUNS,
)

_TOKEN_RE = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*|[^\w\s]", re.UNICODE)
_SENTENCE_END = frozenset(".!?")
#: Tokens read before and after a quotation for its attribution.
_CONTEXT = 60
#: Documents that "say" what they contain: "the memo states", "the report ends with".
DOCUMENT_NOUNS = frozenset(
    {"memo", "memorandum", "document", "documents", "report", "letter", "email", "e-mail",
     "cable", "minutes", "briefing", "draft", "paper", "note", "file", "message", "transcript",
     "statement", "filing", "leak", "dossier", "assessment", "directive", "guidance", "order",
     "contract", "notes", "slides", "presentation", "submission", "recording", "text"}
)
_INTRO_WORDS = frozenset(
    {"in", "on", "at", "during", "after", "before", "speaking", "writing", "later",
     "earlier", "yesterday", "today", "asked", "when", "while", "interviewed", "then",
     "but", "and", "also", "however", "meanwhile", "separately", "since", "last",
     "this", "addressing", "testifying", "from", "with", "under", "to"}
)
_FORWARD_STOPS = frozenset(
    {"in", "on", "during", "after", "before", "while", "when", "to", "yesterday", "today",
     "who", "which", "that", "adding", "and", "as", "last", "this", "earlier", "later",
     "told", "tonight", "tomorrow", "shortly", "speaking", "via"}
)


@dataclass(frozen=True, slots=True)
class Tok:
    text: str
    start: int
    end: int
    kind: str  # "w" word, "p" punctuation, "q" a quotation piece
    para: int
    qid: int = -1

    @property
    def low(self) -> str:
        return self.text.lower().rstrip(".")

    @property
    def cap(self) -> bool:
        return self.kind == "w" and self.text[:1].isupper()


@dataclass(slots=True)
class Person:
    full: str
    tokens: tuple[str, ...]
    gender: str = "n"
    roles: set[str] = field(default_factory=set)

    @property
    def surname(self) -> str:
        return self.tokens[-1].lower()


@dataclass(frozen=True, slots=True)
class Attribution:
    """The speaker of one quotation and how it was found."""

    speaker: str | None
    how: str  # "post", "pre", "split", "block", "inherited", ""
    adjacent: bool  # a reporting verb right before or after the quotation
    verb: str | None = None


def _tokens(
    text: str, quotes: Sequence[Quotation], paragraphs: Sequence[tuple[int, int]]
) -> list[Tok]:
    pieces = sorted(
        (a, b, qid) for qid, q in enumerate(quotes) for a, b in q.marks
    )
    para_starts = [a for a, _ in paragraphs]
    out: list[Tok] = []

    def para_of(pos: int) -> int:
        return max(0, bisect.bisect_right(para_starts, pos) - 1)

    def words(lo: int, hi: int) -> None:
        for m in _TOKEN_RE.finditer(text, lo, hi):
            s = m.group()
            kind = "w" if s[0].isalnum() else "p"
            out.append(Tok(s, m.start(), m.end(), kind, para_of(m.start())))

    pos = 0
    for a, b, qid in pieces:
        if a < pos:
            a = pos
        if b <= a:
            continue
        words(pos, a)
        out.append(Tok(text[a:b], a, b, "q", para_of(a), qid))
        pos = b
    words(pos, len(text))
    return _merge_abbreviations(out)


def _merge_abbreviations(toks: list[Tok]) -> list[Tok]:
    out: list[Tok] = []
    for t in toks:
        if (
            t.kind == "p"
            and t.text == "."
            and out
            and out[-1].kind == "w"
            and out[-1].end == t.start
            and (out[-1].text.lower() in ABBREVIATIONS or (len(out[-1].text) == 1 and out[-1].text.isupper()))
        ):
            prev = out.pop()
            out.append(Tok(prev.text + ".", prev.start, t.end, "w", prev.para))
            continue
        out.append(t)
    return out


def _is_verb(t: Tok) -> bool:
    return t.kind == "w" and t.text.islower() and t.low in REPORTING_VERBS


_PASSIVE = frozenset({"was", "were", "is", "are", "been", "being", "be", "get", "got"})


def _passive(toks: Sequence[Tok], j: int) -> bool:
    """'Officials were told to…': the verb's subject is who heard, not who spoke."""
    k = j - 1
    while k >= 0 and toks[k].kind == "w" and toks[k].low in ("also", "later", "then", "reportedly"):
        k -= 1
    if k < 0 or toks[k].low not in _PASSIVE:
        return False
    nxt = toks[j + 1].low if j + 1 < len(toks) else ""
    return not (toks[j].low == "quoted" and nxt == "as")


def _is_char_verb(t: Tok) -> bool:
    return t.kind == "w" and t.text.islower() and t.low in CHARACTERISING_VERBS


class Registry:
    """People named in the article, in order, for names, pronouns and roles."""

    def __init__(self, toks: Sequence[Tok]) -> None:
        self.toks = toks
        self.lower_seen = {t.text for t in toks if t.kind == "w" and t.text.islower()}
        self.people: list[Person] = []
        self.mentions: list[tuple[int, Person]] = []
        self._mention_pos: list[int] = []
        self._by_tokens: dict[tuple[str, ...], Person] = {}
        self._by_surname: dict[str, list[Person]] = {}
        self._scan()

    # -- names ---------------------------------------------------------------

    def name_like(self, t: Tok) -> bool:
        if not t.cap or t.kind != "w":
            return False
        low = t.low
        if low in NOT_NAMES:
            return False
        if t.text.isupper() and len(t.text) > 1 and not t.text.endswith("."):
            return False  # an acronym: an organisation
        return low not in self.lower_seen or low in HONORIFICS

    def _scan(self) -> None:
        toks = self.toks
        i = 0
        n = len(toks)
        while i < n:
            t = toks[i]
            if not self.name_like(t):
                i += 1
                continue
            j = i
            while j < n and (
                self.name_like(toks[j])
                or (
                    toks[j].kind == "w"
                    and toks[j].low in NAME_PARTICLES
                    and j + 1 < n
                    and self.name_like(toks[j + 1])
                )
            ):
                j += 1
            run = toks[i:j]
            self._add_run(run, toks, j)
            i = max(j, i + 1)

    def split_title(self, run: Sequence[Tok]) -> tuple[list[Tok], list[Tok]]:
        """Title and name: everything up to the last title word is the title
        ("Labour MP Priya Patel", "Deputy Foreign Minister Sara Malik")."""
        k = 0
        for i, t in enumerate(run[:-1]):
            if t.low in HONORIFICS:
                k = i + 1
        return list(run[:k]), list(run[k:])

    def _add_run(self, run: Sequence[Tok], toks: Sequence[Tok], after: int) -> None:
        title, name = self.split_title(run)
        if not name or any(t.low in ORG_WORDS for t in name):
            return
        if any(t.low in HONORIFICS for t in name) and not title:
            return
        if len(name) < 2 and not title and not self._apposition_role(toks, after):
            return  # a lone capitalised word is a person only if an apposition says so
        person = self.person_for(title, name, run[0].start)
        role = self._apposition_role(toks, after)
        if role:
            person.roles.add(role)
        for t in title:
            if t.low in ROLE_NOUNS:
                person.roles.add(" ".join(x.low for x in title if x.low not in {"mr", "mrs", "ms", "dr"}))
        self.mention(run[0].start, person)

    def _apposition_role(self, toks: Sequence[Tok], i: int) -> str:
        """'Khan, the foreign minister,' -> 'foreign minister'."""
        if i >= len(toks) or toks[i].text != ",":
            return ""
        words: list[str] = []
        for t in toks[i + 1 : i + 10]:
            if t.kind != "w":
                break
            words.append(t.low)
        while words and words[0] in DETERMINERS:
            words.pop(0)
        cut = len(words)
        for k, w in enumerate(words):
            if w in {"for", "of", "at", "in", "with", "who", "and"}:
                cut = k
                break
        words = words[:cut]
        if words and (words[-1].rstrip("s") in ROLE_NOUNS or words[-1] in ROLE_NOUNS):
            return " ".join(words)
        return ""

    def _new_person(self, full: str, tokens: tuple[str, ...], gender: str) -> Person:
        p = Person(full, tokens, gender)
        self.people.append(p)
        self._by_tokens.setdefault(tokens, p)
        self._by_surname.setdefault(p.surname, []).append(p)
        return p

    def person_for(self, title: Sequence[Tok], name: Sequence[Tok], pos: int) -> Person:
        names = tuple(t.text for t in name)
        gender = "n"
        for t in title:
            if t.low in MALE_TITLES:
                gender = "m"
            elif t.low in FEMALE_TITLES:
                gender = "f"
        if len(names) >= 2:
            found = self._by_tokens.get(names) or next(
                (p for p in self._by_surname.get(names[-1].lower(), [])
                 if len(p.tokens) >= 2 and p.tokens[0] == names[0]), None)
            if found is None:
                found = self._new_person(" ".join(names), names, gender)
            elif gender != "n":
                found.gender = gender
            return found
        # a surname alone: the full name given before, else anywhere in the article
        last = names[-1].lower() if names else ""
        candidates = [p for p in self._by_surname.get(last, []) if len(p.tokens) >= 2]
        before = self._last_mentioned(candidates, pos)
        found2 = before or (candidates[0] if candidates else None)
        if found2 is not None:
            if gender != "n":
                found2.gender = gender
            return found2
        written = " ".join([t.text for t in title] + list(names))
        key = tuple(written.split())
        if key in self._by_tokens:
            return self._by_tokens[key]
        return self._new_person(written, names or tuple(t.text for t in title), gender)

    def _last_mentioned(self, people: Sequence[Person], pos: int) -> Person | None:
        if not people:
            return None
        wanted = {id(p) for p in people}
        k = bisect.bisect_right(self._mention_pos, pos)
        for _, p in reversed(self.mentions[max(0, k - 2000) : k]):
            if id(p) in wanted:
                return p
        return None

    def mention(self, pos: int, person: Person) -> None:
        k = bisect.bisect_right(self._mention_pos, pos)
        self._mention_pos.insert(k, pos)
        self.mentions.insert(k, (pos, person))

    def late_upgrade(self) -> None:
        """A person first seen by surname whose full name comes later: use the full name."""
        for p in self.people:
            if len(p.tokens) == 1:
                match = [f for f in self._by_surname.get(p.surname, []) if len(f.tokens) >= 2]
                if len(match) == 1:
                    p.full = match[0].full
                    p.tokens = match[0].tokens

    def last_person(self, pos: int, gender: str) -> Person | None:
        k = bisect.bisect_left(self._mention_pos, pos)
        for _, p in reversed(self.mentions[max(0, k - 2000) : k]):
            if gender == "n" or p.gender in ("n", gender):
                return p
        return None

    def by_role(self, words: Sequence[str], pos: int) -> Person | None:
        head = words[-1]
        k = bisect.bisect_left(self._mention_pos, pos)
        for _, p in reversed(self.mentions[max(0, k - 2000) : k]):
            for role in p.roles:
                rw = role.split()
                if rw and rw[-1] == head and all(w in rw for w in words[:-1] if w not in DETERMINERS):
                    return p
        return None


# -- noun phrases -------------------------------------------------------------


def _np_backward(toks: Sequence[Tok], end: int, lo: int) -> tuple[int, int] | None:
    """The subject noun phrase ending at ``end`` (inclusive), not before ``lo``."""
    j = end
    while j >= lo and toks[j].kind == "w" and toks[j].low in AUXILIARIES and toks[j].text.islower():
        j -= 1
    if j < lo:
        return None
    if toks[j].text == ")":
        # "Rep. Jim Jordan (R-Ohio) said": skip the parenthesis
        k = j - 1
        while k >= lo and toks[k].text != "(" and j - k < 12:
            k -= 1
        if k < lo or toks[k].text != "(":
            return None
        j = k - 1
        if j < lo:
            return None
    if toks[j].text in (",", "—", "–") and toks[j].kind == "p":
        # apposition: "Khan, the foreign minister, said" / "Khan, 54, said"
        for k in range(j - 1, max(lo, j - 16) - 1, -1):
            if toks[k].kind == "p" and toks[k].text in (",", "—", "–"):
                inner = toks[k + 1 : j]
                if (
                    inner
                    and k - 1 >= lo
                    and toks[k - 1].kind == "w"
                    and toks[k - 1].text.islower()
                    and all(t.cap and t.low not in NOT_NAMES for t in inner)
                ):
                    # "its chair, Ahmed Khan, said": the name, not the description
                    return (k + 1, j)
                if k - 1 >= lo and toks[k - 1].kind == "w":
                    j = k - 1
                break
            if toks[k].kind == "q" or toks[k].text in _SENTENCE_END:
                return None
        else:
            return None
        if toks[j].kind != "w":
            return None
    if toks[j].kind != "w":
        return None
    if toks[j].low in PRONOUNS and toks[j].text.lower() == toks[j].low:
        return (j, j + 1)
    k = j
    while k - 1 >= lo:
        t = toks[k - 1]
        if t.kind != "w":
            if t.kind == "p" and t.text in ("'", "’", "-"):
                k -= 1
                continue
            break
        if t.text.islower() and (t.low in CLAUSE_BREAKS or _is_verb(t) or t.low in AUXILIARIES - {"to"}):
            break
        if j - k >= 8:
            break
        k -= 1
    chunk = toks[k : j + 1]
    # drop an introductory phrase without a comma ("In a statement a spokesperson")
    if chunk and chunk[0].low in _INTRO_WORDS:
        start = None
        for x in range(1, len(chunk)):
            if (chunk[x].low in DETERMINERS and x >= 2 and chunk[x - 1].low not in DETERMINERS) or (chunk[x].cap and x >= 2 and not chunk[x - 1].cap and chunk[x].low not in NOT_NAMES):
                start = x
        if start is None:
            while chunk and chunk[0].low in _INTRO_WORDS:
                chunk = chunk[1:]
            k = j + 1 - len(chunk)
        else:
            k += start
    while k <= j and toks[k].low in NOT_NAMES and toks[k].low not in DETERMINERS and toks[k].low not in PRONOUNS:
        k += 1
    if k > j:
        return None
    return (k, j + 1)


def _np_forward(toks: Sequence[Tok], start: int, hi: int) -> tuple[int, int] | None:
    """The subject after an inverted verb: '"…," said Ahmed Khan, the minister.'"""
    k = start
    if k < hi and toks[k].kind == "w" and toks[k].low == "by":
        k += 1
    j = k
    while j < hi and toks[j].kind == "w":
        low = toks[j].low
        if j > k and toks[j].text.islower() and low in _FORWARD_STOPS:
            break
        if j > k and low == "at" and any(t.cap for t in toks[k:j]):
            break
        j += 1
        if j - k >= 9:
            break
    if j == k:
        return None
    return (k, j)


# -- attribution --------------------------------------------------------------


class Attributor:
    def __init__(self, text: str, quotes: Sequence[Quotation],
                 paragraphs: Sequence[tuple[int, int]]) -> None:
        self.text = text
        self.quotes = quotes
        self.toks = _tokens(text, quotes, paragraphs)
        self.registry = Registry([t for t in self.toks if t.kind != "q"])
        self.registry.late_upgrade()
        self._starts = [t.start for t in self.toks]
        self.index: dict[int, list[int]] = {}
        for i, t in enumerate(self.toks):
            if t.kind == "q":
                self.index.setdefault(t.qid, []).append(i)

    # -- contexts -------------------------------------------------------------

    def _pre(self, i: int) -> tuple[int, int]:
        toks = self.toks
        para = toks[i].para
        k = i
        while k - 1 >= max(0, i - _CONTEXT):
            t = toks[k - 1]
            if t.para != para or (t.kind == "p" and t.text in _SENTENCE_END):
                break
            if t.kind == "q" and self.quotes[t.qid].text.rstrip()[-1:] in ".!?":
                break  # a quoted sentence ends the sentence too
            k -= 1
        return k, i

    def _post(self, i: int) -> tuple[int, int]:
        toks = self.toks
        para = toks[i].para
        k = i + 1
        while k < min(len(toks), i + 1 + _CONTEXT):
            t = toks[k]
            if t.para != para or t.kind == "q" or (t.kind == "p" and t.text in _SENTENCE_END):
                break
            k += 1
        return i + 1, k

    # -- parsing --------------------------------------------------------------

    def _parse_after(self, lo: int, hi: int, short: bool) -> tuple[tuple[int, int], str] | None:
        """Attribution right after a quote: 'Khan said', 'said Khan', 'according to X'."""
        toks = self.toks
        i = lo
        while i < hi and toks[i].kind == "p" and toks[i].text in ",;:—–-(":
            i += 1
        if i >= hi:
            return None
        if toks[i].low == "according" and i + 1 < hi and toks[i + 1].low == "to":
            np = _np_forward(toks, i + 2, hi)
            return (np, "according to") if np else None
        if toks[i].kind == "w" and toks[i].text.islower() and toks[i].low in INVERTING_VERBS:
            np = _np_forward(toks, i + 1, hi)
            return (np, toks[i].low) if np else None
        limit = min(hi, i + 14)
        for j in range(i, limit):
            if (_is_verb(toks[j]) or (not short and _is_char_verb(toks[j]))) and not _passive(toks, j):
                np = _np_backward(toks, j - 1, i)
                if np is None:
                    return None
                if short and hi - j > 6:
                    return None
                return np, toks[j].low
            if toks[j].kind == "w" and toks[j].low in CLAUSE_BREAKS and toks[j].text.islower():
                return None
        return None

    def _parse_before(self, lo: int, hi: int) -> tuple[tuple[int, int], str, bool] | None:
        """Attribution before a quote in its sentence: 'Khan told reporters: "…"'."""
        toks = self.toks
        end = hi
        tail_punct = False
        while end > lo and (
            (toks[end - 1].kind == "p" and toks[end - 1].text in ",:;—–-(")
            or toks[end - 1].low == "that"
        ):
            tail_punct = True
            end -= 1
        for j in range(lo, end - 1):
            if toks[j].low == "according" and toks[j + 1].low == "to":
                np = _np_forward(toks, j + 2, end)
                if np is not None:
                    # 'According to the memo, "…"' is next to the quote; 'According to
                    # the memo, officials were told to call it a "pause"' is not
                    return np, "according to", np[1] >= end
        for j in range(end - 1, lo - 1, -1):
            t = toks[j]
            if not (_is_verb(t) or _is_char_verb(t)) or _passive(toks, j):
                continue
            after = sum(1 for x in toks[j + 1 : end] if x.kind == "w")
            adjacent = _is_verb(t) and (after == 0 or (after <= 4 and tail_punct))
            np = _np_backward(toks, j - 1, lo)
            if np is not None:
                return np, t.low, adjacent
            if t.low in INVERTING_VERBS and j + 1 < end:
                np = _np_forward(toks, j + 1, end)
                if np is not None:
                    return np, t.low, adjacent
        return None

    # -- naming ---------------------------------------------------------------

    def _name(self, np: tuple[int, int]) -> str | None:
        toks = self.toks[np[0] : np[1]]
        if not toks:
            return None
        pos = toks[0].start
        reg = self.registry
        first = toks[0]
        if len(toks) == 1 and first.low in PRONOUNS and first.text.lower() == first.low:
            gender = PRONOUNS[first.low]
            if first.low == "it":
                return self._last_document(pos)  # '"…," it reads.'
            if first.low in ("we", "i"):
                return None
            p = reg.last_person(pos, gender)
            return p.full if p else None
        words = [t for t in toks if t.kind == "w"]
        if not words:
            return None
        # "the Labour MP Priya Patel": a description that ends with a name
        tail = 0
        while tail < len(words) and reg.name_like(words[-1 - tail]) and words[-1 - tail].low not in HONORIFICS:
            tail += 1
        if (
            2 <= tail < len(words)
            and (not first.cap or first.low in DETERMINERS)
            and not any(t.low in ORG_WORDS for t in words[-tail:])
        ):
            name = words[-tail:]
            person = reg.person_for([], name, pos)
            reg.mention(pos, person)
            return person.full
        if not first.cap or first.low in DETERMINERS or first.low in NOT_NAMES:
            # a description: "the foreign minister", "a spokesperson for the ministry"
            lows = [t.low for t in words]
            if lows[0] in ("the", "this") and len(lows) <= 4:
                p = reg.by_role([w for w in lows[1:]], pos) if len(lows) > 1 else None
                if p is not None:
                    return p.full
            written = self.text[toks[0].start : toks[-1].end]
            if first.cap and first.low in DETERMINERS:
                written = written[0].lower() + written[1:]
            return written
        # a name, perhaps with a title
        run = [t for t in words if reg.name_like(t) or t.low in NAME_PARTICLES or t.low in HONORIFICS]
        if not run or len(run) < len(words):
            # capitalised but not a name: "Officials", "Ministry officials"
            written = self.text[toks[0].start : toks[-1].end]
            if not any(reg.name_like(t) for t in words) and first.low in reg.lower_seen:
                written = written[0].lower() + written[1:]
            return written
        title, name = reg.split_title(run)
        if any(t.low in ORG_WORDS for t in name):
            return self.text[toks[0].start : toks[-1].end]
        if all(t.low in HONORIFICS for t in run):
            # a title alone: "Prime Minister said" -> the person named with it before
            p = reg.by_role([t.low for t in run], pos)
            return p.full if p is not None else self.text[toks[0].start : toks[-1].end]
        person = reg.person_for(title, name, pos)
        reg.mention(pos, person)
        return person.full

    def _last_document(self, pos: int) -> str | None:
        """The last document named before ``pos`` ("the memo"), for "it says"."""
        toks = self.toks
        i = bisect.bisect_left(self._starts, pos) - 1
        while i > 0:
            t = toks[i]
            if t.kind == "w" and t.low in DOCUMENT_NOUNS and toks[i - 1].low in (
                "the", "this", "that", "its", "their"
            ):
                det = toks[i - 1].text.lower()
                return f"{det} {t.text}"
            i -= 1
        return None

    # -- the whole article -------------------------------------------------------

    def attribute(self, qid: int) -> Attribution:
        q = self.quotes[qid]
        idx = self.index.get(qid)
        if not idx:
            return Attribution(None, "", False)
        toks = self.toks
        # between the parts of a split quote
        for a, b in itertools.pairwise(idx):
            if b - a > 1 and toks[a].para == toks[b].para:
                found = self._parse_after(a + 1, b, short=False)
                if found is not None:
                    return Attribution(self._name(found[0]), "split", True, found[1])
        head = q.text.rstrip()
        last = idx[-1]
        lo, hi = self._post(last)
        ends = head[-1:] in "." and (lo >= hi or not (toks[lo].text[:1].islower() or toks[lo].kind == "p"))
        # '"…," Khan said' / '"…", Khan said' / '"…?" he asked' / '"…" he said':
        # the quote's own punctuation (or a verb right after it) marks the attribution
        marked = head[-1:] in ",?!—–-…" or (lo < hi and toks[lo].kind == "p") or (
            lo + 2 < hi and (_is_verb(toks[lo]) or _is_verb(toks[lo + 1]))
        ) or ends
        found = self._parse_after(lo, hi, short=ends) if marked else None
        if found is not None:
            return Attribution(self._name(found[0]), "post", True, found[1])
        if q.style == "block":
            found2 = self._block_intro(idx[0])
            if found2 is not None:
                return Attribution(self._name(found2[0]), "block", True, found2[1])
        plo, phi = self._pre(idx[0])
        found3 = self._parse_before(plo, phi)
        if found3 is not None:
            return Attribution(self._name(found3[0]), "pre", found3[2], found3[1])
        # a colon at the end of the paragraph before: 'In the memo, Khan wrote:'
        if plo == phi:
            found2 = self._block_intro(idx[0])
            if found2 is not None:
                return Attribution(self._name(found2[0]), "block", True, found2[1])
        # 'The memo ends with an instruction that officials should "…"'
        doc = self._document_subject(plo, phi)
        if doc is not None:
            return Attribution(self._name(doc), "pre", False, None)
        return Attribution(None, "", False)

    def _document_subject(self, lo: int, hi: int) -> tuple[int, int] | None:
        """A sentence whose subject is a document ("The memo …") quotes that document."""
        toks = self.toks
        k = lo
        if k < hi and toks[k].low in ("in", "and", "but", "meanwhile"):
            return None
        if k >= hi or toks[k].low not in ("the", "this", "that", "a", "an", "its", "their"):
            return None
        for j in range(k + 1, min(hi, k + 5)):
            if toks[j].kind != "w":
                return None
            if toks[j].low in DOCUMENT_NOUNS:
                nxt = toks[j + 1] if j + 1 < hi else None
                if nxt is not None and nxt.kind == "w" and nxt.text.islower():
                    return (k, j + 1)
                return None
        return None

    def _block_intro(self, i: int) -> tuple[tuple[int, int], str] | None:
        """The attribution that ends the paragraph before ``toks[i]`` with a colon."""
        toks = self.toks
        k = i - 1
        if k < 0 or toks[k].text != ":":
            return None
        end = k
        start = end
        while start - 1 >= 0 and toks[start - 1].para == toks[k].para and not (
            toks[start - 1].kind == "p" and toks[start - 1].text in _SENTENCE_END
        ) and toks[start - 1].kind != "q":
            start -= 1
        found = self._parse_before(start, end + 1)
        if found is None:
            return None
        return found[0], found[1]

    def starts_paragraph(self, qid: int) -> bool:
        idx = self.index.get(qid)
        if not idx:
            return False
        i = idx[0]
        return i == 0 or self.toks[i - 1].para != self.toks[i].para


def inherit(
    att: Attributor, quotes: Sequence[Quotation], found: Sequence[Attribution],
    kinds: Sequence[str],
) -> list[Attribution]:
    """Give unattributed speech the speaker of the quote before it (or after it)."""
    out = list(found)
    by_para: dict[int, list[int]] = {}
    for i, q in enumerate(quotes):
        by_para.setdefault(q.paragraph, []).append(i)

    def has_speaker(j: int) -> bool:
        return kinds[j] == "speech" and out[j].speaker is not None

    last_of: dict[int, int | None] = {}  # the last attributed speech of each paragraph
    for para in sorted(by_para):
        ids = by_para[para]
        # the quote before it in the same paragraph, else the first one after it
        nxt_with: list[int | None] = [None] * len(ids)
        nxt: int | None = None
        for k in range(len(ids) - 1, -1, -1):
            nxt_with[k] = nxt
            if has_speaker(ids[k]):
                nxt = ids[k]
        prev: int | None = None
        for k, i in enumerate(ids):
            if out[i].speaker is None and not out[i].how and kinds[i] == "speech":
                src = prev if prev is not None else nxt_with[k]
                if src is None and att.starts_paragraph(i):
                    src = last_of.get(para - 1)
                if src is not None:
                    out[i] = Attribution(out[src].speaker, "inherited", False, out[src].verb)
            if has_speaker(i):
                prev = i
        last_of[para] = prev
    return out


def attribute_all(
    text: str, quotes: Sequence[Quotation], paragraphs: Sequence[tuple[int, int]],
    kinds: Sequence[str] | None = None,
) -> list[Attribution]:
    """The speaker of every quotation, with inheritance for unattributed speech."""
    att = Attributor(text, quotes, paragraphs)
    found = [att.attribute(i) for i in range(len(quotes))]
    return inherit(att, quotes, found, kinds if kinds is not None else ["speech"] * len(quotes))
