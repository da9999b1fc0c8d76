"""The clean prose the bench runs on: real texts nobody on the team wrote.

Every text comes from a Debian package fetched with the ordinary client
(``apt-get download``, no installation, no other network access) and unpacked
with ``dpkg-deb -x`` into a cache directory, or from files every Debian system
already has:

* ``r-cran-janeaustenr`` (MIT packaging, the novels are public domain): Jane
  Austen's six novels, one line per element of an R character vector, read
  here straight from the package's lazy-load database (a tiny reader of R's
  XDR serialization for character vectors, below; no R needed).
* ``jargon-text`` (public domain): the Jargon File 4.4.7, hacker-culture prose
  of 1990-2003, rendered to plain text with tables and box-drawing rules.
* ``python3.11-doc`` (PSF licence): the paragraphs of CPython's tutorial,
  HOWTOs, FAQ and "What's New" pages, modern technical prose typeset by
  Sphinx (curly quotes, en and em dashes, no-break spaces, contributors'
  names in many scripts).  Each page is one document.
* ``/usr/share/common-licenses`` (``base-files``): licence texts (GPL-3,
  Apache-2.0, MPL-2.0, LGPL-2.1, GFDL-1.3, Artistic): legal prose.

The cache directory is ``$LEAKDESK_BENCH_CACHE`` or ``~/.cache/leakdesk-bench``.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ("r-cran-janeaustenr", "jargon-text", "python3.11-doc")
LICENCES = ("GPL-3", "Apache-2.0", "MPL-2.0", "LGPL-2.1", "GFDL-1.3", "Artistic")
AUSTEN = {
    "sensesensibility": "Sense and Sensibility",
    "prideprejudice": "Pride and Prejudice",
    "mansfieldpark": "Mansfield Park",
    "emma": "Emma",
    "northangerabbey": "Northanger Abbey",
    "persuasion": "Persuasion",
}
PYDOC_DIRS = ("tutorial", "howto", "faq", "whatsnew")


@dataclass(frozen=True)
class Text:
    source: str  # austen, jargon, pydocs, licences
    name: str
    text: str


def cache_dir() -> Path:
    env = os.environ.get("LEAKDESK_BENCH_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "leakdesk-bench"


def _root() -> Path:
    """The unpacked packages; fetched with apt-get download on first use."""
    root = cache_dir() / "root"
    stamp = root / ".complete"
    if stamp.exists() and stamp.read_text() == " ".join(PACKAGES):
        return root
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        raise SystemExit(
            "bench/marks needs apt-get and dpkg-deb (Debian) to fetch its corpus: "
            + ", ".join(PACKAGES)
        )
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"fetching corpus packages with apt-get download: {' '.join(PACKAGES)}")
        proc = subprocess.run(
            ["apt-get", "download", *PACKAGES], cwd=tmp, capture_output=True, text=True
        )
        if proc.returncode != 0:
            raise SystemExit(
                "apt-get download failed (run 'apt-get update' first?):\n" + proc.stderr[-2000:]
            )
        for deb in sorted(Path(tmp).glob("*.deb")):
            subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    stamp.write_text(" ".join(PACKAGES))
    return root


# -- R lazy-load database (janeaustenr) ----------------------------------------


class _RList(list[object]):
    """An R vector with its ``names`` attribute, if any."""

    names: list[str] | None = None


class _RReader:
    """Just enough of R's XDR serialization to read character vectors and lists."""

    def __init__(self, data: bytes) -> None:
        if data[:2] != b"X\n":
            raise ValueError("not an XDR R serialization")
        self.data = data
        self.pos = 2
        self.refs: list[object] = []
        version = self.int()
        self.int()  # writer version
        self.int()  # minimal reader version
        if version == 3:
            n = self.int()
            self.pos += n  # native encoding name

    def int(self) -> int:
        (v,) = struct.unpack_from(">i", self.data, self.pos)
        self.pos += 4
        return int(v)

    def attributes(self) -> dict[str, object]:
        """A pairlist of attributes as a dict."""
        out: dict[str, object] = {}
        while True:
            flags = self.int()
            if flags & 0xFF == 0xFE:  # end of the pairlist
                return out
            if flags & 0xFF != 0x02:
                raise ValueError("attributes are not a pairlist")
            if flags & (1 << 9):
                self.attributes()
            tag = self.item() if flags & (1 << 10) else ""
            out[str(tag)] = self.item()

    def vector(self, values: list[object], has_attr: bool) -> _RList:
        out = _RList(values)
        if has_attr:
            names = self.attributes().get("names")
            if isinstance(names, list):
                out.names = [str(n) for n in names]
        return out

    def item(self) -> object:
        flags = self.int()
        kind = flags & 0xFF
        has_attr = bool(flags & (1 << 9))
        if kind == 0xFE:  # NILVALUE_SXP
            return None
        if kind == 0xFF:  # REFSXP
            ref = flags >> 8 or self.int()
            return self.refs[ref - 1]
        if kind == 0x01:  # SYMSXP
            name = self.item()
            self.refs.append(name)
            return name
        if kind == 0x09:  # CHARSXP
            n = self.int()
            if n == -1:
                return None
            raw = self.data[self.pos : self.pos + n]
            self.pos += n
            return raw.decode("latin-1" if flags & (1 << 13) else "utf-8")
        if kind == 0x10:  # STRSXP
            strings = [self.item() for _ in range(self.int())]
            return self.vector([s or "" for s in strings], has_attr)
        if kind in (0x13, 0x14):  # VECSXP, EXPRSXP
            items = [self.item() for _ in range(self.int())]
            return self.vector(items, has_attr)
        if kind == 0x0D:  # INTSXP
            n = self.int()
            vals = list(struct.unpack_from(f">{n}i", self.data, self.pos))
            self.pos += 4 * n
            return self.vector(list(vals), has_attr)
        if kind == 0x0A:  # LGLSXP
            n = self.int()
            self.pos += 4 * n
            return self.vector([], has_attr)
        raise ValueError(f"unsupported R type {kind:#x}")


def _rdb_object(rdb: bytes, offset: int, length: int) -> object:
    blob = rdb[offset : offset + length]
    (size,) = struct.unpack(">I", blob[:4])
    raw = zlib.decompress(blob[4:])
    if len(raw) != size:
        raise ValueError("truncated R object")
    return _RReader(raw).item()


def _rdx_index(rdx: bytes) -> dict[str, tuple[int, int]]:
    """Name -> (offset, length) from the gzip'd index ``list(variables=list(name=c(off, len)))``."""
    top = _RReader(gzip.decompress(rdx)).item()
    if not isinstance(top, _RList) or not top.names:
        raise ValueError("unexpected R index")
    variables = top[top.names.index("variables")]
    if not isinstance(variables, _RList) or not variables.names:
        raise ValueError("unexpected R index")
    out = {}
    for name, pair in zip(variables.names, variables, strict=True):
        if isinstance(pair, list) and len(pair) == 2:
            out[name] = (int(pair[0]), int(pair[1]))
    return out


def austen() -> list[Text]:
    data = _root() / "usr/lib/R/site-library/janeaustenr/data"
    rdb = (data / "Rdata.rdb").read_bytes()
    index = _rdx_index((data / "Rdata.rdx").read_bytes())
    out = []
    for key, title in AUSTEN.items():
        lines = _rdb_object(rdb, *index[key])
        assert isinstance(lines, list)
        out.append(Text("austen", title, "\n".join(str(s) for s in lines) + "\n"))
    return out


def jargon() -> list[Text]:
    path = _root() / "usr/share/doc/jargon-text/jargon.txt.gz"
    return [Text("jargon", "The Jargon File 4.4.7", gzip.decompress(path.read_bytes()).decode())]


_WS = re.compile(r"[ \t\r\n]+")


def _html_paragraphs(html: bytes) -> str:
    from lxml import html as lhtml

    tree = lhtml.fromstring(html)
    bodies = tree.xpath("//div[@role='main']") or tree.xpath("//div[@class='body']")
    if not bodies:
        return ""
    paras = []
    for p in bodies[0].iter("p", "h1", "h2", "h3", "dt"):
        text = _WS.sub(" ", p.text_content()).strip().replace("¶", "").strip()
        if text:
            paras.append(text)
    return "\n\n".join(paras) + "\n"


def pydocs() -> list[Text]:
    html = _root() / "usr/share/doc/python3.11/html"
    out = []
    for sub in PYDOC_DIRS:
        for page in sorted((html / sub).glob("*.html")):
            if page.name in ("index.html", "changelog.html"):
                continue
            text = _html_paragraphs(page.read_bytes())
            if len(text) > 2000:
                out.append(Text("pydocs", f"{sub}/{page.name}", text))
    return out


def licences() -> list[Text]:
    base = Path("/usr/share/common-licenses")
    return [
        Text("licences", name, (base / name).read_text(encoding="utf-8"))
        for name in LICENCES
        if (base / name).exists()
    ]


def load() -> list[Text]:
    """Every text of the corpus, in a fixed order."""
    return austen() + jargon() + pydocs() + licences()


def word_count(text: str) -> int:
    return len(re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", text))
