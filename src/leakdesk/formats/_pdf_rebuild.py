"""Rebuild: a new PDF typeset from the sanitized body text, nothing else.

Only the ``body`` segments of the Document are typeset (never metadata,
annotations, hidden text, form values or earlier revisions), after the plan's
edits.  Paragraphs are reflowed: a soft line break (the line ran to the right
margin) becomes a space, a hard one (a short line: a heading, an address, a
list) stays; runs of spaces collapse.  So no gap is left whose width tells the
length of what was removed (Bland, Iyer and Levchenko, PoPETs 2023), and the
line breaks of the original say nothing either.

Lines are broken here (greedy, with the font's advance widths) and written by
the small typesetter in :mod:`._pdf_typeset` in a bundled Unicode font (DejaVu
Sans), subset-embedded: no Info dictionary, no XMP, no dates.  When the font
lacks the glyphs of much of the text (Chinese, Japanese, Korean, Thai,
Devanagari... in DejaVu Sans: at least :data:`RASTER_IF_MISSING_SHARE` of its
letters, digits and marks, or some letter of :data:`RASTER_IF_MISSING_WORDS` of
its words), :class:`FontLacksGlyphs` is raised and the adapter rasterises the
document instead: a rebuilt copy would lose that text.  A character the font
lacks otherwise (a symbol, an emoji, a name in another script) becomes U+FFFD
and is counted in the result; control and format (Cf) characters are dropped.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from ..document import Document
from ..errors import UsageError
from ._pdf_text import PageText
from ._pdf_typeset import Page, load_font, write_pdf
from .base import CleanResult, ReadOptions

if TYPE_CHECKING:
    from ..sanitize.plan import CleanPlan

#: Where the bundled font is looked for, in order (``LEAKDESK_PDF_FONT`` first).
FONT_CANDIDATES: tuple[str, ...] = (
    str(Path(__file__).resolve().parent.parent / "data" / "DejaVuSans.ttf"),
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
)
FONT_ENV = "LEAKDESK_PDF_FONT"

#: Rebuild gives way to raster when the font has no glyph for this share of the
#: letters, digits and marks of the clean text...
RASTER_IF_MISSING_SHARE = 0.05
#: ...or for a letter of this share of its distinct words (4 letters or more).
RASTER_IF_MISSING_WORDS = 0.2

FONT_SIZE = 11.0
LEADING = 1.4
MARGIN = 72.0
PARAGRAPH_GAP = 0.6  # in lines
SOFT = "\x1e"  # marks a soft line break while edits are applied
_A4 = (595.28, 841.89)
_LETTER = (612.0, 792.0)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


@cache
def font_path() -> Path:
    """The Unicode TTF used for rebuild (raises UsageError if none is installed)."""
    env = os.environ.get(FONT_ENV)
    for cand in ([env] if env else []) + list(FONT_CANDIDATES):
        if cand and Path(cand).is_file():
            return Path(cand)
    raise UsageError("no Unicode font for rebuilding PDFs: install fonts-dejavu-core "
                     f"(DejaVu Sans) or set {FONT_ENV} to a TrueType font")


def clean_body_pages(doc: Document, plan: CleanPlan,
                     soft_by_page: dict[int, list[int]]) -> list[tuple[int, str]]:
    """``(page, clean text)`` for each body segment, soft breaks marked with :data:`SOFT`.

    Edits are clipped to each segment as :meth:`CleanPlan.clean_span` does.
    """
    from ..sanitize.plan import Edit, apply_edits

    out: list[tuple[int, str]] = []
    for seg in doc.iter_parts("body"):
        chars = list(doc.text[seg.start:seg.end])
        for off in soft_by_page.get(seg.page or 0, []):
            if 0 <= off < len(chars) and chars[off] == "\n":
                chars[off] = SOFT
        base = "".join(chars)
        shifted: list[Edit] = []
        for e in plan.edits:
            if (e.end <= seg.start or e.start >= seg.end) and not e.start == e.end == seg.start:
                continue
            a, b = max(e.start, seg.start), min(e.end, seg.end)
            repl = e.replacement if seg.start <= e.start < seg.end or e.start == e.end else ""
            shifted.append(Edit(a - seg.start, b - seg.start, repl, e.finding, e.also, e.kind))
        out.append((seg.page or 0, apply_edits(base, shifted)))
    return out


def paragraphs(text: str) -> list[list[str]]:
    """Split a page's clean text into paragraphs of hard lines, reflowing soft breaks."""
    text = re.sub(rf"(?<=\w-){SOFT}(?=[a-z])", "", text)  # a hyphenated word: keep it whole
    text = text.replace(SOFT, " ")
    out: list[list[str]] = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = [_SPACES.sub(" ", ln).strip() for ln in block.split("\n")]
        lines = [ln for ln in lines if ln]
        if lines:
            out.append(lines)
    return out


class _Chars:
    """Makes text printable with the font; counts what it had to change."""

    def __init__(self, coverage: frozenset[int]) -> None:
        self.coverage = coverage
        self.ok = frozenset(chr(cp) for cp in coverage
                            if unicodedata.category(chr(cp)) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
        self.replacement = "\ufffd" if 0xFFFD in coverage else "?"
        self.missing: dict[str, int] = {}
        self.dropped = 0

    def __call__(self, text: str) -> str:
        if self.ok.issuperset(text):
            return text
        out = []
        for c in text:
            if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn"):
                self.dropped += 1  # controls, format characters (zero-width...), unassigned
            elif ord(c) in self.coverage:
                out.append(c)
            else:
                self.missing[c] = self.missing.get(c, 0) + 1
                out.append(self.replacement)
        return "".join(out)


class NoTextToRebuild(UsageError):
    """The PDF has no body text (a scan, a form, an empty page): rebuild cannot apply."""


class FontLacksGlyphs(UsageError):
    """The rebuild font has no glyph for much of the clean text (letters, digits, marks)."""

    def __init__(self, font: str, missing: dict[str, int],
                 path: Path | str | None = None) -> None:
        self.font = font
        #: character -> occurrences in the clean body text
        self.missing = dict(missing)
        super().__init__(f"the font {font} has no glyphs for {self.describe()}", path)

    def describe(self) -> str:
        """How many characters lack a glyph, in which scripts, with a few of them."""
        total = sum(self.missing.values())
        scripts = sorted({_script(c) for c in self.missing})
        sample = "".join(sorted(self.missing, key=lambda c: (-self.missing[c], c))[:8])
        more = "..." if len(self.missing) > 8 else ""
        return (f"{total} character(s) of the text ({', '.join(scripts[:4])}"
                f"{', ...' if len(scripts) > 4 else ''}: '{sample}{more}')")


def _script(c: str) -> str:
    """A rough script name from the Unicode character name ("CJK", "THAI", "HANGUL")."""
    name = unicodedata.name(c, "")
    if name.startswith("CJK"):
        return "CJK"
    return name.split(" ", 1)[0].title() if name else f"U+{ord(c):04X}"


_WORD4 = regex.compile(r"\p{L}{4,}")


def lacking_glyphs(texts: list[str], coverage: frozenset[int] | dict[int, str]) -> dict[str, int]:
    """Letters, digits and marks of ``texts`` the font has no glyph for, with counts,
    when they are too many for a rebuilt copy (see :data:`RASTER_IF_MISSING_SHARE`
    and :data:`RASTER_IF_MISSING_WORDS`); else an empty dict."""
    missing: dict[str, int] = {}
    letters = 0
    for text in texts:
        for c in set(text):
            if unicodedata.category(c)[0] in "LNM":
                n = text.count(c)
                letters += n
                if ord(c) not in coverage:
                    missing[c] = missing.get(c, 0) + n
    if not missing:
        return {}
    if sum(missing.values()) >= RASTER_IF_MISSING_SHARE * letters:
        return missing
    words = {w for text in texts for w in _WORD4.findall(text)}
    spoilt = sum(1 for w in words if not missing.keys().isdisjoint(w))
    return missing if words and spoilt >= RASTER_IF_MISSING_WORDS * len(words) else {}


def rebuild(doc: Document, plan: CleanPlan, pages: list[PageText], out: Path,
            options: ReadOptions) -> CleanResult:
    """Write the rebuilt PDF to ``out`` (see the module docstring)."""
    soft = {p.number: p.soft for p in pages}
    body = clean_body_pages(doc, plan, soft)
    per_page = [(number, paragraphs(text)) for number, text in body]
    per_page = [(n, paras) for n, paras in per_page if paras]
    if not per_page:
        raise NoTextToRebuild("this PDF has no text to rebuild from (a scan or images only?); "
                              "use --mode raster", doc.path)
    first = pages[0] if pages else None
    size = _LETTER
    if first is not None and abs(first.width - _LETTER[0]) + abs(first.height - _LETTER[1]) > \
            abs(first.width - _A4[0]) + abs(first.height - _A4[1]):
        size = _A4
    if first is not None and first.width > first.height:
        size = (size[1], size[0])

    fpath = font_path()
    font = load_font(fpath)
    lacking = lacking_glyphs([t for _n, t in body], font.names)
    if lacking:
        raise FontLacksGlyphs(font.family, lacking, doc.path)
    chars = _Chars(frozenset(font.names))
    width = size[0] - 2 * MARGIN
    bottom = size[1] - MARGIN
    line_h = FONT_SIZE * LEADING
    widths: dict[str, float] = {}

    def measure(word: str) -> float:
        w = widths.get(word)
        if w is None:
            w = widths[word] = font.width(word, FONT_SIZE)
        return w

    space = measure(" ")
    out_pages: list[Page] = []
    n_paras = 0
    for _number, paras in per_page:
        page = Page(size[0], size[1])
        out_pages.append(page)
        y = MARGIN
        for para in paras:
            n_paras += 1
            for line in para:
                for wrapped in _wrap(chars(line), width, measure, space):
                    if y + line_h > bottom:
                        page = Page(size[0], size[1])
                        out_pages.append(page)
                        y = MARGIN
                    page.lines.append((y + FONT_SIZE, wrapped))
                    y += line_h
            y += PARAGRAPH_GAP * line_h
    write_pdf(out_pages, font, FONT_SIZE, line_h, MARGIN, out)

    dropped_images = sum(p.images for p in pages)
    hidden = sum(len(p.hidden) for p in pages)
    no_text = [p.number for p in pages if not p.body]
    actions = [
        f"typeset {n_paras} paragraph(s) from {len(per_page)} page(s) of sanitized body text "
        f"into a new PDF of {len(out_pages)} page(s), reflowed in {font.family} "
        f"{FONT_SIZE:g} pt",
        "wrote a fresh structure: no Info dictionary, no XMP, no dates, a document ID computed "
        "from the new file itself, one revision",
        "carried nothing else over: no metadata, annotations, attachments, form fields, "
        "scripts, layers, bookmarks, page labels, thumbnails, fonts or images of the input",
    ]
    if hidden:
        actions.append(f"left out {hidden} run(s) of hidden text (invisible, white, off-page, "
                       "microscopic, or under boxes)")
    not_done: list[str] = []
    if dropped_images:
        not_done.append(f"{dropped_images} image(s) of the input are not in the rebuilt PDF "
                        "(rebuild typesets text only; use --mode raster to keep what pages show)")
    if no_text:
        listed = ", ".join(map(str, no_text[:10])) + ("..." if len(no_text) > 10 else "")
        not_done.append(f"page(s) {listed} had no text and are left out")
    if chars.missing:
        total = sum(chars.missing.values())
        sample = "".join(sorted(chars.missing)[:10])
        not_done.append(f"{total} character(s) the font lacks ({sample!r}...) were replaced by "
                        f"{chars.replacement!r} (--mode raster keeps them as the page shows them)")
    if chars.dropped:
        actions.append(f"dropped {chars.dropped} control or format character(s)")
    return CleanResult(output=out, format="pdf", mode="rebuild", actions=actions,
                       not_done=not_done,
                       extra={"pages": len(out_pages), "paragraphs": n_paras,
                              "font": fpath.name, "missing_glyphs": sum(chars.missing.values())})


def _wrap(line: str, width: float, measure: Callable[[str], float], space: float) -> list[str]:
    """Greedy word wrap of one hard line; words wider than the line are split."""
    out: list[str] = []
    cur: list[str] = []
    cur_w = 0.0
    for word in line.split(" "):
        if not word:
            continue
        w = measure(word)
        if w > width:
            if cur:
                out.append(" ".join(cur))
                cur, cur_w = [], 0.0
            piece = ""
            for c in word:
                if piece and measure(piece + c) > width:
                    out.append(piece)
                    piece = ""
                piece += c
            cur, cur_w = [piece], measure(piece)
            continue
        add = w if not cur else cur_w + space + w
        if cur and add > width:
            out.append(" ".join(cur))
            cur, cur_w = [word], w
        else:
            cur.append(word)
            cur_w = add
    if cur:
        out.append(" ".join(cur))
    return out
