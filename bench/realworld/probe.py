"""python -m bench.realworld.probe FILE: can an established reader open FILE? (JSON on stdout)

The judge of refusals: when leakdesk refuses a file that qpdf (pikepdf), Pillow
or Python's zipfile read without trouble, the refusal is not justified.  Run in
its own process (some test files were made to crash readers), with a timeout.
Prints ``{"state": "ok"|"encrypted"|"corrupt"|"hostile"|"unknown", "detail": ...}``.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path


def probe(path: Path) -> dict[str, str]:
    head = path.read_bytes()[:8]
    if path.stat().st_size == 0:
        return {"state": "corrupt", "detail": "empty file"}
    if b"%PDF" in path.read_bytes()[:1024]:
        import pikepdf

        try:
            with pikepdf.open(path) as pdf:
                n = len(pdf.pages)
                for page in pdf.pages[:3]:
                    page.obj.get("/Contents")
            if n == 0:
                return {"state": "corrupt", "detail": "pikepdf opens it but it has no pages"}
            return {"state": "ok", "detail": f"pikepdf opens it ({n} pages)"}
        except pikepdf.PasswordError:
            return {"state": "encrypted", "detail": "pikepdf: needs a password"}
        except Exception as exc:
            return {"state": "corrupt", "detail": f"pikepdf: {type(exc).__name__}: {str(exc)[:120]}"}
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                bad = zf.testzip()
                names = zf.namelist()
            if bad:
                return {"state": "corrupt", "detail": f"zip member {bad} fails its CRC"}
            with zipfile.ZipFile(path) as zf:
                for name in names:
                    if name.endswith((".xml", ".rels")) and b"<!ENTITY" in zf.read(name)[:4096]:
                        return {"state": "hostile",
                                "detail": f"zip member {name} declares XML entities (XXE)"}
            return {"state": "ok", "detail": f"zip with {len(names)} members"}
        except Exception as exc:
            return {"state": "corrupt", "detail": f"zipfile: {type(exc).__name__}: {str(exc)[:120]}"}
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        import olefile  # type: ignore[import-untyped]

        try:
            ole = olefile.OleFileIO(str(path))
            streams = ["/".join(s) for s in ole.listdir()]
            ole.close()
        except Exception as exc:
            return {"state": "corrupt", "detail": f"olefile: {type(exc).__name__}"}
        if "EncryptionInfo" in streams:
            return {"state": "encrypted", "detail": "OLE EncryptionInfo: password-protected Office"}
        return {"state": "ok", "detail": "OLE2 file (old binary Office format)"}
    if b"<svg" in path.read_bytes()[:65536]:
        from lxml import etree

        try:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
            root = etree.parse(str(path), parser).getroot()
        except etree.XMLSyntaxError as exc:
            return {"state": "corrupt", "detail": f"lxml: {str(exc)[:120]}"}
        if etree.QName(root).localname == "svg":
            return {"state": "ok", "detail": f"lxml parses it ({sum(1 for _ in root.iter())} "
                                             "nodes, root <svg>)"}
    from PIL import Image

    try:
        import pillow_heif  # type: ignore[import-not-found]

        pillow_heif.register_heif_opener()
    except ImportError:
        try:
            import pi_heif  # type: ignore[import-not-found]

            pi_heif.register_heif_opener()
        except ImportError:
            pass
    try:
        with Image.open(path) as im:
            im.load()
            for i in range(1, min(int(getattr(im, "n_frames", 1) or 1), 50)):
                im.seek(i)
                im.load()
            return {"state": "ok", "detail": f"Pillow loads it ({im.format} {im.mode} {im.size})"}
    except Image.DecompressionBombError as exc:
        return {"state": "hostile", "detail": f"Pillow: decompression bomb ({str(exc)[:80]})"}
    except Exception as exc:
        return {"state": "corrupt", "detail": f"Pillow: {type(exc).__name__}: {str(exc)[:120]}"}


def main() -> None:
    print(json.dumps(probe(Path(sys.argv[1]))))


if __name__ == "__main__":
    main()
