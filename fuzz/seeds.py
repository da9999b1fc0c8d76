"""python -m fuzz.seeds [--realworld]: build the seed corpora in fuzz/corpus/<target>/.

Seeds come from the test-fixture generators (every format, dirty and clean
variants) and, with ``--realworld``, from the public test files that
``bench/realworld`` downloads (pikepdf, pypdf, Pillow, python-docx ...).  Each
file is filed under the reader that content detection picks for it, so a seed
always reaches the parser it is meant for.  Files above 256 KB are skipped: a
fuzzer mutates small inputs far faster.  The seed corpora are not committed
(``fuzz/corpus/`` is rebuilt by this command); text seeds are.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
MAX_SEED = 256 << 10


def _fixture_files(tmp: Path) -> Iterable[Path]:
    sys.path.insert(0, str(ROOT))
    from tests.email.make_fixtures import make_all as email_all
    from tests.images.make_fixtures import make_all as images_all
    from tests.office import make_fixtures as office
    from tests.pdf import make_fixtures as pdf
    from tests.realworld.make_fixtures import write_all as realworld_all

    office.main(["x", str(tmp / "office")])
    d = tmp / "pdf"
    d.mkdir()
    pdf.make_cable(d / "cable.pdf")
    pdf.make_plain(d / "plain.pdf", pages=1)
    pdf.make_scanned(d / "scanned.pdf")
    pdf.make_encrypted(d / "encrypted.pdf")
    pdf.make_xref_damaged(d / "xref.pdf")
    images_all(tmp / "images")
    email_all(tmp / "email")
    realworld_all(tmp / "realworld")
    _archives(tmp / "archives")
    yield from (ROOT / "examples").iterdir()
    yield from (p for p in tmp.rglob("*") if p.is_file())


def _archives(folder: Path) -> None:
    """Zip and tar seeds: plain members, a nested archive, odd names, a comment, owners."""
    import io
    import tarfile
    import zipfile

    folder.mkdir(parents=True)
    cable = (ROOT / "examples" / "cable.txt").read_bytes()
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("inner/cable.txt", cable[:2000])
    with zipfile.ZipFile(folder / "a.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.comment = b"packed by j.smith on WS-0142"
        z.writestr("memo/cable.txt", cable)
        z.writestr("../escape.txt", b"traversal")
        z.writestr("nested.zip", inner.getvalue())
    with zipfile.ZipFile(folder / "stored.zip", "w", zipfile.ZIP_STORED) as z:
        z.writestr("a.txt", b"SECRET\nNo. E-1142/LDN\n")
    for mode, name in (("w", "a.tar"), ("w:gz", "a.tar.gz"), ("w:bz2", "a.tar.bz2")):
        with tarfile.open(folder / name, mode) as t:
            info = tarfile.TarInfo("memo/cable.txt")
            info.size, info.uname, info.uid = len(cable), "jsmith", 1042
            t.addfile(info, io.BytesIO(cable))
            link = tarfile.TarInfo("link")
            link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
            t.addfile(link)


def _realworld_files() -> Iterable[Path]:
    sys.path.insert(0, str(ROOT))
    from bench.realworld.corpus import corpus

    for f in corpus():
        yield f.path


def build(realworld: bool) -> dict[str, int]:
    from leakdesk.errors import LeakdeskError
    from leakdesk.formats import detect

    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="leakdesk-seeds-") as t:
        files = list(_fixture_files(Path(t)))
        if realworld:
            files += list(_realworld_files())
        for p in files:
            if not p.is_file() or p.stat().st_size > MAX_SEED:
                continue
            try:
                name = detect(p).name
            except LeakdeskError:
                continue
            data = p.read_bytes()
            dest = HERE / "corpus" / f"read-{name}"
            dest.mkdir(parents=True, exist_ok=True)
            (dest / f"seed-{hashlib.sha1(data).hexdigest()[:16]}").write_bytes(data)
            counts[name] = counts.get(name, 0) + 1
            if name == "text":
                det = HERE / "corpus" / "detectors"
                det.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(p, det / f"seed-{hashlib.sha1(data).hexdigest()[:16]}")
    return counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--realworld", action="store_true",
                    help="also seed from bench/realworld's downloaded public test files")
    a = ap.parse_args()
    for name, n in sorted(build(a.realworld).items()):
        print(f"read-{name}: {n} seeds")


if __name__ == "__main__":
    main()
