"""Generate hostile files: bombs, entity attacks, looping PDFs, lying headers and names.

Importable (``write_all(folder) -> {fixture id: path}``) and runnable:
``python -m tests.hardening.make_hostile OUTDIR`` writes every fixture into OUTDIR.
Nothing here is committed as a binary.  Generators that already exist in the other
test folders (Office zip bombs, image bombs, PDF loops...) are imported, not copied.

The fixture ids (the keys of :data:`MAKERS`) name the attack; the file names are
what an attacker would choose (an extension that lies, a name with a newline and a
terminal escape).  The outcome each fixture must give is tabled in
``tests/hardening/test_hostile.py``.

``xxe_url`` is where the external-entity fixtures point (``http://...``): the tests
point it at a socket of their own and check that nothing ever connects to it.
"""

from __future__ import annotations

import io
import random
import struct
import sys
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image

if __package__ in (None, ""):  # run as a file: python tests/hardening/make_hostile.py DIR
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.images.make_fixtures import (
    bomb_jpeg,
    bomb_png,
    dirty_jpeg,
    dirty_png,
    dirty_tiff,
    dirty_webp,
)
from tests.office.make_fixtures import (
    CT,
    RELS,
    RT,
    W,
    make_encrypted_docx,
    make_lying_zip_docx,
    make_odt,
    make_plain_docx,
    make_pptx,
    make_xlsx,
    make_zip_bomb_docx,
    rewrite_zip,
)
from tests.pdf.make_fixtures import (
    _raw_pdf,
    make_encrypted,
    make_looping_objects,
    make_plain,
    make_truncated,
    page_with_stream,
)
from tests.realworld.make_fixtures import svg_dirty, tiff

#: Where the http external entities point unless the caller says otherwise (port 9,
#: "discard": nothing listens there on a normal machine).
DEFAULT_XXE_URL = "http://127.0.0.1:9/leakdesk-xxe"

#: A file name with a newline and terminal escapes (colour, clear screen).
CONTROL_NAME = "memo\nSECRET\x1b[31m.txt"
CONTROL_NAME_BAD = "bad\nname\x1b[2J.pdf"

#: Text the readable fixtures carry, so a test can see they were really read.
GOOD_TEXT = "Quarterly harbour report. The committee met on Tuesday.\n"

MIB = 1 << 20


# -- building blocks ------------------------------------------------------------------


def _flushed_deflate(block: bytes, repeat: int) -> bytes:
    """A raw deflate stream of ``block * repeat``, built without compressing all of it.

    After a full flush the compressor forgets its history, so every further copy
    of ``block`` compresses to the same bytes: compress twice, then repeat.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    return first + again * (repeat - 1) + c.flush()


def _crc_repeat(block: bytes, repeat: int) -> int:
    crc = 0
    for _ in range(repeat):
        crc = zlib.crc32(block, crc)
    return crc


def _adler_repeat(block: bytes, repeat: int) -> int:
    """Adler-32 of ``block * repeat``, by arithmetic (A: 1 + sum; B: sum of the As)."""
    mod = 65521
    total = sum(block)
    weighted = sum((len(block) - i) * b for i, b in enumerate(block))
    a, b = 1, 0
    for _ in range(repeat):
        a, b = (a + total) % mod, (b + len(block) * a + weighted) % mod
    return (b << 16) | a


def _zip_one_deflated(name: str, raw: bytes, crc: int, size: int) -> bytes:
    """A zip holding one member ``name`` whose deflate data is ``raw`` (headers written
    by hand, so the member never has to be compressed here)."""
    fname = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(raw), size,
                        len(fname), 0) + fname
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc,
                          len(raw), size, len(fname), 0, 0, 0, 0, 0o644 << 16, 0) + fname
    body = local + raw
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(body), 0)
    return body + central + end


def _small_image() -> Image.Image:
    """A small picture (no text: OCR has nothing to do and is quick)."""
    img = Image.new("RGB", (96, 64), "white")
    for x in range(10, 86):
        img.putpixel((x, 32), (20, 20, 120))
    return img


def _jpeg_bytes() -> bytes:
    buf = io.BytesIO()
    _small_image().save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


# -- XML entity attacks ---------------------------------------------------------------

#: What each entity attack declares, and the reference that would expand it.
_LAUGHS = "".join(
    [' <!ENTITY lol "lol">\n']
    + [f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
       for i in range(1, 10)]
)


def entity_dtd(kind: str, root: str, url: str = DEFAULT_XXE_URL) -> tuple[str, str]:
    """``(<!DOCTYPE ...>, entity reference)`` for ``kind``: ``laughs`` (billion laughs,
    10^9 "lol"), ``xxe-file`` (file:///etc/passwd) or ``xxe-http`` (``url``, as a
    general entity and as an external DTD pulled in by a parameter entity)."""
    if kind == "laughs":
        return f"<!DOCTYPE {root} [\n{_LAUGHS}]>", "&lol9;"
    if kind == "xxe-file":
        return f'<!DOCTYPE {root} [\n <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>', "&xxe;"
    if kind == "xxe-http":
        return (f'<!DOCTYPE {root} [\n <!ENTITY % remote SYSTEM "{url}/evil.dtd">\n %remote;\n'
                f' <!ENTITY xxe SYSTEM "{url}/entity">\n]>', "&xxe;")
    raise ValueError(kind)


ENTITY_KINDS = ("laughs", "xxe-file", "xxe-http")


def hostile_docx_part(path: Path, part: str, kind: str, url: str = DEFAULT_XXE_URL) -> Path:
    """A plain DOCX whose ``word/document.xml`` or ``docProps/core.xml`` (``part``)
    declares the entity attack ``kind`` and uses it."""
    make_plain_docx(path)
    if part == "word/document.xml":
        dtd, ref = entity_dtd(kind, "w:document", url)
        xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{dtd}\n'
               f'<w:document xmlns:w="{W}"><w:body>'
               f"<w:p><w:r><w:t>{GOOD_TEXT.strip()}</w:t></w:r></w:p>"
               f"<w:p><w:r><w:t>{ref}</w:t></w:r></w:p>"
               "<w:sectPr/></w:body></w:document>")
    elif part == "docProps/core.xml":
        dtd, ref = entity_dtd(kind, "cp:coreProperties", url)
        xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               f"{dtd}\n"
               '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
               'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
               f"<dc:creator>{ref}</dc:creator><dc:title>{ref}</dc:title>"
               "</cp:coreProperties>")
    else:
        raise ValueError(part)
    path.write_bytes(rewrite_zip(path.read_bytes(), {part: xml.encode()}))
    return path


def hostile_svg(path: Path, kind: str, url: str = DEFAULT_XXE_URL) -> Path:
    dtd, ref = entity_dtd(kind, "svg", url)
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n{dtd}\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60">'
        f'<text x="5" y="20">{GOOD_TEXT.strip()}</text><text x="5" y="40">{ref}</text></svg>\n',
        encoding="utf-8")
    return path


def hostile_xmp(kind: str, url: str = DEFAULT_XXE_URL) -> bytes:
    """An XMP packet whose creator and title are the entity attack ``kind``."""
    dtd, ref = entity_dtd(kind, "x:xmpmeta", url)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        f"{dtd}\n"
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        f"<xmp:CreatorTool>{ref}</xmp:CreatorTool>"
        f"<dc:creator><rdf:Seq><rdf:li>{ref}</rdf:li></rdf:Seq></dc:creator>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


def hostile_xmp_jpeg(path: Path, kind: str, url: str = DEFAULT_XXE_URL) -> Path:
    """A small JPEG with the hostile XMP packet in its APP1 segment."""
    data = _jpeg_bytes()
    app0_len = struct.unpack(">H", data[4:6])[0]
    cut = 4 + app0_len
    xmp = _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + hostile_xmp(kind, url))
    path.write_bytes(data[:cut] + xmp + data[cut:])
    return path


def _text_page_objects(text: str, first: int) -> tuple[list[bytes], int]:
    """Objects ``first``.. for one page showing ``text``; returns them and the page's number."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    page, cont, font = first, first + 1, first + 2
    return [
        f"{page} 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {cont} 0 R"
        f" /Resources << /Font << /F1 {font} 0 R >> >> >> endobj".encode(),
        b"%d 0 obj << /Length %d >> stream\n%s\nendstream endobj" % (cont, len(content), content),
        f"{font} 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj".encode(),
    ], page


def hostile_xmp_pdf(path: Path, kind: str, url: str = DEFAULT_XXE_URL) -> Path:
    """A one-page PDF whose document metadata stream is the hostile XMP packet."""
    xmp = hostile_xmp(kind, url)
    page_objs, page = _text_page_objects(GOOD_TEXT.strip().rstrip("."), 3)
    objects = [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R /Metadata 6 0 R >> endobj",
        f"2 0 obj << /Type /Pages /Kids [{page} 0 R] /Count 1 >> endobj".encode(),
        *page_objs,
        b"6 0 obj << /Type /Metadata /Subtype /XML /Length %d >> stream\n%s\nendstream endobj"
        % (len(xmp), xmp),
    ]
    return _raw_pdf(path, objects, root=1)


# -- zip bombs and archives -----------------------------------------------------------


def zip_bomb(path: Path, mebibytes: int = 1024) -> Path:
    """A plain zip: one member of ``mebibytes`` MiB of zeros in about a thousandth of that."""
    block = b"\x00" * MIB
    raw = _flushed_deflate(block, mebibytes)
    path.write_bytes(_zip_one_deflated("zeros.bin", raw, _crc_repeat(block, mebibytes),
                                       mebibytes * MIB))
    return path


def lying_zip(path: Path, mebibytes: int = 256) -> Path:
    """A plain zip whose member header declares 1,000 bytes but inflates to ``mebibytes``."""
    block = b"\x00" * MIB
    raw = _flushed_deflate(block, mebibytes)
    path.write_bytes(_zip_one_deflated("small.txt", raw, _crc_repeat(block, mebibytes), 1000))
    return path


def xlsx_bomb(path: Path, megabytes: int = 300) -> Path:
    """An XLSX-shaped zip whose sheet inflates ~1000:1 to ``megabytes`` MiB."""
    sml = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", f"""<?xml version="1.0"?><Types xmlns="{CT}">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>""")
        zf.writestr("_rels/.rels", f"""<?xml version="1.0"?><Relationships xmlns="{RELS}">
<Relationship Id="rId1" Type="{RT}/officeDocument" Target="xl/workbook.xml"/></Relationships>""")
        zf.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{sml}" '
                    f'xmlns:r="{RT[:-len("/relationships")]}/relationships"><sheets>'
                    '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels", f"""<?xml version="1.0"?>
<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{RT}/worksheet"
 Target="worksheets/sheet1.xml"/></Relationships>""")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(f'<?xml version="1.0"?><worksheet xmlns="{sml}"><sheetData>'.encode())
            block = b" " * MIB
            for _ in range(megabytes):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    return path


def nested_zip(path: Path, depth: int = 12) -> Path:
    """A zip in a zip in a zip ... ``depth`` levels, a text file at the bottom."""
    data = GOOD_TEXT.encode()
    name = "bottom.txt"
    for level in range(depth):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(name, data)
        data, name = buf.getvalue(), f"level-{depth - level}.zip"
    path.write_bytes(data)
    return path


def many_members_zip(path: Path, members: int = 100_000) -> Path:
    """A zip with ``members`` one-byte members (stored)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for i in range(members):
            zf.writestr(zipfile.ZipInfo(f"m{i}.txt"), b"x")
    return path


EVIL_NAMES = ("../../evil.txt", "/etc/evil")


def traversal_zip(path: Path) -> Path:
    """A zip whose members try to leave the folder: ``../../evil.txt`` and ``/etc/evil``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", GOOD_TEXT)
        for name in EVIL_NAMES:
            info = zipfile.ZipInfo("placeholder")
            info.filename = name  # ZipInfo() would strip the leading slash
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, f"written by a path traversal as {name}\n")
    return path


def traversal_tar(path: Path, compress: str = "") -> Path:
    """A tar (``compress="gz"``: a tar.gz) with ``../../evil.txt``, ``/etc/evil``, a
    symbolic link and a hard link to /etc/passwd."""
    with tarfile.open(path, f"w:{compress}", format=tarfile.GNU_FORMAT) as tf:
        def add(name: str, data: bytes) -> None:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_700_000_000
            tf.addfile(info, io.BytesIO(data))

        add("readme.txt", GOOD_TEXT.encode())
        for name in EVIL_NAMES:
            add(name, f"written by a path traversal as {name}\n".encode())
        for name, kind in (("passwd-link", tarfile.SYMTYPE), ("passwd-hard", tarfile.LNKTYPE)):
            info = tarfile.TarInfo(name)
            info.type = kind
            info.linkname = "/etc/passwd"
            info.mtime = 1_700_000_000
            tf.addfile(info)
    return path


def plain_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("memo.txt", GOOD_TEXT * 20)
        zf.writestr("notes/second.txt", "Second note, copy 3 of 12.\n" * 20)
    return path


def plain_targz(path: Path) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, text in (("memo.txt", GOOD_TEXT * 20), ("second.txt", "Second note.\n" * 20)):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_700_000_000
            tf.addfile(info, io.BytesIO(data))
    return path


# -- PDFs -----------------------------------------------------------------------------


def pdf_pages_cycle(path: Path) -> Path:
    """A /Pages node whose /Kids holds the node itself (next to a real page)."""
    page_objs, page = _text_page_objects("Cyclic page tree", 3)
    return _raw_pdf(path, [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
        f"2 0 obj << /Type /Pages /Kids [{page} 0 R 2 0 R] /Count 2 >> endobj".encode(),
        *page_objs,
    ], root=1)


def pdf_self_length(path: Path) -> Path:
    """A content stream whose /Length is an indirect reference to the stream itself."""
    return page_with_stream(path, b"4 0 R", b"BT /F1 12 Tf 72 720 Td (Self referencing length) Tj ET")


def pdf_huge_length(path: Path) -> Path:
    """A content stream declaring a /Length of 999,999,999,999 bytes."""
    return page_with_stream(path, b"999999999999", b"BT /F1 12 Tf 72 720 Td (Huge declared length) Tj ET")


def pdf_flate_bomb(path: Path, mebibytes: int = 4096) -> Path:
    """A page whose content stream is a FlateDecode bomb: ~4 MB inflating to
    ``mebibytes`` MiB of drawing operators (PDFium, decoding it whole, grows past 2 GB)."""
    block = b"0 0 m 1 1 l S\n" * (MIB // 14) + b" " * (MIB % 14)
    stream = (b"\x78\xda" + _flushed_deflate(block, mebibytes)
              + struct.pack(">I", _adler_repeat(block, mebibytes)))
    return _raw_pdf(path, [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << >> >> endobj",
        b"4 0 obj << /Length %d /Filter /FlateDecode >> stream\n" % len(stream) + stream
        + b"\nendstream endobj",
    ], root=1)


# -- images ---------------------------------------------------------------------------


def tiff_huge(path: Path) -> Path:
    """A TIFF declaring 100,000 x 100,000 8-bit grey pixels (one tiny strip)."""
    path.write_bytes(tiff([(256, 4, 100_000), (257, 4, 100_000), (258, 3, 8), (259, 3, 1),
                           (262, 3, 1), (277, 3, 1), (278, 4, 100_000)], b"\x00" * 64))
    return path


def gif_huge(path: Path) -> Path:
    """A GIF whose screen and image both declare 65,535 x 65,535 pixels."""
    data = b"GIF89a" + struct.pack("<HHBBB", 0xFFFF, 0xFFFF, 0x80, 0, 0)
    data += b"\x00\x00\x00\xff\xff\xff"  # a two-colour global table
    data += b"\x2c" + struct.pack("<HHHHB", 0, 0, 0xFFFF, 0xFFFF, 0)
    data += b"\x02\x02\x4c\x01\x00\x3b"  # LZW min code 2, one data block, end, trailer
    path.write_bytes(data)
    return path


# -- truncated, empty and lying files -------------------------------------------------


def _valid_sources(folder: Path) -> dict[str, Path]:
    """One valid file of every format, to be truncated (kept in a private subfolder)."""
    folder.mkdir(parents=True, exist_ok=True)
    img = _small_image()
    eml = folder / "valid.eml"
    from tests.email.make_fixtures import dirty_eml

    return {
        "pdf": make_plain(folder / "valid.pdf", pages=2),
        "docx": make_plain_docx(folder / "valid.docx"),
        "xlsx": _ret(make_xlsx, folder / "valid.xlsx"),
        "pptx": _ret(make_pptx, folder / "valid.pptx"),
        "odt": _ret(make_odt, folder / "valid.odt"),
        "jpeg": dirty_jpeg(folder / "valid.jpg", img),
        "png": dirty_png(folder / "valid.png", img),
        "tiff": dirty_tiff(folder / "valid.tif", img, frames=1),
        "webp": dirty_webp(folder / "valid.webp", img),
        "eml": dirty_eml(eml),
        "zip": plain_zip(folder / "valid.zip"),
        "tar.gz": plain_targz(folder / "valid.tar.gz"),
        "svg": _write(folder / "valid.svg", svg_dirty()),
    }


def _ret(make: Callable[[Path], object], path: Path) -> Path:
    make(path)
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "pptx": "pptx", "odt": "odt",
              "jpeg": "jpg", "png": "png", "tiff": "tif", "webp": "webp", "eml": "eml",
              "zip": "zip", "tar.gz": "tar.gz", "svg": "svg"}
FORMATS = tuple(EXTENSIONS)


def elf_binary() -> bytes:
    """An executable: /bin/ls where there is one, else a minimal ELF header."""
    for cand in ("/bin/ls", "/usr/bin/ls", "/bin/sh"):
        p = Path(cand)
        if p.is_file():
            return p.read_bytes()
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x02\x00\x3e\x00" + bytes(range(256)) * 16


# -- all ------------------------------------------------------------------------------

Maker = Callable[[Path, str], Path]


def _makers() -> dict[str, tuple[str, Maker]]:
    """``{fixture id: (file name, maker(path, xxe_url))}`` for everything but the
    truncated and empty files (made from the valid sources in :func:`write_all`)."""
    m: dict[str, tuple[str, Maker]] = {
        # zip bombs
        "bomb-docx": ("bomb.docx", lambda p, u: make_zip_bomb_docx(p, 300)),
        "bomb-docx-lying-header": ("lying.docx", lambda p, u: make_lying_zip_docx(p, 64)),
        "bomb-xlsx": ("bomb.xlsx", lambda p, u: xlsx_bomb(p, 300)),
        "bomb-zip": ("bomb.zip", lambda p, u: zip_bomb(p, 1024)),
        "bomb-zip-lying-header": ("lying.zip", lambda p, u: lying_zip(p, 256)),
        "zip-nested-12": ("nested.zip", lambda p, u: nested_zip(p, 12)),
        "zip-100k-members": ("many.zip", lambda p, u: many_members_zip(p, 100_000)),
        # PDFs
        "pdf-pages-cycle": ("pages-cycle.pdf", lambda p, u: pdf_pages_cycle(p)),
        "pdf-self-length": ("self-length.pdf", lambda p, u: pdf_self_length(p)),
        "pdf-looping-objects": ("looping-objects.pdf", lambda p, u: make_looping_objects(p)),
        "pdf-huge-length": ("huge-length.pdf", lambda p, u: pdf_huge_length(p)),
        "pdf-flate-bomb": ("flate-bomb.pdf", lambda p, u: pdf_flate_bomb(p, 4096)),
        "pdf-encrypted": ("encrypted.pdf", lambda p, u: make_encrypted(p)),
        "pdf-damaged": ("damaged.pdf", lambda p, u: make_truncated(p)),
        "docx-encrypted": ("encrypted.docx", lambda p, u: make_encrypted_docx(p)),
        # images declaring huge sizes
        "png-huge": ("huge.png", lambda p, u: bomb_png(p, 100_000, 100_000)),
        "jpeg-huge": ("huge.jpg", lambda p, u: bomb_jpeg(p, 65_000, 65_000)),
        "tiff-huge": ("huge.tif", lambda p, u: tiff_huge(p)),
        "gif-huge": ("huge.gif", lambda p, u: gif_huge(p)),
        # archives whose members try to get out
        "zip-traversal": ("traversal.zip", lambda p, u: traversal_zip(p)),
        "tar-traversal-symlink": ("traversal.tar", lambda p, u: traversal_tar(p)),
        "targz-traversal-symlink": ("traversal.tar.gz", lambda p, u: traversal_tar(p, "gz")),
        # file names with control characters
        "name-control-chars": (CONTROL_NAME, lambda p, u: _write(p, GOOD_TEXT.encode())),
        "name-control-chars-bad": (CONTROL_NAME_BAD,
                                   lambda p, u: _write(p, b"%PDF-1.7\n" + bytes(range(256)) * 4)),
        # extensions that lie
        "png-named-pdf": ("picture.pdf", lambda p, u: dirty_png(p, _small_image())),
        "pdf-named-docx": ("report.docx", lambda p, u: make_plain(p, pages=1)),
        "random-named-docx": ("random.docx", lambda p, u: _write(
            p, random.Random(9).randbytes(8192))),
        "elf-named-txt": ("program.txt", lambda p, u: _write(p, elf_binary())),
    }
    for kind in ENTITY_KINDS:
        m[f"{kind}-docx-document"] = (
            f"{kind}-document.docx",
            lambda p, u, k=kind: hostile_docx_part(p, "word/document.xml", k, u))
        m[f"{kind}-docx-core"] = (
            f"{kind}-core.docx",
            lambda p, u, k=kind: hostile_docx_part(p, "docProps/core.xml", k, u))
        m[f"{kind}-svg"] = (f"{kind}.svg", lambda p, u, k=kind: hostile_svg(p, k, u))
        m[f"{kind}-jpeg-xmp"] = (f"{kind}-xmp.jpg", lambda p, u, k=kind: hostile_xmp_jpeg(p, k, u))
        m[f"{kind}-pdf-xmp"] = (f"{kind}-xmp.pdf", lambda p, u, k=kind: hostile_xmp_pdf(p, k, u))
    return m


MAKERS = _makers()


def write_all(folder: Path, xxe_url: str = DEFAULT_XXE_URL) -> dict[str, Path]:
    """Write every hostile fixture into ``folder`` (flat); return ``{fixture id: path}``.

    The valid files the truncated ones are cut from are made in a temporary folder
    and removed, so ``folder`` holds only hostile files.
    """
    import tempfile

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for key, (name, make) in MAKERS.items():
        out[key] = Path(make(folder / name, xxe_url))
    with tempfile.TemporaryDirectory(prefix="leakdesk-valid-") as tmp:
        sources = _valid_sources(Path(tmp))
        for fmt, src in sources.items():
            ext = EXTENSIONS[fmt]
            data = src.read_bytes()
            out[f"truncated-half-{fmt}"] = _write(folder / f"half.{ext}", data[: len(data) // 2])
            out[f"truncated-10-{fmt}"] = _write(folder / f"ten.{ext}", data[:10])
    for fmt in (*FORMATS, "txt"):
        ext = EXTENSIONS.get(fmt, fmt)
        out[f"empty-{fmt}"] = _write(folder / f"empty.{ext}", b"")
    return out


def main(argv: list[str]) -> int:
    target = Path(argv[1] if len(argv) > 1 else "hostile-fixtures")
    for key, p in write_all(target).items():
        print(f"{key}\t{p.stat().st_size:,} bytes\t{p.name!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
