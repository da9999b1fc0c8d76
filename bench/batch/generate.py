"""Generate N small documents (txt, pdf, docx in turn) in nested folders, fast.

PDFs are written directly (one page, Helvetica, one content stream); DOCX files
are minimal WordprocessingML zips.  Each document is a short fictional memo with
a copy number, a serial and a distribution line, so every one has findings.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

WORDS = (
    "the minister said that talks on the harbour project would resume after the "
    "budget review while officials in the capital expected a delay of several weeks "
    "because the committee had not yet agreed on the funding and the ambassador "
    "asked for a written assurance before the next round"
).split()


def memo(i: int, rng: random.Random) -> list[str]:
    body = []
    for _ in range(rng.randint(3, 8)):
        n = rng.randint(12, 30)
        sent = " ".join(rng.choice(WORDS) for _ in range(n))
        body.append(sent[0].upper() + sent[1:] + ".")
    return [
        "CONFIDENTIAL",
        f"Copy No. {i % 12 + 1} of 12",
        f"No. E-{1000 + i % 9000}/LDN",
        "Distribution: Minister, Permanent Secretary, Desk Officer",
        "",
        *body,
    ]


def _pdf_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path: Path, lines: list[str]) -> None:
    ops = ["BT", "/F1 10 Tf", "72 760 Td", "12 TL"]
    for line in lines:
        ops.append(f"({_pdf_escape(line[:95])}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Author (Desk Officer) /Producer (bench) >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    path.write_bytes(bytes(out))


_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>'
)
_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:creator>Desk Officer</dc:creator><cp:lastModifiedBy>Clerk {i}</cp:lastModifiedBy>"
    "</cp:coreProperties>"
)


def _xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_docx(path: Path, lines: list[str], i: int) -> None:
    paras = "".join(
        f'<w:p w:rsidR="00A{i % 9999:04d}"><w:r><w:t xml:space="preserve">{_xml_escape(t)}</w:t></w:r></w:p>'
        for t in lines
    )
    doc = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{paras}</w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", doc)
        z.writestr("docProps/core.xml", _CORE.format(i=i))


def generate(root: Path, n: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        folder = root / f"d{i // 1000:03d}" / f"s{(i // 100) % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        lines = memo(i, rng)
        kind = i % 3
        if kind == 0:
            (folder / f"memo{i}.txt").write_text("\n".join(lines) + "\n")
        elif kind == 1:
            write_pdf(folder / f"memo{i}.pdf", lines)
        else:
            write_docx(folder / f"memo{i}.docx", lines, i)
    return root
