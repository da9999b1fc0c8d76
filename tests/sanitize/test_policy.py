"""The sanitize policy: shipped defaults, merging, and refusal of anything unclear."""

from __future__ import annotations

from pathlib import Path

import pytest

from leakdesk.document import CATEGORIES, Action, Finding, Location, Severity
from leakdesk.errors import UsageError
from leakdesk.sanitize.policy import default_policy, load_policy
from tests.conftest import run_cli


def finding(cat: str, excerpt: str = "X", det: str = "d", action: Action = Action.REPLACE,
            sev: Severity = Severity.HIGH) -> Finding:
    return Finding(det, cat, sev, "m", Location("body", None, 0, len(excerpt)), excerpt,
                   action=action)


def test_defaults_cover_every_category_as_a_newsroom_would() -> None:
    pol = default_policy()
    assert set(pol.categories) == set(CATEGORIES)
    assert pol.placeholder == "[REDACTED]"
    outcome = {c: pol.decide(finding(c)).outcome for c in CATEGORIES}
    assert outcome["marking"] == outcome["identifier"] == outcome["datetime"] == "replace"
    assert outcome["distribution"] == "remove"
    for c in ("invisible", "homoglyph", "whitespace", "typography"):
        assert pol.categories[c].action == "normalize"
    assert outcome["wording"] == "review"
    for c in ("metadata", "annotation", "attachment", "revision", "hidden", "redaction"):
        assert outcome[c] == "remove"
        # container traces go even when the adapter only reported them for review
        assert pol.decide(finding(c, action=Action.REVIEW)).outcome == "remove"
    assert pol.categories["distribution"].whole_line == "always"
    assert pol.categories["marking"].whole_line == "if_alone"
    assert "metadata" in pol.drop_parts and "body" not in pol.drop_parts
    assert pol.safety_net and pol.attachments == "remove"
    # a detector's "review" (a date in prose) is respected
    assert pol.decide(finding("datetime", action=Action.REVIEW)).outcome == "review"


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "policy.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_user_policy_merges_over_defaults(tmp_path: Path) -> None:
    pol = load_policy(write(tmp_path, """
placeholder: "[…]"
categories:
  marking: {action: remove}
detectors:
  identifiers.url: {action: review}
keep:
  - {category: marking, text: unclassified}
  - {detector: identifiers.email, pattern: "@press\\\\.example$"}
"""))
    assert pol.placeholder == "[…]"
    assert pol.categories["marking"].action == "remove"
    assert pol.categories["marking"].whole_line == "if_alone"  # inherited field by field
    assert pol.categories["identifier"].action == "replace"  # untouched
    assert pol.source == "policy.yaml"
    assert pol.decide(finding("identifier", det="identifiers.url")).outcome == "review"
    assert pol.decide(finding("marking", "Unclassified")).outcome == "keep"
    assert pol.decide(finding("marking", "SECRET")).outcome == "remove"
    assert pol.decide(finding("identifier", "desk@press.example",
                              det="identifiers.email")).outcome == "keep"
    assert pol.decide(finding("identifier", "desk@gov.example",
                              det="identifiers.email")).outcome == "replace"


def test_empty_policy_file_is_the_default(tmp_path: Path) -> None:
    assert load_policy(write(tmp_path, "# nothing\n")).categories == default_policy().categories


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("catgories: {}\n", "catgories: unknown key"),
        ("categories: {markings: {action: remove}}\n", "categories.markings: unknown category"),
        ("categories: {marking: {action: delete}}\n", "categories.marking.action: 'delete'"),
        ("categories: {marking: {whole_line: sometimes}}\n", "whole_line: 'sometimes'"),
        ("categories: {marking: {min_severity: urgent}}\n", "min_severity: 'urgent'"),
        ("categories: {marking: {acton: remove}}\n", "unknown key 'acton'"),
        ("detectors: {x: {action: nope}}\n", "detectors.x.action"),
        ("keep: [{txt: SECRET}]\n", "keep[0]: unknown key 'txt'"),
        ("keep: [{case_sensitive: true}]\n", "keep[0]: a keep rule needs"),
        ("keep: [{pattern: '('}]\n", "keep[0].pattern: not a valid regular expression"),
        ("placeholder: \"a\\nb\"\n", "placeholder: must be one line"),
        ("placeholder: \"[R\\u200bX]\"\n", "placeholder: must not hold invisible"),
        ("attachments: keep\n", "attachments: 'keep' is not supported"),
        ("drop_parts: [body]\n", "drop_parts: the body cannot be dropped"),
        ("drop_parts: [bodies]\n", "drop_parts: unknown name 'bodies'"),
        ("safety_net: maybe\n", "safety_net: must be true or false"),
        ("version: 2\n", "version: 2 is not supported"),
        ("- just\n- a list\n", "policy must be a YAML mapping"),
        ("categories: {marking: [\n", "policy is not valid YAML at line"),
    ],
)
def test_bad_policies_are_refused(tmp_path: Path, yaml_text: str, message: str) -> None:
    p = write(tmp_path, yaml_text)
    with pytest.raises(UsageError) as err:
        load_policy(p)
    assert message in err.value.message
    # and on the command line: one line, exit 2, no output written
    src = tmp_path / "in.txt"
    src.write_text("Body.\n")
    r = run_cli("sanitize", src, "-o", tmp_path / "out.txt", "--policy", p)
    assert r.code == 2
    assert r.err.count("\n") == 1 and message in r.err
    assert not (tmp_path / "out.txt").exists()


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="policy file not found"):
        load_policy(tmp_path / "nope.yaml")
