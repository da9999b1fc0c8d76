"""Decode untrusted bytes to text without ever dropping a character silently.

Order of decisions:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) decides;
2. NUL bytes without a BOM: UTF-16 without a BOM if the NULs sit in every
   other byte of ASCII text, otherwise the file is binary and refused;
3. strict UTF-8;
4. if the bytes are not UTF-8 but contain *no* valid multi-byte UTF-8
   sequence, a legacy single-byte encoding detected by charset-normalizer is
   accepted when every non-ASCII character it yields is a plausible letter or
   punctuation mark next to a letter; the encoding is recorded;
5. anything else is invalid UTF-8 and refused with the byte offset.

A caller may force an encoding with ``encoding=``; decoding errors then refuse
the file too (``errors="strict"``).
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Legacy punctuation that cp1252 and friends place in 0x80-0x9F, and common signs.
_LEGACY_PUNCT = set("‘’‚“”„–—…•€£¥§°±²³µ¶·«»¿¡©®™ªº¹¼½¾‹›†‡‰ˆ˜¢¤¦¨¬¯´¸")


# Single-byte encodings leakdesk accepts without --encoding: the common Western,
# Central European, Cyrillic and Greek code pages.  Anything else must be named.
_LEGACY_ALLOWED = frozenset(
    {
        "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1257",
        "latin_1", "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_9", "iso8859_15",
        "koi8_r", "koi8_u", "mac_roman", "mac_cyrillic",
    }
)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    bom: bool


def _first_invalid_utf8(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return -1


def _has_valid_multibyte(data: bytes) -> bool:
    """True if ``data`` holds at least one well-formed UTF-8 multi-byte sequence."""
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            i += 1
            continue
        if 0xC2 <= b <= 0xDF:
            need = 1
        elif 0xE0 <= b <= 0xEF:
            need = 2
        elif 0xF0 <= b <= 0xF4:
            need = 3
        else:
            i += 1
            continue
        chunk = data[i : i + need + 1]
        if len(chunk) == need + 1 and all(0x80 <= c <= 0xBF for c in chunk[1:]):
            try:
                chunk.decode("utf-8")
                return True
            except UnicodeDecodeError:
                pass
        i += 1
    return False


def _plausible_legacy(text: str) -> bool:
    """Every non-ASCII character is a letter or common sign next to a letter or space."""
    n = len(text)
    for i, ch in enumerate(text):
        if ord(ch) < 0x80:
            continue
        cat = unicodedata.category(ch)
        if ch in "ÿ×÷" or not ((cat.startswith("L") and cat != "Lm") or ch in _LEGACY_PUNCT):
            return False
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < n else " "
        if ch.isupper() and prev.isascii() and prev.islower():
            return False  # "cafÃ(": a capital inside a lower-case word is mojibake
        if ch in "¡¿" and not nxt.isalpha():
            return False  # Spanish opening marks lead a word
        if nxt in "([{<":
            return False  # "abâ(": a letter glued to an opening bracket is no word
        if not (prev.isalpha() or nxt.isalpha() or prev in " \t\n\"'(" or nxt in " \t\n.,;:!?\"')"):
            return False
    return True


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) < 4 or len(data) % 2:
        return None
    even_nul = data[0::2].count(0)
    odd_nul = data[1::2].count(0)
    half = len(data) // 2
    if odd_nul >= 0.9 * half and even_nul == 0:
        return "utf-16-le"
    if even_nul >= 0.9 * half and odd_nul == 0:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, path: Path | None = None, encoding: str | None = None) -> Decoded:
    """Decode ``data``; raise a one-line :class:`InputError` if that cannot be done losslessly."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", path) from None
        try:
            return Decoded(data.decode(encoding), encoding, False)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not valid {encoding} (byte 0x{data[exc.start]:02X} at offset {exc.start})", path
            ) from None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(enc), enc, True)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"not valid {enc} after its byte-order mark (offset {exc.start + len(bom)})",
                    path,
                ) from None
    if b"\x00" in data:
        enc16 = _utf16_without_bom(data)
        if enc16:
            try:
                return Decoded(data.decode(enc16), enc16, False)
            except UnicodeDecodeError:
                pass
        raise InputError("binary file, not text (it holds NUL bytes and no known format)", path)
    bad = _first_invalid_utf8(data)
    if bad < 0:
        return Decoded(data.decode("utf-8"), "utf-8", False)
    if not _has_valid_multibyte(data) and not 0xC2 <= data[-1] <= 0xF4:
        legacy = _detect_legacy(data)
        if legacy is not None:
            return legacy
    raise InputError(
        f"not valid UTF-8 (byte 0x{data[bad]:02X} at offset {bad}); "
        "if it is a legacy encoding, pass --encoding",
        path,
    )


def _detect_legacy(data: bytes) -> Decoded | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    candidates: list[str] = []
    if best is not None and best.encoding in _LEGACY_ALLOWED:
        candidates.append(best.encoding)
    candidates.append("cp1252")
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible_legacy(text):
            return Decoded(text, codecs.lookup(enc).name, False)
    return None


def control_ratio(data: bytes) -> float:
    """Share of C0 control bytes other than tab, CR, LF and FF: high means binary."""
    if not data:
        return 0.0
    bad = sum(1 for b in data if b < 0x20 and b not in (9, 10, 12, 13))
    return bad / len(data)
