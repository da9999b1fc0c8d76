"""The sanitize engine on hand-built findings: pure functions, no file, no detector."""

from __future__ import annotations

import itertools

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from leakdesk.document import Action, Document, DocumentBuilder, Finding, Location, Severity
from leakdesk.sanitize.chars import INVISIBLE_RE, homoglyph_words
from leakdesk.sanitize.engine import build_plan, check_plan
from leakdesk.sanitize.plan import CleanPlan, Edit, apply_edits
from leakdesk.sanitize.policy import _default_mapping as default_mapping
from leakdesk.sanitize.policy import default_policy, merge_policy, policy_from_mapping

from .make_fixtures import CLEAN_BODY, cable, hand_findings


def policy(**over: object):
    return policy_from_mapping(merge_policy(default_mapping(), over))


def f(doc: Document, sub: str, cat: str, action: Action = Action.REPLACE, *, nth: int = 0,
      det: str | None = None, repl: str | None = None, sev: Severity = Severity.HIGH) -> Finding:
    i = -1
    for _ in range(nth + 1):
        i = doc.text.index(sub, i + 1)
    return doc.finding(det or f"test.{cat}", cat, sev, "m", i, i + len(sub), action=action,
                       replacement=repl)


# -- the cable, end to end in memory ----------------------------------------------------


def test_cable_plan_is_clean_and_keeps_the_body() -> None:
    c = cable()
    doc = Document.from_text(c.text)
    plan = build_plan(doc, hand_findings(doc))
    check_plan(plan)
    expected = (
        "Subject: Trade talks with the Ministry\n\n"
        + "\n\n".join(p.replace("E-1142/LDN", "[REDACTED]") for p in CLEAN_BODY)
        + "\n"
    )
    assert plan.clean_text == expected
    for s in c.secrets:
        assert s not in plan.clean_text
        assert s in plan.removed or any(s in r for r in plan.removed)
    # the second E-1142/LDN was found by propagation, not by a finding
    dets = {g.detector for e in plan.edits for g in e.findings}
    assert "sanitize.propagate" in dets
    # the low-severity prose date is left in place and listed
    assert [g.detector for g in plan.review] == ["datetimes.prose"]


def test_crlf_lines_removed_with_their_line_ending() -> None:
    c = cable("\r\n")
    doc = Document.from_text(c.text)
    plan = build_plan(doc, hand_findings(doc))
    assert plan.clean_text.startswith("Subject: Trade talks")
    assert plan.clean_text.endswith("End comment.\r\n")
    assert "\r\n\r\n\r\n" not in plan.clean_text
    assert "\n\n" not in plan.clean_text.replace("\r\n", "")


# -- whole lines -------------------------------------------------------------------------


def test_removed_line_between_blank_lines_leaves_no_gap() -> None:
    doc = Document.from_text("Para one.\n\nCopy No. 4 of 9\n\nPara two.\n")
    plan = build_plan(doc, [f(doc, "Copy No. 4 of 9", "identifier")])
    assert plan.clean_text == "Para one.\n\nPara two.\n"


def test_last_line_without_newline() -> None:
    doc = Document.from_text("Body text.\nSECRET")
    plan = build_plan(doc, [f(doc, "SECRET", "marking")])
    assert plan.clean_text == "Body text."


def test_label_left_alone_removes_line() -> None:
    doc = Document.from_text("Dated: 071530Z MAR 22\nThe talks went on.\n")
    plan = build_plan(doc, [f(doc, "071530Z MAR 22", "datetime")])
    assert plan.clean_text == "The talks went on.\n"


def test_inline_identifier_is_replaced_not_line() -> None:
    doc = Document.from_text("He cited E-1142/LDN twice.\n")
    plan = build_plan(doc, [f(doc, "E-1142/LDN", "identifier")])
    assert plan.clean_text == "He cited [REDACTED] twice.\n"


def test_distribution_block_removed_whole() -> None:
    text = "To: A OFFICE\n    B OFFICE\n    C OFFICE\nBody.\n"
    doc = Document.from_text(text)
    finding = doc.finding("d", "distribution", Severity.HIGH, "m", 0, text.index("\nBody"),
                          action=Action.REMOVE)
    plan = build_plan(doc, [finding])
    assert plan.clean_text == "Body.\n"


def test_whole_line_never_keeps_line() -> None:
    pol = policy(categories={"marking": {"whole_line": "never"}})
    doc = Document.from_text("SECRET\nBody.\n")
    plan = build_plan(doc, [f(doc, "SECRET", "marking")], pol)
    assert plan.clean_text == "[REDACTED]\nBody.\n"


# -- merging and overlaps ---------------------------------------------------------------------


def test_adjacent_markings_give_one_placeholder() -> None:
    doc = Document.from_text("Classified SECRET // NOFORN here.\n")
    plan = build_plan(doc, [f(doc, "SECRET", "marking"), f(doc, "NOFORN", "marking")])
    assert plan.clean_text == "Classified [REDACTED] here.\n"
    assert len(plan.edits) == 1 and len(plan.edits[0].findings) == 2


def test_inline_removal_leaves_no_double_space() -> None:
    pol = policy(categories={"identifier": {"action": "remove", "whole_line": "never"}})
    doc = Document.from_text("He cited E-1142/LDN twice. Then E-7/X.\n")
    plan = build_plan(doc, [f(doc, "E-1142/LDN", "identifier"), f(doc, "E-7/X", "identifier")], pol)
    assert plan.clean_text == "He cited twice. Then.\n"


def test_normalization_inside_removed_span_is_dropped() -> None:
    doc = Document.from_text("Ref E-1\u200b142/LDN here.\n")
    zw = f(doc, "\u200b", "invisible", Action.REMOVE, repl="")
    ident = doc.finding("i", "identifier", Severity.HIGH, "m", 4, 15, action=Action.REPLACE)
    plan = build_plan(doc, [zw, ident])
    check_plan(plan)
    assert plan.clean_text == "Ref [REDACTED] here.\n"


def test_homoglyph_partly_under_removal_widens_removal() -> None:
    pol = policy(categories={"identifier": {"action": "remove", "whole_line": "never"}})
    doc = Document.from_text("Ref XYZ-Pаris here.\n")
    hg = f(doc, "Pаris", "homoglyph", Action.NORMALIZE, repl="Paris")
    ident = doc.finding("i", "identifier", Severity.HIGH, "m", 4, 9, action=Action.REMOVE)
    plan = build_plan(doc, [hg, ident], pol)
    check_plan(plan)
    assert "а" not in plan.clean_text


def test_nested_normalizations_outer_wins_and_is_cleaned() -> None:
    doc = Document.from_text("in Pа\u200bris now\n")
    hg = f(doc, "Pа\u200bris", "homoglyph", Action.NORMALIZE, repl="Pa\u200bris")
    zw = f(doc, "\u200b", "invisible", Action.REMOVE, repl="")
    plan = build_plan(doc, [hg, zw])
    assert plan.clean_text == "in Paris now\n"


# -- policy effects ---------------------------------------------------------------------------


def test_keep_rule_keeps_the_text() -> None:
    pol = policy(keep=[{"category": "marking", "text": "unclassified"}])
    doc = Document.from_text("UNCLASSIFIED\nSECRET\nBody.\n")
    plan = build_plan(doc, [f(doc, "UNCLASSIFIED", "marking"), f(doc, "SECRET", "marking")], pol)
    assert plan.clean_text == "UNCLASSIFIED\nBody.\n"
    assert "UNCLASSIFIED" not in plan.removed
    assert [d.outcome for d in plan.decisions if d.finding.excerpt == "UNCLASSIFIED"] == ["keep"]


def test_review_findings_are_left_unless_included() -> None:
    doc = Document.from_text("We met on 7 March 2022 in town.\n")
    low = f(doc, "7 March 2022", "datetime", Action.REVIEW, sev=Severity.LOW)
    assert build_plan(doc, [low]).clean_text == doc.text
    pol = policy(categories={"datetime": {"include_review": True, "whole_line": "never"}})
    assert build_plan(doc, [low], pol).clean_text == "We met on [REDACTED] in town.\n"


def test_min_severity() -> None:
    pol = policy(categories={"identifier": {"min_severity": "high"}})
    doc = Document.from_text("Mail a@b.example now.\n")
    med = f(doc, "a@b.example", "identifier", sev=Severity.MEDIUM)
    assert build_plan(doc, [med], pol).clean_text == doc.text


def test_detector_override_merges_with_category() -> None:
    pol = policy(detectors={"identifiers.url": {"action": "review"}})
    doc = Document.from_text("See https://x.example/a and E-1142/LDN.\n")
    url = f(doc, "https://x.example/a", "identifier", det="identifiers.url")
    ref = f(doc, "E-1142/LDN", "identifier", det="identifiers.ref")
    plan = build_plan(doc, [url, ref], pol)
    assert plan.clean_text == "See https://x.example/a and [REDACTED].\n"


def test_custom_placeholder_and_remove() -> None:
    pol = policy(placeholder="[…]")
    doc = Document.from_text("Cited E-1142/LDN.\n")
    assert build_plan(doc, [f(doc, "E-1142/LDN", "identifier")], pol).clean_text == "Cited […].\n"


def test_safety_net_can_be_switched_off() -> None:
    doc = Document.from_text("Pа\u200bris\n")
    assert build_plan(doc, []).clean_text == "Paris\n"
    assert build_plan(doc, [], policy(safety_net=False)).clean_text == doc.text


def test_propagation_respects_word_boundaries() -> None:
    doc = Document.from_text("Ref E-1142/LDN. Also E-1142/LDNX and E-1142/LDN again.\n")
    plan = build_plan(doc, [f(doc, "E-1142/LDN", "identifier")])
    assert plan.clean_text == "Ref [REDACTED]. Also E-1142/LDNX and [REDACTED] again.\n"


def test_normalize_without_replacement_falls_back_or_reviews() -> None:
    doc = Document.from_text("in Pаris and  here\n")
    hg = f(doc, "а", "homoglyph", Action.NORMALIZE)  # no replacement given
    ws = f(doc, "  ", "whitespace", Action.NORMALIZE, sev=Severity.LOW)
    plan = build_plan(doc, [hg, ws])
    assert plan.clean_text == "in Paris and  here\n"  # whitespace: nothing to normalize to
    assert ws in plan.review


# -- containers and segments --------------------------------------------------------------------


def _multi_part() -> Document:
    b = DocumentBuilder()
    b.add("Author: Jane Doe", part="metadata", source="/Info/Author")
    b.add("SECRET\nFirst page text with E-1142/LDN.", part="body", page=1)
    b.add("Please check with Alice", part="annotation", page=1)
    b.add("Second page text.\nSECRET", part="body", page=2)
    return b.build(format="pdf")


def test_dropped_parts_and_segment_edges() -> None:
    doc = _multi_part()
    findings = [f(doc, "SECRET", "marking"), f(doc, "SECRET", "marking", nth=1),
                f(doc, "E-1142/LDN", "identifier"),
                Finding("pdf.info", "metadata", Severity.HIGH, "Info dictionary", Location("metadata"),
                        excerpt="/Author", action=Action.REMOVE)]
    plan = build_plan(doc, findings)
    check_plan(plan)
    for e in plan.edits:
        segs = [s for s in doc.segments if s.start < e.end and s.end > e.start]
        assert len(segs) <= 1, e
    texts = {doc.segments[i].part + str(doc.segments[i].page): t
             for i, t in plan.segment_clean_text()}
    assert texts["metadataNone"] == ""
    assert texts["annotation1"] == ""
    assert texts["body1"] == "First page text with [REDACTED]."
    assert texts["body2"] == "Second page text."
    assert "Jane Doe" in plan.removed[0] or "Author: Jane Doe" in plan.removed
    assert "Please check with Alice" in plan.removed
    assert [g.detector for g in plan.container_findings] == ["pdf.info"]


def test_clean_span_clips_crossing_edits() -> None:
    doc = Document.from_text("aaaa SECRET bbbb")
    fake = Finding("x", "marking", Severity.HIGH, "m", Location("body", None, 5, 11), "SECRET")
    plan = CleanPlan(doc, [Edit(5, 11, "[R]", fake)])
    assert plan.clean_span(0, 8) + plan.clean_span(8, 16) == plan.clean_text == "aaaa [R] bbbb"
    assert plan.clean_span(8, 16) == " bbbb"


def test_apply_edits_overlap_is_safe() -> None:
    fake = Finding("x", "marking", Severity.HIGH, "m", Location())
    edits = [Edit(2, 4, "", fake), Edit(3, 8, "#", fake), Edit(2, 3, "!", fake)]
    assert apply_edits("0123456789", edits) == "0189"


# -- properties ------------------------------------------------------------------------------------

_ALPHABET = "abcXYZ  \n\r/а\u200b\u00a0Ο.:"
_CATS = ["marking", "identifier", "distribution", "datetime", "invisible", "homoglyph",
         "whitespace", "typography", "wording", "metadata"]


@st.composite
def doc_and_findings(draw: st.DrawFn) -> tuple[Document, list[Finding]]:
    chunks = draw(st.lists(st.text(_ALPHABET, min_size=0, max_size=30), min_size=1, max_size=4))
    b = DocumentBuilder(separator=draw(st.sampled_from(["\n\n", "\n", ""])))
    parts = ["body", "body", "header", "metadata"]
    for i, c in enumerate(chunks):
        b.add(c, part=parts[i % len(parts)], page=i + 1)
    doc = b.build(format="test")
    n = len(doc.text)
    out = []
    for _ in range(draw(st.integers(0, 8))):
        s = draw(st.integers(0, n))
        e = draw(st.integers(s, n))
        cat = draw(st.sampled_from(_CATS))
        action = draw(st.sampled_from(list(Action)))
        if cat in ("invisible", "homoglyph") and action is Action.REVIEW:
            action = Action.NORMALIZE
        repl = draw(st.none() | st.text(_ALPHABET, max_size=5))
        out.append(doc.finding("p", cat, draw(st.sampled_from(list(Severity))), "m", s, e,
                               action=action, replacement=repl))
    return doc, out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc_and_findings(), st.lists(st.integers(0, 200), max_size=4))
def test_plan_properties(df: tuple[Document, list[Finding]], cuts: list[int]) -> None:
    doc, findings = df
    plan = build_plan(doc, findings)
    check_plan(plan)  # sorted, in range, disjoint
    clean = plan.clean_text
    # no edit crosses a segment edge
    for e in plan.edits:
        assert sum(1 for s in doc.segments if s.start < e.end and s.end > e.start) <= 1
    # clean spans concatenate to the clean text whatever the cut points
    points = sorted({0, len(doc.text), *(c for c in cuts if c <= len(doc.text))})
    spans = list(itertools.pairwise(points)) or [(0, 0)]
    assert "".join(plan.clean_span(a, b) for a, b in spans) == clean
    # the safety net leaves no invisible character or homoglyph word
    assert INVISIBLE_RE.search(clean) is None
    assert homoglyph_words(clean) == []
    # a removed string that does not occur in the kept text is gone
    for f in findings:
        if f.start is None or f.end is None:
            continue
        d = default_policy().decide(f)
        if d.outcome in ("remove", "replace") and f.category in ("marking", "identifier"):
            s = doc.text[f.start : f.end].strip()
            if len(s) >= 4 and "\n" not in s and "\r" not in s:
                kept_elsewhere = doc.text.replace(s, "").count(s) or any(
                    s in doc.text[a:b] for a, b in _kept_runs(plan))
                assert s not in clean or kept_elsewhere


def _kept_runs(plan: CleanPlan) -> list[tuple[int, int]]:
    runs, pos = [], 0
    for e in plan.edits:
        runs.append((pos, e.start))
        pos = e.end
    runs.append((pos, len(plan.document.text)))
    return runs


@settings(max_examples=200, deadline=None)
@given(st.text(_ALPHABET + "SECRT", max_size=60), st.data())
def test_apply_edits_never_overlaps_output(text: str, data: st.DataObject) -> None:
    fake = Finding("x", "marking", Severity.HIGH, "m", Location())
    edits = []
    for _ in range(data.draw(st.integers(0, 6))):
        s = data.draw(st.integers(0, len(text)))
        e = data.draw(st.integers(s, len(text)))
        edits.append(Edit(s, e, data.draw(st.sampled_from(["", "#", "[R]"])), fake))
    out = apply_edits(text, edits)
    # every character outside all edits survives, in order
    covered = set()
    for e in edits:
        covered.update(range(e.start, e.end))
    kept = "".join(ch for i, ch in enumerate(text) if i not in covered)
    it = iter(out)
    assert all(ch in it for ch in kept)
    # no character inside any non-empty edit's span survives from the original positions
    assert len(out) <= len(text) + 3 * len(edits)
