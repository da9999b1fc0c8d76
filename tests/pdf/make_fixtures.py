"""Build the PDF fixtures for the PDF adapter tests (and the benchmark).

Importable (``make_cable(path)`` etc.) and runnable: ``python -m tests.pdf.make_fixtures DIR``
writes every fixture into DIR.  Nothing here is committed as a binary: tests build
what they need into a temporary folder.

``make_cable`` writes a two-page "cable" carrying every container trace the PDF
audit must name (issue 3, item 2).  Each planted value is in :data:`TRACES`, so
tests can check that the audit names it and that sanitize leaves none of it.

The first revision is written by reportlab (page content, drawn traces) and
pikepdf (structure: metadata, annotations, attachment, form, JavaScript, layer,
labels, thumbnail, image); the second revision is an incremental update written
by hand, as a PDF editor would: it changes the title and deletes a sentence.
"""

from __future__ import annotations

import io
import re
import sys
import zlib
from pathlib import Path

import pikepdf
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

#: Every value planted in the cable, by trace.  None of them may survive sanitize.
TRACES: dict[str, str] = {
    "author": "Jane Q. Whistler",
    "creator": "CableWriter Desktop 3.2",
    "producer": "Acme PDF Engine 7.1.4",
    "title": "Regional budget cable 2024-117 final",
    "earlier_title": "Draft for Ambassador Reyes only",
    "earlier_text": "Deleted sentence naming officer Halvorsen",
    "xmp_creator_tool": "InDesign Server 17.2 (Node PRX-0417)",
    "xmp_document_id": "uuid:7d1f2a9c-4b61-4e0b-9d55-0c2ab1e0f417",
    "annotation_text": "Check with the Vienna desk before release",
    "annotation_author": "reviewer mkowalski",
    "attachment_name": "source-notes.txt",
    "attachment_description": "Notes from the meeting with contact ALPHA",
    "attachment_content": "Contact ALPHA-7 met us at the Hotel Sacher on 3 March.",
    "invisible_text": "tracking code ZX-4471-Q",
    "covered_text": "Copy No. 4 of 9",
    "white_text": "white canary WC-2291",
    "offpage_text": "offpage mark OP-8812",
    "tiny_text": "tiny mark TM-5530",
    "javascript": "app.launchURL('http://beacon.example/ping?copy=JS-7781')",
    "form_value": "Embassy Vienna desk 3",
    "layer_name": "Distribution layer",
    "layer_text": "layer text OCG-6620",
    "page_label": "CABLE-0042-",
    "exif_artist": "Photographer Kim Sorensen",
    "exif_serial": "SN-77812-B",
}

#: The body paragraphs of the cable, as a reader sees them.
BODY: list[str] = [
    "Subject: Budget consultations with regional partners",
    "1. The committee met on Tuesday to discuss the allocation of the regional budget. "
    "Delegates from the three partner offices agreed that the current formula no longer "
    "reflects the workload of the smaller missions, and asked for a revised proposal "
    "before the next quarterly review.",
    "2. The chair noted that the consultation had been constructive. Several delegations "
    "asked for more time to consult their capitals, and the secretariat undertook to "
    "circulate a summary of the options, with cost estimates, within two weeks.",
    "3. Comment: the partners are broadly supportive, but the timetable is ambitious. "
    "Post recommends that the department signal flexibility on the deadline while "
    "holding firm on the principle of a needs-based formula.",
]

#: Paragraphs of the second page.
BODY_PAGE2: list[str] = [
    "4. Background: the current formula dates from the last reorganisation and was "
    "intended as a temporary measure. It allocates funds in proportion to staff numbers "
    "rather than to the volume of consular and political work each office handles.",
    "5. Next steps: the working group will meet again in the spring. Post will report "
    "on the outcome and on any change in the partners' positions.",
]

_LEFT = 72.0
_WIDTH = A4[0] - 2 * 72.0


def _draw_paragraphs(c: canvas.Canvas, paragraphs: list[str], y: float,
                     extra: str | None = None) -> float:
    """Draw wrapped paragraphs from ``y`` down; return the y below the last one."""
    for para in paragraphs:
        for line in simpleSplit(para, "Helvetica", 11, _WIDTH):
            c.drawString(_LEFT, y, line)
            y -= 14
        if extra and para is paragraphs[0]:
            c.drawString(_LEFT, y, extra)
            y -= 14
        y -= 10
    return y


def _jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (64, 48), (180, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "Nikon"  # Make
    exif[0x0110] = "D850"  # Model
    exif[0x013B] = TRACES["exif_artist"]  # Artist
    exif.get_ifd(0x8769)[0xA431] = TRACES["exif_serial"]  # BodySerialNumber
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80, exif=exif.tobytes())
    return buf.getvalue()


def _xmp() -> bytes:
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
    xmlns:dc="http://purl.org/dc/elements/1.1/">
   <xmp:CreatorTool>{TRACES["xmp_creator_tool"]}</xmp:CreatorTool>
   <xmp:CreateDate>2024-03-04T09:12:44+01:00</xmp:CreateDate>
   <xmpMM:DocumentID>{TRACES["xmp_document_id"]}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:0b9e55aa-3c1d-4f7e-8a20-5e6f77a1c3d2</xmpMM:InstanceID>
   <xmpMM:History>
    <rdf:Seq>
     <rdf:li rdf:parseType="Resource">
      <stEvt:action>saved</stEvt:action>
      <stEvt:softwareAgent>Adobe InDesign 17.2</stEvt:softwareAgent>
      <stEvt:when>2024-03-04T09:10:00+01:00</stEvt:when>
     </rdf:li>
    </rdf:Seq>
   </xmpMM:History>
   <dc:creator><rdf:Seq><rdf:li>{TRACES["author"]}</rdf:li></rdf:Seq></dc:creator>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def _first_revision(path: Path) -> None:
    """The cable as first saved: every trace, the earlier title, the earlier sentence."""
    raw = io.BytesIO()
    c = canvas.Canvas(raw, pagesize=A4, pageCompression=0, invariant=1)
    c.setAuthor(TRACES["author"])
    c.setTitle(TRACES["earlier_title"])
    c.setCreator(TRACES["creator"])
    c.setProducer(TRACES["producer"])
    c.setFont("Helvetica", 11)
    y = _draw_paragraphs(c, BODY, A4[1] - 90, extra=TRACES["earlier_text"] + ".")
    # the copy number, then a black box drawn over it (a failed redaction)
    c.drawString(_LEFT, y, TRACES["covered_text"])
    c.setFillColorRGB(0, 0, 0)
    c.rect(_LEFT - 2, y - 4, 110, 16, fill=1, stroke=0)
    y -= 30
    # invisible text: render mode 3
    c.saveState()
    t = c.beginText(_LEFT, y)
    t.setFont("Helvetica", 11)
    t.setTextRenderMode(3)
    t.textLine(TRACES["invisible_text"])
    c.drawText(t)
    c.restoreState()
    # white text on the white page
    c.setFillColorRGB(1, 1, 1)
    c.drawString(_LEFT + 250, y, TRACES["white_text"])
    # text off the page, and microscopic text
    c.setFillColorRGB(0, 0, 0)
    c.drawString(-400, y, TRACES["offpage_text"])
    c.setFont("Helvetica", 0.4)
    c.drawString(_LEFT, 40, TRACES["tiny_text"])
    c.showPage()
    c.setFont("Helvetica", 11)
    _draw_paragraphs(c, BODY_PAGE2, A4[1] - 90)
    c.showPage()
    c.save()

    pdf = pikepdf.open(io.BytesIO(raw.getvalue()))
    page = pdf.pages[0]
    # XMP metadata
    pdf.Root.Metadata = pikepdf.Stream(pdf, _xmp())
    pdf.Root.Metadata.Type = pikepdf.Name.Metadata
    pdf.Root.Metadata.Subtype = pikepdf.Name.XML
    # a text annotation (a comment) with its pop-up
    note = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text,
        Rect=[400, 700, 420, 720], T=pikepdf.String(TRACES["annotation_author"]),
        Contents=pikepdf.String(TRACES["annotation_text"]),
        M=pikepdf.String("D:20240304101500+01'00'"),
        NM=pikepdf.String("a7c1e2f0-annot-0001"),
    ))
    popup = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Popup, Rect=[420, 600, 560, 700],
        Parent=note,
    ))
    note.Popup = popup
    # a form field with a value
    field = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx,
        T=pikepdf.String("recipient"), V=pikepdf.String(TRACES["form_value"]),
        Rect=[72, 60, 300, 76], F=4,
    ))
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([note, popup, field]))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[field], NeedAppearances=True)
    # JavaScript run on opening
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String(TRACES["javascript"])
    )
    # an attached file
    pdf.attachments[TRACES["attachment_name"]] = pikepdf.AttachedFileSpec(
        pdf, TRACES["attachment_content"].encode(), filename=TRACES["attachment_name"],
        description=TRACES["attachment_description"], mime_type="text/plain",
    )
    # a hidden optional-content layer holding text
    ocg = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.OCG, Name=pikepdf.String(TRACES["layer_name"])
    ))
    pdf.Root.OCProperties = pikepdf.Dictionary(
        OCGs=[ocg], D=pikepdf.Dictionary(Order=[ocg], OFF=[ocg])
    )
    res = page.obj.Resources
    res.Properties = pikepdf.Dictionary(oc1=ocg)
    res.Font.FLd = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
        Encoding=pikepdf.Name.WinAnsiEncoding,
    )
    # an embedded photo whose JPEG carries EXIF (artist, camera serial number)
    jpeg = pikepdf.Stream(pdf, _jpeg_with_exif())
    jpeg.Type = pikepdf.Name.XObject
    jpeg.Subtype = pikepdf.Name.Image
    jpeg.Width, jpeg.Height = 64, 48
    jpeg.ColorSpace = pikepdf.Name.DeviceRGB
    jpeg.BitsPerComponent = 8
    jpeg.Filter = pikepdf.Name.DCTDecode
    res.XObject = pikepdf.Dictionary(ImPhoto=jpeg)
    page.contents_add(
        pikepdf.Stream(pdf, (
            f"/OC /oc1 BDC BT 0 Tr 0 g /FLd 11 Tf 300 120 Td ({TRACES['layer_text']}) Tj ET EMC\n"
            "q 64 0 0 48 460 740 cm /ImPhoto Do Q\n"
        ).encode()),
        prepend=False,
    )
    # page labels and a thumbnail
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=[0, pikepdf.Dictionary(
        S=pikepdf.Name.D, P=pikepdf.String(TRACES["page_label"]), St=1)])
    thumb = pikepdf.Stream(pdf, zlib.compress(bytes([200, 200, 200]) * 64))
    thumb.Width, thumb.Height, thumb.BitsPerComponent = 8, 8, 8
    thumb.ColorSpace = pikepdf.Name.DeviceRGB
    thumb.Filter = pikepdf.Name.FlateDecode
    page.obj.Thumb = thumb
    pdf.save(path, object_stream_mode=pikepdf.ObjectStreamMode.disable,
             compress_streams=False, static_id=True)


def append_update(path: Path, info: dict[str, str],
                  content_edit: tuple[bytes, bytes] | None = None) -> None:
    """Append an incremental update to ``path`` (as a PDF editor saving in place).

    The update replaces the Info dictionary with ``info`` and, if ``content_edit``
    is ``(old, new)``, the first content stream of page 1 with ``old`` replaced.
    """
    data = path.read_bytes()
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    with pikepdf.open(path) as pdf:
        size = int(pdf.trailer.Size)
        root = pdf.Root.objgen[0]
        info_num = pdf.trailer.Info.objgen[0]
        contents = pdf.pages[0].obj.Contents
        first = contents[0] if isinstance(contents, pikepdf.Array) else contents
        content_num = first.objgen[0]
        content = first.read_bytes()
    objects: dict[int, bytes] = {}
    entries = " ".join(f"/{k} ({v})" for k, v in info.items())
    objects[info_num] = f"<< {entries} >>".encode()
    if content_edit:
        old, new = content_edit
        assert old in content, "content edit not found"
        body = content.replace(old, new)
        objects[content_num] = (f"<< /Length {len(body)} >>\nstream\n".encode() + body
                                + b"\nendstream")
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += f"{num} 0 obj\n".encode() + objects[num] + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n"
    for num in sorted(objects):
        out += f"{num} 1\n{offsets[num]:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {size} /Root {root} 0 R /Info {info_num} 0 R /Prev {prev} >>\n"
            f"startxref\n{xref_at}\n%%EOF\n").encode()
    path.write_bytes(bytes(out))


def make_cable(path: Path) -> Path:
    """The cable with every trace, saved twice (one incremental update)."""
    path = Path(path)
    _first_revision(path)
    append_update(
        path,
        {"Title": TRACES["title"], "Author": TRACES["author"], "Creator": TRACES["creator"],
         "Producer": TRACES["producer"], "CreationDate": "D:20240304091244+01'00'"},
        content_edit=(f"({TRACES['earlier_text']}.) Tj".encode(), b"() Tj"),
    )
    return path


def make_plain(path: Path | io.BytesIO, pages: int = 3, seed: int = 1) -> Path:
    """A plain multi-page text PDF (deterministic), paragraphs of ordinary prose."""
    import random

    rnd = random.Random(seed)
    words = ("the committee met on tuesday to discuss budget allocation for regional offices "
             "and agreed to revisit the proposal next quarter after consultation with "
             "stakeholders ministers embassy cable report delegates partners secretariat "
             "working group timetable formula review missions capitals estimates").split()
    c = canvas.Canvas(path if isinstance(path, io.BytesIO) else str(path), pagesize=A4,
                      invariant=1)
    for _ in range(pages):
        c.setFont("Helvetica", 11)
        paras = [" ".join(rnd.choice(words) for _ in range(70)).capitalize() + "."
                 for _ in range(5)]
        _draw_paragraphs(c, paras, A4[1] - 72)
        c.showPage()
    c.save()
    return Path("-") if isinstance(path, io.BytesIO) else Path(path)


def plain_paragraphs(pages: int = 3, seed: int = 1) -> list[str]:
    """The paragraphs :func:`make_plain` writes, in order."""
    import random

    rnd = random.Random(seed)
    words = ("the committee met on tuesday to discuss budget allocation for regional offices "
             "and agreed to revisit the proposal next quarter after consultation with "
             "stakeholders ministers embassy cable report delegates partners secretariat "
             "working group timetable formula review missions capitals estimates").split()
    out = []
    for _ in range(pages):
        out.extend(" ".join(rnd.choice(words) for _ in range(70)).capitalize() + "."
                   for _ in range(5))
    return out


def make_scanned(path: Path) -> Path:
    """A "scan": a full-page image with an invisible OCR text layer (render mode 3)."""
    img = Image.new("L", (595, 842), 255)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    from reportlab.lib.utils import ImageReader

    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, A4[0], A4[1])
    t = c.beginText(72, 700)
    t.setFont("Helvetica", 11)
    t.setTextRenderMode(3)
    t.textLine("This scanned letter was recognised by OCR software.")
    c.drawText(t)
    c.showPage()
    c.save()
    return Path(path)


def make_encrypted(path: Path, password: str = "s3cret") -> Path:
    src = io.BytesIO()
    make_plain(src, pages=1)
    with pikepdf.open(io.BytesIO(src.getvalue())) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user=password, owner=password + "-owner"))
    return Path(path)


def make_truncated(path: Path) -> Path:
    """A PDF cut in the middle of its page objects: pages are lost, not repairable."""
    src = io.BytesIO()
    make_plain(src, pages=4)
    data = src.getvalue()
    Path(path).write_bytes(data[: len(data) * 2 // 5])
    return Path(path)


def make_xref_damaged(path: Path) -> Path:
    """A PDF whose cross-reference table is garbage: qpdf can rebuild it."""
    src = io.BytesIO()
    make_plain(src, pages=2)
    data = src.getvalue()
    i = data.rfind(b"xref")
    Path(path).write_bytes(data[:i] + b"xref\n0 9999\ngarbage garbage\n" + data[i + 40 :])
    return Path(path)


def make_corrupt(path: Path) -> Path:
    import random

    rnd = random.Random(7)
    Path(path).write_bytes(b"%PDF-1.7\n" + bytes(rnd.randrange(256) for _ in range(4000)))
    return Path(path)


def make_many_pages(path: Path, pages: int = 10_000) -> Path:
    """``pages`` small page objects sharing one content stream, written raw (fast)."""
    content = b"BT /F1 12 Tf 72 720 Td (page) Tj ET"
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    objects = [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
        f"2 0 obj << /Type /Pages /Kids [{kids}] /Count {pages} >> endobj".encode(),
        b"3 0 obj << /Length %d >> stream\n%s\nendstream endobj" % (len(content), content),
        b"4 0 obj << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
        b" endobj",
    ]
    objects += [
        f"{5 + i} 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R"
        f" /Resources 4 0 R >> endobj".encode()
        for i in range(pages)
    ]
    return _raw_pdf(path, objects, root=1)


def make_looping_pages(path: Path) -> Path:
    """A page tree whose /Kids holds its own parent: a cycle."""
    body = [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
        b"2 0 obj << /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >> endobj",
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >> endobj",
        b"4 0 obj << /Length 4 0 R >> stream\nBT ET\nendstream endobj",
    ]
    return _raw_pdf(path, body, root=1)


def make_looping_objects(path: Path) -> Path:
    """Objects that refer to themselves: an array holding itself, a form drawing itself,
    an outline whose /Next loops, a field whose /Kids holds itself."""
    body = [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R /Outlines 7 0 R /AcroForm << /Fields [9 0 R] >>"
        b" /Loop 6 0 R >> endobj",
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /XObject << /Fx 5 0 R >> /Font << /F1 10 0 R >> >> >> endobj",
        b"4 0 obj << /Length 51 >> stream\nBT /F1 12 Tf 72 700 Td (Looping file) Tj ET /Fx Do\n"
        b"endstream endobj",
        b"5 0 obj << /Type /XObject /Subtype /Form /BBox [0 0 100 100]"
        b" /Resources << /XObject << /Fx 5 0 R >> >> /Length 6 >> stream\n/Fx Do\nendstream endobj",
        b"6 0 obj [6 0 R << /Self 6 0 R >>] endobj",
        b"7 0 obj << /Type /Outlines /First 8 0 R /Last 8 0 R >> endobj",
        b"8 0 obj << /Title (Loop) /Parent 7 0 R /Next 8 0 R /First 8 0 R >> endobj",
        b"9 0 obj << /T (loop) /Kids [9 0 R] >> endobj",
        b"10 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj",
    ]
    return _raw_pdf(path, body, root=1)



# -- one hostile self-reference per file (issue 9) -----------------------------------

_LOOP_PAGE = [
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
    b" /Resources << /Font << /F1 5 0 R >> >> >> endobj",
    b"4 0 obj << /Length 45 >> stream\nBT /F1 12 Tf 72 700 Td (Looping file) Tj ET\n"
    b"endstream endobj",
    b"5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj",
]


def _one_page_with(path: Path, catalog_extra: bytes, objects: list[bytes]) -> Path:
    """A one-page PDF whose catalog (object 1) also holds ``catalog_extra``; ``objects``
    are numbered from 6 on."""
    return _raw_pdf(path, [b"1 0 obj << /Type /Catalog /Pages 2 0 R " + catalog_extra
                           + b" >> endobj", *_LOOP_PAGE, *objects], root=1)


def page_with_stream(path: Path, length: bytes, content: bytes) -> Path:
    """A one-page PDF whose content stream (object 4) declares ``/Length length`` as
    written (``b"4 0 R"``, ``b"999999999999"``...): for hostile-length fixtures."""
    return _raw_pdf(path, [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >> endobj",
        b"4 0 obj << /Length " + length + b" >> stream\n" + content + b"\nendstream endobj",
        b"5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj",
    ], root=1)


def make_self_array(path: Path) -> Path:
    """An array holding itself, as an element and through a dictionary inside it."""
    return _one_page_with(path, b"/Loop 6 0 R", [b"6 0 obj [6 0 R << /Self 6 0 R >>] endobj"])


def make_looping_outline(path: Path, how: str = "/Next") -> Path:
    """An outline whose item loops: its ``/Next`` or ``/First`` is itself, or (``ring``)
    two items whose /Next point at each other (their /Prev are ordinary)."""
    items = {
        "/Next": [b"7 0 obj << /Title (Loop) /Parent 6 0 R /Next 7 0 R >> endobj"],
        "/First": [b"7 0 obj << /Title (Loop) /Parent 6 0 R /First 7 0 R /Last 7 0 R"
                   b" /Count 1 >> endobj"],
        "ring": [b"7 0 obj << /Title (One) /Parent 6 0 R /Next 8 0 R /Prev 8 0 R >> endobj",
                 b"8 0 obj << /Title (Two) /Parent 6 0 R /Next 7 0 R /Prev 7 0 R >> endobj"],
    }[how]
    return _one_page_with(path, b"/Outlines 6 0 R", [
        b"6 0 obj << /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >> endobj", *items])


def make_looping_field(path: Path) -> Path:
    """An AcroForm field whose /Kids holds the field itself."""
    return _one_page_with(path, b"/AcroForm << /Fields [6 0 R] >>",
                          [b"6 0 obj << /T (loop) /FT /Tx /Kids [6 0 R] >> endobj"])


def make_self_drawing_form(path: Path, ring: bool = False) -> Path:
    """A page drawing a form XObject that draws itself (its /Resources /XObject hold
    it and its content invokes it), or with ``ring`` two forms drawing each other whose
    FlateDecode content inflates to 3 MiB of lines before the ``Do``."""
    def form(num: int, name: bytes, target: int) -> bytes:
        body = b"/%s Do\n" % name
        extra = b""
        if ring:
            body = zlib.compress(b"0 0 m 1 1 l S\n" * (3 * 2**20 // 14) + body)
            extra = b" /Filter /FlateDecode"
        return (b"%d 0 obj << /Type /XObject /Subtype /Form /BBox [0 0 100 100]"
                b" /Resources << /XObject << /%s %d 0 R >> >> /Length %d%s >> stream\n"
                % (num, name, target, len(body), extra) + body + b"\nendstream endobj")

    objs = [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> /XObject << /Fx 6 0 R >> >> >> endobj",
        b"4 0 obj << /Length 51 >> stream\nBT /F1 12 Tf 72 700 Td (Looping file) Tj ET /Fx Do\n"
        b"endstream endobj",
        b"5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj",
        form(6, b"Fy", 7 if ring else 6),
    ]
    if ring:
        objs.append(form(7, b"Fz", 6))
    return _raw_pdf(path, objs, root=1)


def make_endless_stream(path: Path, length: int | None = None) -> Path:
    """A page whose content stream has no ``endstream``/``endobj``: it runs to the end of
    the file (no cross-reference table or trailer after it).  ``length`` is its declared
    /Length (default: the true length of what follows)."""
    content = b"BT /F1 12 Tf 72 720 Td (Endless) Tj ET\n" + b"0 0 m 1 1 l S\n" * 20_000
    declared = len(content) if length is None else length
    head = b"\n".join([
        b"%PDF-1.7",
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >> endobj",
        b"5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj",
        b"4 0 obj << /Length %d >> stream\n" % declared,
    ])
    Path(path).write_bytes(head + content)
    return Path(path)


def make_length_off(path: Path, delta: int) -> Path:
    """A page whose content stream's /Length is off by ``delta`` bytes (a damaged but
    honest file qpdf repairs), plus a second stream whose /Length is an indirect
    reference to a number object, as many writers produce."""
    content = b"BT /F1 12 Tf 72 700 Td (Length a little off) Tj ET"
    return _raw_pdf(path, [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 6 0 R]"
        b" /Resources << /Font << /F1 5 0 R >> >> >> endobj",
        b"4 0 obj << /Length %d >> stream\n" % (len(content) + delta) + content
        + b"\nendstream endobj",
        b"5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj",
        b"6 0 obj << /Length 7 0 R >> stream\n" + content + b"\nendstream endobj",
        b"7 0 obj %d endobj" % len(content),
    ], root=1)


def make_linked(path: Path) -> Path:
    """A legitimate, richly linked PDF: every ordinary back-pointer a real file has.

    reportlab writes three pages with a nested outline (/First, /Next, /Prev, /Last,
    /Parent), internal links and a web link, comments, and AcroForm fields (a text
    field, a checkbox, a radio group: widgets with /P and /Parent); pikepdf adds what
    reportlab does not: a one-bead article thread (the bead's /N and /V are itself), a
    link on page 1 to page 1 held directly in the page's /Annots, a form XObject drawn
    from a resource dictionary shared with its page that lists the form itself, a
    signature (also the catalog's /Perms /DocMDP) whose /Reference points back to the
    catalog (/Data), a /SeparationInfo naming its own page, and a checkbox whose reset
    action lists its own field."""
    path = Path(path)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    titles = ["Introduction", "Budget", "Annex"]
    for n, title in enumerate(titles):
        c.setFont("Helvetica", 14)
        c.drawString(72, 780, f"{n + 1}. {title}")
        c.bookmarkPage(f"p{n}")
        c.addOutlineEntry(title, f"p{n}", level=0)
        c.bookmarkPage(f"p{n}s", fit="XYZ", top=700)
        c.addOutlineEntry(f"{title}, details", f"p{n}s", level=1)
        c.setFont("Helvetica", 11)
        c.drawString(72, 700, f"Details of section {n + 1}. See the next section.")
        c.linkRect("", f"p{(n + 1) % len(titles)}", (72, 690, 300, 712))
        c.linkURL("https://example.org/report", (72, 660, 300, 680))
        c.textAnnotation(f"Reviewer note on page {n + 1}", Rect=(400, 700, 420, 720))
        if n == 0:
            c.acroForm.textfield(name="name", value="Desk 3", x=72, y=560, width=200,
                                 height=20)
            c.acroForm.checkbox(name="agree", checked=True, x=72, y=520, size=14)
            for i, value in enumerate(("yes", "no")):
                c.acroForm.radio(name="choice", value=value, selected=i == 0,
                                 x=72 + 40 * i, y=480, size=14)
        c.showPage()
    c.showOutline()
    c.save()
    with pikepdf.open(io.BytesIO(buf.getvalue())) as pdf:
        page = pdf.pages[0].obj
        # an article thread of one bead: the bead's /N and /V are the bead itself
        bead = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Bead, P=page, R=pikepdf.Array([72, 400, 540, 800])))
        bead.N = bead
        bead.V = bead
        thread = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Thread, F=bead, I=pikepdf.Dictionary(Title="Main story")))
        bead.T = thread
        page.B = pikepdf.Array([bead])
        pdf.Root.Threads = pikepdf.Array([thread])
        # a direct link annotation in the page's /Annots to the page itself
        page.Annots.append(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, P=page,
            Rect=pikepdf.Array([72, 620, 300, 640]), Border=pikepdf.Array([0, 0, 0]),
            Dest=pikepdf.Array([page, pikepdf.Name.Fit]),
            A=pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=pikepdf.Array([page, pikepdf.Name.Fit]))))
        # one resource dictionary shared by page 2 and a form it draws, listing the form
        page2 = pdf.pages[1].obj
        shared = pdf.make_indirect(pikepdf.Dictionary(
            Font=pikepdf.Dictionary(F9=pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name.Helvetica))),
            XObject=pikepdf.Dictionary()))
        form = pdf.make_stream(b"BT /F9 10 Tf 0 0 Td (Shared resources form) Tj ET",
                               Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                               BBox=pikepdf.Array([0, 0, 300, 20]), Resources=shared)
        shared.XObject.Fs = form
        page2.Resources = shared
        pdf.pages[1].contents_add(pdf.make_stream(b"q 1 0 0 1 72 600 cm /Fs Do Q"))
        page2.SeparationInfo = pikepdf.Dictionary(
            Pages=pikepdf.Array([page2]), DeviceColorant=pikepdf.Name.Cyan)
        # a signature field whose value's transform reference points at the catalog
        sig = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Sig, Filter=pikepdf.Name("/Adobe.PPKLite"),
            Reference=pikepdf.Array([pikepdf.Dictionary(
                Type=pikepdf.Name.SigRef, TransformMethod=pikepdf.Name.DocMDP,
                Data=pdf.Root)])))
        field = pdf.make_indirect(pikepdf.Dictionary(
            FT=pikepdf.Name.Sig, T="approval", V=sig, Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget, Rect=pikepdf.Array([0, 0, 0, 0]), P=page2))
        page2.Annots = pikepdf.Array([*page2.get("/Annots", pikepdf.Array()), field])
        pdf.Root.AcroForm.Fields.append(field)
        pdf.Root.Perms = pikepdf.Dictionary(DocMDP=sig)
        # a checkbox that resets itself when clicked (an action listing its own field)
        box = next(f for f in pdf.Root.AcroForm.Fields if f.get("/T") == "agree")
        box.A = pikepdf.Dictionary(S=pikepdf.Name.ResetForm, Fields=pikepdf.Array([box]))
        pdf.save(path, deterministic_id=True)
    return path


def _raw_pdf(path: Path, objects: list[bytes], root: int) -> Path:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for obj in objects:
        offsets.append(len(out))
        out += obj + b"\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\n"
            f"startxref\n{xref_at}\n%%EOF\n").encode()
    Path(path).write_bytes(bytes(out))
    return Path(path)


MAKERS = {
    "cable.pdf": make_cable,
    "plain.pdf": make_plain,
    "scanned.pdf": make_scanned,
    "encrypted.pdf": make_encrypted,
    "truncated.pdf": make_truncated,
    "xref-damaged.pdf": make_xref_damaged,
    "corrupt.pdf": make_corrupt,
    "many-pages.pdf": make_many_pages,
    "looping-pages.pdf": make_looping_pages,
    "looping-objects.pdf": make_looping_objects,
}


def make_all(folder: Path) -> dict[str, Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return {name: make(folder / name) for name, make in MAKERS.items()}


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "pdf-fixtures")
    for name, p in make_all(target).items():
        print(f"{name}\t{p.stat().st_size:,} bytes")
