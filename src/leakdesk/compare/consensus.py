"""The safest text: a consensus of several copies that singles out none of them.

    >>> c = build_consensus([doc_a, doc_b, doc_c])     # doctest: +SKIP
    >>> c.text                                          # doctest: +SKIP
    >>> [(f.start, f.end, [v.text for v in f.variants]) for f in c.flagged]  # doctest: +SKIP

How each varying position is settled (the first copy is the reference; text
on which all copies agree is kept as it is, then neutralised as below):

1. **Neutral form.**  If every copy's variant has the same canonical form
   (no invisible characters, Latin letters for homoglyphs, ASCII quotes and
   hyphens, NFKC for ligatures and full-width forms, one space for any run of
   spaces, a re-joined hyphenated line break), that form is used.  The same
   canonicalisation is then applied to the *whole* text, so the neutral form
   is what any copy gives: it carries no information about which copy it came
   from.  If line breaks differ between copies anywhere, every paragraph is
   re-flowed (single line breaks become spaces), for the same reason.
2. **Noise.**  A position where the copies differ only by noise (an OCR
   slip, page furniture) takes the majority variant, or, between two copies,
   the variant of the copy with the least noise (the one that was not
   scanned).  It is not flagged.
3. **Flagged.**  Anywhere else (another word, another number, other
   punctuation) no variant is safe: with two copies any variant points at one
   of them, and with more copies a majority variant still narrows the source
   down (and several majority choices together can point at one copy).  The
   position is listed in :attr:`Consensus.flagged` with its variants and the
   copies that share each; the text holds the canonical form of the most
   common variant until a person rewrites it (where that variant is nothing, a
   word only some copies have, the flag covers the word before it, so it is
   never empty).  :meth:`Consensus.placeholder_text` puts a visible
   placeholder there instead.

A mark present identically in *every* copy is invisible to a comparison; the
global canonicalisation removes the character-level ones (invisible
characters, homoglyphs, spacing), but wording and identifiers common to all
copies are for ``leakdesk audit`` to find.

``leakdesk sanitize --consensus`` builds on :func:`build_consensus`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from ..document import Document
from ..textutil import make_visible
from .model import Position, Variant
from .normalize import HYPHEN_BREAK_RE, apply_edits, canonical_text, count_newlines

_WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_INLINE_WS_RE = regex.compile(r"[^\S\n]+")
_SINGLE_NL_RE = regex.compile(r"(?<=\S)[^\S\n]*\n[^\S\n]*(?=\S)")


@dataclass(slots=True)
class Flag:
    """A position of the consensus that a person must rewrite."""

    start: int
    end: int
    kind: str
    reason: str
    variants: list[Variant]
    chosen: str

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "reason": self.reason,
            "chosen": self.chosen,
            "variants": [{"text": v.text, "visible": make_visible(v.text), "copies": list(v.copies)}
                         for v in self.variants],
        }


@dataclass(slots=True)
class Consensus:
    """The safest text of several copies, and the spans that still need a human rewrite."""

    text: str
    flagged: list[Flag] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    #: varying positions found between the copies
    positions: int = 0
    #: positions settled by the neutral form
    neutralized: int = 0
    #: positions settled as noise (OCR slips, page furniture)
    noise: int = 0
    #: single line breaks were turned into spaces
    reflowed: bool = False

    @property
    def safe(self) -> bool:
        """True when no position needs a rewrite."""
        return not self.flagged

    def placeholder_text(self, marker: str = "⟦REWRITE {n}⟧") -> str:
        """The text with every flagged span replaced by ``marker`` (``{n}``: its number)."""
        edits = [(f.start, f.end, marker.format(n=i)) for i, f in enumerate(self.flagged, 1)]
        return apply_edits(self.text, edits)[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "copies": list(self.names),
            "positions": self.positions,
            "neutralized": self.neutralized,
            "noise": self.noise,
            "reflowed": self.reflowed,
            "safe": self.safe,
            "flagged": [f.to_json() for f in self.flagged],
        }


def neutral_form(text: str) -> str:
    """The canonical form of one variant: what any copy's variant here normalises to."""
    s = HYPHEN_BREAK_RE.sub("", text)
    s = str(canonical_text(s)[0])
    # one space for any run of spaces and single line breaks; a paragraph break stays
    if "\n" in s:
        parts = regex.split(r"[^\S\n]*\n[^\S\n]*\n\s*", s)
        return "\n\n".join(_INLINE_WS_RE.sub(" ", p.replace("\n", " ")) for p in parts)
    return str(_INLINE_WS_RE.sub(" ", s))


def build_consensus(
    docs: Sequence[Document],
    *,
    names: Sequence[str] | None = None,
    force: bool = False,
    reflow: bool | None = None,
) -> Consensus:
    """The safest text of ``docs`` (two or more copies of one document; the first is the reference).

    ``reflow``: turn single line breaks into spaces (default: only when line
    breaks differ between the copies).  Raises
    :class:`~leakdesk.compare.NotSameDocument` unless ``force``.
    """
    from . import compare_documents

    result = compare_documents(docs, names=names, force=force, moves=False)
    return consensus_of(result.names, [d.text for d in docs], result.positions, reflow=reflow)


def consensus_of(
    names: Sequence[str],
    texts: Sequence[str],
    positions: Sequence[Position],
    *,
    reflow: bool | None = None,
) -> Consensus:
    """The consensus from varying positions already found (see :func:`build_consensus`)."""
    ref = names[0]
    ref_text = texts[0]
    freq: Counter[str] | None = None
    pieces: list[str] = []
    pos = 0
    length = 0
    raw_flags: list[tuple[int, int, Position, str]] = []
    neutralized = noise = 0
    lines_differ = False
    for p in sorted(positions, key=lambda p: (p.spans[ref].start, p.spans[ref].end)):
        span = p.spans[ref]
        if span.start < pos:
            continue  # overlapping positions cannot happen; be safe
        pieces.append(ref_text[pos:span.start])
        length += span.start - pos
        forms = {neutral_form(v.text) for v in p.variants}
        if len({count_newlines(v.text) > 0 for v in p.variants}) > 1 or len(
            {count_newlines(v.text) for v in p.variants}
        ) > 1:
            lines_differ = True
        if len(forms) == 1:
            chosen = forms.pop()
            neutralized += 1
            flag = False
        elif p.noise:
            if freq is None:
                freq = Counter(w.casefold() for t in texts for w in _WORD_RE.findall(t))
            best = _noise_choice(p, freq, ref)
            chosen = neutral_form(best.text)
            noise += 1
            flag = False
        else:
            best = max(p.variants, key=lambda v: (len(v.copies), ref in v.copies))
            chosen = neutral_form(best.text)
            flag = True
        if flag:
            raw_flags.append((length, length + len(chosen), p, chosen))
        pieces.append(chosen)
        length += len(chosen)
        pos = span.end
    pieces.append(ref_text[pos:])
    draft = "".join(pieces)
    text, omap = canonical_text(draft)
    mapped = [(omap(s), omap(e), p, c) for s, e, p, c in raw_flags]
    do_reflow = lines_differ if reflow is None else reflow
    if do_reflow:
        edits = [(m.start(), m.end(), " ") for m in _SINGLE_NL_RE.finditer(text)]
        text, omap2 = apply_edits(text, edits)
        mapped = [(omap2(s), omap2(e), p, c) for s, e, p, c in mapped]
    flags = []
    for s, e, p, _c in mapped:
        s, e = _widen(text, s, max(s, e))
        flags.append(Flag(s, e, p.kind, p.reason, p.variants, text[s:e]))
    return Consensus(text, flags, list(names), len(positions), neutralized, noise, do_reflow)


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """A flagged span never empty: where the chosen variant is nothing (a word only some
    copies have), the flag takes the word before it (or after it), for a person to rewrite."""
    if text[start:end].strip():
        return start, end
    i = start
    while i > 0 and text[i - 1].isspace():
        i -= 1
    j = i
    while j > 0 and not text[j - 1].isspace():
        j -= 1
    if j < i:
        return j, max(end, i)
    k = end
    while k < len(text) and text[k].isspace():
        k += 1
    m = k
    while m < len(text) and not text[m].isspace():
        m += 1
    return (start, m) if m > k else (start, end)


def _noise_choice(p: Position, freq: Counter[str], ref: str) -> Variant:
    """The variant a noisy position most likely had before the noise.

    A majority among three or more copies; otherwise the variant whose rarest
    word is the most common in all the copies (an OCR slip like "rnodern" is
    rare, the word it garbled is not), the reference's on a tie.
    """
    if len(p.spans) > 2:
        top = max(len(v.copies) for v in p.variants)
        majority = [v for v in p.variants if len(v.copies) == top]
        if len(majority) == 1:
            return majority[0]

    def score(v: Variant) -> tuple[int, bool]:
        words = [w.casefold() for w in _WORD_RE.findall(v.text)]
        return (min((freq[w] for w in words), default=0), ref in v.copies)

    return max(p.variants, key=score)
