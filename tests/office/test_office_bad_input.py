"""Hostile and broken Office files: one clear line, exit 2, bounded memory, no output."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leakdesk.errors import EncryptedInput, InputError, LimitExceeded
from leakdesk.formats import ReadOptions, read_document
from leakdesk.formats._office import apply_local, distribute_edits, parse_xml
from leakdesk.formats._zipsafe import SafeZip, ole2_encrypted_package, unsafe_member_name
from leakdesk.formats.base import Limits
from tests.conftest import run_cli

from .make_fixtures import cfb, make_real_encrypted_docx

CASES = [
    ("bomb.docx", "zip bomb"),
    ("lying.docx", "corrupt or truncated member"),
    ("truncated.docx", "corrupt or truncated DOCX"),
    ("encrypted.docx", "password-protected Office file"),
]


@pytest.mark.parametrize(("name", "expect"), CASES)
def test_audit_refuses_with_one_line(office_dir: Path, name: str, expect: str) -> None:
    path = office_dir / name
    r = run_cli("audit", path)
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith("leakdesk: ") and str(path) in lines[0]
    assert expect in lines[0], lines[0]
    assert "Traceback" not in r.err


@pytest.mark.parametrize(("name", "expect"), CASES)
def test_sanitize_refuses_and_writes_nothing(office_dir: Path, tmp_path: Path, name: str,
                                             expect: str) -> None:
    from leakdesk.cli import COMMAND_MODULES

    if "sanitize" not in COMMAND_MODULES:
        pytest.skip("the sanitize command is not wired in yet")
    out = tmp_path / "out.docx"
    r = run_cli("sanitize", office_dir / name, "-o", out)
    assert r.code == 2, r.err
    assert expect in r.err and "Traceback" not in r.err
    assert list(tmp_path.iterdir()) == []


_PEAK = """
import os, resource, sys
os.environ["LEAKDESK_ISOLATION"] = "off"
from leakdesk.cli import main
code = main(["audit", sys.argv[1]])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, code)
"""


def _peak_kib(path: Path) -> tuple[int, int]:
    env = dict(os.environ, LEAKDESK_ISOLATION="off")
    r = subprocess.run([sys.executable, "-c", _PEAK, str(path)], capture_output=True, text=True,
                       env=env, timeout=120, check=False)
    peak, code = r.stdout.split()[-2:]
    return int(peak), int(code)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bomb.docx", "lying.docx"])
def test_memory_stays_bounded(office_dir: Path, name: str) -> None:
    """A 256 MiB (or lying 96 MiB) member never gets decompressed into memory:
    peak RSS stays within 48 MiB of auditing a small, normal DOCX."""
    base, code = _peak_kib(office_dir / "plain.docx")
    assert code == 1
    peak, code = _peak_kib(office_dir / name)
    assert code == 2
    growth_mib = (peak - base) / 1024
    assert growth_mib < 48, f"peak grew by {growth_mib:.0f} MiB"


def test_password_protected_detection(tmp_path: Path) -> None:
    ole = tmp_path / "x.docx"
    ole.write_bytes(cfb([("EncryptionInfo", b"\0" * 4096), ("EncryptedPackage", b"\1" * 5000)]))
    assert ole2_encrypted_package(ole)
    plain_ole = tmp_path / "old.doc"
    plain_ole.write_bytes(cfb([("WordDocument", b"\0" * 4096)]))
    assert not ole2_encrypted_package(plain_ole)
    with pytest.raises(EncryptedInput, match="password-protected"):
        read_document(ole)


def test_real_encrypted_docx_opens_with_its_password(office_dir: Path, tmp_path: Path) -> None:
    enc = make_real_encrypted_docx(tmp_path / "enc.docx", office_dir / "plain.docx", "s3cret")
    if enc is None:
        pytest.skip("msoffcrypto-tool is not installed")
    with pytest.raises(EncryptedInput, match="password-protected"):
        read_document(enc)
    with pytest.raises(EncryptedInput, match="wrong password"):
        read_document(enc, ReadOptions(password="nope"))
    doc = read_document(enc, ReadOptions(password="s3cret"))
    assert doc.format == "docx" and "The ambassador met the energy minister" in doc.text
    r = run_cli("audit", enc, "--password", "s3cret", "--format", "json")
    assert r.code in (0, 1), r.err


# -- SafeZip within small limits -------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_total_budget_is_counted_while_reading(tmp_path: Path) -> None:
    z = _zip(tmp_path / "a.zip", {f"m{i}": os.urandom(1000) for i in range(10)})
    limits = replace(Limits(), max_uncompressed_bytes=50_000)
    with SafeZip(z, limits) as sz:
        for name in sz.names[:5]:
            sz.read(name)
    limits = replace(Limits(), max_uncompressed_bytes=9_500)
    with pytest.raises(LimitExceeded):
        SafeZip(z, limits)  # declared sizes already over


def test_per_read_cap(tmp_path: Path) -> None:
    z = _zip(tmp_path / "a.zip", {"big": os.urandom(100_000)})
    with SafeZip(z, Limits()) as sz, pytest.raises(LimitExceeded, match="limit"):
        sz.read("big", cap=10_000)


def test_refusals(tmp_path: Path) -> None:
    z = _zip(tmp_path / "t.zip", {"../evil.xml": b"x"})
    with pytest.raises(InputError, match="leaves the archive"):
        SafeZip(z, Limits())
    z = tmp_path / "dup.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("word/document.xml", b"a")
        zf.writestr("Word/Document.xml", b"b")
    with pytest.raises(InputError, match="same name"):
        SafeZip(z, Limits())
    z = tmp_path / "link.zip"
    with zipfile.ZipFile(z, "w") as zf:
        info = zipfile.ZipInfo("link")
        info.create_system = 3
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(InputError, match="symbolic link"):
        SafeZip(z, Limits())
    z = _zip(tmp_path / "enc.zip", {"a": b"x"})
    raw = bytearray(z.read_bytes())
    raw[6] |= 1  # local header flag
    cd = raw.find(b"PK\x01\x02")
    raw[cd + 8] |= 1  # central directory flag
    z.write_bytes(bytes(raw))
    with pytest.raises(EncryptedInput):
        SafeZip(z, Limits())
    z = _zip(tmp_path / "n.zip", {"a": b"x"})
    with pytest.raises(LimitExceeded, match="nested"):
        SafeZip(z, Limits(), depth=5)
    z = _zip(tmp_path / "many.zip", {f"m{i}": b"" for i in range(30)})
    with pytest.raises(LimitExceeded, match="members"):
        SafeZip(z, replace(Limits(), max_archive_members=20))


@pytest.mark.parametrize("name", ["/etc/passwd", "C:\\x", "a/../../b", "a\x00b", ""])
def test_unsafe_names(name: str) -> None:
    assert unsafe_member_name(name)


@pytest.mark.parametrize("name", ["word/document.xml", "[Content_Types].xml", "a..b/c"])
def test_safe_names(name: str) -> None:
    assert unsafe_member_name(name) is None


def test_xml_with_a_dtd_is_refused() -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><w:document>&lol2;</w:document>')
    with pytest.raises(InputError, match="entities"):
        parse_xml(laughs, "word/document.xml", None)
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    with pytest.raises(InputError, match="entities"):
        parse_xml(xxe, "word/document.xml", None)
    subset = b'<?xml version="1.0"?><!DOCTYPE x [<!ELEMENT x ANY>]><x/>'
    with pytest.raises(InputError, match="internal DTD"):
        parse_xml(subset, "content.xml", None)
    # old OpenOffice manifests name an external DTD: harmless, never fetched
    old = (b'<?xml version="1.0"?><!DOCTYPE manifest:manifest PUBLIC "-//OpenOffice.org//DTD '
           b'Manifest 1.0//EN" "Manifest.dtd"><manifest:manifest '
           b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    assert parse_xml(old, "META-INF/manifest.xml", None) is not None
    with pytest.raises(InputError, match="malformed XML"):
        parse_xml(b"<a><b></a>", "word/document.xml", None)


# -- edits over runs: a property test ------------------------------------------------------------


@given(
    chunks=st.lists(st.tuples(st.text(alphabet="abc \u200b", min_size=0, max_size=6), st.booleans()),
                    min_size=1, max_size=8),
    raw_edits=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8),
                                 st.sampled_from(["", "X", "[R]"])), max_size=5),
)
def test_distributed_edits_equal_edits_on_the_text(chunks, raw_edits) -> None:
    """Applying edits piece by piece gives the same text as applying them to the whole,
    whatever the run boundaries (atoms are 1-character pieces, e.g. tabs)."""
    text = ""
    spans = []
    for chunk, atom in chunks:
        piece = "\t" if atom else chunk
        spans.append((len(text), len(text) + len(piece), not atom))
        text += piece
    edits = []
    pos = 0
    for start, length, repl in sorted(raw_edits):
        start = min(start, len(text))
        if start < pos:
            continue
        end = min(start + length, len(text))
        # edits that touch an atom cover all of it (atoms are removed whole)
        for s, e, editable in spans:
            if not editable and s < end and e > start:
                start, end = min(start, s), max(end, e)
        if start < pos:
            continue
        edits.append((start, end, repl))
        pos = end
    # an edit with text to place must have an editable piece that holds its start, or
    # one next to it with nothing kept in between; otherwise the text has no home
    def has_home(start: int, end: int, covered: set[int]) -> bool:
        if any(ed and s <= start <= e and (s < e or start == end) for s, e, ed in spans):
            return True
        for i, (s, e, ed) in enumerate(spans):
            if ed and (e == start or s == end):
                return True
            if ed and e <= start and all(j in covered for j in range(i + 1, len(spans))
                                         if spans[j][0] < start):
                return True
        return False

    ops, atoms = distribute_edits(spans, edits)
    for start, end, repl in edits:
        if repl and not has_home(start, end, atoms):
            return
    rebuilt = []
    for i, (s, e, editable) in enumerate(spans):
        piece = text[s:e]
        if editable:
            rebuilt.append(apply_local(piece, ops.get(i, [])))
        elif i in atoms:
            rebuilt.append("".join(r for a, b, r in ops.get(i, [])))
        else:
            rebuilt.append(piece)
    expected = []
    last = 0
    for start, end, repl in edits:
        expected.append(text[last:start])
        expected.append(repl)
        last = end
    expected.append(text[last:])
    got = "".join(rebuilt)
    want = "".join(expected)
    if all(not ed for _s, _e, ed in spans) and any(r for _a, _b, r in edits):
        return  # nowhere to put replacement text: only atoms
    assert got == want
