"""Generated minimal reproductions of bugs the real-world corpus (bench/realworld) found.

Each function returns the bytes of one small file that reproduces one problem
seen on a public test file, without shipping that file.  Runnable:
``python -m tests.realworld.make_fixtures DIR`` writes them all to DIR.
"""

from __future__ import annotations

import base64
import io
import struct
import sys
import zlib
from pathlib import Path


def tiff(entries: list[tuple[int, int, int]], strip: bytes, order: str = "<") -> bytes:
    """A one-strip TIFF with the given (tag, type, value) entries; StripOffsets and
    StripByteCounts are added.  Types: 3 SHORT, 4 LONG."""
    entries = [*entries, (273, 4, 0), (279, 4, len(strip))]
    entries.sort()
    n = len(entries)
    ifd_at = 8
    strip_at = ifd_at + 2 + 12 * n + 4
    out = bytearray((b"II*\x00" if order == "<" else b"MM\x00*") + struct.pack(order + "I", ifd_at))
    out += struct.pack(order + "H", n)
    for tag, typ, value in entries:
        if tag == 273:
            value = strip_at
        if typ == 3:
            out += struct.pack(order + "HHIHH", tag, typ, 1, value, 0)
        else:
            out += struct.pack(order + "HHII", tag, typ, 1, value)
    out += struct.pack(order + "I", 0)
    out += strip
    return bytes(out)


def tiff_libtiff_noise() -> bytes:
    """A deflate TIFF declaring 65,535 samples per pixel: libtiff refuses it and prints
    "More samples per pixel than can be decoded" straight to file descriptor 2 (seen on
    Pillow's Tests/images/libtiff_segfault.tif)."""
    strip = zlib.compress(b"\x00" * 8)
    return tiff([(256, 3, 8), (257, 3, 1), (258, 3, 8), (259, 3, 32946), (262, 3, 1),
                 (277, 3, 0xFFFF), (278, 3, 1)], strip)


def tiff_bad_deflate() -> bytes:
    """A deflate TIFF whose strip is not a deflate stream: libtiff's own error handler
    prints "ZIPDecode: Decoding error at scanline 0, ..." on file descriptor 2 (C
    stdio, not Python), then Pillow raises "decoder error -2"."""
    return tiff([(256, 3, 64), (257, 3, 64), (258, 3, 8), (259, 3, 8), (262, 3, 1),
                 (277, 3, 1), (278, 3, 64)], b"\x78\x9c" + b"\xff" * 100)


def ppm_with_comment() -> bytes:
    """A binary PPM whose header comment names the program and a person (mat2 ships
    such a dirty.ppm): it was read as plain text, and cleaned as text."""
    pixels = bytes([200, 10, 10]) * (16 * 8)
    return b"P6\n# CREATOR: ScanDesk 4.2 for Jane Roe\n16 8\n255\n" + pixels


def _png_with_text(key: str, value: str) -> bytes:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text(key, value)
    bio = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 128, 0)).save(bio, "PNG", pnginfo=info)
    return bio.getvalue()


#: The identifying values planted in svg_dirty(); none may survive sanitize.
SVG_SECRETS = (
    "Jane Roe", "Secret plan", "secret-plan.svg", "/home/jroe/Desktop/export.png",
    "Adobe Illustrator 24.0.0", "tracker.example.org", "Canon EOS 5D serial 4242",
    "beacon.example.net", "alert('opened')", "internal working title",
)


def svg_dirty() -> bytes:
    """An Inkscape/Illustrator-style SVG: RDF metadata, editor attributes with a path,
    a generator comment, title/desc, a remote picture (web beacon), a script and an
    event handler, a style that loads from outside, an embedded PNG with its own
    text chunk, and body text with a classification marking split over tspans."""
    png = base64.b64encode(_png_with_text("Author", "Canon EOS 5D serial 4242")).decode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Generator: Adobe Illustrator 24.0.0, SVG Export Plug-In -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
     xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:cc="http://creativecommons.org/ns#"
     width="200" height="120" viewBox="0 0 200 120" onload="alert('opened')"
     sodipodi:docname="secret-plan.svg" inkscape:export-filename="/home/jroe/Desktop/export.png"
     inkscape:version="1.2.2 (b0a8486541, 2022-12-01)">
  <title>internal working title</title>
  <desc>Secret plan</desc>
  <metadata><rdf:RDF><cc:Work rdf:about=""><dc:creator><cc:Agent><dc:title>Jane Roe</dc:title>
  </cc:Agent></dc:creator><dc:date>2023-04-05</dc:date></cc:Work></rdf:RDF></metadata>
  <sodipodi:namedview id="namedview1" inkscape:window-width="1920" inkscape:zoom="2.5"/>
  <style>rect.bg {{ fill: url(https://beacon.example.net/p.png); }}</style>
  <script>console.log('x')</script>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer" id="layer1">
    <rect class="bg" width="200" height="120" fill="#eee"/>
    <image x="0" y="0" width="8" height="8" xlink:href="https://tracker.example.org/pixel.gif"/>
    <image x="10" y="0" width="8" height="8" href="data:image/png;base64,{png}"/>
    <text x="10" y="40" style="font-weight:bold"><tspan>TOP SECRET//NO</tspan><tspan
      fill="red">FORN</tspan></text>
    <text x="10" y="80">The budget for <tspan font-style="italic">2024</tspan> is final.</text>
  </g>
</svg>
""".encode()


XMP_DOC_ID = "xmp.did:1e18b2c7-7272-481d-9aa2-d0a8ffe5593b"
XMP_TOOLKIT = "Adobe XMP Core 5.6-c138 79.159824, 2016/09/14-01:09:01"


def jpeg_junk_then_xmp() -> bytes:
    """A JPEG whose APP13 segment declares 20 bytes too few, so stray bytes sit before
    the next segment, an XMP packet (as in Pillow's photoshop-200dpi-broken.jpg):
    decoders and exiftool skip the junk and read the XMP; leakdesk's walker stopped at
    the junk and never reported the XMP's document id, tool or dates."""
    from PIL import Image

    bio = io.BytesIO()
    Image.new("RGB", (16, 16), (90, 90, 200)).save(bio, "JPEG", quality=90)
    jpeg = bio.getvalue()
    xmp = (f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
           f'<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="{XMP_TOOLKIT}">'
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           '<rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" '
           f'xmpMM:OriginalDocumentID="{XMP_DOC_ID}"/></rdf:RDF></x:xmpmeta>'
           '<?xpacket end="w"?>').encode()
    app1 = b"http://ns.adobe.com/xap/1.0/\x00" + xmp
    ps_body = b"Photoshop 3.0\x00" + b"8BIM\x04\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 20
    app13 = b"\xff\xed" + struct.pack(">H", len(ps_body) + 2 - 20) + ps_body  # length short by 20
    seg_app1 = b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1
    return jpeg[:2] + app13 + seg_app1 + jpeg[2:]


JP2_SECRETS = ("Jane Roe", "GeoScanner 7.1", "uuid:0c6e-jp2-instance")


def jp2_with_metadata() -> bytes:
    """A JPEG 2000 file with an XMP UUID box (creator, tool, instance id) and an XML
    box, as scanners and GIS tools write them: JPEG 2000 was refused as
    'unsupported file type (binary data)' (Pillow's Tests/images/comment.jp2)."""
    from PIL import Image

    bio = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(bio, "JPEG2000")
    xmp = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
           'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
           'rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
           'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" '
           f'xmp:CreatorTool="{JP2_SECRETS[1]}" xmpMM:InstanceID="{JP2_SECRETS[2]}">'
           f'<dc:creator><rdf:Seq><rdf:li>{JP2_SECRETS[0]}</rdf:li></rdf:Seq></dc:creator>'
           '</rdf:Description></rdf:RDF></x:xmpmeta>').encode()
    uuid_box = bytes.fromhex("be7acfcb97a942e89c71999491e3afac") + xmp
    xml_box = b"<gml:FeatureCollection>station 42</gml:FeatureCollection>"

    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body) + 8) + kind + body

    return bio.getvalue() + box(b"uuid", uuid_box) + box(b"xml ", xml_box)


NOTE_TEXT = "Notes"


def pptx_with_short_note() -> bytes:
    """A one-slide PPTX whose speaker note is the single word "Notes" (python-pptx's
    features/steps/test_files/prs-notes.pptx): the note is removed, but the residue
    proof found "notes" inside ``notesMaster1.xml``, ``<p:notesSz>`` and the notes
    master's "Notes Placeholder" shape name, and refused the clean copy."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
    slide.shapes.title.text = "Quarterly review of the harbour project"
    box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(1))
    box.text_frame.text = "Budget and planning figures follow on the next pages."
    slide.notes_slide.notes_text_frame.text = NOTE_TEXT
    bio = io.BytesIO()
    prs.save(bio)
    return bio.getvalue()


#: Body lines of pdf_cjk_with_xmp(), in Chinese only (no glyph in DejaVu Sans).
CJK_LINES = ("季度销售报告：华东地区牛奶产品", "原味牛奶与蒙牛冠益乳的销量比较",
             "本报告仅供内部参考，请勿外传")
PDF_XMP_TOOLKIT = "Adobe XMP Core 5.6-c016 91.163616, 2018/10/29-16:58:49"
PDF_CREATOR_TOOL = "Acrobat PDFMaker 19 Excel"


def pdf_cjk_with_xmp() -> bytes:
    """A PDF whose body is Chinese (Adobe's STSong-Light CID font, not embedded) with
    an XMP packet naming its toolkit (x:xmptk, padded with spaces as Adobe writes it)
    and creator tool (pypdf's resources/issue-914-xmp-data.pdf): rebuild typeset the
    text in DejaVu Sans, which has no Chinese glyphs, so the output's text read back
    as U+FFFD and the proof refused it; audit did not name the XMP toolkit."""
    import pikepdf
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    bio = io.BytesIO()
    c = canvas.Canvas(bio, pagesize=(595.28, 841.89), invariant=1)
    c.setFont("STSong-Light", 14)
    y = 780.0
    for line in CJK_LINES:
        c.drawString(72, y, line)
        y -= 24
    c.showPage()
    c.save()
    xmp = (f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
           f'<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="{PDF_XMP_TOOLKIT}        ">'
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
           f'xmp:CreatorTool="{PDF_CREATOR_TOOL} 版"/></rdf:RDF></x:xmpmeta>'
           '<?xpacket end="w"?>').encode()
    with pikepdf.open(io.BytesIO(bio.getvalue())) as pdf:
        pdf.Root.Metadata = pdf.make_indirect(pikepdf.Stream(
            pdf, xmp, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML))
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


FIXTURES = {
    "short-note.pptx": pptx_with_short_note,
    "cjk-xmp.pdf": pdf_cjk_with_xmp,
    "meta.jp2": jp2_with_metadata,
    "junk-then-xmp.jpg": jpeg_junk_then_xmp,
    "comment.ppm": ppm_with_comment,
    "dirty.svg": svg_dirty,
    "libtiff-noise.tif": tiff_libtiff_noise,
    "bad-deflate.tif": tiff_bad_deflate,
}


def write_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, make in FIXTURES.items():
        p = folder / name
        p.write_bytes(make())
        out[name] = p
    return out


if __name__ == "__main__":
    for p in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "realworld-fixtures")).values():
        print(p)
