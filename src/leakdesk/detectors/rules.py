"""YAML rule packs: the vocabularies and patterns of the structural detectors.

A rule pack is a YAML file that teaches leakdesk one country's or one
organisation's conventions: its classification and handling markings, the
labels of its header fields (``Dated:``, ``Copy No.``, ``TELNO``...) and the
shapes of its reference numbers.  The packs shipped with leakdesk live in
``rules/*.yaml`` beside this module; a newsroom adds its own without touching
code, in a folder named by the ``LEAKDESK_RULES`` environment variable
(several folders or files separated by ``os.pathsep``) or passed to
:func:`configure`.  ``docs/rule-packs.md`` documents the format with a worked
example.

Every pack is validated when it is loaded: an unknown key, a wrong type, a
regular expression that does not compile or a pattern that matches the empty
string is refused with a one-line :class:`RulePackError` naming the file and
the key, never ignored (a typo must not silently switch a rule off).

This module only reads YAML files; the matchers built from a :class:`RuleSet`
are plain compiled regular expressions.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import regex
import yaml

from ..document import Severity
from ..errors import LeakdeskError

#: Categories a rule may report under (those of the structural detectors).
RULE_CATEGORIES: tuple[str, ...] = ("marking", "identifier", "datetime", "distribution")
#: Kinds of marking vocabularies.
MARKING_KINDS: tuple[str, ...] = (
    "classification",
    "caveat",
    "handling",
    "precedence",
    "telegram",
    "codeword",
)
#: Where a pattern rule applies.
WHERES: tuple[str, ...] = ("anywhere", "line", "header")
#: Title case (``Secret``) counts as a marking: alone on any line, alone on a
#: line of a header block, or never (capitals only).
TITLECASE: tuple[str, ...] = ("banner", "header", "never")
#: Separators between a field label and its value.
SEPARATORS: tuple[str, ...] = ("colon", "space", "any")
#: Validators a pattern rule may name: ``digits`` (the match holds a digit),
#: ``not_year`` (the match is not a year such as 1998 or 2024).
VALIDATORS: tuple[str, ...] = ("digits", "not_year")

ENV_VAR = "LEAKDESK_RULES"

_SLUG = re.compile(r"[a-z][a-z0-9_-]{0,40}\Z")
_PACK_KEYS = {"pack", "title", "description", "version", "markings", "portion_marks", "fields", "patterns"}
_MARKING_KEYS = {"id", "kind", "severity", "in_prose", "titlecase", "distinctive", "message", "terms"}
_FIELD_KEYS = {
    "id",
    "category",
    "kind",
    "severity",
    "labels",
    "value",
    "continues",
    "uppercase_only",
    "separator",
    "message",
    "action",
}
_PATTERN_KEYS = {
    "id",
    "category",
    "kind",
    "severity",
    "in_prose",
    "where",
    "regex",
    "ignorecase",
    "validator",
    "has_digits",
    "context",
    "context_required",
    "context_window",
    "message",
    "action",
}
_PORTION_KEYS = {"classification", "caveats"}
_ACTIONS = ("replace", "remove", "review")


class RulePackError(LeakdeskError):
    """A rule pack is malformed; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class PackInfo:
    name: str
    title: str
    path: str
    builtin: bool


@dataclass(frozen=True, slots=True)
class MarkingRule:
    """A vocabulary of marking terms (always written in capitals in the pack)."""

    id: str
    pack: str
    kind: str
    severity: Severity
    #: Severity when the term stands in capitals inside running prose; None: ignored.
    in_prose: Severity | None
    titlecase: str
    #: Not an ordinary English word (NOFORN, SIPDIS): also counts in all-caps prose.
    distinctive: bool
    message: str | None
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FieldRule:
    """A header field label (``Dated:``, ``Copy No.``, ``FM``) and what its value is."""

    id: str
    pack: str
    category: str
    kind: str
    severity: Severity
    labels: tuple[str, ...]
    #: The value must contain a match of this pattern (else the line is no field).
    value: regex.Pattern[str] | None
    #: Indented or list lines that follow belong to the field.
    continues: bool
    #: The label counts only in capitals (``FM``, ``TO``, ``INFO``).
    uppercase_only: bool
    separator: str
    message: str | None
    action: str


@dataclass(frozen=True, slots=True)
class PatternRule:
    """A regular expression for a structured trace (a cable number, a DTG...)."""

    id: str
    pack: str
    category: str
    kind: str
    severity: Severity
    in_prose: Severity | None
    where: str
    pattern: regex.Pattern[str]
    source: str
    ignorecase: bool
    validator: str | None
    #: Every match contains a digit: search only near digits (much faster).
    has_digits: bool
    #: Words that, just before a match, confirm it (Presidio's context words).
    context: tuple[str, ...]
    #: Without a context word the match does not count.
    context_required: bool
    #: How many characters before the match are searched for a context word.
    context_window: int
    message: str | None
    action: str


@dataclass(frozen=True, slots=True)
class TermInfo:
    """Everything the packs say about one marking term, merged over packs."""

    term: str
    kind: str
    severity: Severity
    in_prose: Severity | None
    titlecase: str
    distinctive: bool
    rules: tuple[str, ...]
    packs: tuple[str, ...]
    message: str | None


@dataclass(slots=True)
class RuleSet:
    """All loaded packs, merged."""

    packs: tuple[PackInfo, ...]
    markings: tuple[MarkingRule, ...]
    fields: tuple[FieldRule, ...]
    patterns: tuple[PatternRule, ...]
    portion_classification: tuple[str, ...]
    portion_caveats: tuple[str, ...]
    terms: dict[str, TermInfo] = field(default_factory=dict)

    def __post_init__(self) -> None:
        merged: dict[str, list[MarkingRule]] = {}
        for rule in self.markings:
            for t in rule.terms:
                merged.setdefault(t, []).append(rule)
        for t, rules in merged.items():
            sev = max((r.severity for r in rules), key=lambda s: s.rank)
            prose = [r.in_prose for r in rules]
            in_prose = (
                None
                if all(p is None for p in prose)
                else max((p for p in prose if p is not None), key=lambda s: s.rank)
            )
            order = {"banner": 0, "header": 1, "never": 2}
            titlecase = min((r.titlecase for r in rules), key=order.__getitem__)
            self.terms[t] = TermInfo(
                term=t,
                kind=rules[0].kind,
                severity=sev,
                in_prose=in_prose,
                titlecase=titlecase,
                distinctive=all(r.distinctive for r in rules),
                rules=tuple(dict.fromkeys(r.id for r in rules)),
                packs=tuple(dict.fromkeys(r.pack for r in rules)),
                message=next((r.message for r in rules if r.message), None),
            )

    @property
    def pack_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.packs)


# -- loading ---------------------------------------------------------------


def _fail(path: str, where: str, msg: str) -> RulePackError:
    return RulePackError(f"rule pack: {where}: {msg}" if where else f"rule pack: {msg}", path)


def _severity(value: Any, path: str, where: str, *, allow_none: bool = False) -> Severity | None:
    if value is None or (allow_none and value in ("ignore", "none", False)):
        if allow_none:
            return None
        raise _fail(path, where, "is required (high, medium or low)")
    if not isinstance(value, str):
        raise _fail(path, where, "must be high, medium or low")
    try:
        return Severity.parse(value)
    except ValueError:
        extra = ", low or ignore" if allow_none else " or low"
        raise _fail(path, where, f"must be high, medium{extra}, not {value!r}") from None


def _str(value: Any, path: str, where: str, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, where, "must be a non-empty string")
    return value


def _slug(value: Any, path: str, where: str) -> str:
    s = _str(value, path, where)
    assert s is not None
    if not _SLUG.match(s):
        raise _fail(path, where, f"{s!r} must be a lower-case name (letters, digits, - and _)")
    return s


def _bool(value: Any, path: str, where: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _fail(path, where, "must be true or false")
    return value


def _int(value: Any, path: str, where: str, default: int) -> int:
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 400:
        raise _fail(path, where, "must be a whole number from 1 to 400")
    return value


def _choice(value: Any, choices: Sequence[str], path: str, where: str, default: str) -> str:
    if value is None:
        return default
    if value not in choices:
        raise _fail(path, where, f"must be one of {', '.join(choices)}, not {value!r}")
    return str(value)


def _str_list(value: Any, path: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(path, where, "must be a non-empty list of strings")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise _fail(path, f"{where}[{i}]", "must be a non-empty string")
        out.append(" ".join(item.split()))
    return tuple(out)


def _check_keys(raw: Any, allowed: set[str], path: str, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _fail(path, where, "must be a mapping")
    unknown = sorted(set(map(str, raw)) - allowed)
    if unknown:
        raise _fail(path, where, f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")
    return raw


def _compile(source: Any, path: str, where: str, *, ignorecase: bool = False) -> regex.Pattern[str]:
    src = _str(source, path, where)
    assert src is not None
    flags = regex.V0 | (regex.IGNORECASE if ignorecase else 0)
    try:
        pat = regex.compile(src, flags)
    except regex.error as exc:
        raise _fail(path, where, f"not a valid regular expression: {exc}") from None
    if pat.match(""):
        raise _fail(path, where, "the pattern matches the empty string")
    return pat


def _load_pack(data: Any, path: str, builtin: bool) -> tuple[PackInfo, RuleSet]:
    raw = _check_keys(data, _PACK_KEYS, path, "")
    name = _slug(raw.get("pack"), path, "pack")
    title = _str(raw.get("title") or name, path, "title") or name
    markings: list[MarkingRule] = []
    for i, m in enumerate(raw.get("markings") or []):
        w = f"markings[{i}]"
        m = _check_keys(m, _MARKING_KEYS, path, w)
        rid = f"{name}.{_slug(m.get('id'), path, w + '.id')}"
        terms = _str_list(m.get("terms"), path, w + ".terms")
        for j, t in enumerate(terms):
            if t != t.upper() or not regex.search(r"\p{L}", t):
                raise _fail(path, f"{w}.terms[{j}]", f"{t!r}: write terms in capitals")
        sev = _severity(m.get("severity", "high"), path, w + ".severity")
        assert sev is not None
        markings.append(
            MarkingRule(
                id=rid,
                pack=name,
                kind=_choice(m.get("kind"), MARKING_KINDS, path, w + ".kind", "classification"),
                severity=sev,
                in_prose=_severity(m.get("in_prose", "low"), path, w + ".in_prose", allow_none=True),
                titlecase=_choice(m.get("titlecase"), TITLECASE, path, w + ".titlecase", "never"),
                distinctive=_bool(m.get("distinctive"), path, w + ".distinctive", False),
                message=_str(m.get("message"), path, w + ".message", required=False),
                terms=terms,
            )
        )
    pm = raw.get("portion_marks") or {}
    pm = _check_keys(pm, _PORTION_KEYS, path, "portion_marks")
    portion_cls = _str_list(pm["classification"], path, "portion_marks.classification") if pm.get("classification") else ()
    portion_cav = _str_list(pm["caveats"], path, "portion_marks.caveats") if pm.get("caveats") else ()
    for j, t in enumerate(portion_cls + portion_cav):
        if not regex.fullmatch(r"[A-Z][A-Z0-9 -]{0,15}", t):
            raise _fail(path, f"portion_marks[{j}]", f"{t!r}: a portion mark is 1-16 capitals")
    fields: list[FieldRule] = []
    for i, f in enumerate(raw.get("fields") or []):
        w = f"fields[{i}]"
        f = _check_keys(f, _FIELD_KEYS, path, w)
        rid = f"{name}.{_slug(f.get('id'), path, w + '.id')}"
        labels = _str_list(f.get("labels"), path, w + ".labels")
        for j, lab in enumerate(labels):
            if len(lab) > 40 or not regex.match(r"[\p{L}\p{N}]", lab):
                raise _fail(path, f"{w}.labels[{j}]", f"{lab!r}: a label starts with a letter and is short")
        sev = _severity(f.get("severity", "high"), path, w + ".severity")
        assert sev is not None
        value = f.get("value")
        fields.append(
            FieldRule(
                id=rid,
                pack=name,
                category=_choice(f.get("category"), RULE_CATEGORIES, path, w + ".category", ""),
                kind=_slug(f.get("kind"), path, w + ".kind"),
                severity=sev,
                labels=labels,
                value=_compile(value, path, w + ".value") if value is not None else None,
                continues=_bool(f.get("continues"), path, w + ".continues", False),
                uppercase_only=_bool(f.get("uppercase_only"), path, w + ".uppercase_only", False),
                separator=_choice(f.get("separator"), SEPARATORS, path, w + ".separator", "colon"),
                message=_str(f.get("message"), path, w + ".message", required=False),
                action=_choice(f.get("action"), _ACTIONS, path, w + ".action", "replace"),
            )
        )
        if not fields[-1].category:
            raise _fail(path, w + ".category", f"is required ({', '.join(RULE_CATEGORIES)})")
    patterns: list[PatternRule] = []
    for i, p in enumerate(raw.get("patterns") or []):
        w = f"patterns[{i}]"
        p = _check_keys(p, _PATTERN_KEYS, path, w)
        rid = f"{name}.{_slug(p.get('id'), path, w + '.id')}"
        ic = _bool(p.get("ignorecase"), path, w + ".ignorecase", False)
        sev = _severity(p.get("severity", "high"), path, w + ".severity")
        assert sev is not None
        category = _choice(p.get("category"), RULE_CATEGORIES, path, w + ".category", "")
        if not category:
            raise _fail(path, w + ".category", f"is required ({', '.join(RULE_CATEGORIES)})")
        validator = p.get("validator")
        if validator is not None:
            validator = _choice(validator, VALIDATORS, path, w + ".validator", "")
        patterns.append(
            PatternRule(
                id=rid,
                pack=name,
                category=category,
                kind=_slug(p.get("kind"), path, w + ".kind"),
                severity=sev,
                in_prose=_severity(p.get("in_prose", "low"), path, w + ".in_prose", allow_none=True),
                where=_choice(p.get("where"), WHERES, path, w + ".where", "anywhere"),
                pattern=_compile(p.get("regex"), path, w + ".regex", ignorecase=ic),
                source=str(p.get("regex")),
                ignorecase=ic,
                validator=validator or None,
                has_digits=_bool(p.get("has_digits"), path, w + ".has_digits", False),
                context=_str_list(p["context"], path, w + ".context") if p.get("context") is not None else (),
                context_required=_bool(p.get("context_required"), path, w + ".context_required", False),
                context_window=_int(p.get("context_window"), path, w + ".context_window", 40),
                message=_str(p.get("message"), path, w + ".message", required=False),
                action=_choice(p.get("action"), _ACTIONS, path, w + ".action", "replace"),
            )
        )
        if patterns[-1].context_required and not patterns[-1].context:
            raise _fail(path, w + ".context_required", "needs a list of context words")
    info = PackInfo(name, title, path, builtin)
    return info, RuleSet((info,), tuple(markings), tuple(fields), tuple(patterns), portion_cls, portion_cav)


def load_pack_text(text: str, path: str = "<string>", *, builtin: bool = False) -> RuleSet:
    """Parse and validate one pack given as YAML text."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise _fail(path, where, f"not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    return _load_pack(data, path, builtin)[1]


def load_pack(path: str | Path, *, builtin: bool = False) -> RuleSet:
    """Read, parse and validate one pack file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulePackError(f"rule pack: cannot read it ({exc.__class__.__name__})", p) from None
    return load_pack_text(text, str(p), builtin=builtin)


def merge(sets: Iterable[RuleSet]) -> RuleSet:
    """One rule set from several packs; a pack name may appear only once."""
    sets = list(sets)
    seen: dict[str, str] = {}
    for s in sets:
        for p in s.packs:
            if p.name in seen:
                raise RulePackError(
                    f"rule pack: pack name {p.name!r} is already used by {seen[p.name]}", p.path
                )
            seen[p.name] = p.path
    return RuleSet(
        packs=tuple(p for s in sets for p in s.packs),
        markings=tuple(m for s in sets for m in s.markings),
        fields=tuple(f for s in sets for f in s.fields),
        patterns=tuple(p for s in sets for p in s.patterns),
        portion_classification=tuple(dict.fromkeys(t for s in sets for t in s.portion_classification)),
        portion_caveats=tuple(dict.fromkeys(t for s in sets for t in s.portion_caveats)),
    )


_PACK_LINE = re.compile(r"^pack[ \t]*:", re.MULTILINE)


def builtin_pack_files() -> list[tuple[str, str]]:
    """(name, YAML text) of every pack shipped with leakdesk, sorted by name.

    ``rules/`` may also hold data tables of other detectors (such as
    ``invisible_chars.yaml``); a shipped file is a rule pack when it has a
    top-level ``pack:`` key.  Files a user points to are always packs.
    """
    folder = resources.files(__package__).joinpath("rules")
    out = []
    for entry in folder.iterdir():
        if entry.name.endswith((".yaml", ".yml")) and entry.is_file():
            text = entry.read_text(encoding="utf-8")
            if _PACK_LINE.search(text):
                out.append((entry.name, text))
    return sorted(out)


def _extra_files(extra: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for item in extra:
        p = Path(item).expanduser()
        if p.is_dir():
            files.extend(sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml") and q.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise RulePackError("rule pack folder or file not found", p)
    return files


def load_rules(extra: Iterable[str | Path] = (), *, use_env: bool = True) -> RuleSet:
    """The built-in packs, then those in ``LEAKDESK_RULES``, then ``extra``."""
    sets = [load_pack_text(text, f"leakdesk/detectors/rules/{name}", builtin=True) for name, text in builtin_pack_files()]
    paths: list[str | Path] = []
    if use_env:
        env = os.environ.get(ENV_VAR, "")
        paths.extend(x for x in env.split(os.pathsep) if x.strip())
    paths.extend(extra)
    sets.extend(load_pack(p) for p in _extra_files(paths))
    return merge(sets)


# -- the active rule set ---------------------------------------------------

_lock = threading.Lock()
_extra: tuple[str, ...] = ()
_active: tuple[tuple[str, tuple[str, ...]], RuleSet] | None = None


def configure(extra: Iterable[str | Path] = ()) -> RuleSet:
    """Use the built-in packs plus ``extra`` folders or files (and ``LEAKDESK_RULES``).

    Validates every pack now, so a bad pack fails before any document is read.
    """
    global _extra, _active
    new_extra = tuple(str(p) for p in extra)
    rules = load_rules(new_extra)
    with _lock:
        _extra = new_extra
        _active = ((os.environ.get(ENV_VAR, ""), new_extra), rules)
    return rules


def active() -> RuleSet:
    """The rule set the detectors use (reloaded when ``LEAKDESK_RULES`` changes)."""
    global _active
    key = (os.environ.get(ENV_VAR, ""), _extra)
    current = _active
    if current is not None and current[0] == key:
        return current[1]
    rules = load_rules(_extra)
    with _lock:
        _active = (key, rules)
    return rules
