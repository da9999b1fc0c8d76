"""Generate Office fixtures carrying every trace leakdesk must find and remove.

Run ``python -m tests.office.make_fixtures OUTDIR`` to write them to a folder, or
import the ``make_*`` functions (the tests do, into a session temporary folder).

* :func:`make_full_docx` builds a DOCX with python-docx and then edits the
  package's XML directly to add what python-docx cannot: core properties with
  an author and a last editor, app and custom properties, a comment by a named
  clerk (with a people.xml account), hidden text, a tracked insertion and a
  tracked deletion by a named official, a formatting change, rsids, paragraph
  ids, a document id, a thumbnail, custom XML, document variables, a template
  path, printer settings naming a printer, FILENAME and AUTHOR fields, an
  embedded JPEG with EXIF (make, model, body serial, artist, GPS), an embedded
  DOCX object with its own author, a header and a footer with markings, a
  footnote, and body text with invisible characters and homoglyphs split
  across runs.  It returns the identifying values (``TRACES``) so tests can
  check that audit names each one and sanitize leaves none.
* Hostile inputs: a zip bomb, a zip whose headers lie about sizes, a truncated
  DOCX, and a password-protected DOCX (an OLE2 compound file with an
  ``EncryptedPackage`` stream, written by a minimal CFB writer here; a real
  encrypted file too when msoffcrypto-tool is installed).
* Small ODT, XLSX and PPTX files with metadata, comments and hidden content.
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from pathlib import Path

from lxml import etree
from PIL import Image

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

#: Every identifying value the full DOCX carries; none may survive sanitize.
TRACES: dict[str, str] = {
    "creator": "Alice Authorova",
    "last_modified_by": "Bob Lastsaver",
    "title": "Embassy cable draft Ulmfield",
    "subject": "Pipeline negotiations Quorvath",
    "keywords": "ulmfield quorvath pipeline",
    "category": "Restricted-Ministry-Cat",
    "created": "2024-02-03T09:15:00Z",
    "modified": "2024-02-05T17:42:00Z",
    "identifier": "DOCID-77321-ZQ",
    "company": "Ministry of Exemplary Affairs",
    "manager": "Carol Managerson",
    "app_template": "Cable-Template-Zephyr.dotm",
    "custom_prop": "CASE-4471-XK",
    "msip_site": "7f3c1d2e-aaaa-bbbb-cccc-0123456789ab",
    "comment_author": "Dana Clerkwright",
    "comment_text": "Verify the Ulmfield figures before release",
    "comment_user": "dana.clerkwright@ministry.example",
    "hidden": "HIDDEN-NOTE-7731 copy for Station Albatross",
    "ins_author": "Edmund Officialson",
    "ins_date": "2024-02-04T11:20:00Z",
    "deleted": "DELETED-PHRASE-5521 withdrawn figures",
    "rsid": "00A1B2C3",
    "para_id": "1A2B3C4D",
    "doc_id": "{5E6F7A8B-1234-4CDE-9F01-23456789ABCD}",
    "custom_xml": "frank.owner@ministry.example",
    "docvar": "TRK-99812-DOCVAR",
    "template_path": "C:\\Users\\jdoe\\Templates\\Zephyr-Cable.dotm",
    "printer": "\\\\PRINTSRV01\\Floor3-HP-LaserJet",
    "field_filename": "cable-copy-17-jdoe.docx",
    "exif_make": "Canonica",
    "exif_model": "EOS 5Z Mark IX",
    "exif_serial": "SN-0042-77771",
    "exif_artist": "Gina Photografova",
    "embedded_author": "Hank Embeddedson",
    "header_marking": "SECRET//NOFORN COPY 17 OF 40",
    "footer_marking": "DISTRIBUTION: STATION ALBATROSS ONLY",
}

BODY = [
    "The ambassador met the energy minister on Tuesday to discuss the pipeline.",
    "Both sides agreed that the tariff schedule needs another round of talks.",
    "The minister said the northern route is no longer under consideration.",
    "Officials expect the consortium to file revised plans within six weeks.",
    "Local press coverage has been limited and mostly favourable so far.",
]

#: Body text with a zero-width space and a Cyrillic 'а' split across runs.
TRICKY_RUNS = ("The deleg", "ation arrived at the emb", "\u200b", "assy in Ulmfield; the "
               "Amb", "\u0430", "ssador greeted them.")
TRICKY_CLEAN = "The delegation arrived at the embassy in Ulmfield; the Ambassador greeted them."


# -- helpers ----------------------------------------------------------------------------


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def _ser(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def rewrite_zip(src: bytes, changes: dict[str, bytes | None]) -> bytes:
    """``src`` with members replaced, added (new names) or removed (``None``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        names = zin.namelist()
        for name in names:
            if name in changes:
                data = changes[name]
                if data is None:
                    continue
                zout.writestr(name, data)
            else:
                zout.writestr(zin.getinfo(name), zin.read(name))
        for name, data in changes.items():
            if name not in names and data is not None:
                zout.writestr(name, data)
    return out.getvalue()


def exif_jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    """A small JPEG with EXIF make, model, body serial, artist and GPS."""
    im = Image.new("RGB", size, (200, 80, 40))
    for x in range(size[0]):
        im.putpixel((x, x % size[1]), (10, 10, 200))
    exif = Image.Exif()
    exif[0x010F] = TRACES["exif_make"]
    exif[0x0110] = TRACES["exif_model"]
    exif[0x013B] = TRACES["exif_artist"]
    exif[0x0131] = "PhotoFixer 3.1"
    sub = exif.get_ifd(0x8769)
    sub[0xA431] = TRACES["exif_serial"]
    sub[0x9003] = "2024:02:01 10:11:12"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (48.0, 51.0, 29.6)
    gps[3] = "E"
    gps[4] = (2.0, 17.0, 40.2)
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif.tobytes(), quality=90)
    return buf.getvalue()


def devmode(name: str) -> bytes:
    """A DEVMODEW-like block whose device name is ``name``."""
    dev = name.encode("utf-16-le")[:62].ljust(64, b"\x00")
    return dev + struct.pack("<HHHHI", 0x0401, 0x0401, 220, 0, 0x1) + b"\x00" * 156


def make_plain_docx(path: Path, paragraphs: list[str] | None = None, *,
                    author: str = "") -> Path:
    import docx

    d = docx.Document()
    for text in paragraphs or BODY:
        d.add_paragraph(text)
    d.core_properties.author = author
    d.core_properties.comments = ""
    d.save(str(path))
    return path


# -- the full DOCX -------------------------------------------------------------------------------


def make_full_docx(path: Path) -> dict[str, str]:
    import docx
    from docx.shared import Inches

    t = TRACES
    d = docx.Document()
    d.add_heading("Pipeline talks", level=1)
    for text in BODY[:3]:
        d.add_paragraph(text)
    p = d.add_paragraph()
    for i, chunk in enumerate(TRICKY_RUNS):
        r = p.add_run(chunk)
        r.bold = i == 1
    commented = d.add_paragraph("The consortium presented revised cost estimates.")
    d.add_comment(commented.runs, text=t["comment_text"], author=t["comment_author"],
                  initials="DCW")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Route"
    table.cell(0, 1).text = "Status"
    table.cell(1, 0).text = "Northern"
    table.cell(1, 1).text = "Dropped"
    for text in BODY[3:]:
        d.add_paragraph(text)
    d.add_paragraph().add_run().add_picture(io.BytesIO(exif_jpeg()), width=Inches(1.0))
    sec = d.sections[0]
    sec.header.paragraphs[0].text = t["header_marking"]
    sec.footer.paragraphs[0].text = t["footer_marking"]
    cp = d.core_properties
    cp.author = t["creator"]
    cp.last_modified_by = t["last_modified_by"]
    cp.title = t["title"]
    cp.subject = t["subject"]
    cp.keywords = t["keywords"]
    cp.category = t["category"]
    cp.identifier = t["identifier"]
    cp.comments = "Internal draft, do not forward"
    cp.revision = 7
    import datetime as dt

    cp.created = dt.datetime(2024, 2, 3, 9, 15, tzinfo=dt.UTC)
    cp.modified = dt.datetime(2024, 2, 5, 17, 42, tzinfo=dt.UTC)
    buf = io.BytesIO()
    d.save(buf)
    data = buf.getvalue()

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    changes: dict[str, bytes | None] = {}

    # document.xml: fields, tracked changes, hidden text, rsids, paraIds, footnote, object
    doc = _xml(parts["word/document.xml"])
    body = doc.find(f"{{{W}}}body")
    sect = body.find(f"{{{W}}}sectPr")
    w = f"{{{W}}}"
    extra = f"""<root xmlns:w="{W}" xmlns:r="{R}" xmlns:w14="{W14}"
      xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">
    <w:p w:rsidR="{t['rsid']}" w:rsidRDefault="00D4E5F6" w14:paraId="{t['para_id']}" w14:textId="77777777">
      <w:r w:rsidR="{t['rsid']}"><w:t xml:space="preserve">The talks resumed after </w:t></w:r>
      <w:ins w:id="101" w:author="{t['ins_author']}" w:date="{t['ins_date']}">
        <w:r><w:t>a short recess</w:t></w:r>
      </w:ins>
      <w:del w:id="102" w:author="{t['ins_author']}" w:date="2024-02-04T11:21:00Z">
        <w:r><w:delText xml:space="preserve"> {t['deleted']}</w:delText></w:r>
      </w:del>
      <w:r><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve"> {t['hidden']}</w:t></w:r>
      <w:r><w:rPr><w:b/><w:rPrChange w:id="103" w:author="{t['ins_author']}" w:date="2024-02-04T11:22:00Z"><w:rPr/></w:rPrChange></w:rPr><w:t>.</w:t></w:r>
    </w:p>
    <w:p w:rsidR="00E1E2E3">
      <w:r><w:t xml:space="preserve">File reference: </w:t></w:r>
      <w:r><w:fldChar w:fldCharType="begin"/></w:r>
      <w:r><w:instrText xml:space="preserve"> FILENAME \\p </w:instrText></w:r>
      <w:r><w:fldChar w:fldCharType="separate"/></w:r>
      <w:r><w:t>{t['field_filename']}</w:t></w:r>
      <w:r><w:fldChar w:fldCharType="end"/></w:r>
      <w:r><w:t xml:space="preserve">; prepared by </w:t></w:r>
      <w:fldSimple w:instr=" AUTHOR \\* MERGEFORMAT "><w:r><w:t>{t['creator']}</w:t></w:r></w:fldSimple>
      <w:r><w:t xml:space="preserve">; page </w:t></w:r>
      <w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>
      <w:r><w:t>.</w:t></w:r>
    </w:p>
    <w:p>
      <w:r><w:t xml:space="preserve">Figures come from the ministry</w:t></w:r>
      <w:r><w:rPr><w:rStyle w:val="FootnoteReference"/><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>
      <w:r><w:t xml:space="preserve"> and were checked twice.</w:t></w:r>
    </w:p>
    <w:p>
      <w:r><w:t xml:space="preserve">Annex: </w:t></w:r>
      <w:r><w:object w:dxaOrig="1440" w:dyaOrig="1440">
        <v:shape id="_x0000_i1025" type="#_x0000_t75" style="width:36pt;height:36pt" o:ole="">
          <v:imagedata r:id="rIdObjImg" o:title=""/>
        </v:shape>
        <o:OLEObject Type="Embed" ProgID="Word.Document.12" ShapeID="_x0000_i1025"
          DrawAspect="Icon" ObjectID="_1700000001" r:id="rIdObj"/>
      </w:object></w:r>
    </w:p>
    </root>"""
    for el in _xml(extra.encode()):
        sect.addprevious(el)
    for para in body.iter(f"{w}p"):
        para.set(f"{w}rsidR", t["rsid"])
        para.set(f"{w}rsidRDefault", "00D4E5F6")
        if para.get(f"{{{W14}}}paraId") is None:
            para.set(f"{{{W14}}}paraId", "0BADF00D")
    pr = sect.find(f"{w}pgMar")
    ps = etree.Element(f"{w}printerSettings")
    ps.set(f"{{{R}}}id", "rIdPrinter")
    pr.addnext(ps) if pr is not None else sect.append(ps)
    changes["word/document.xml"] = _ser(doc)

    # comments: a fixed date; people.xml with an account id
    com = _xml(parts["word/comments.xml"])
    for c in com.iter(f"{w}comment"):
        c.set(f"{w}date", "2024-02-04T15:00:00Z")
    changes["word/comments.xml"] = _ser(com)
    changes["word/people.xml"] = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w15:people xmlns:w15="{W15}"><w15:person w15:author="{t['comment_author']}"><w15:presenceInfo
 w15:providerId="AD" w15:userId="{t['comment_user']}"/></w15:person></w15:people>""".encode()

    # footnotes part
    changes["word/footnotes.xml"] = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>
<w:r><w:t xml:space="preserve"> Source: ministry statistics office, annual report.</w:t></w:r></w:p></w:footnote>
</w:footnotes>""".encode()

    # settings: rsids, docIds, docVars, attached template
    st = _xml(parts["word/settings.xml"])
    rsids = st.find(f"{w}rsids")
    for val in (t["rsid"], "00D4E5F6", "00E1E2E3"):
        el = etree.SubElement(rsids, f"{w}rsid")
        el.set(f"{w}val", val)
    zoom = st.find(f"{w}zoom")
    att = etree.Element(f"{w}attachedTemplate")
    att.set(f"{{{R}}}id", "rIdTemplate")
    (zoom.addnext(att) if zoom is not None else st.insert(0, att))
    dv = etree.Element(f"{w}docVars")
    v = etree.SubElement(dv, f"{w}docVar")
    v.set(f"{w}name", "TrackingId")
    v.set(f"{w}val", t["docvar"])
    st.find(f"{w}decimalSymbol").addprevious(dv) if st.find(f"{w}decimalSymbol") is not None else st.append(dv)
    for el in st.iter(f"{{{W14}}}docId"):
        el.set(f"{{{W14}}}val", "3C4D5E6F")
    d15 = etree.SubElement(st, f"{{{W15}}}docId", nsmap={"w15": W15})
    d15.set(f"{{{W15}}}val", t["doc_id"])
    etree.SubElement(st, f"{{{W15}}}chartTrackingRefBased")
    changes["word/settings.xml"] = _ser(st)
    changes["word/_rels/settings.xml.rels"] = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{RELS}"><Relationship Id="rIdTemplate" Type="{RT}/attachedTemplate"
 Target="file:///{t['template_path']}" TargetMode="External"/></Relationships>""".encode()

    # document relationships: printer settings, footnotes, people, embedded object
    rels = _xml(parts["word/_rels/document.xml.rels"])
    def rel(rid: str, kind: str, target: str) -> None:
        el = etree.SubElement(rels, f"{{{RELS}}}Relationship")
        el.set("Id", rid)
        el.set("Type", kind)
        el.set("Target", target)
    rel("rIdPrinter", f"{RT}/printerSettings", "printerSettings/printerSettings1.bin")
    rel("rIdFootnotes", f"{RT}/footnotes", "footnotes.xml")
    rel("rIdPeople", "http://schemas.microsoft.com/office/2011/relationships/people", "people.xml")
    rel("rIdObj", f"{RT}/package", "embeddings/Microsoft_Word_Document1.docx")
    rel("rIdObjImg", f"{RT}/image", "media/objicon.png")
    rel("rIdCustom2", f"{RT}/customXml", "../customXml/item2.xml")
    changes["word/_rels/document.xml.rels"] = _ser(rels)
    changes["word/printerSettings/printerSettings1.bin"] = devmode(t["printer"])
    inner = io.BytesIO()
    make_plain_docx_bytes(inner, ["Embedded annex text."], author=t["embedded_author"])
    changes["word/embeddings/Microsoft_Word_Document1.docx"] = inner.getvalue()
    icon = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 120, 0)).save(icon, "PNG")
    changes["word/media/objicon.png"] = icon.getvalue()
    changes["customXml/item2.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><dms xmlns="urn:example:dms">'
        f"<owner>{t['custom_xml']}</owner><library>Cables-2024</library></dms>"
    ).encode()

    # package parts: app and custom properties
    changes["docProps/app.xml"] = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
 xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
<Template>{t['app_template']}</Template><TotalTime>123</TotalTime><Pages>2</Pages>
<Application>Microsoft Office Word</Application><DocSecurity>0</DocSecurity>
<Company>{t['company']}</Company><Manager>{t['manager']}</Manager>
<AppVersion>16.0000</AppVersion></Properties>""".encode()
    changes["docProps/custom.xml"] = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
 xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="CaseNumber"><vt:lpwstr>{t['custom_prop']}</vt:lpwstr></property>
<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="3" name="MSIP_Label_1234_SiteId"><vt:lpwstr>{t['msip_site']}</vt:lpwstr></property>
</Properties>""".encode()
    pk = _xml(parts["_rels/.rels"])
    el = etree.SubElement(pk, f"{{{RELS}}}Relationship")
    el.set("Id", "rIdCustomProps")
    el.set("Type", f"{RT}/custom-properties")
    el.set("Target", "docProps/custom.xml")
    changes["_rels/.rels"] = _ser(pk)

    ct = _xml(parts["[Content_Types].xml"])
    def override(name: str, kind: str) -> None:
        e = etree.SubElement(ct, f"{{{CT}}}Override")
        e.set("PartName", name)
        e.set("ContentType", kind)
    def default(ext: str, kind: str) -> None:
        if not any(x.get("Extension") == ext for x in ct):
            e = etree.SubElement(ct, f"{{{CT}}}Default")
            e.set("Extension", ext)
            e.set("ContentType", kind)
    override("/word/footnotes.xml",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml")
    override("/word/people.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml")
    override("/docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml")
    override("/customXml/item2.xml", "application/xml")
    default("bin", "application/vnd.openxmlformats-officedocument.wordprocessingml.printerSettings")
    default("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    default("png", "image/png")
    changes["[Content_Types].xml"] = _ser(ct)

    path.write_bytes(rewrite_zip(data, changes))
    return dict(t)


def make_plain_docx_bytes(buf: io.BytesIO, paragraphs: list[str], *, author: str = "") -> None:
    import docx

    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    d.core_properties.author = author
    d.save(buf)


_STRICT = {
    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main":
        b"http://purl.oclc.org/ooxml/wordprocessingml/main",
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
    b"http://schemas.openxmlformats.org/drawingml/2006/main":
        b"http://purl.oclc.org/ooxml/drawingml/main",
    b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties":
        b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties",
}


def make_strict_docx(path: Path, source: Path) -> Path:
    """``source`` rewritten in ISO 29500 strict namespaces (as Word's "Strict Open XML")."""
    changes: dict[str, bytes | None] = {}
    with zipfile.ZipFile(source) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                data = z.read(name)
                for a, b in _STRICT.items():
                    data = data.replace(a, b)
                changes[name] = data
    path.write_bytes(rewrite_zip(source.read_bytes(), changes))
    return path


LINK = "https://leak.example/drafts/secret-plan-7781"


def make_hyperlink_docx(path: Path) -> Path:
    """A DOCX whose link text is its address (as Word makes it when one types a URL), and
    a picture whose description is its original file name."""
    import docx

    d = docx.Document()
    p = d.add_paragraph("The draft is at ")
    rid = d.part.relate_to(LINK, f"{RT}/hyperlink", is_external=True)
    link = etree.SubElement(p._p, f"{{{W}}}hyperlink")
    link.set(f"{{{R}}}id", rid)
    run = etree.SubElement(link, f"{{{W}}}r")
    etree.SubElement(run, f"{{{W}}}t").text = LINK
    d.add_paragraph("Second paragraph stays.")
    d.add_paragraph().add_run().add_picture(io.BytesIO(exif_jpeg()))
    buf = io.BytesIO()
    d.save(buf)
    data = buf.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        doc = z.read("word/document.xml")
    doc = doc.replace(b'name="Picture 1"',
                      b'name="Picture 1" descr="C:\\Users\\jdoe\\Pictures\\IMG_4471.jpg"', 1)
    path.write_bytes(rewrite_zip(data, {"word/document.xml": doc}))
    return path


# -- hostile inputs -----------------------------------------------------------------------------------


def make_zip_bomb_docx(path: Path, megabytes: int = 300) -> Path:
    """A DOCX-shaped zip whose document.xml inflates ~1000:1 to ``megabytes`` MiB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", f"""<?xml version="1.0"?><Types xmlns="{CT}">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>""")
        zf.writestr("_rels/.rels", f"""<?xml version="1.0"?><Relationships xmlns="{RELS}">
<Relationship Id="rId1" Type="{RT}/officeDocument" Target="word/document.xml"/></Relationships>""")
        with zf.open("word/document.xml", "w") as fh:
            fh.write(f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>'.encode())
            block = b" " * (1 << 20)
            for _ in range(megabytes):
                fh.write(block)
            fh.write(b"</w:body></w:document>")
    return path


def make_lying_zip_docx(path: Path, megabytes: int = 64) -> Path:
    """A DOCX whose document.xml header declares 1,000 bytes but inflates to ``megabytes``."""
    make_zip_bomb_docx(path, megabytes)
    with zipfile.ZipFile(path) as zf:
        real = zf.getinfo("word/document.xml").file_size
    raw = bytearray(path.read_bytes())
    name = b"word/document.xml"
    # patch the local header and the central directory entry (uncompressed size field)
    pos = 0
    while True:
        pos = raw.find(name, pos)
        if pos < 0:
            break
        if raw[pos - 30 : pos - 26] == b"PK\x03\x04":
            off = pos - 30 + 22
        elif raw[pos - 46 : pos - 42] == b"PK\x01\x02":
            off = pos - 46 + 24
        else:
            pos += 1
            continue
        if struct.unpack_from("<I", raw, off)[0] == real:
            struct.pack_into("<I", raw, off, 1000)
        pos += 1
    path.write_bytes(bytes(raw))
    return path


def make_truncated_docx(path: Path, source: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def make_encrypted_docx(path: Path) -> Path:
    """An OLE2 compound file with EncryptionInfo and EncryptedPackage streams, as Office
    writes a password-protected DOCX (contents are random: enough to be recognised)."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>".ljust(4096 - 8, b" ")
    package = struct.pack("<Q", 12345) + zlib.compress(b"x" * 10000).ljust(8192, b"\x00")
    path.write_bytes(cfb([("EncryptionInfo", info), ("EncryptedPackage", package)]))
    return path


def make_real_encrypted_docx(path: Path, source: Path, password: str) -> Path | None:
    """Encrypt ``source`` with msoffcrypto-tool (MIT licence), if it is installed."""
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        return None
    with open(source, "rb") as fh, open(path, "wb") as out:
        OOXMLFile(fh).encrypt(password, out)
    return path


def cfb(streams: list[tuple[str, bytes]]) -> bytes:
    """A minimal version-3 compound file (512-byte sectors) holding ``streams``.

    Each stream must be at least 4096 bytes (so it lives in regular sectors, not
    the mini stream).  Up to three streams; one FAT sector.
    """
    end, free, fatsect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    sectors: list[bytes] = []
    fat = [fatsect, end]  # sector 0: FAT, sector 1: directory
    starts = []
    for _name, data in streams:
        assert len(data) >= 4096
        padded = data + b"\x00" * (-len(data) % 512)
        n = len(padded) // 512
        first = len(fat)
        starts.append(first)
        for k in range(n):
            fat.append(first + k + 1 if k < n - 1 else end)
            sectors.append(padded[k * 512 : (k + 1) * 512])
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        e = raw.ljust(64, b"\x00")
        e += struct.pack("<HBB", len(raw), kind, 1)
        e += struct.pack("<III", nostream, right, child)
        e += b"\x00" * 16 + struct.pack("<I", 0) + b"\x00" * 16
        e += struct.pack("<IQ", start, size)
        return e

    entries = [entry("Root Entry", 5, 1, nostream, end, 0)]
    for i, (name, data) in enumerate(streams):
        right = i + 2 if i + 1 < len(streams) else nostream
        entries.append(entry(name, 2, nostream, right, starts[i], len(data)))
    while len(entries) < 4:
        entries.append(b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0)
                       + struct.pack("<III", nostream, nostream, nostream) + b"\x00" * 48)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
    header += struct.pack("<IIIIIIII", 0, 1, 1, 0, 4096, end, 0, end) + struct.pack("<I", 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108
    assert len(header) == 512, len(header)
    fat_sector = b"".join(struct.pack("<I", x) for x in fat)
    return header + fat_sector + b"".join(entries) + b"".join(sectors)


# -- ODT, XLSX, PPTX ------------------------------------------------------------------------------------

ODF_TRACES = {
    "initial_creator": "Irene Initialova",
    "creator": "Jonas Lasteditor",
    "annotation_author": "Karl Annotator",
    "annotation_text": "Check the Ulmfield numbers",
    "change_author": "Lena Changewright",
    "deleted": "ODT-DELETED-8812 old figures",
    "hidden": "ODT-HIDDEN-4410 station note",
    "printer": "PRN-ODF-ROOM-12",
    "user_defined": "ODT-CASE-3391",
    "generator": "LibreOffice/7.4.7.2$Linux_X86_64",
}


def make_odt(path: Path) -> dict[str, str]:
    t = ODF_TRACES
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="{office}"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:officeooo="http://openoffice.org/2009/office" office:version="1.3">
<office:automatic-styles><style:style style:name="P1" style:family="paragraph"><style:text-properties officeooo:rsid="0012ab34" officeooo:paragraph-rsid="0012ab34"/></style:style></office:automatic-styles>
<office:body><office:text>
<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion><office:change-info><dc:creator>{t['change_author']}</dc:creator><dc:date>2024-02-04T10:00:00</dc:date></office:change-info><text:p>{t['deleted']}</text:p></text:deletion></text:changed-region>
<text:changed-region text:id="ct2"><text:insertion><office:change-info><dc:creator>{t['change_author']}</dc:creator><dc:date>2024-02-04T10:05:00</dc:date></office:change-info></text:insertion></text:changed-region></text:tracked-changes>
<text:h text:outline-level="1">Pipeline talks</text:h>
<text:p text:style-name="P1">{BODY[0]}<text:change text:change-id="ct1"/></text:p>
<text:p>{BODY[1]} <text:change-start text:change-id="ct2"/>Inserted words.<text:change-end text:change-id="ct2"/></text:p>
<text:p>{BODY[2]}<office:annotation><dc:creator>{t['annotation_author']}</dc:creator><dc:date>2024-02-04T12:00:00</dc:date><text:p>{t['annotation_text']}</text:p></office:annotation></text:p>
<text:p>{BODY[3]}<text:hidden-text text:condition="" text:string-value="{t['hidden']}" text:is-hidden="true"/></text:p>
<text:p>Marking: SECRET//NOFORN COPY 9 OF 20. Filed by <text:author-name>{t['initial_creator']}</text:author-name>.</text:p>
</office:text></office:body></office:document-content>"""
    meta = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="{office}" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3">
<office:meta><meta:initial-creator>{t['initial_creator']}</meta:initial-creator><dc:creator>{t['creator']}</dc:creator>
<meta:creation-date>2024-02-01T09:00:00</meta:creation-date><dc:date>2024-02-05T18:00:00</dc:date>
<meta:editing-cycles>12</meta:editing-cycles><meta:editing-duration>PT3H12M</meta:editing-duration>
<meta:generator>{t['generator']}</meta:generator><dc:title>ODT cable</dc:title>
<meta:user-defined meta:name="CaseRef">{t['user_defined']}</meta:user-defined>
<meta:template xlink:type="simple" xlink:href="/home/irene/Templates/cable.ott" xlink:title="cable"/>
</office:meta></office:document-meta>"""
    settings = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-settings xmlns:office="{office}" xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0">
<office:settings><config:config-item-set config:name="ooo:configuration-settings">
<config:config-item config:name="PrinterName" config:type="string">{t['printer']}</config:config-item>
<config:config-item config:name="Rsid" config:type="int">1234567</config:config-item>
<config:config-item config:name="RsidRoot" config:type="int">1234000</config:config-item>
</config:config-item-set></office:settings></office:document-settings>"""
    styles = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="{office}" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">
<office:master-styles><style:master-page style:name="Standard"><style:header><text:p>HEADER SECRET//NOFORN</text:p></style:header></style:master-page></office:master-styles>
</office:document-styles>"""
    manifest = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="Thumbnails/thumbnail.png" manifest:media-type="image/png"/>
</manifest:manifest>"""
    thumb = io.BytesIO()
    Image.new("RGB", (32, 32), (250, 250, 250)).save(thumb, "PNG")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
        zf.writestr("styles.xml", styles)
        zf.writestr("meta.xml", meta)
        zf.writestr("settings.xml", settings)
        zf.writestr("Thumbnails/thumbnail.png", thumb.getvalue())
        zf.writestr("META-INF/manifest.xml", manifest)
    return dict(t)


XLSX_TRACES = {
    "creator": "Mona Sheetmaker",
    "last_modified_by": "Nils Lastcell",
    "comment_author": "Olga Cellnote",
    "comment_text": "Ask Station Albatross about row 3",
    "hidden_sheet": "SecretRates",
    "company": "Ministry of Exemplary Affairs",
    "cell": "Quorvath tariff 4.2",
    "hidden_cell": "Rate for Station Albatross",
    "unused_string": "UNUSED-OLD-CELL-7781 overwritten figure",
}


def make_xlsx(path: Path) -> dict[str, str]:
    import openpyxl
    from openpyxl.comments import Comment

    t = XLSX_TRACES
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Summary"
    ws["A1"] = "Route"
    ws["B1"] = "Status"
    ws["A2"] = "Northern"
    ws["B2"] = "Dropped"
    ws["A3"] = t["cell"]
    ws["A3"].comment = Comment(t["comment_text"], t["comment_author"])
    hidden = wb.create_sheet(t["hidden_sheet"])
    hidden["A1"] = t["hidden_cell"]
    hidden.sheet_state = "hidden"
    wb.properties.creator = t["creator"]
    wb.properties.lastModifiedBy = t["last_modified_by"]
    wb.properties.title = "Tariffs"
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    app = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
 xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
<Application>Microsoft Excel</Application><Company>{t['company']}</Company>
<TitlesOfParts><vt:vector size="2" baseType="lpstr"><vt:lpstr>Summary</vt:lpstr><vt:lpstr>{t['hidden_sheet']}</vt:lpstr></vt:vector></TitlesOfParts>
<AppVersion>16.0300</AppVersion></Properties>"""
    changes: dict[str, bytes | None] = {"docProps/app.xml": app.encode()}
    # Excel writes text cells through a shared-string table: move the inline strings there,
    # and leave one string no cell uses (a leftover of an overwritten cell)
    S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"):
            root = _xml(z.read(name))
            for c in root.iter(f"{{{S}}}c"):
                if c.get("t") == "inlineStr":
                    text = "".join(c.itertext())
                    for child in list(c):
                        c.remove(child)
                    c.set("t", "s")
                    if text not in strings:
                        strings.append(text)
                    etree.SubElement(c, f"{{{S}}}v").text = str(strings.index(text))
            changes[name] = _ser(root)
        strings.append(t["unused_string"])
        sst = etree.Element(f"{{{S}}}sst", nsmap={None: S})
        sst.set("count", str(len(strings) - 1))
        sst.set("uniqueCount", str(len(strings)))
        for text in strings:
            etree.SubElement(etree.SubElement(sst, f"{{{S}}}si"), f"{{{S}}}t").text = text
        changes["xl/sharedStrings.xml"] = _ser(sst)
        rels = _xml(z.read("xl/_rels/workbook.xml.rels"))
        el = etree.SubElement(rels, f"{{{RELS}}}Relationship")
        el.set("Id", "rIdSst")
        el.set("Type", f"{RT}/sharedStrings")
        el.set("Target", "sharedStrings.xml")
        changes["xl/_rels/workbook.xml.rels"] = _ser(rels)
        ct = _xml(z.read("[Content_Types].xml"))
        e = etree.SubElement(ct, f"{{{CT}}}Override")
        e.set("PartName", "/xl/sharedStrings.xml")
        e.set("ContentType",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
        changes["[Content_Types].xml"] = _ser(ct)
    path.write_bytes(rewrite_zip(data, changes))
    return dict(t)


PPTX_TRACES = {
    "creator": "Pia Slidewright",
    "last_modified_by": "Quentin Lastslide",
    "notes": "Speaker note: mention Station Albatross source",
    "comment_author": "Rita Slidecomment",
    "comment_text": "Remove the Ulmfield slide before sharing",
    "hidden_slide_text": "HIDDEN-SLIDE-5150 backup figures",
    "body": "Pipeline talks: next steps",
}


def make_pptx(path: Path) -> dict[str, str]:
    from pptx import Presentation

    t = PPTX_TRACES
    prs = Presentation()
    s1 = prs.slides.add_slide(prs.slide_layouts[1])
    s1.shapes.title.text = t["body"]
    s1.placeholders[1].text = "Tariff schedule needs another round"
    s1.notes_slide.notes_text_frame.text = t["notes"]
    s2 = prs.slides.add_slide(prs.slide_layouts[1])
    s2.shapes.title.text = t["hidden_slide_text"]
    s2._element.set("show", "0")
    prs.core_properties.author = t["creator"]
    prs.core_properties.last_modified_by = t["last_modified_by"]
    buf = io.BytesIO()
    prs.save(buf)
    data = buf.getvalue()
    P = "http://schemas.openxmlformats.org/presentationml/2006/main"
    authors = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:cmAuthorLst xmlns:p="{P}"><p:cmAuthor id="1" name="{t['comment_author']}" initials="RS" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>"""
    comments = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:cmLst xmlns:p="{P}"><p:cm authorId="1" dt="2024-02-04T09:30:00.000" idx="1"><p:pos x="10" y="10"/><p:text>{t['comment_text']}</p:text></p:cm></p:cmLst>"""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    changes: dict[str, bytes | None] = {
        "ppt/commentAuthors.xml": authors.encode(),
        "ppt/comments/comment1.xml": comments.encode(),
    }
    prels = _xml(parts["ppt/_rels/presentation.xml.rels"])
    el = etree.SubElement(prels, f"{{{RELS}}}Relationship")
    el.set("Id", "rIdAuthors")
    el.set("Type", f"{RT}/commentAuthors")
    el.set("Target", "commentAuthors.xml")
    changes["ppt/_rels/presentation.xml.rels"] = _ser(prels)
    srels = _xml(parts["ppt/slides/_rels/slide1.xml.rels"])
    el = etree.SubElement(srels, f"{{{RELS}}}Relationship")
    el.set("Id", "rIdComments")
    el.set("Type", f"{RT}/comments")
    el.set("Target", "../comments/comment1.xml")
    changes["ppt/slides/_rels/slide1.xml.rels"] = _ser(srels)
    ct = _xml(parts["[Content_Types].xml"])
    for name, kind in (("/ppt/commentAuthors.xml", "commentAuthors"), ("/ppt/comments/comment1.xml", "comments")):
        e = etree.SubElement(ct, f"{{{CT}}}Override")
        e.set("PartName", name)
        e.set("ContentType", f"application/vnd.openxmlformats-officedocument.presentationml.{kind}+xml")
    changes["[Content_Types].xml"] = _ser(ct)
    path.write_bytes(rewrite_zip(data, changes))
    return dict(t)


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "office-fixtures")
    out.mkdir(parents=True, exist_ok=True)
    make_full_docx(out / "full.docx")
    make_plain_docx(out / "plain.docx")
    make_zip_bomb_docx(out / "bomb.docx")
    make_lying_zip_docx(out / "lying.docx")
    make_truncated_docx(out / "truncated.docx", out / "full.docx")
    make_strict_docx(out / "strict.docx", out / "full.docx")
    make_encrypted_docx(out / "encrypted.docx")
    make_real_encrypted_docx(out / "encrypted-real.docx", out / "plain.docx", "leakdesk")
    make_odt(out / "full.odt")
    make_xlsx(out / "full.xlsx")
    make_pptx(out / "full.pptx")
    print(f"wrote fixtures to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
