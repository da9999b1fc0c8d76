"""What a difference between two copies is, and whether it is likely a mark or noise.

Every difference gets a *kind* (wording, spelling, punctuation, whitespace,
invisible, homoglyph, number, insertion, deletion, move) and an *assessment*:
"likely deliberate (mark)" or "likely noise", with the reason in words.

The rules follow how copies come apart in practice:

- invisible characters, homoglyphs and rare spacing habits are what canary
  traps are made of: a copy that *has* one is marked, whatever the other copy
  went through (OCR never outputs a zero-width space);
- a scan re-wraps lines, breaks words with hyphens and confuses look-alike
  letters (rn/m, l/1/I, O/0, cl/d, vv/w...), drops or adds punctuation at line
  ends and loses repeated spaces: when a pair of copies shows that profile
  (:class:`PairProfile`), those differences are labelled noise;
- text found in only one copy's page headers or footers is page furniture;
- everything else (another word, another number, a moved sentence) is a
  likely deliberate variation.

"Likely" is meant: leakdesk shows every difference either way, and a person
decides.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import regex
from rapidfuzz.distance import Indel

from ..document import Document
from ..textutil import code_point_label
from .normalize import (
    HYPHEN_BREAK_RE,
    INVISIBLE_RE,
    LIGATURES,
    IntervalSet,
    SpacingStats,
    collapse_space,
    count_newlines,
    fold_typography,
    furniture_lines,
    latin_for,
    script_of,
    skeleton,
    spacing_features,
)

T = TypeVar("T")

KINDS: tuple[str, ...] = (
    "wording",
    "spelling",
    "punctuation",
    "whitespace",
    "invisible",
    "homoglyph",
    "number",
    "insertion",
    "deletion",
    "move",
)

#: Parts that hold the document's own text (an OCR'd scan's text is its body).
CONTENT_PARTS = frozenset({"body", "ocr", "header", "footer", "footnote"})

DELIBERATE = "likely deliberate (mark)"
NOISE = "likely noise"

#: Order in which a difference with several components is named.
_PRIORITY = {
    "move": 0,
    "invisible": 1,
    "homoglyph": 2,
    "number": 3,
    "wording": 4,
    "spelling": 5,
    "insertion": 6,
    "deletion": 7,
    "punctuation": 8,
    "whitespace": 9,
}

# -- OCR confusions ---------------------------------------------------------------

#: Letter groups OCR engines read as one another; each is folded to one form.
_OCR_MULTI = (("rn", "m"), ("cl", "d"), ("cI", "d"), ("vv", "w"), ("VV", "W"), ("ri", "n"),
              ("li", "h"), ("ii", "u"))
_OCR_GROUPS = (
    "l1I|!iíìï¡ıj",
    "oO0Q°º",
    "sS5$",
    "B8",
    "b6h",
    "zZ2",
    "g9q",
    "ec",
    "uv",
    "cC(",
    "vV",
    "wW",
    "xX",
    "pP",
    "kK",
    "yY",
    ".,",
    ";:",
    "'`‘’´\"“”",
    "-–—_~",
)


def _ocr_table() -> dict[int, str]:
    """Union of the groups that share a letter (c/e and c/C make one class), each to one form."""
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.setdefault(c, c) != c:
            c = parent[c]
        return c

    for group in _OCR_GROUPS:
        for c in group[1:]:
            parent[find(c)] = find(group[0])
    return {ord(c): find(c) for c in parent}


_OCR_TABLE = _ocr_table()

#: Stray marks a scan adds from specks and rules.
_SPECKS = frozenset(".,'`‘’|_~-:;°·•\"")

_PUNCT_RE = regex.compile(r"[\p{P}\p{S}]")
_WS_RE = regex.compile(r"\s+")
_WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_DIGIT_RE = regex.compile(r"\d")


def ocr_fold(text: str) -> str:
    """The form two OCR readings of the same print share ("modem" and "modern" fold alike)."""
    s = unicodedata.normalize("NFKC", text)
    for src, dst in _OCR_MULTI:
        s = s.replace(src, dst)
    return s.translate(_OCR_TABLE)


@dataclass(frozen=True, slots=True)
class Component:
    kind: str
    noise: bool
    reason: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """The classification of one difference."""

    kind: str
    noise: bool
    reason: str
    components: tuple[str, ...] = ()

    @property
    def assessment(self) -> str:
        return NOISE if self.noise else DELIBERATE


@dataclass(slots=True)
class PairProfile:
    """What one pair of copies went through, judged from all their differences at once."""

    rewrapped: bool = False
    scan_like: bool = False
    #: the copies come from different formats (a PDF and a DOCX...): layout differs
    cross_format: bool = False
    newline_flips: int = 0
    hyphen_joins: int = 0
    ocr_slips: int = 0

    @property
    def lenient(self) -> bool:
        """Spacing and line layout are not expected to survive between these copies."""
        return self.scan_like or self.cross_format

    def describe(self) -> str:
        if self.cross_format and not self.scan_like:
            return "different formats (layout differences are noise)"
        if self.scan_like and self.rewrapped:
            return "one copy looks re-wrapped or scanned (OCR)"
        if self.rewrapped:
            return "line breaks differ throughout (re-wrapped)"
        if self.scan_like:
            return "OCR-like letter confusions"
        return "same layout"


@dataclass(slots=True)
class PairContext:
    """Everything the classifier needs to know about a pair of copies."""

    text_a: str
    text_b: str
    profile: PairProfile = field(default_factory=PairProfile)
    name_a: str = "A"
    name_b: str = "B"
    doc_a: Document | None = None
    doc_b: Document | None = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # spacing habits and page furniture are computed on first use: most pairs never need them

    @property
    def stats_a(self) -> SpacingStats:
        return self._lazy("stats_a", lambda: SpacingStats.of(self.text_a))

    @property
    def stats_b(self) -> SpacingStats:
        return self._lazy("stats_b", lambda: SpacingStats.of(self.text_b))

    @property
    def furniture_a(self) -> IntervalSet:
        return self._lazy("furniture_a", lambda: IntervalSet(furniture_lines(self.text_a)))

    @property
    def furniture_b(self) -> IntervalSet:
        return self._lazy("furniture_b", lambda: IntervalSet(furniture_lines(self.text_b)))

    def rare_char(self, side: str, ch: str) -> bool:
        """``ch`` is rare among the characters of its typographic family in one copy."""
        text = self.text_a if side == "a" else self.text_b
        family = fold_typography(ch)
        counts: Counter[str] = self._lazy(
            f"typo_{side}", lambda: Counter(c for c in text if not c.isalnum() and not c.isspace())
        )
        total = sum(n for c, n in counts.items() if fold_typography(c) == family)
        return counts[ch] <= max(2, total // 10)

    def _lazy(self, name: str, make: Callable[[], T]) -> T:
        if name not in self._cache:
            self._cache[name] = make()
        value: T = self._cache[name]
        return value

    def part_only_in(self, side: str, start: int, end: int) -> str | None:
        """The container part (metadata, hidden...) holding ``[start, end)`` of one copy,
        if it is not the body and the other copy has no such part at all."""
        doc, other = (self.doc_a, self.doc_b) if side == "a" else (self.doc_b, self.doc_a)
        if doc is None or other is None or end <= start:
            return None
        text = doc.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            return None
        first = doc.segment_at(start)
        last = doc.segment_at(end - 1)
        if first is None or last is None or first.part in CONTENT_PARTS or first.part != last.part:
            return None
        if any(seg.part == first.part for seg in other.segments):
            return None
        return first.part

    def near_line_break(self, a0: int, a1: int, b0: int, b1: int, width: int = 3) -> bool:
        for text, s, e in ((self.text_a, a0, a1), (self.text_b, b0, b1)):
            window = text[max(0, s - width) : e + width]
            if any(c in window for c in "\n\r\f"):
                return True
        return False


def _label(ch: str) -> str:
    return code_point_label(ch)


def _describe_chars(chars: list[str]) -> str:
    counts = Counter(chars)
    parts = []
    for ch, n in counts.most_common():
        parts.append(f"{_label(ch)}" + (f" ×{n}" if n > 1 else ""))
    return ", ".join(parts)


def _quote(s: str, limit: int = 40) -> str:
    from ..textutil import make_visible

    v = make_visible(s)
    if len(v) > limit:
        v = v[: limit - 1] + "…"
    return f"“{v}”"


def classify(a: str, b: str, ctx: PairContext, a0: int = 0, b0: int = 0) -> Verdict:
    """Classify the difference between span ``a`` of copy A (at ``a0``) and ``b`` of copy B."""
    comps = components(a, b, ctx, a0, b0)
    return verdict_of(comps)


def verdict_of(comps: list[Component]) -> Verdict:
    if not comps:
        comps = [Component("whitespace", False, "the copies differ here")]
    if len(comps) == 1:
        c = comps[0]
        reason = c.reason if not c.noise or "noise" in c.reason else f"{c.reason} (noise)"
        return Verdict(c.kind, c.noise, reason, (c.kind,))
    deliberate = [c for c in comps if not c.noise]
    pool = deliberate or comps
    primary = min(pool, key=lambda c: _PRIORITY.get(c.kind, 99))
    ordered = sorted(comps, key=lambda c: (c.noise, _PRIORITY.get(c.kind, 99)))
    reasons: list[str] = []
    for c in ordered:
        if c.reason not in reasons:
            reasons.append(c.reason)
    kinds = tuple(dict.fromkeys(c.kind for c in ordered))
    noise = not deliberate
    reason = "; ".join(reasons)
    if noise and "noise" not in reason:
        reason = f"{reason} (noise)"
    return Verdict(primary.kind, noise, reason, kinds)


def components(a: str, b: str, ctx: PairContext, a0: int = 0, b0: int = 0) -> list[Component]:
    comps: list[Component] = []
    inv_a = INVISIBLE_RE.findall(a)
    inv_b = INVISIBLE_RE.findall(b)
    if Counter(inv_a) != Counter(inv_b) or (inv_a and inv_b and inv_a != inv_b):
        only_a = list((Counter(inv_a) - Counter(inv_b)).elements())
        only_b = list((Counter(inv_b) - Counter(inv_a)).elements())
        bits = []
        if only_a:
            bits.append(f"{_describe_chars(only_a)} only in {ctx.name_a}")
        if only_b:
            bits.append(f"{_describe_chars(only_b)} only in {ctx.name_b}")
        if not bits:
            bits.append("invisible characters in another order")
        comps.append(Component("invisible", False, "invisible character: " + "; ".join(bits)))
    va = INVISIBLE_RE.sub("", a) if inv_a else a
    vb = INVISIBLE_RE.sub("", b) if inv_b else b
    if va != vb:
        comps.extend(_visible(va, vb, ctx, a0, b0, len(a), len(b)))
    return comps


def _visible(
    va: str, vb: str, ctx: PairContext, a0: int, b0: int, la: int, lb: int
) -> list[Component]:
    prof = ctx.profile
    ca = _WS_RE.sub("", va)
    cb = _WS_RE.sub("", vb)
    if ca == cb:
        return [_spacing(va, vb, ctx)]
    ha = HYPHEN_BREAK_RE.sub("", va)
    hb = HYPHEN_BREAK_RE.sub("", vb)
    if unicodedata.normalize("NFC", va) == unicodedata.normalize("NFC", vb):
        return [Component("invisible", prof.cross_format,
                          "Unicode normalisation differs (a precomposed letter in one copy, "
                          "a letter plus combining accent in the other)"
                          + (": text extraction (noise)" if prof.cross_format else ""))]
    if (ha != va or hb != vb) and _WS_RE.sub("", ha) == _WS_RE.sub("", hb):
        noisy = prof.rewrapped or prof.scan_like
        return [Component("whitespace", noisy,
                          "word hyphenated at a line break in one copy only"
                          + (": line-wrap artefact (noise)" if noisy else ""))]
    if not ca or not cb:
        return [_insertion(va, vb, ctx, a0, b0, la, lb)]
    comps: list[Component] = []
    sa, sb = skeleton(ha), skeleton(hb)
    if sa != ha or sb != hb:
        comp = _homoglyph(ha, hb, sa, sb, ctx)
        if comp is not None:
            comps.append(comp)
    x, y = collapse_space(sa), collapse_space(sb)
    if x == y:
        if (collapse_space(ha) != ha or collapse_space(hb) != hb) and (
            _WS_RE.sub(" ", ha).strip() != _WS_RE.sub(" ", hb).strip()
        ):
            comps.append(_spacing(ha, hb, ctx))
        return comps or [Component("spelling", False, "the same letters in another form")]
    fx, fy = fold_typography(x), fold_typography(y)
    if fx == fy:
        comps.append(_typography(x, y, ctx))
        return comps
    if ocr_fold(fx) == ocr_fold(fy):
        if prof.scan_like:
            comps.append(Component("spelling", True,
                                   f"OCR confusion: {_quote(x)} read as {_quote(y)} (noise)"))
        else:
            comps.append(Component(
                "spelling", False,
                f"{_quote(x)} vs {_quote(y)}: letters OCR confuses, but neither copy looks scanned"))
        return comps
    wa = _WORD_RE.findall(fx)
    wb = _WORD_RE.findall(fy)
    if wa == wb:
        comps.append(_punctuation(fx, fy, ctx, a0, b0, la, lb))
        return comps
    if _DIGIT_RE.search(fx) or _DIGIT_RE.search(fy):
        da = [w for w in wa if _DIGIT_RE.search(w)]
        db = [w for w in wb if _DIGIT_RE.search(w)]
        if da != db:
            comps.append(Component("number", False,
                                   f"number or identifier differs: {_quote(x)} vs {_quote(y)}"))
            rest_a = [w for w in wa if not _DIGIT_RE.search(w)]
            rest_b = [w for w in wb if not _DIGIT_RE.search(w)]
            if rest_a == rest_b:
                return comps
    comps.append(_words(x, y, wa, wb))
    return comps


def _homoglyph(ha: str, hb: str, sa: str, sb: str, ctx: PairContext) -> Component | None:
    odd_a = [c for c in ha if not c.isascii() and (latin_for(c) or unicodedata.normalize("NFKC", c) != c)]
    odd_b = [c for c in hb if not c.isascii() and (latin_for(c) or unicodedata.normalize("NFKC", c) != c)]
    only_a = list((Counter(odd_a) - Counter(odd_b)).elements())
    only_b = list((Counter(odd_b) - Counter(odd_a)).elements())
    if not only_a and not only_b:
        return None
    all_odd = only_a + only_b
    if all(c in LIGATURES for c in all_odd):
        return Component("homoglyph", True,
                         "typographic ligature from text extraction: noise")
    bits = []
    for side, chars in ((ctx.name_a, only_a), (ctx.name_b, only_b)):
        for ch in dict.fromkeys(chars):
            lat = latin_for(ch) or unicodedata.normalize("NFKC", ch)
            bits.append(f"{script_of(ch).title()} {_label(ch)} in {side} looks like '{lat}'")
    return Component("homoglyph", False, "homoglyph: " + "; ".join(bits))


def _typography(x: str, y: str, ctx: PairContext) -> Component:
    """Curly vs straight quotes, dash vs hyphen: a mark, unless a scan or another format
    changed that typography throughout (then neither copy's form is rare in it)."""
    desc = f"typographic variant: {_quote(x)} vs {_quote(y)}"
    if not ctx.profile.lenient:
        return Component("punctuation", False, desc)
    only_a = [c for c in x if c not in y]
    only_b = [c for c in y if c not in x]
    rare = any(ctx.rare_char("a", c) for c in only_a) or any(ctx.rare_char("b", c) for c in only_b)
    if rare:
        return Component("punctuation", False, desc)
    return Component("punctuation", True,
                     f"{desc}: the copies differ in this typography throughout (noise)")


def _punctuation(
    fx: str, fy: str, ctx: PairContext, a0: int, b0: int, la: int, lb: int
) -> Component:
    pa = _PUNCT_RE.findall(fx)
    pb = _PUNCT_RE.findall(fy)
    only_a = list((Counter(pa) - Counter(pb)).elements())
    only_b = list((Counter(pb) - Counter(pa)).elements())
    desc = f"punctuation differs: {_quote(fx)} vs {_quote(fy)}"
    if ctx.profile.scan_like:
        changed = only_a + only_b
        # comma and full stop are the marks OCR confuses most (a speck, a faint tail)
        swap = len(only_a) == len(only_b) == 1 and {only_a[0], only_b[0]} == {",", "."}
        near = ctx.near_line_break(a0, a0 + la, b0, b0 + lb)
        dropped_or_added = not only_a or not only_b
        if swap or (near and dropped_or_added and len(changed) <= 2
                    and all(c in _SPECKS for c in changed)):
            return Component("punctuation", True,
                             f"{desc}: OCR punctuation slip"
                             + (" at a line break" if near else "") + " (noise)")
    return Component("punctuation", False, desc)


def _words(x: str, y: str, wa: list[str], wb: list[str]) -> Component:
    if len(wa) == len(wb) == 1:
        u, v = wa[0], wb[0]
        if u.casefold() == v.casefold():
            return Component("spelling", False, f"capitalisation differs: {_quote(u)} vs {_quote(v)}")
        if min(len(u), len(v)) >= 4 and Indel.normalized_similarity(u.casefold(), v.casefold()) >= 0.75:
            return Component("spelling", False, f"spelling differs: {_quote(u)} vs {_quote(v)}")
    return Component("wording", False, f"wording differs: {_quote(x)} vs {_quote(y)}")


def _insertion(
    va: str, vb: str, ctx: PairContext, a0: int, b0: int, la: int, lb: int
) -> Component:
    if _WS_RE.sub("", va):
        kind, text, side = "deletion", va, ctx.name_a
        furniture, start = ctx.furniture_a, a0
        part = ctx.part_only_in("a", a0, a0 + la)
    else:
        kind, text, side = "insertion", vb, ctx.name_b
        furniture, start = ctx.furniture_b, b0
        part = ctx.part_only_in("b", b0, b0 + lb)
    stripped = text.strip()
    if part is not None:
        return Component(kind, True,
                         f"{part} text of {side}'s container, which the other copy's format "
                         f"does not have, which audit reports: {_quote(stripped)} (noise here)")
    lead = len(text) - len(text.lstrip())
    s0 = start + lead
    e0 = s0 + len(stripped)
    if furniture and furniture.covers(s0, e0):
        return Component(kind, True, f"page header or footer only in {side}: {_quote(stripped)} (noise)")
    content = _WS_RE.sub("", text)
    if not _WORD_RE.search(content):
        prof = ctx.profile
        near = ctx.near_line_break(a0, a0 + la, b0, b0 + lb)
        if prof.scan_like and len(content) <= 2 and all(c in _SPECKS for c in content) and (
            near or all(c in "|_~`°·•" for c in content)
        ):
            return Component("punctuation", True,
                             f"{_quote(content)} only in {side}: OCR punctuation slip"
                             + (" at a line break" if near else "") + " (noise)")
        return Component("punctuation", False, f"punctuation {_quote(stripped)} only in {side}")
    if _DIGIT_RE.search(content) and len(_WORD_RE.findall(content)) <= 2:
        return Component("number", False, f"{_quote(stripped)} only in {side}")
    return Component(kind, False, f"{_quote(stripped)} only in {side}")


def _spacing(va: str, vb: str, ctx: PairContext) -> Component:
    """Two spans that differ only in whitespace."""
    prof = ctx.profile
    if "\r" in va or "\r" in vb:
        if va.replace("\r\n", "\n").replace("\r", "\n") == vb.replace("\r\n", "\n").replace("\r", "\n"):
            return Component("whitespace", False, "line ending differs (CRLF vs LF)")
        va = va.replace("\r\n", "\n")
        vb = vb.replace("\r\n", "\n")
    has_text = bool(_WS_RE.sub("", va))
    lenient = prof.lenient
    if has_text:
        if prof.scan_like:
            return Component("whitespace", True,
                             "words joined or split: OCR word spacing (noise)")
        return Component("whitespace", False, "a space added or removed between words")
    fa = spacing_features(va)
    fb = spacing_features(vb)
    marks: list[str] = []
    for is_a, mine, theirs in ((True, fa, fb), (False, fb, fa)):
        side = ctx.name_a if is_a else ctx.name_b
        for feat, n in mine.items():
            if n <= theirs.get(feat, 0):
                continue
            stats = ctx.stats_a if is_a else ctx.stats_b
            total = _feature_total(stats, feat) if lenient else 0
            if not lenient or stats.rare(total):
                marks.append(f"{_feature_label(feat)} in {side}")
    nla, nlb = count_newlines(va), count_newlines(vb)
    if marks:
        return Component("whitespace", False, "spacing mark: " + "; ".join(marks))
    if nla != nlb:
        if prof.rewrapped or prof.cross_format:
            if min(nla, nlb) > 0:
                return Component("whitespace", True,
                                 "paragraph break in one copy, line break in the other: "
                                 "layout (noise)")
            return Component("whitespace", True,
                             "line re-wrapped: line break in one copy, space in the other (noise)")
        where = ctx.name_a if nla > nlb else ctx.name_b
        return Component("whitespace", False, f"line break at a different place (extra in {where})")
    if lenient:
        return Component("whitespace", True,
                         "spacing or indentation not kept by the scan or format (noise)")
    if not va or not vb:
        side = ctx.name_a if va else ctx.name_b
        return Component("whitespace", False, f"space only in {side}")
    return Component("whitespace", False,
                     f"spacing differs: {_quote(va)} vs {_quote(vb)}")


def _feature_total(stats: SpacingStats, feat: str) -> int:
    if feat == "multispace":
        return stats.multispace
    if feat == "trailing":
        return stats.trailing
    if feat.startswith("odd:"):
        return stats.oddspace.get(feat[4:], 0)
    return 0


def _feature_label(feat: str) -> str:
    if feat == "multispace":
        return "repeated space"
    if feat == "trailing":
        return "trailing space at a line end"
    if feat.startswith("odd:"):
        return _label(feat[4:])
    return feat


def profile_pair(
    gap_pairs: list[tuple[str, str]],
    token_pairs: list[tuple[str, str]],
    lines_a: int,
    lines_b: int,
) -> PairProfile:
    """Judge a pair of copies from all its raw differences: re-wrapped? scanned?"""
    prof = PairProfile()
    for ga, gb in gap_pairs:
        if (count_newlines(ga) > 0) != (count_newlines(gb) > 0):
            prof.newline_flips += 1
    for ta, tb in token_pairs:
        ha = HYPHEN_BREAK_RE.sub("", ta)
        hb = HYPHEN_BREAK_RE.sub("", tb)
        if (ha != ta or hb != tb) and _WS_RE.sub("", ha) == _WS_RE.sub("", hb):
            prof.hyphen_joins += 1
            continue
        if not ta.strip() or not tb.strip():
            continue
        x = fold_typography(collapse_space(skeleton(ha)))
        y = fold_typography(collapse_space(skeleton(hb)))
        if x != y and ocr_fold(x) == ocr_fold(y):
            prof.ocr_slips += 1
    floor = max(1, min(lines_a, lines_b))
    prof.rewrapped = (prof.newline_flips >= 3 and prof.newline_flips >= 0.15 * floor) or (
        prof.hyphen_joins >= 2
    )
    prof.scan_like = prof.rewrapped or prof.ocr_slips >= 2
    return prof
