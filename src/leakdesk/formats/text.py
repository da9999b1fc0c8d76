"""Plain text: the decoded file text *is* the Document text (offsets match the file).

Reading refuses binary content, invalid UTF-8 and unknown legacy bytes with a
one-line error.  Cleaning writes the planned text back in the input's encoding
(UTF-8 for legacy inputs, so no character can be lost), with the BOM dropped:
a BOM is itself a trace.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..document import Document, Segment
from ..errors import InputError, LimitExceeded
from ..textio import control_ratio, decode_bytes
from .base import CleanResult, FormatAdapter, ReadOptions

if TYPE_CHECKING:
    from ..sanitize.plan import CleanPlan


class Adapter(FormatAdapter):
    name = "text"
    mimetypes = ("text/plain",)
    output_extension = "txt"

    @classmethod
    def sniff(cls, head: bytes, path: Path) -> bool:
        # Anything no other adapter claimed and that is not obviously binary.
        if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            return True
        if b"\x00" in head[:8192]:
            from ..textio import _utf16_without_bom

            return _utf16_without_bom(head[: len(head) - len(head) % 2]) is not None
        return control_ratio(head[:8192]) < 0.05

    def read(self, path: Path, options: ReadOptions) -> Document:
        data = Path(path).read_bytes()
        if not data:
            raise InputError("empty file: nothing to audit", path)
        decoded = decode_bytes(data, path, options.encoding)
        text = decoded.text
        if len(text) > options.limits.max_text_chars:
            raise LimitExceeded(f"text has {len(text):,} characters, over the limit", path)
        if control_ratio(data[:65536]) >= 0.05 and decoded.encoding.startswith("utf-8"):
            raise InputError("binary file, not text", path)
        doc = Document(
            text,
            [Segment(0, len(text), "body", None)] if text else [],
            path=Path(path),
            format="text",
            encoding=decoded.encoding,
            meta={"encoding": decoded.encoding, "bom": decoded.bom},
        )
        return doc

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
        enc = doc.encoding or "utf-8"
        if not enc.replace("_", "-").lower().startswith(("utf-8", "utf-16", "utf-32")):
            enc = "utf-8"
        if enc in ("utf-16", "utf-32"):
            enc += "-le"
        Path(out).write_bytes(plan.clean_text.encode(enc))
        actions = [f"wrote {len(plan.clean_text):,} characters as {enc}"]
        if doc.meta.get("bom"):
            actions.append("dropped the byte-order mark")
        return CleanResult(output=Path(out), format=self.name, mode="text", actions=actions)

    def independent_text(self, path: Path, options: ReadOptions) -> str:
        import codecs

        from ..textio import _utf16_without_bom

        data = Path(path).read_bytes()
        encs: list[str] = []
        if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            encs.append("utf-32")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encs.append("utf-16")
        if data.startswith(codecs.BOM_UTF8):
            encs.append("utf-8-sig")
        if b"\x00" in data:
            enc16 = _utf16_without_bom(data[: len(data) - len(data) % 2])
            if enc16:
                encs.append(enc16)
        encs += ["utf-8", "cp1252"]
        for enc in encs:
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                continue
        return data.decode("latin-1")
