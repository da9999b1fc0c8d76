"""Decoding untrusted bytes: BOMs, UTF-16 without BOM, legacy encodings, refusals."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leakdesk.errors import InputError
from leakdesk.textio import decode_bytes


@pytest.mark.parametrize(
    ("data", "text", "enc"),
    [
        (b"plain ascii", "plain ascii", "utf-8"),
        ("caf\u00e9 \u200b".encode(), "caf\u00e9 \u200b", "utf-8"),
        (codecs.BOM_UTF8 + "x\u00e9".encode(), "x\u00e9", "utf-8"),
        (codecs.BOM_UTF16_LE + "SECRET \u00e9".encode("utf-16-le"), "SECRET \u00e9", "utf-16-le"),
        (codecs.BOM_UTF16_BE + "SECRET".encode("utf-16-be"), "SECRET", "utf-16-be"),
        (codecs.BOM_UTF32_LE + "TOP SECRET".encode("utf-32-le"), "TOP SECRET", "utf-32-le"),
        ("NOFORN text".encode("utf-16-le"), "NOFORN text", "utf-16-le"),
        (b"\x93quoted\x94 text", "\u201cquoted\u201d text", "cp1252"),
        (b"Le caf\xe9 \xe0 Paris, \xa1Hola! (d\xe9j\xe0 vu)", "Le caf\u00e9 \u00e0 Paris, \u00a1Hola! (d\u00e9j\u00e0 vu)",
         "cp1252"),
    ],
)
def test_decodes_losslessly(data: bytes, text: str, enc: str) -> None:
    d = decode_bytes(data)
    assert d.text == text
    assert d.encoding.replace("_", "-") == enc


@pytest.mark.parametrize(
    "data",
    [b"abc \xff def", b"caf\xc3\x28", b"ends in a lead byte \xe2", b"\x00\x01\x02\x03binary\x00",
     b"ab\xe2\x28\xa1", b"x \xc3\x28y\xa1 z", b"bad \xe9(x) text"],
)
def test_refuses_invalid_or_binary(data: bytes) -> None:
    with pytest.raises(InputError):
        decode_bytes(data)


@given(st.text())
def test_any_utf8_text_roundtrips(s: str) -> None:
    try:
        data = s.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates cannot be UTF-8
        return
    if "\x00" in s:
        return
    assert decode_bytes(data).text == s
