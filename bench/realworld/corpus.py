"""The real-world corpus: which public test files, from which pinned sdists, and how to fetch them.

Established projects ship their test files in their source distributions on
PyPI: pikepdf, pypdf and OCRmyPDF (PDFs: damaged, encrypted, fuzzed, odd),
Pillow and piexif (images with EXIF, IPTC, XMP, GPS, broken and hostile ones),
python-docx, python-pptx and odfpy (Office files).  ``fetch`` downloads each
sdist once with ``pip download`` (the ordinary client, pinned versions) into
``bench/realworld/.cache/sdists/`` and extracts only the chosen members into
``.cache/files/<package>/``.  Nothing downloaded is committed (other licences).

A few files are *derived* from the downloaded ones, because no sdist ships
them: password-protected DOCX/XLSX/PPTX (encrypted with msoffcrypto-tool, as
Office does) and truncated copies.  They are marked ``derived`` in the results.
"""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
CACHE = HERE / ".cache"
SDISTS = CACHE / "sdists"
FILES = CACHE / "files"

PDF_EXT = {".pdf"}
OFFICE_EXT = {".docx", ".docm", ".dotx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".doc", ".xls",
              ".ppt"}
IMAGE_EXT = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".gif", ".bmp", ".mpo", ".avif",
             ".heic", ".svg", ".ppm", ".pgm", ".pbm", ".jp2", ".ico", ".psd"}


def kind_of(name: str) -> str:
    ext = Path(name).suffix.lower()
    if ext in PDF_EXT:
        return "pdf"
    if ext in OFFICE_EXT:
        return "office"
    if ext in IMAGE_EXT:
        return "image"
    return "other"


@dataclass(frozen=True)
class Source:
    package: str
    version: str
    #: glob patterns relative to the sdist's top folder
    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    #: cap on files taken from this source (after sorting), 0 = all
    cap: int = 0


_PILLOW_IMAGES = (
    # EXIF / GPS / IPTC / XMP / Photoshop metadata, incl. broken tags
    "exif_gps.jpg", "exif-200dpcm.jpg", "exif-dpi-zerodivision.jpg",
    "exif-ifd-offset.jpg", "exif.png", "exif_imagemagick.png", "exif_text.png",
    "exif_typeerror.jpg", "exif_gps_typeerror.jpg", "empty_gps_ifd.jpg", "multiple_exif.jpg",
    "invalid-exif.jpg", "invalid-exif-without-x-resolution.jpg", "hopper_bad_exif.jpg",
    "broken_exif_dpi.jpg", "truncated_exif_dpi.jpg",
    "iptc.jpg", "app13.jpg", "app13-multiple.jpg",
    "xmp_test.jpg", "xmp_padded.jpg", "xmp_no_prefix.jpg", "xmp_tags_orientation.png",
    "photoshop-200dpi.jpg", "photoshop-200dpi-broken.jpg", "itxt_chunks.png",
    "icc_profile.png", "icc_profile_big.jpg", "icc-after-SOF.jpg", "pil_sample_cmyk.jpg",
    "ultrahdr.jpg", "hopper_orientation_6.jpg", "flower.jpg",
    # malformed / hostile
    "truncated_jpeg.jpg", "truncated_app14.jpg", "junk_jpeg_header.jpg", "jpeg_ff00_header.jpg",
    "broken.png", "broken_data_stream.png", "truncated_image.png", "truncated_end_chunk.png",
    "png_decompression_dos.png", "hopper_idat_after_image_end.png", "unknown_compression_method.png",
    "decompression_bomb.gif", "decompression_bomb_extents.gif",
    "libtiff_segfault.tif", "oom-225817ca0f8c663be7ab4b9e717b02c661e66834.tif",
    "tiff_tiled_jpeg_oob_read.tif", "tiff_overflow_rows_per_strip.tif", "seek_too_large.tif",
    "total-pages-zero.tif", "tiff_wrong_bits_per_sample.tiff",
    # TIFF variety
    "hopper.tif", "hopper_bigtiff.tif", "rdf.tif", "multipage.tiff", "hopper_g4.tif", "lab.tif",
    "tiff_strip_cmyk_jpeg.tif", "hopper.iccprofile.tif", "child_ifd.tiff",
    "16bit.MM.deflate.tif",
    # WebP / GIF / MPO / AVIF / BMP / APNG
    "flower.webp", "hopper_orientation_6.webp",
    "multiple_comments.gif", "comment_after_last_frame.gif", "hopper.gif",
    "sugarshack.mpo", "fujifilm.mpo", "sugarshack_bad_mpo_header.jpg",
    "avif/exif.avif", "avif/xmp_tags_orientation.avif",
    "bmp/b/badrle.bmp", "apng/num_plays.png",
    # formats leakdesk may not read: Netpbm, JPEG 2000, ICO, PSD
    "hopper.ppm", "hopper_8bit_plain.ppm", "hopper_1bit.pbm", "hopper_16bit.pgm",
    "negative_size.ppm", "comment.jp2", "hopper.ico", "hopper.psd",
)

SOURCES: tuple[Source, ...] = (
    Source("pikepdf", "10.18.0", ("tests/resources/*.pdf", "tests/resources/fuzz/*.pdf",
                                  "tests/resources/pdfa/livecycle.pdf",
                                  "tests/resources/pdfa/fpdf2_occulta.pdf",
                                  "tests/resources/pdfa/link.pdf", "docs/images/pdfcoords.svg"),
           exclude=("tests/resources/pal-1bit-*.pdf", "tests/resources/congress-gray.pdf",
                    "tests/resources/pike-flate-jp2.pdf", "tests/resources/jbig2global.pdf")),
    Source("pypdf", "7.1.1", (
        "resources/encryption/r2-empty-password.pdf", "resources/encryption/r3-user-password.pdf",
        "resources/encryption/r4-aes-user-password.pdf", "resources/encryption/r4-owner-password.pdf",
        "resources/encryption/r5-empty-password.pdf", "resources/encryption/r6-owner-password.pdf",
        "resources/encryption/r6-cleartext-metadata.pdf", "resources/encryption/unencrypted.pdf",
        "resources/crazyones.pdf", "resources/crazyones-encrypted-256.pdf",
        "resources/encrypted-file.pdf", "resources/encrypted_doc_no_id.pdf",
        "resources/libreoffice-writer-password.pdf", "resources/commented.pdf",
        "resources/commented-xmp.pdf", "resources/metadata.pdf", "resources/issue-914-xmp-data.pdf",
        "resources/attachment.pdf", "resources/form.pdf", "resources/form_acrobatReader.pdf",
        "resources/libreoffice-form.pdf", "resources/missing_info.pdf",
        "resources/outlines-with-invalid-destinations.pdf", "resources/issue-297.pdf",
        "resources/git.pdf", "resources/jpeg.pdf", "resources/imagemagick-CCITTFaxDecode.pdf",
        "resources/AutoCad_Simple.pdf", "resources/multilang.pdf", "resources/pdflatex-outline.pdf",
        "resources/bytes.pdf", "resources/toy.pdf", "resources/inkscape-abc.pdf",
    )),
    Source("ocrmypdf", "17.13.0", (
        "tests/resources/invalid.pdf", "tests/resources/meta.pdf",
        "tests/resources/docinfo_latin1_key.pdf", "tests/resources/missing_docinfo.pdf",
        "tests/resources/no_contents.pdf", "tests/resources/trivial.pdf",
        "tests/resources/livecycle.pdf", "tests/resources/epson.pdf",
        "tests/resources/negzero.pdf", "tests/resources/kcs.pdf", "tests/resources/toc.pdf",
        "tests/resources/type3_font_nomapping.pdf", "tests/resources/jbig2_baddevicen.pdf",
        "tests/resources/hugemono.pdf", "tests/resources/acroform.pdf",
        "tests/resources/baiona_cmyk.jpg", "tests/resources/baiona_alpha.png",
        "tests/resources/baiona_colormapped.png", "tests/resources/typewriter.png",
        "tests/resources/crom.png", "docs/images/logo.svg", "misc/screencast/demo.svg",
    )),
    Source("pillow", "13.0.0", (*(f"Tests/images/{n}" for n in _PILLOW_IMAGES),
                                "docs/resources/anchor_horizontal.svg")),
    Source("piexif", "1.1.3", ("tests/images/*",)),
    Source("olefile", "0.47", ("tests/images/*",)),
    Source("python-docx", "1.2.0", (
        "tests/test_files/*.docx", "tests/test_files/exif-420-dpi.jpg",
        "tests/test_files/jfif-iguana.jpg", "tests/test_files/300-dpi.TIF",
        "tests/test_files/little-endian.tif", "tests/test_files/python.bmp",
        "features/steps/test_files/comments-rich-para.docx", "features/steps/test_files/doc-*.docx",
        "features/steps/test_files/hdr-header-footer.docx",
        "features/steps/test_files/par-hyperlinks.docx",
        "features/steps/test_files/par-rendered-page-breaks.docx",
        "features/steps/test_files/set-no-settings-part.docx",
        "features/steps/test_files/shp-inline-shape-access.docx",
        "features/steps/test_files/sty-having-no-styles-part.docx",
        "features/steps/test_files/tbl-having-tables.docx", "src/docx/templates/default.docx",
        "features/_scratch/test_out.docx",
    )),
    Source("python-pptx", "1.0.2", (
        "tests/test_files/*.pptx", "features/steps/test_files/shp-embedded-*",
        "features/steps/test_files/prs-properties.pptx", "features/steps/test_files/prs-notes.pptx",
        "features/steps/test_files/shp-access-ole-object.pptx",
        "features/steps/test_files/shp-movie-props.pptx", "features/steps/test_files/ext-rels.pptx",
        "features/steps/test_files/sonic.gif",
    )),
    Source("odfpy", "1.4.1", tuple(f"tests/examples/{n}" for n in (
        "nasty.odt", "userfields.odt", "userfields_ooo3.odt", "images.odt", "headerfooter.odt",
        "serious_poem.odt", "simpletable.odt", "chinese_spreadsheet.ods", "pythagoras.ods",
        "empty.ods", "cols.odp", "emb_spreadsheet.odp"))),
)


@dataclass
class CorpusFile:
    path: Path
    source: str  # "pikepdf 10.18.0" or "derived"
    member: str  # path inside the sdist, or how it was derived
    kind: str
    notes: list[str] = field(default_factory=list)

    @property
    def ident(self) -> str:
        return f"{self.source.split()[0]}:{self.member}"


def _match(rel: str, pattern: str) -> bool:
    """Glob match where ``*`` stays within one folder level."""
    a, b = rel.split("/"), pattern.split("/")
    return len(a) == len(b) and all(fnmatch.fnmatchcase(x, y) for x, y in zip(a, b, strict=True))


def _sdist(src: Source) -> Path:
    SDISTS.mkdir(parents=True, exist_ok=True)
    spec = f"{src.package}=={src.version}"
    norm = src.package.replace("-", "_").lower()
    for p in SDISTS.iterdir():
        low = p.name.lower().replace("-", "_")
        if low.startswith(f"{norm}_{src.version}.") and p.suffix in (".gz", ".zip"):
            return p
    print(f"fetching {spec} (sdist) ...", file=sys.stderr)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
         "-d", str(SDISTS), spec],
        check=True, timeout=900,
    )
    return _sdist(src)


def _members(archive: Path) -> list[str]:
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zf:
            return [i.filename for i in zf.infolist() if not i.is_dir()]
    with tarfile.open(archive) as tf:
        return [m.name for m in tf.getmembers() if m.isfile()]


def _extract(archive: Path, members: list[str], dest: Path) -> None:
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zf:
            for m in members:
                out = dest / m
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(zf.read(m))
        return
    with tarfile.open(archive) as tf:
        for m in members:
            fh = tf.extractfile(m)
            if fh is None:
                continue
            out = dest / m
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(fh.read())


def fetch_source(src: Source) -> list[CorpusFile]:
    archive = _sdist(src)
    names = _members(archive)
    top = names[0].split("/", 1)[0]
    chosen: list[str] = []
    for name in sorted(names):
        rel = name[len(top) + 1:]
        if not any(_match(rel, pat) for pat in src.include):
            continue
        if any(_match(rel, pat) for pat in src.exclude):
            continue
        if kind_of(rel) == "other":
            continue
        chosen.append(name)
    if src.cap:
        chosen = chosen[: src.cap]
    dest = FILES / src.package
    missing = [m for m in chosen if not (dest / m).is_file()]
    if missing:
        _extract(archive, missing, dest)
    label = f"{src.package} {src.version}"
    return [CorpusFile(dest / m, label, m[len(top) + 1:], kind_of(m)) for m in chosen]


ENCRYPT_PASSWORD = "leakdesk-bench"


def derive(files: list[CorpusFile]) -> list[CorpusFile]:
    """Password-protected Office files and truncated copies made from downloaded ones."""
    out_dir = FILES / "derived"
    out_dir.mkdir(parents=True, exist_ok=True)
    by_member = {f.member: f for f in files}
    made: list[CorpusFile] = []

    def add(name: str, how: str, kind: str) -> None:
        made.append(CorpusFile(out_dir / name, "derived", how, kind))

    for member, name in (("tests/test_files/test.docx", "encrypted.docx"),
                         ("features/steps/test_files/shp-embedded-xlsx.xlsx", "encrypted.xlsx"),
                         ("tests/test_files/test.pptx", "encrypted.pptx")):
        src = by_member.get(member)
        if src is None:
            continue
        dest = out_dir / name
        if not dest.is_file():
            try:  # msoffcrypto-tool (MIT): optional, the encrypted files are skipped without it
                from msoffcrypto.format.ooxml import OOXMLFile  # type: ignore[import-untyped]
            except ImportError:
                print("msoffcrypto-tool missing: no encrypted Office files", file=sys.stderr)
                continue
            with open(src.path, "rb") as fh, open(dest, "wb") as wh:
                OOXMLFile(fh).encrypt(ENCRYPT_PASSWORD, wh)
        add(name, f"{src.ident} encrypted with msoffcrypto-tool (password set)", "office")
    for member, name, frac in (("tests/test_files/having-images.docx", "truncated.docx", 0.5),
                               ("resources/crazyones.pdf", "truncated.pdf", 0.6),
                               ("tests/images/r_canon.jpg", "truncated-exif.jpg", 0.3)):
        src = by_member.get(member)
        if src is None:
            continue
        dest = out_dir / name
        if not dest.is_file():
            data = src.path.read_bytes()
            dest.write_bytes(data[: int(len(data) * frac)])
        add(name, f"{src.ident} cut to {int(frac * 100)}%", kind_of(name))
    return made


def corpus() -> list[CorpusFile]:
    files: list[CorpusFile] = []
    for src in SOURCES:
        files.extend(fetch_source(src))
    files.extend(derive(files))
    return files
