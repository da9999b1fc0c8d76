"""Quotations with known perturbations, embedded in synthetic news articles.

Each sample is a passage of the source (8 to 24 words, cut at word
boundaries) changed in one known way, then put in an article sentence with a
speaker.  The classes and the verdict each must get:

==============  ==================================================  ==============
class           what was done                                       expected
==============  ==================================================  ==============
exact           nothing                                             verbatim
punct_case      one word's case changed, or one punctuation mark    variation
                dropped, added or changed
ellipsis        words cut and marked "...", "…", ". . ." or "[…]"   variation
                (a third of them join a passage further on)
bracket         "[the king]" for a word, "[Moses]" added, or "[T]he" variation
word_changed    one word replaced by another word of the source     altered
dropped         one to three words dropped without an ellipsis      altered
reordered       two words swapped, or the two halves swapped        altered
fabricated      a passage of another book sharing no four-word run  not_in_source
                with the source
==============  ==================================================  ==============
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from leakdesk.quotes.align import WORD_RE, norm

from .corpus import Corpus, Verse

CLASSES = (
    "exact", "punct_case", "ellipsis", "bracket", "word_changed", "dropped", "reordered",
    "fabricated",
)
EXPECTED = {
    "exact": "verbatim",
    "punct_case": "variation",
    "ellipsis": "variation",
    "bracket": "variation",
    "word_changed": "altered",
    "dropped": "altered",
    "reordered": "altered",
    "fabricated": "not_in_source",
}

#: (as written at the start of a sentence, mid-sentence, the speaker leakdesk should give)
SPEAKERS = [
    ("Ahmed Khan", "Ahmed Khan", "Ahmed Khan"),
    ("Senator Jane Doe", "Senator Jane Doe", "Jane Doe"),
    ("Deputy Minister Sara Malik", "Deputy Minister Sara Malik", "Sara Malik"),
    ("Mr Omar Haddad", "Mr Omar Haddad", "Omar Haddad"),
    ("A spokesperson for the ministry", "a spokesperson for the ministry",
     "a spokesperson for the ministry"),
    ("Dr Lena Fischer", "Dr Lena Fischer", "Lena Fischer"),
    ("The memo", "the memo", "the memo"),
    ("Judge Ruth Okafor", "Judge Ruth Okafor", "Ruth Okafor"),
]

TEMPLATES = [
    '{S} said: "{Q}"',
    '"{Qc}," {s} said.',
    '"{Qc}," said {s}.',
    'According to {s}, "{Q}"',
    '{S} told reporters: “{Q}”',
    '“{Qc},” {s} said on Tuesday.',
    '{S} wrote: “{Q}”',
]
SPLIT_TEMPLATE = '"{Q1}," {s} said, "{Q2}"'

_BRACKETS = ["the king", "Moses", "the people", "the LORD", "Israel", "the priest", "David"]
_ELLIPSES = [" ... ", " … ", " . . . ", " [...] "]


@dataclass(slots=True)
class Sample:
    cls: str
    original: str  # the source passage (empty for fabricated)
    quote: str  # the quotation as the article gives it (parts joined with a space)
    sentence: str  # the article sentence
    speaker: str  # the speaker leakdesk should report
    expected: str
    mark_offset: int = 0  # offset of the opening mark in the sentence
    parts: int = 1


def _words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in WORD_RE.finditer(text)]


class Generator:
    def __init__(self, corpus: Corpus, seed: int = 20261128) -> None:
        self.corpus = corpus
        self.rng = random.Random(seed)
        self.vocab = sorted({norm(w) for v, _ in corpus.source_verses[:5000]
                             for w in WORD_RE.findall(v.text) if len(w) >= 4})
        self._grams: set[int] | None = None
        self.norm_source = " " + " ".join(norm(w) for w in WORD_RE.findall(corpus.source_text)) + " "

    def in_source(self, quote: str) -> bool:
        """Whether the quote's words occur, in order and together, in the source."""
        return " " + " ".join(norm(w) for w in WORD_RE.findall(quote)) + " " in self.norm_source

    # -- passages ----------------------------------------------------------------

    def passage(self, lo: int = 8, hi: int = 24) -> tuple[str, int]:
        """A random passage of the source and the index of its verse."""
        verses = self.corpus.source_verses
        while True:
            vi = self.rng.randrange(len(verses))
            text = verses[vi][0].text
            spans = _words(text)
            if len(spans) < lo:
                continue
            n = self.rng.randint(lo, min(hi, len(spans)))
            start = self.rng.randint(0, len(spans) - n)
            return text[spans[start][0] : spans[start + n - 1][1]], vi

    def source_grams(self) -> set[int]:
        if self._grams is None:
            ids = [norm(w) for w in WORD_RE.findall(self.corpus.source_text)]
            self._grams = {hash(tuple(ids[i : i + 4])) for i in range(len(ids) - 3)}
        return self._grams

    def fabricated(self) -> str:
        grams = self.source_grams()
        pool = self.corpus.pool
        while True:
            v: Verse = self.rng.choice(pool)
            spans = _words(v.text)
            if len(spans) < 8:
                continue
            n = self.rng.randint(8, min(24, len(spans)))
            start = self.rng.randint(0, len(spans) - n)
            text = v.text[spans[start][0] : spans[start + n - 1][1]]
            ws = [norm(w) for w in WORD_RE.findall(text)]
            if any(hash(tuple(ws[i : i + 4])) in grams for i in range(len(ws) - 3)):
                continue
            return text

    # -- perturbations ------------------------------------------------------------

    def punct_case(self, q: str) -> str | None:
        spans = _words(q)
        rng = self.rng
        ops = ["case", "comma_add", "punct_drop", "punct_change"]
        rng.shuffle(ops)
        for op in ops:
            if op == "case":
                k = rng.randrange(1, len(spans))
                a, b = spans[k]
                w = q[a:b]
                new = w.lower() if w[:1].isupper() else w[:1].upper() + w[1:]
                if new != w:
                    return q[:a] + new + q[b:]
            elif op == "comma_add":
                cands = [k for k in range(len(spans) - 1) if q[spans[k][1] : spans[k + 1][0]] == " "]
                if cands:
                    k = rng.choice(cands)
                    return q[: spans[k][1]] + "," + q[spans[k][1] :]
            elif op == "punct_drop":
                marks = [m.start() for m in re.finditer(r"[,;:](?= )", q)]
                if marks:
                    p = rng.choice(marks)
                    return q[:p] + q[p + 1 :]
            elif op == "punct_change":
                marks = [m.start() for m in re.finditer(r"[;:](?= )", q)]
                if marks:
                    p = rng.choice(marks)
                    return q[:p] + "," + q[p + 1 :]
        return None

    def ellipsis(self, q: str, vi: int) -> str | None:
        rng = self.rng
        spans = _words(q)
        sep = rng.choice(_ELLIPSES)
        if rng.random() < 0.33:
            # join a passage further on in the same book
            verses = self.corpus.source_verses
            j = vi + rng.randint(1, 20)
            if j >= len(verses) or verses[j][0].book != verses[vi][0].book:
                return None
            left = q[: spans[min(len(spans), rng.randint(4, 8)) - 1][1]]
            other = verses[j][0].text
            os_ = _words(other)
            if len(os_) < 5:
                return None
            n = rng.randint(4, min(10, len(os_)))
            right = other[os_[0][0] : os_[n - 1][1]]
            return left + sep + right
        if len(spans) < 6:
            return None
        i = rng.randint(2, len(spans) - 4)
        j = rng.randint(i + 1, len(spans) - 2)
        return q[: spans[i - 1][1]] + sep + q[spans[j][0] :]

    def bracket(self, q: str) -> str | None:
        rng = self.rng
        spans = _words(q)
        r = rng.random()
        if r < 0.45:
            k = rng.randrange(1, len(spans))
            a, b = spans[k]
            return q[:a] + "[" + rng.choice(_BRACKETS) + "]" + q[b:]
        if r < 0.85:
            k = rng.randrange(0, len(spans) - 1)
            b = spans[k][1]
            return q[:b] + " [" + rng.choice(_BRACKETS) + "]" + q[b:]
        a, b = spans[0]
        first = q[a]
        other = first.lower() if first.isupper() else first.upper()
        return q[:a] + "[" + other + "]" + q[a + 1 :]

    def word_changed(self, q: str) -> str | None:
        spans = _words(q)
        cands = [k for k, (a, b) in enumerate(spans) if b - a >= 3]
        if not cands:
            return None
        k = self.rng.choice(cands)
        a, b = spans[k]
        old = norm(q[a:b])
        while True:
            new = self.rng.choice(self.vocab)
            if new != old:
                break
        if q[a].isupper():
            new = new[:1].upper() + new[1:]
        return q[:a] + new + q[b:]

    def dropped(self, q: str) -> str | None:
        spans = _words(q)
        n = self.rng.randint(1, 3)
        if len(spans) - n < 6:
            return None
        i = self.rng.randint(1, len(spans) - n - 1)
        return q[: spans[i - 1][1]] + q[spans[i + n - 1][1] :]

    def reordered(self, q: str) -> str | None:
        spans = _words(q)
        rng = self.rng
        if rng.random() < 0.5:
            k = rng.randrange(0, len(spans) - 1)
            (a, b), (c, d) = spans[k], spans[k + 1]
            if norm(q[a:b]) == norm(q[c:d]):
                return None
            return q[:a] + q[c:d] + q[b:c] + q[a:b] + q[d:]
        if len(spans) < 6:
            return None
        k = rng.randint(3, len(spans) - 3)
        left = q[: spans[k - 1][1]].rstrip(" ,;:")
        right = q[spans[k][0] :].rstrip(" ,;:.")
        return right + ", " + left

    # -- samples ------------------------------------------------------------------

    def sample(self, cls: str) -> Sample:
        while True:
            if cls == "fabricated":
                original, quote = "", self.fabricated()
            else:
                original, vi = self.passage()
                if cls == "exact":
                    quote = original
                elif cls == "ellipsis":
                    q = self.ellipsis(original, vi)
                    if q is None:
                        continue
                    quote = q
                else:
                    q = getattr(self, cls)(original)
                    if q is None or q == original:
                        continue
                    if EXPECTED[cls] == "altered" and self.in_source(q):
                        continue  # the change happens to give another passage of the source
                    quote = q
            return self._embed(cls, original, quote)

    def _embed(self, cls: str, original: str, quote: str) -> Sample:
        rng = self.rng
        big, small, expect = rng.choice(SPEAKERS)
        qc = quote.rstrip(".,;: ")
        spans = _words(quote)
        split_ok = cls in ("exact", "word_changed") and len(spans) >= 10 and rng.random() < 0.25
        if split_ok:
            # split where the source has a comma or between two words
            k = rng.randint(4, len(spans) - 4)
            q1 = quote[: spans[k - 1][1]].rstrip(",;:")
            q2 = quote[spans[k][0] :]
            sentence = SPLIT_TEMPLATE.format(Q1=q1, Q2=q2, s=small)
            return Sample(cls, original, f"{q1}, {q2}", sentence, expect, EXPECTED[cls], 0, 2)
        template = rng.choice(TEMPLATES)
        sentence = template.format(S=big, s=small, Q=quote, Qc=qc)
        mark = min(p for p in (sentence.find('"'), sentence.find("“")) if p >= 0)
        text = qc if "{Qc}" in template else quote
        return Sample(cls, original, text, sentence, expect, EXPECTED[cls], mark)


def articles(samples: list[Sample], per_article: int = 25) -> list[tuple[str, list[tuple[int, Sample]]]]:
    """Group samples into articles; each sample is one paragraph."""
    out = []
    for i in range(0, len(samples), per_article):
        group = samples[i : i + per_article]
        parts = ["Leaked document raises questions, officials say\n\n"]
        placed = []
        pos = len(parts[0])
        for s in group:
            placed.append((pos + s.mark_offset, s))
            parts.append(s.sentence + "\n\n")
            pos += len(s.sentence) + 2
        out.append(("".join(parts), placed))
    return out
