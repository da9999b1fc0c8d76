"""Rule packs: the shipped packs load; bad packs fail clearly; a newsroom adds its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from leakdesk.detectors import rules
from leakdesk.detectors.rules import RulePackError, load_pack_text, load_rules

from ._structural import run


def test_builtin_packs_load_and_are_distinct() -> None:
    rs = load_rules(use_env=False)
    names = set(rs.pack_names)
    assert {"common", "us", "uk", "nato", "eu", "south_asia"} <= names
    assert "SECRET" in rs.terms
    # A term shared by several packs is merged, with every pack as evidence.
    assert {"us", "uk", "south_asia"} <= set(rs.terms["SECRET"].packs)
    assert rs.terms["NOFORN"].distinctive


BAD = [
    ("pack: x\nmarkings: [{id: a, terms: [secret]}]\n", "write terms in capitals"),
    ("pack: x\nmarkings: [{id: a, terms: [SECRET], severity: huge}]\n", "must be high, medium or low"),
    ("pack: x\nmarkings: [{id: a, terms: [SECRET], colour: red}]\n", "unknown key 'colour'"),
    ("pack: x\npatterns: [{id: a, kind: b, category: identifier, regex: '(unclosed'}]\n", "not a valid regular expression"),
    ("pack: x\npatterns: [{id: a, kind: b, category: identifier, regex: 'x*'}]\n", "matches the empty string"),
    ("pack: x\npatterns: [{id: a, kind: b, category: weather, regex: 'x'}]\n", "must be one of"),
    ("pack: x\nfields: [{id: a, kind: b, category: identifier}]\n", "labels: must be a non-empty list"),
    ("pack: Bad Name\n", "must be a lower-case name"),
    ("pack: x\nmarkings: {id: a}\n", ""),
    ("pack: [unclosed\n", "not valid YAML"),
    ("pack: x\npatterns: [{id: a, kind: b, category: identifier, regex: 'x', context_required: true}]\n", "needs a list of context words"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_pack_is_refused_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(RulePackError) as err:
        load_pack_text(text, "bad.yaml")
    line = err.value.one_line()
    assert line.startswith("bad.yaml: rule pack")
    assert "\n" not in line
    assert message in line


NEWSROOM = """
pack: valdoria
title: Republic of Valdoria (fictional)
markings:
  - id: classification
    kind: classification
    severity: high
    in_prose: medium
    titlecase: banner
    distinctive: true
    terms: [STRENG VERTRAULICH, VALDORIA EYES ONLY]
fields:
  - id: registry
    category: identifier
    kind: registry-number
    labels: [Registry entry]
patterns:
  - id: desk-number
    category: identifier
    kind: reference
    has_digits: true
    regex: 'VD-[0-9]{4}-[A-Z]{2}'
"""


@pytest.fixture
def newsroom_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "valdoria.yaml").write_text(NEWSROOM, encoding="utf-8")
    return folder


def test_a_newsroom_pack_in_leakdesk_rules_is_used(newsroom_pack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "STRENG VERTRAULICH\nRegistry entry: 4471/B\n\nThe file VD-2026-KX was sent to the minister on the same day.\n"
    assert not [f for f in run("markings", text) if f.excerpt == "STRENG VERTRAULICH"]
    monkeypatch.setenv(rules.ENV_VAR, str(newsroom_pack))
    try:
        assert "valdoria" in rules.active().pack_names
        marks = run("markings", text)
        assert [f.excerpt for f in marks] == ["STRENG VERTRAULICH"]
        assert marks[0].evidence["packs"] == ["valdoria"]
        ids = {f.excerpt: f for f in run("identifiers", text)}
        assert ids["Registry entry: 4471/B"].detector == "identifiers.registry-number"
        assert ids["VD-2026-KX"].evidence["rule"] == "valdoria.desk-number"
    finally:
        monkeypatch.delenv(rules.ENV_VAR)
    assert "valdoria" not in rules.active().pack_names


def test_configure_with_an_extra_folder(newsroom_pack: Path) -> None:
    try:
        rs = rules.configure([newsroom_pack])
        assert "valdoria" in rs.pack_names
        assert rules.active() is rs
    finally:
        rules.configure([])
    assert "valdoria" not in rules.active().pack_names


def test_a_missing_folder_and_a_duplicate_pack_name_are_errors(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="not found"):
        load_rules([tmp_path / "nope"], use_env=False)
    (tmp_path / "us.yaml").write_text("pack: us\n", encoding="utf-8")
    with pytest.raises(RulePackError, match="already used"):
        load_rules([tmp_path], use_env=False)
