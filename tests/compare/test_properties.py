"""Properties of the compare engine on generated texts (hypothesis), and its parts."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leakdesk.compare import compare_documents
from leakdesk.compare.align import Vocabulary, matching_blocks, slide
from leakdesk.compare.classify import PairContext, PairProfile, classify, ocr_fold
from leakdesk.compare.consensus import neutral_form
from leakdesk.compare.normalize import canonical_text, furniture_lines, token_key
from leakdesk.compare.pair import edit_script
from leakdesk.document import Document

WORDS = ["the", "minister", "said", "concern", "worry", "port", "12", "17", "Paris", "Pаris",
         "de\u200bcision", "decision", ",", ";", ".", "’", "'", "–", "-", "recom-\nmendation",
         "recommendation", "ﬁnal", "final", "(C)", "rn", "m"]
SEPS = [" ", " ", " ", "  ", "\n", "\n\n", "\u00a0", " \n", "\t", "", "\u200b "]

texts = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPS)), max_size=60).map(
    lambda parts: "".join(w + s for w, s in parts)
)
noisy = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)


def _docs(a: str, b: str) -> list[Document]:
    return [Document.from_text(a), Document.from_text(b)]


def _replay(a: str, b: str) -> str:
    vocab = Vocabulary()
    ta, tb = vocab.tokenize(a), vocab.tokenize(b)
    blocks = slide(matching_blocks(ta.keys, tb.keys), ta.keys, tb.keys,
                   vocab.break_strength(ta), vocab.break_strength(tb))
    out = []
    pos = 0
    for e in edit_script(ta, tb, blocks):
        assert pos <= e.a0 <= e.a1 <= len(a) and 0 <= e.b0 <= e.b1 <= len(b)
        out.append(a[pos:e.a0])
        out.append(b[e.b0:e.b1])
        pos = e.a1
    out.append(a[pos:])
    return "".join(out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_a_text_against_itself_has_no_differences(text: str) -> None:
    result = compare_documents(_docs(text, text), force=True)
    assert result.differences == [] and result.identical


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, texts)
def test_offsets_in_bounds_and_exact(a: str, b: str) -> None:
    result = compare_documents(_docs(a, b), force=True)
    for d in result.differences:
        assert 0 <= d.a.start <= d.a.end <= len(a)
        assert 0 <= d.b.start <= d.b.end <= len(b)
        assert a[d.a.start:d.a.end] == d.a.text
        assert b[d.b.start:d.b.end] == d.b.text
        assert d.assessment in ("likely deliberate (mark)", "likely noise")
        assert (d.noise and "noise" in d.reason) or not d.noise
    assert (result.differences == []) == (a == b) or result.differences


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(texts, noisy), st.one_of(texts, noisy))
def test_edit_script_replays_a_into_b(a: str, b: str) -> None:
    """Outside the reported edits the copies are identical: replaying them on A gives B."""
    assert _replay(a, b) == b


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, texts, texts)
def test_three_copies_positions_are_exact(a: str, b: str, c: str) -> None:
    docs = [Document.from_text(t) for t in (a, b, c)]
    result = compare_documents(docs, names=["a", "b", "c"], force=True)
    by_name = {"a": a, "b": b, "c": c}
    for p in result.positions:
        for name, span in p.spans.items():
            assert by_name[name][span.start:span.end] == span.text
        assert sorted(n for v in p.variants for n in v.copies) == ["a", "b", "c"]
        assert len({v.text for v in p.variants}) == len(p.variants) >= 2


@settings(max_examples=150, deadline=None)
@given(noisy)
def test_canonical_text_offset_map_is_monotonic(text: str) -> None:
    out, omap = canonical_text(text)
    prev = 0
    for i in range(len(text) + 1):
        j = omap(i)
        assert prev <= j <= len(out)
        prev = j
    assert "\u200b" not in out


def test_alignment_large_text_is_fast_and_exact() -> None:
    rnd = random.Random(5)
    vocab_words = [f"w{i}" for i in range(3000)] + ["the", "and", "of"] * 400
    words = [rnd.choice(vocab_words) for _ in range(60_000)]
    a = " ".join(words)
    changed = list(words)
    for _ in range(50):
        changed[rnd.randrange(len(changed))] = "CHANGED"
    b = " ".join(changed)
    import time

    t0 = time.perf_counter()
    result = compare_documents(_docs(a, b))
    elapsed = time.perf_counter() - t0
    assert sum(1 for d in result.differences if "CHANGED" in d.b.text) >= 45
    assert len(result.differences) <= 55
    assert elapsed < 10, elapsed


def test_matching_blocks_on_moved_stretch() -> None:
    a = list(range(100))
    b = a[:10] + a[50:60] + a[10:50] + a[60:]
    blocks = matching_blocks(a, b)
    assert sum(n for _, _, n in blocks) == 90


@pytest.mark.parametrize(
    ("raw", "key"),
    [("cоncern", "concern"), ("de\u200bcision", "decision"), ("ﬁnal", "final"),
     ("recom-\nmendation", "recommendation"), ("don’t", "don't"), ("–", "-")],
)
def test_token_keys(raw: str, key: str) -> None:
    assert token_key(raw) == key


def _ctx(scan: bool, a: str = "", b: str = "") -> PairContext:
    return PairContext(a, b, PairProfile(rewrapped=scan, scan_like=scan))


@pytest.mark.parametrize(
    ("a", "b", "kind", "noise_in_scan"),
    [
        ("modern", "modem", "spelling", True),
        ("Official", "0fficial", "spelling", True),
        ("will", "wi1l", "spelling", True),
        ("clear", "dear", "spelling", True),
        ("concern", "worry", "wording", False),
        ("12", "17", "number", False),
        ("colour", "color", "spelling", False),
        ("de\u200bcision", "decision", "invisible", False),
        ("Pаris", "Paris", "homoglyph", False),
        ("ﬁnal", "final", "homoglyph", True),
        ("cabinet’s", "cabinet's", "punctuation", False),
        ("  ", " ", "whitespace", False),
        (" ", "\n", "whitespace", True),
        ("\u00a0", " ", "whitespace", False),
        ("recom-\nmendation", "recommendation", "whitespace", True),
        (",", ";", "punctuation", False),
    ],
)
def test_classification(a: str, b: str, kind: str, noise_in_scan: bool) -> None:
    clean = classify(a, b, _ctx(False))
    assert clean.kind == kind, clean
    scanned = classify(a, b, _ctx(True, a, b))
    assert scanned.kind == kind, scanned
    assert scanned.noise is noise_in_scan, scanned
    if kind in ("wording", "number", "invisible", "homoglyph") and not noise_in_scan:
        assert not clean.noise
    assert ("noise" in scanned.reason) is scanned.noise


def test_ocr_fold() -> None:
    assert ocr_fold("government") == ocr_fold("govemment")
    assert ocr_fold("concern") != ocr_fold("worry")
    assert ocr_fold("12") != ocr_fold("17")


def test_furniture_lines() -> None:
    body = "".join(f"Item {k}: the harbour survey found errors in the sediment data.\n"
                   for k in range(4))
    text = "".join(f"CONFIDENTIAL\n{body}Page {i} of 9\n" for i in range(1, 6))
    spans = furniture_lines(text)
    lines = {text[s:e] for s, e in spans}
    assert "Page 3 of 9" in lines and "CONFIDENTIAL" in lines
    assert not any(line.startswith("Item") for line in lines)


def test_page_header_only_in_one_copy_is_noise() -> None:
    body = [f"Paragraph {i} tells of the harbour, the survey and the minister's view." for i in range(12)]
    a = "\n".join(body)
    b_lines = []
    for i, line in enumerate(body):
        if i % 3 == 0:
            b_lines.append(f"CONFIDENTIAL - page {i // 3 + 1}")
        b_lines.append(line)
    b = "\n".join(b_lines)
    result = compare_documents(_docs(a, b))
    assert result.differences
    assert all(d.noise for d in result.differences), [(d.b.text, d.reason) for d in result.differences]


def test_neutral_form() -> None:
    assert neutral_form("de\u200bcision") == neutral_form("decision") == "decision"
    assert neutral_form("Pаris") == "Paris"
    assert neutral_form("concern  about") == "concern about"
    assert neutral_form("end.\n") == neutral_form("end. ")
    assert neutral_form("cabinet’s") == "cabinet's"
    assert neutral_form("concern") != neutral_form("worry")


def test_typography_changed_throughout_by_a_scan_is_noise() -> None:
    lines = [f"The minister’s aide said the port’s survey no. {i} was the cabinet’s concern."
             for i in range(30)]
    a = "\n".join(lines) + "\n"
    words = a.replace("’", "'").split()
    b = "\n".join(" ".join(words[k:k + 9]) for k in range(0, len(words), 9)) + "\n"
    result = compare_documents(_docs(a, b))
    typo = [d for d in result.differences if d.kind == "punctuation"]
    assert len(typo) == 90 and all(d.noise for d in typo)
    # one curly apostrophe among straight ones is a mark, scan or not
    a2 = a.replace("’", "'").replace("minister's aide said the port's survey no. 7",
                                     "minister’s aide said the port's survey no. 7")
    result = compare_documents(_docs(a2, b))
    marks = [d for d in result.differences if not d.noise]
    assert [(d.a.text, d.b.text) for d in marks] == [("minister’s", "minister's")]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, texts, texts)
def test_consensus_is_neutral_and_flags_are_in_bounds(a: str, b: str, c: str) -> None:
    from leakdesk.compare.consensus import build_consensus

    cons = build_consensus([Document.from_text(t) for t in (a, b, c)], force=True)
    assert "\u200b" not in cons.text and "\u00a0" not in cons.text and "а" not in cons.text
    for f in cons.flagged:
        assert 0 <= f.start <= f.end <= len(cons.text)
        assert len(f.variants) >= 2
