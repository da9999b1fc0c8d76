"""The bytes check searches a short single word as a whole word, outside XML names.

"Notes" removed from a presentation must not be "found" in ``notesMaster1.xml`` or
``<p:notesSz>``; but it is found wherever it stands as a word of its own: in text,
in an attribute value, in every byte form, and in anything that is not plain XML.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from leakdesk.sanitize.plan import CleanPlan
from leakdesk.sanitize.proof import byte_patterns, is_short_word, prove, word_pattern, xml_content

from .test_proof import Streams, plan_for, write

WORD = "Notes"


def _plan_and_output(tmp_path: Path,
                     kept: str = "The slide shows the harbour plan.\n") -> tuple[CleanPlan, Path]:
    plan = plan_for(f"{WORD}\n{kept}", WORD)
    assert plan.removed == [WORD]
    return plan, write(tmp_path, plan.clean_text)


def _bytes_status(tmp_path: Path, *streams: bytes, kept: str | None = None) -> str:
    plan, out = (_plan_and_output(tmp_path) if kept is None
                 else _plan_and_output(tmp_path, kept))
    report = prove(plan, out, writer=Streams(list(streams)))
    assert report.check("bytes").searched["whole_words"] == 1
    return report.check("bytes").status


def test_short_word_rules() -> None:
    assert is_short_word("Notes") and is_short_word("Endnotes") and is_short_word("Zoë42")
    assert not is_short_word("Footnotes")  # 9 characters: searched anywhere
    assert not is_short_word("Q3-plan") and not is_short_word("Jane Roe")
    assert not is_short_word("No\u200btes")  # a marked word is searched as written


@pytest.mark.parametrize("stream", [
    b"ppt/notesMasters/notesMaster1.xml\nppt/notesSlides/notesSlide1.xml",
    b'<Override PartName="/ppt/notesMasters/notesMaster1.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.presentationml.notesMaster+xml"/>',
    b"<p:presentation xmlns:p='urn:p'><p:notesSz cx='6858000' cy='9144000'/></p:presentation>",
    # element names only, in well-formed XML: no content holds the word
    b"<Properties><Slides>1</Slides><Notes>1</Notes></Properties>",
    b'<r xmlns:notes="urn:x"><notes:item notes:kind="a"/></r>',
    "Notesx".encode("utf-16-le"),
    b"<" + b"SpeakerNotes".hex().encode() + b">",  # hex of a longer word
])
def test_not_a_whole_word_or_only_a_name_passes(tmp_path: Path, stream: bytes) -> None:
    assert _bytes_status(tmp_path, stream) == "passed"


@pytest.mark.parametrize("stream", [
    b"<a:p><a:r><a:t>Notes</a:t></a:r></a:p>",  # text of well-formed XML
    b'<p:cNvPr id="3" name="Notes Placeholder 2"/>',  # an attribute value
    b"<r><!-- Notes --></r>",  # a comment
    b"<r><?pi Notes?></r>",  # a processing instruction
    b"<r><![CDATA[see Notes]]></r>",
    b"<Notes>1</Notes",  # not well-formed: searched as raw bytes
    b'<!DOCTYPE r [<!ENTITY e "Notes">]><r>&e;</r>',  # a DOCTYPE: raw bytes too
    b"BT (Notes) Tj ET",
    b"BT <" + b"Notes".hex().encode().upper() + b"> Tj ET",
    b"\xfe\xff" + "Notes".encode("utf-16-be") + b"\x00)",
    "(Notes)".encode("utf-16-le"),
    "Notesé".encode(),  # a non-ASCII neighbour never hides a match
])
def test_a_whole_word_fails(tmp_path: Path, stream: bytes) -> None:
    assert _bytes_status(tmp_path, stream) == "failed"


def test_every_byte_form_is_bounded_in_its_own_encoding() -> None:
    for label, pat in byte_patterns("Zoë42"):
        rx = word_pattern(label, pat)
        assert rx.search(b"[" + pat + b"]"), label
        glued = {"utf-16-le": "x".encode("utf-16-le"), "utf-16-be": "x".encode("utf-16-be"),
                 "pdf-literal (utf-16-be)": b"\\000x", "pdf-hex (utf-16-be)": b"0078"}
        after = glued.get(label, b"78" if label.startswith("pdf-hex") else b"x")
        assert not rx.search(pat + after), label
        assert not rx.search(after + pat), label


def test_kept_text_allows_whole_words_only(tmp_path: Path) -> None:
    # "notes" inside the kept "footnotes" does not license a stray "Notes" elsewhere
    kept = "The footnotes are kept.\n"
    assert _bytes_status(tmp_path, kept=kept) == "passed"
    assert _bytes_status(tmp_path, b"Notes", kept=kept) == "failed"
    # a kept whole word allows as many in a stream, and no more
    kept = "These notes are kept.\n"
    assert _bytes_status(tmp_path, b"<t>notes</t>", kept=kept) == "passed"
    assert _bytes_status(tmp_path, b"<t>notes</t><t>NOTES</t>", kept=kept) == "failed"


def test_xml_content_keeps_values_and_drops_names() -> None:
    data = (b'<?xml version="1.0"?><!-- c1 --><a:r xmlns:a="urn:alpha" k="v1">t1<a:b x="v2"/>'
            b"tail<?p i1?></a:r>")
    content = xml_content(data, data.lower())
    assert content is not None
    lines = content.decode().split("\n")
    assert lines == [" c1 ", "urn:alpha", "v1", "t1", "v2", "tail", "p", "i1"]
    for bad in (b"<r>", b"not xml", b'<!DOCTYPE r><r/>', b"<r/>trailing junk"):
        assert xml_content(bad, bad.lower()) is None, bad
