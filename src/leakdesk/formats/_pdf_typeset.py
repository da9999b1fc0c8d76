"""A minimal PDF writer for rebuild: lines of text in one subset-embedded TrueType font.

Everything in the output is made here, so nothing can slip in: a catalog with
the page tree, pages with a MediaBox, one content stream each, and one font (a
Type 0 / CIDFontType2 font with Identity-H encoding, the glyphs used and no
others, a ToUnicode map so the text can be searched and copied).  No Info
dictionary, no XMP, no producer string, no dates: fontTools is told not to
stamp the font with the current time.  qpdf (pikepdf) writes the file, with a
document ID computed from the file's own content.

Content streams are compact on purpose (one ``BT`` per page, one operator per
line) so that a reader such as pdfminer.six, used by the residue proof, parses
them quickly.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pikepdf

#: Six capital letters and "+" mark an embedded subset (PDF 32000-1, 9.6.4).
SUBSET_TAG = "LDKSUB"


@dataclass(frozen=True)
class FontInfo:
    """What the typesetter needs from a TrueType font, read once."""

    path: Path
    upem: int
    #: code point -> glyph name, and advance width in font units
    names: dict[int, str]
    advances: dict[int, int]
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    family: str

    def width(self, text: str, size: float) -> float:
        adv = self.advances
        return sum(adv.get(ord(c), 0) for c in text) * size / self.upem


@cache
def load_font(path: Path) -> FontInfo:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), recalcTimestamp=False, lazy=True) as tt:
        cmap = tt.getBestCmap()
        hmtx = tt["hmtx"].metrics
        head, hhea = tt["head"], tt["hhea"]
        os2 = tt.get("OS/2")
        cap = getattr(os2, "sCapHeight", 0) or hhea.ascent
        family = "".join(ch for ch in tt["name"].getDebugName(6) or "Font" if ch.isalnum())
        return FontInfo(
            path=path, upem=head.unitsPerEm,
            names=dict(cmap), advances={cp: hmtx[n][0] for cp, n in cmap.items()},
            ascent=hhea.ascent, descent=hhea.descent, cap_height=cap,
            bbox=(head.xMin, head.yMin, head.xMax, head.yMax), family=family or "Font",
        )


@dataclass
class Page:
    """One output page: its size and its lines as ``(baseline y from the top, text)``."""

    width: float
    height: float
    lines: list[tuple[float, str]] = field(default_factory=list)


def _subset(font: FontInfo, chars: set[int]) -> tuple[bytes, dict[int, int], dict[int, int]]:
    """The font reduced to ``chars``: its bytes, code point -> new glyph id, and widths."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    opts = subset.Options()
    opts.layout_features = []
    opts.hinting = False
    opts.notdef_outline = True
    opts.recalc_timestamp = False
    opts.drop_tables += ["MATH", "FFTM", "GPOS", "GSUB", "GDEF", "kern", "DSIG", "BASE", "JSTF"]
    tt = TTFont(str(font.path), recalcTimestamp=False)
    try:
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=sorted(chars))
        sub.subset(tt)
        order = {name: i for i, name in enumerate(tt.getGlyphOrder())}
        gids = {cp: order[font.names[cp]] for cp in chars if font.names.get(cp) in order}
        widths = {gid: tt["hmtx"].metrics[name][0] for name, gid in order.items()}
        buf = io.BytesIO()
        tt.save(buf)
        return buf.getvalue(), gids, widths
    finally:
        tt.close()


_ESCAPE = {0x28: b"\\(", 0x29: b"\\)", 0x5C: b"\\\\", 0x0D: b"\\r", 0x0A: b"\\n"}


def _literal(gid: int) -> bytes:
    """A two-byte glyph code as it goes inside a PDF literal string."""
    return b"".join(_ESCAPE.get(b, bytes((b,))) for b in gid.to_bytes(2, "big"))


def _tounicode(gids: dict[int, int]) -> bytes:
    seen: dict[int, int] = {}
    for cp, gid in sorted(gids.items()):
        seen.setdefault(gid, cp)
    pairs = sorted(seen.items())
    out = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
        "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange",
    ]
    for i in range(0, len(pairs), 100):
        block = pairs[i:i + 100]
        out.append(f"{len(block)} beginbfchar")
        out.extend(f"<{gid:04X}> <{chr(cp).encode('utf-16-be').hex().upper()}>"
                   for gid, cp in block)
        out.append("endbfchar")
    out += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(out).encode("ascii")


def write_pdf(pages: list[Page], font: FontInfo, size: float, leading: float, left: float,
              out: Path) -> None:
    """Write ``pages`` (every character must be in the font) to ``out``."""
    seen: set[str] = {" "}
    for p in pages:
        for _, text in p.lines:
            seen.update(text)
    chars = {ord(c) for c in seen}
    program, gids, widths = _subset(font, chars)
    # each character becomes its two-byte glyph code (escaped for a literal string),
    # spelled as Latin-1 characters so str.translate does the work in C
    codes = {cp: _literal(gid).decode("latin-1") for cp, gid in gids.items()}
    for cp in chars - gids.keys():
        codes[cp] = "\x00\x00"  # cannot happen for text the caller checked: .notdef
    scale = 1000.0 / font.upem

    pdf = pikepdf.new()
    program_stream = pikepdf.Stream(pdf, program)
    program_stream.Length1 = len(program)
    base = pikepdf.Name(f"/{SUBSET_TAG}+{font.family}")
    descriptor = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=base, Flags=32,
        FontBBox=[round(v * scale) for v in font.bbox], ItalicAngle=0,
        Ascent=round(font.ascent * scale), Descent=round(font.descent * scale),
        CapHeight=round(font.cap_height * scale), StemV=80,
        FontFile2=pdf.make_indirect(program_stream),
    ))
    used = sorted(set(gids.values()))
    w_array: list[object] = []
    for gid in used:
        w_array += [gid, [round(widths.get(gid, 0) * scale)]]
    cid_font = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=base,
        CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"),
                                         Ordering=pikepdf.String("Identity"), Supplement=0),
        FontDescriptor=descriptor, DW=round(widths.get(0, 0) * scale), W=w_array,
        CIDToGIDMap=pikepdf.Name.Identity,
    ))
    type0 = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=base,
        Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[cid_font],
        ToUnicode=pdf.make_indirect(pikepdf.Stream(pdf, _tounicode(gids))),
    ))
    resources = pdf.make_indirect(pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=type0)))
    for page in pages:
        ops = [f"BT /F1 {size:g} Tf {leading:.2f} TL".encode()]
        prev: float | None = None
        for y, text in page.lines:
            shown = b"(" + text.translate(codes).encode("latin-1") + b")"
            baseline = page.height - y
            if prev is None:
                ops.append(f"{left:.2f} {baseline:.2f} Td ".encode() + shown + b" Tj")
            elif abs((prev - baseline) - leading) < 0.01:
                ops.append(shown + b" '")
            else:
                ops.append(f"0 {baseline - prev:.2f} Td ".encode() + shown + b" Tj")
            prev = baseline
        ops.append(b"ET")
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, round(page.width, 2), round(page.height, 2)],
            Resources=resources,
            Contents=pikepdf.Stream(pdf, b"\n".join(ops)),
        )))
    pdf.save(out, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    pdf.close()
