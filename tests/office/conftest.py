"""Office fixtures, generated once per test session, and helpers shared by the tests."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import unescape

import pytest

from .make_fixtures import (
    make_encrypted_docx,
    make_full_docx,
    make_lying_zip_docx,
    make_odt,
    make_plain_docx,
    make_pptx,
    make_strict_docx,
    make_truncated_docx,
    make_xlsx,
    make_zip_bomb_docx,
)


@pytest.fixture(scope="session")
def office_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("office")
    make_full_docx(d / "full.docx")
    make_plain_docx(d / "plain.docx")
    make_strict_docx(d / "strict.docx", d / "full.docx")
    make_truncated_docx(d / "truncated.docx", d / "full.docx")
    make_encrypted_docx(d / "encrypted.docx")
    make_zip_bomb_docx(d / "bomb.docx", megabytes=256)
    make_lying_zip_docx(d / "lying.docx", megabytes=96)
    make_odt(d / "full.odt")
    make_xlsx(d / "full.xlsx")
    make_pptx(d / "full.pptx")
    return d


#: A sanitize policy that acts on container traces only: text-detector findings are kept,
#: so what these tests check does not depend on the text detectors' heuristics.
CONTAINER_ONLY_POLICY = """
version: 1
categories:
  marking: {action: keep}
  identifier: {action: keep}
  distribution: {action: keep}
  datetime: {action: keep}
  whitespace: {action: keep}
  typography: {action: keep}
  wording: {action: keep}
detectors:
  docx.field: {action: replace}
  odf.field: {action: replace}
propagate: []
"""


@pytest.fixture(scope="session")
def container_policy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("policy") / "container-only.yaml"
    p.write_text(CONTAINER_ONLY_POLICY, encoding="utf-8")
    return p


def zip_views(path: Path) -> dict[str, bytes]:
    """Every member of a zip, decompressed, plus its text with XML entities decoded:
    read here with zipfile and regular expressions, independently of leakdesk."""
    out: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as z:
        out["<directory>"] = "\n".join(z.namelist()).encode() + z.comment
        for name in z.namelist():
            data = z.read(name)
            out[name] = data
            if name.endswith((".xml", ".rels", ".vml")):
                text = data.decode("utf-8", "replace")
                # text between tags and attribute values, entities decoded
                pieces = re.findall(r">([^<]+)<", text) + re.findall(r'="([^"]*)"', text)
                decoded = "\n".join(unescape(p, {"&quot;": '"', "&apos;": "'"}) for p in pieces)
                decoded = re.sub(r"&#x([0-9a-fA-F]+);", lambda m: chr(int(m.group(1), 16)), decoded)
                decoded = re.sub(r"&#([0-9]+);", lambda m: chr(int(m.group(1))), decoded)
                out[name + "#text"] = decoded.encode("utf-8")
    return out


def survivors(path: Path, values: dict[str, str]) -> list[tuple[str, str, str]]:
    """(trace, member, encoding) for every value still found in any member of ``path``."""
    found = []
    for member, data in zip_views(path).items():
        for key, value in values.items():
            for enc in ("utf-8", "utf-16-le", "utf-16-be"):
                if value.encode(enc) in data:
                    found.append((key, member, enc))
    return found


def docx_paragraphs(path: Path) -> list[str]:
    """Body paragraphs as python-docx (a third, independent reader) sees them."""
    import docx

    d = docx.Document(io.BytesIO(path.read_bytes()))
    paras = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            for cell in row.cells:
                paras.extend(p.text for p in cell.paragraphs)
    return paras
