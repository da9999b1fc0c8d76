"""Sanitizing a DOCX leaves no trace in any zip member, keeps the body and its formatting,
and writes a package that LibreOffice opens."""

from __future__ import annotations

import difflib
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from leakdesk.api import audit
from leakdesk.document import Action, Finding, Severity
from leakdesk.formats import ReadOptions, detect, read_document
from leakdesk.formats.base import CleanResult
from leakdesk.sanitize.engine import build_plan
from leakdesk.sanitize.plan import CleanPlan

from .conftest import docx_paragraphs, survivors, zip_views
from .make_fixtures import BODY, TRACES, TRICKY_CLEAN

#: Values that stay visible, edited by the plan (so they must still go).
MARKINGS = ("header_marking", "footer_marking")


def sanitize(src: Path, out: Path, extra: tuple[str, ...] = ()) -> tuple[CleanPlan, CleanResult]:
    """What ``leakdesk sanitize`` does: audit, plan with the default policy, clean.

    The header and footer markings get a finding each here, as the markings
    detector would give them."""
    result = audit(src)
    doc = result.document
    # the adapter's own findings only: the text detectors' choices are tested elsewhere
    findings: list[Finding] = list(doc.container_findings)
    for value in [TRACES[k] for k in MARKINGS] + list(extra):
        i = doc.text.find(value)
        if i >= 0:
            findings.append(doc.finding("test.marking", "marking", Severity.HIGH, "marking",
                                        i, i + len(value), action=Action.REPLACE))
    plan = build_plan(doc, findings)
    adapter = detect(src)
    res = adapter.clean(doc, plan, out, ReadOptions())
    return plan, res


@pytest.fixture(scope="module")
def cleaned(office_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("clean") / "full.clean.docx"
    plan, res = sanitize(office_dir / "full.docx", out)
    return out, plan, res


def test_no_trace_survives_in_any_member(cleaned) -> None:
    out, _plan, _res = cleaned
    assert survivors(out, TRACES) == []
    # nor in the adapter's own residue view
    adapter = detect(out)
    for label, data in adapter.residue_streams(out, ReadOptions()):
        for key, value in TRACES.items():
            assert value.encode() not in data, (key, label)


def test_plan_removed_strings_are_gone(cleaned) -> None:
    out, plan, _res = cleaned
    views = zip_views(out)
    text = detect(out).independent_text(out, ReadOptions())
    squeezed = "".join(text.split())
    for s in plan.removed:
        assert not any(s.encode() in data for data in views.values()), s
        assert "".join(s.split()) not in squeezed, s


def test_body_is_kept(cleaned, office_dir: Path) -> None:
    out, _plan, _res = cleaned
    after = docx_paragraphs(out)
    joined = "\n".join(after)
    for para in BODY:
        best = max(difflib.SequenceMatcher(None, para, a).ratio() for a in after)
        assert best >= 0.95, para
    assert TRICKY_CLEAN in joined  # invisible char deleted, homoglyph mapped, across runs
    assert "The talks resumed after a short recess." in joined
    assert "Northern" in joined and "Dropped" in joined


def test_formatting_of_edited_runs_is_kept(cleaned) -> None:
    import docx

    out, _plan, _res = cleaned
    d = docx.Document(str(out))
    para = next(p for p in d.paragraphs if p.text == TRICKY_CLEAN)
    bold = [r.text for r in para.runs if r.bold]
    assert bold == ["ation arrived at the emb"]


def test_fields_keep_their_edited_result(cleaned) -> None:
    out, _plan, _res = cleaned
    data = zipfile.ZipFile(out).read("word/document.xml")
    assert b"FILENAME" not in data and b"AUTHOR" not in data
    assert b"PAGE" in data  # harmless fields stay fields
    assert "File reference: [REDACTED]; prepared by [REDACTED]; page 1." in docx_text(out)


def test_real_cli_with_default_policy(office_dir: Path, tmp_path: Path) -> None:
    """``leakdesk sanitize`` as a user runs it: proof passed, no trace in any member, and
    the prose paragraphs kept."""
    from tests.conftest import run_cli

    out = tmp_path / "cli.docx"
    r = run_cli("sanitize", office_dir / "full.docx", "-o", out)
    assert r.code == 0, r.out + r.err
    assert "PASSED" in r.out
    assert survivors(out, {k: v for k, v in TRACES.items() if k not in MARKINGS}) == []
    after = docx_paragraphs(out)
    for para in BODY:
        assert max(difflib.SequenceMatcher(None, para, a).ratio() for a in after) >= 0.95


def test_what_was_done_is_reported(cleaned) -> None:
    _out, _plan, res = cleaned
    text = "\n".join(res.actions)
    for word in ("tracked change", "comments", "hidden text", "rsid", "thumbnail",
                 "printer settings", "custom XML", "core properties", "picture",
                 "embedded object"):
        assert word in text, word
    assert res.format == "docx"


def test_zip_is_written_fresh(cleaned) -> None:
    out, _plan, _res = cleaned
    with zipfile.ZipFile(out) as z:
        infos = z.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert infos[1].filename == "_rels/.rels"
        names = [i.filename for i in infos[2:]]
        assert names == sorted(names)
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.extra == b"" and info.comment == b""
        assert z.comment == b""
        assert not any(n.startswith(("customXml/", "docProps/thumbnail", "docProps/custom"))
                       or "printerSettings" in n or "embeddings" in n or "comments" in n
                       or "people" in n for n in z.namelist())


def test_package_is_valid(cleaned) -> None:
    """Every XML member is well-formed; every relationship target exists; every part has
    a content type; no element points at a missing relationship id."""
    out, _plan, _res = cleaned
    assert_valid_package(out)


def assert_valid_package(path: Path) -> None:
    r_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        trees = {n: etree.fromstring(z.read(n)) for n in names if n.endswith((".xml", ".rels"))}
    ct = trees["[Content_Types].xml"]
    defaults = {e.get("Extension").lower() for e in ct if e.tag.endswith("Default")}
    overrides = {e.get("PartName").lstrip("/") for e in ct if e.tag.endswith("Override")}
    for n in names:
        if n == "[Content_Types].xml":
            continue
        assert n in overrides or n.rsplit(".", 1)[-1].lower() in defaults, n
    assert overrides <= names, overrides - names
    for rels_name, root in trees.items():
        if not rels_name.endswith(".rels"):
            continue
        folder, base = rels_name.rsplit("/_rels/", 1) if "/_rels/" in rels_name else ("", rels_name[6:])
        source = f"{folder}/{base[:-5]}" if folder else base[:-5]
        ids = set()
        for rel in root:
            ids.add(rel.get("Id"))
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target")
            import posixpath

            full = posixpath.normpath(posixpath.join(folder, target)) if not target.startswith("/") else target[1:]
            assert full in names, (rels_name, target)
        if source in trees:
            for el in trees[source].iter():
                for key, val in el.attrib.items():
                    if key.startswith(f"{{{r_ns}}}"):
                        assert val in ids, (source, key, val)


def docx_text(path: Path) -> str:
    from leakdesk.formats.docx import Adapter

    return Adapter().independent_text(path, ReadOptions())


def test_cleaned_file_audits_clean(cleaned) -> None:
    out, _plan, _res = cleaned
    doc = read_document(out)
    leftovers = {f.detector for f in doc.container_findings if f.severity is not Severity.LOW}
    assert leftovers == set(), leftovers
    assert not any(s.part in ("hidden", "revision", "comment") for s in doc.segments)


def test_cleaning_twice_is_stable(cleaned, tmp_path: Path) -> None:
    out, _plan, _res = cleaned
    again = tmp_path / "again.docx"
    sanitize(out, again)
    assert docx_paragraphs(again) == docx_paragraphs(out)


def test_strict_ooxml_is_cleaned_and_stays_strict(office_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "strict.clean.docx"
    sanitize(office_dir / "strict.docx", out)
    assert survivors(out, TRACES) == []
    data = zipfile.ZipFile(out).read("word/document.xml")
    assert b"http://purl.oclc.org/ooxml/wordprocessingml/main" in data
    assert b"schemas.openxmlformats.org/wordprocessingml" not in data
    assert TRICKY_CLEAN in docx_text(out)


def test_link_addresses_and_alt_text_do_not_survive(tmp_path: Path) -> None:
    from .make_fixtures import LINK, make_hyperlink_docx

    src = make_hyperlink_docx(tmp_path / "link.docx")
    doc = read_document(src)
    assert any(f.detector == "docx.alt-text" and "IMG_4471" in f.excerpt
               for f in doc.container_findings)
    out = tmp_path / "link.clean.docx"
    sanitize(src, out, extra=(LINK,))
    assert survivors(out, {"link": LINK, "alt": "IMG_4471", "path": "jdoe"}) == []
    assert "Second paragraph stays." in docx_text(out)
    assert b'Target="about:blank"' in zipfile.ZipFile(out).read("word/_rels/document.xml.rels")
    assert_valid_package(out)


def test_a_changed_source_is_refused(office_dir: Path, tmp_path: Path) -> None:
    from leakdesk.errors import InputError

    src = tmp_path / "src.docx"
    src.write_bytes((office_dir / "plain.docx").read_bytes())
    doc = read_document(src)
    from .make_fixtures import make_plain_docx

    make_plain_docx(src, ["Something else entirely."])
    plan = build_plan(doc, [])
    with pytest.raises(InputError, match="changed"):
        detect(src).clean(doc, plan, tmp_path / "out.docx", ReadOptions())


@pytest.mark.external
def test_libreoffice_opens_the_clean_copy(cleaned, tmp_path: Path) -> None:
    from leakdesk._exec import soffice

    if not soffice.available():
        pytest.skip("soffice (libreoffice-writer-nogui) is not installed")
    out, _plan, _res = cleaned
    pdf = soffice.convert(out, "pdf", tmp_path)
    import pypdfium2 as pdfium

    text = "\n".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(str(pdf)))
    flat = " ".join(text.split())
    for para in BODY:
        assert para in flat, para
    assert TRICKY_CLEAN in flat
    for key, value in TRACES.items():
        assert value not in flat, key


@pytest.mark.external
def test_exiftool_sees_no_metadata(cleaned) -> None:
    import shutil
    import subprocess

    if shutil.which("exiftool") is None:
        pytest.skip("exiftool is not installed")
    out, _plan, _res = cleaned
    before = subprocess.run(["exiftool", "-a", "-u", str(out).replace(".clean", "")],
                            capture_output=True, text=True, check=False)
    del before
    after = subprocess.run(["exiftool", "-a", "-u", "-G1", str(out)], capture_output=True,
                           text=True, check=True).stdout
    for key, value in TRACES.items():
        assert value not in after, key
    for tag in ("Creator", "Last Modified By", "Company", "Template", "Application",
                "Create Date", "Revision Number", "Preview Image"):
        assert f" {tag} " not in after and f"]{tag}" not in after, tag


def test_embedded_picture_is_pixels_only(cleaned) -> None:
    from PIL import Image

    out, _plan, _res = cleaned
    with zipfile.ZipFile(out) as z:
        jpgs = [n for n in z.namelist() if n.endswith(".jpg")]
        assert jpgs
        im = Image.open(io.BytesIO(z.read(jpgs[0])))
        assert len(im.getexif()) == 0
        assert im.size == (64, 48)
