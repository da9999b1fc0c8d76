"""Small pure helpers on text: making invisible characters visible, word spans."""

from __future__ import annotations

import unicodedata

import regex

#: Characters shown as ⟨U+XXXX NAME⟩ in reports: format (Cf), control (Cc) other
#: than tab and newline, private use (Co), unassigned/surrogates, separators other
#: than the ASCII space, and variation selectors.
_VISIBLE_KEEP = {"\n", "\t"}


def char_name(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if name:
        return name
    cp = ord(ch)
    if 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000:
        return "PRIVATE USE"
    if 0xD800 <= cp <= 0xDFFF:
        return "SURROGATE"
    if cp < 0x20 or 0x7F <= cp < 0xA0:
        return "CONTROL"
    return "UNASSIGNED"


def needs_marking(ch: str) -> bool:
    if ch in _VISIBLE_KEEP or ch == " ":
        return False
    cat = unicodedata.category(ch)
    if cat in ("Cf", "Cc", "Co", "Cs", "Cn", "Zs", "Zl", "Zp"):
        return True
    cp = ord(ch)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def code_point_label(ch: str) -> str:
    return f"U+{ord(ch):04X} {char_name(ch)}"


def make_visible(text: str, *, newline: str = "⏎") -> str:
    """Replace every invisible or unusual character by ``⟨U+XXXX NAME⟩``."""
    out: list[str] = []
    for ch in text:
        if ch == "\r":
            out.append("⟨CR⟩")
        elif ch == "\n":
            out.append(newline)
        elif needs_marking(ch):
            out.append(f"⟨{code_point_label(ch)}⟩")
        else:
            out.append(ch)
    return "".join(out)


WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}\p{Cf}]+(?:['’][\p{L}\p{M}]+)*", regex.V1)


def words(text: str) -> list[tuple[int, int, str]]:
    """Word tokens with their code-point spans (letters, marks, digits and Cf inside words)."""
    return [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text)]


def context(text: str, start: int, end: int, width: int = 30) -> str:
    """A one-line excerpt around ``[start, end)`` for reports."""
    a = max(0, start - width)
    b = min(len(text), end + width)
    snippet = text[a:b].replace("\r", " ").replace("\n", " ")
    return ("…" if a > 0 else "") + snippet + ("…" if b < len(text) else "")
