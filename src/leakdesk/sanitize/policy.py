"""The sanitize policy: what to do with each finding, as documented YAML.

The shipped defaults live in ``default_policy.yaml`` next to this module (read
it: every key is commented).  A user policy is merged over them, so it lists
only what it changes.  Loading validates every key and value and refuses
unknown ones with a one-line :class:`~leakdesk.errors.UsageError`: a typo in
a policy must never weaken it silently.

:meth:`Policy.decide` turns one finding into a :class:`Decision`; the engine
(:mod:`.engine`) turns the decisions into a clean plan.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..document import CATEGORIES, PARTS, Action, Finding, Severity
from ..errors import UsageError

#: Actions a policy may name.  ``keep`` and ``review`` both leave the text
#: alone; ``review`` means a person should look.  ``auto`` follows the detector.
POLICY_ACTIONS: tuple[str, ...] = ("remove", "replace", "normalize", "review", "keep", "auto")
WHOLE_LINE: tuple[str, ...] = ("never", "if_alone", "always")

_RULE_KEYS = {"action", "whole_line", "min_severity", "include_review"}
_KEEP_KEYS = {"text", "pattern", "detector", "category", "part", "case_sensitive"}
_TOP_KEYS = {
    "version",
    "placeholder",
    "categories",
    "detectors",
    "keep",
    "drop_parts",
    "propagate",
    "safety_net",
    "attachments",
    "options",
}


@dataclass(frozen=True, slots=True)
class Rule:
    """What to do with the findings of one category or detector."""

    action: str = "auto"
    whole_line: str = "never"
    min_severity: Severity = Severity.LOW
    include_review: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "whole_line": self.whole_line,
            "min_severity": self.min_severity.value,
            "include_review": self.include_review,
        }


@dataclass(frozen=True, slots=True)
class KeepRule:
    """A finding to keep as it is; every field given must match."""

    text: str | None = None
    pattern: str | None = None
    detector: str | None = None
    category: str | None = None
    part: str | None = None
    case_sensitive: bool = False

    def matches(self, f: Finding) -> bool:
        if self.detector is not None and f.detector != self.detector:
            return False
        if self.category is not None and f.category != self.category:
            return False
        if self.part is not None and f.location.part != self.part:
            return False
        excerpt = f.excerpt.strip()
        if self.text is not None:
            if self.case_sensitive:
                if excerpt != self.text.strip():
                    return False
            elif excerpt.casefold() != self.text.strip().casefold():
                return False
        if self.pattern is not None:
            flags = 0 if self.case_sensitive else re.IGNORECASE
            if re.search(self.pattern, f.excerpt, flags) is None:
                return False
        return True

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            k: getattr(self, k)
            for k in ("text", "pattern", "detector", "category", "part")
            if getattr(self, k) is not None
        }
        if self.case_sensitive:
            out["case_sensitive"] = True
        return out


@dataclass(frozen=True, slots=True)
class Decision:
    """What sanitize does with one finding, and why."""

    finding: Finding
    #: remove, replace, normalize (the text changes) or keep, review (it stays).
    outcome: str
    whole_line: str = "never"
    #: Where the decision comes from, e.g. "categories.marking" or "keep[0]".
    reason: str = ""

    @property
    def changes_text(self) -> bool:
        return self.outcome in ("remove", "replace", "normalize")

    @property
    def action(self) -> Action:
        return {
            "remove": Action.REMOVE,
            "replace": Action.REPLACE,
            "normalize": Action.NORMALIZE,
        }.get(self.outcome, Action.REVIEW)


@dataclass(frozen=True, slots=True)
class Policy:
    placeholder: str = "[REDACTED]"
    categories: dict[str, Rule] = field(default_factory=dict)
    #: Per-detector overrides: only the fields the policy gave.
    detectors: dict[str, dict[str, Any]] = field(default_factory=dict)
    keep: tuple[KeepRule, ...] = ()
    drop_parts: tuple[str, ...] = ()
    propagate: tuple[str, ...] = ()
    safety_net: bool = True
    attachments: str = "remove"
    options: dict[str, Any] = field(default_factory=dict)
    #: Where the policy came from ("default" or a file name), for reports.
    source: str = "default"

    def rule_for(self, f: Finding) -> tuple[Rule, str]:
        """The rule that applies to ``f`` and its name in the policy."""
        base = self.categories.get(f.category, Rule())
        where = f"categories.{f.category}" if f.category in self.categories else "built-in"
        over = self.detectors.get(f.detector)
        if over:
            fields = {**base.to_json(), **over}
            base = _rule_from(fields, f"detectors.{f.detector}")
            where = f"detectors.{f.detector}"
        return base, where

    def decide(self, f: Finding) -> Decision:
        for i, k in enumerate(self.keep):
            if k.matches(f):
                return Decision(f, "keep", reason=f"keep[{i}]")
        rule, where = self.rule_for(f)
        if f.severity.rank < rule.min_severity.rank:
            return Decision(f, "review", reason=f"{where}: below min_severity")
        if f.action is Action.REVIEW and not rule.include_review and rule.action != "keep":
            return Decision(f, "review", reason=f"{where}: the detector left it for review")
        action = rule.action
        if action == "auto":
            action = f.action.value
        return Decision(f, action, rule.whole_line, where)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "placeholder": self.placeholder,
            "categories": {k: r.to_json() for k, r in sorted(self.categories.items())},
            "detectors": dict(sorted(self.detectors.items())),
            "keep": [k.to_json() for k in self.keep],
            "drop_parts": list(self.drop_parts),
            "propagate": list(self.propagate),
            "safety_net": self.safety_net,
            "attachments": self.attachments,
        }


# -- loading ------------------------------------------------------------------


def _fail(where: str, msg: str, path: Path | None) -> UsageError:
    return UsageError(f"policy: {where}: {msg}", path)


def _severity(value: Any, where: str, path: Path | None) -> Severity:
    try:
        return Severity.parse(str(value))
    except ValueError:
        raise _fail(where, f"{value!r} is not high, medium or low", path) from None


def _check_rule_fields(raw: Any, where: str, path: Path | None) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _fail(where, "must be a mapping such as {action: replace}", path)
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise _fail(where, f"unknown key {sorted(unknown)[0]!r} (use {sorted(_RULE_KEYS)})", path)
    out: dict[str, Any] = {}
    if "action" in raw:
        if raw["action"] not in POLICY_ACTIONS:
            raise _fail(
                f"{where}.action", f"{raw['action']!r} is not one of {', '.join(POLICY_ACTIONS)}", path
            )
        out["action"] = raw["action"]
    if "whole_line" in raw:
        wl = raw["whole_line"]
        if wl is True:
            wl = "always"
        elif wl is False:
            wl = "never"
        if wl not in WHOLE_LINE:
            raise _fail(f"{where}.whole_line", f"{wl!r} is not one of {', '.join(WHOLE_LINE)}", path)
        out["whole_line"] = wl
    if "min_severity" in raw:
        out["min_severity"] = _severity(raw["min_severity"], f"{where}.min_severity", path).value
    if "include_review" in raw:
        if not isinstance(raw["include_review"], bool):
            raise _fail(f"{where}.include_review", "must be true or false", path)
        out["include_review"] = raw["include_review"]
    return out


def _rule_from(fields: dict[str, Any], where: str, path: Path | None = None) -> Rule:
    return Rule(
        action=str(fields.get("action", "auto")),
        whole_line=str(fields.get("whole_line", "never")),
        min_severity=_severity(fields.get("min_severity", "low"), where, path),
        include_review=bool(fields.get("include_review", False)),
    )


def _keep_rule(raw: Any, where: str, path: Path | None) -> KeepRule:
    if not isinstance(raw, dict) or not raw:
        raise _fail(where, "must be a mapping such as {category: marking, text: UNCLASSIFIED}", path)
    unknown = set(raw) - _KEEP_KEYS
    if unknown:
        raise _fail(where, f"unknown key {sorted(unknown)[0]!r} (use {sorted(_KEEP_KEYS)})", path)
    if not set(raw) - {"case_sensitive"}:
        raise _fail(where, "a keep rule needs at least one of text, pattern, detector, category, part", path)
    for key in ("text", "pattern", "detector", "category", "part"):
        if key in raw and not isinstance(raw[key], str):
            raise _fail(f"{where}.{key}", "must be a string", path)
    if "category" in raw and raw["category"] not in CATEGORIES:
        raise _fail(f"{where}.category", f"unknown category {raw['category']!r}", path)
    if "pattern" in raw:
        try:
            re.compile(raw["pattern"])
        except re.error as exc:
            raise _fail(f"{where}.pattern", f"not a valid regular expression ({exc})", path) from None
    cs = raw.get("case_sensitive", False)
    if not isinstance(cs, bool):
        raise _fail(f"{where}.case_sensitive", "must be true or false", path)
    return KeepRule(
        text=raw.get("text"),
        pattern=raw.get("pattern"),
        detector=raw.get("detector"),
        category=raw.get("category"),
        part=raw.get("part"),
        case_sensitive=cs,
    )


def _str_list(raw: Any, where: str, allowed: tuple[str, ...], path: Path | None) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise _fail(where, "must be a list of names", path)
    for x in raw:
        if x not in allowed:
            raise _fail(where, f"unknown name {x!r} (use {', '.join(allowed)})", path)
    return tuple(raw)


def policy_from_mapping(data: dict[str, Any], *, source: str = "default",
                        path: Path | None = None) -> Policy:
    """Build a :class:`Policy` from a complete mapping (defaults already merged)."""
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise _fail(sorted(unknown)[0], f"unknown key (use {', '.join(sorted(_TOP_KEYS))})", path)
    if data.get("version", 1) != 1:
        raise _fail("version", f"{data.get('version')!r} is not supported (use 1)", path)
    placeholder = data.get("placeholder", "[REDACTED]")
    if not isinstance(placeholder, str) or "\n" in placeholder or "\r" in placeholder:
        raise _fail("placeholder", "must be one line of text", path)
    from .chars import INVISIBLE_RE

    if INVISIBLE_RE.search(placeholder):
        raise _fail("placeholder", "must not hold invisible characters", path)
    cats_raw = data.get("categories") or {}
    if not isinstance(cats_raw, dict):
        raise _fail("categories", "must be a mapping of category to rule", path)
    categories: dict[str, Rule] = {}
    for name, raw in cats_raw.items():
        if name not in CATEGORIES:
            raise _fail(f"categories.{name}", f"unknown category (use {', '.join(CATEGORIES)})", path)
        where = f"categories.{name}"
        categories[name] = _rule_from(_check_rule_fields(raw, where, path), where, path)
    det_raw = data.get("detectors") or {}
    if not isinstance(det_raw, dict):
        raise _fail("detectors", "must be a mapping of detector id to rule", path)
    detectors = {
        str(k): _check_rule_fields(v, f"detectors.{k}", path) for k, v in det_raw.items()
    }
    keep_raw = data.get("keep") or []
    if not isinstance(keep_raw, list):
        raise _fail("keep", "must be a list of rules", path)
    keep = tuple(_keep_rule(r, f"keep[{i}]", path) for i, r in enumerate(keep_raw))
    drop_parts = _str_list(data.get("drop_parts", []), "drop_parts", PARTS, path)
    if "body" in drop_parts:
        raise _fail("drop_parts", "the body cannot be dropped", path)
    propagate = _str_list(data.get("propagate", []), "propagate", CATEGORIES, path)
    safety_net = data.get("safety_net", True)
    if not isinstance(safety_net, bool):
        raise _fail("safety_net", "must be true or false", path)
    attachments = data.get("attachments", "remove")
    if attachments != "remove":
        raise _fail(
            "attachments",
            f"{attachments!r} is not supported: attachments are always removed "
            "(extract and sanitize each one on its own)",
            path,
        )
    options = data.get("options") or {}
    if not isinstance(options, dict):
        raise _fail("options", "must be a mapping", path)
    return Policy(
        placeholder=placeholder,
        categories=categories,
        detectors=detectors,
        keep=keep,
        drop_parts=drop_parts,
        propagate=propagate,
        safety_net=safety_net,
        attachments=attachments,
        options=dict(options),
        source=source,
    )


@cache
def _default_mapping() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("default_policy.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def merge_policy(base: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    """Merge a user policy mapping over ``base`` (see the module docstring)."""
    out = copy.deepcopy(base)
    for key, value in user.items():
        if key in ("categories", "detectors") and isinstance(value, dict):
            merged = dict(out.get(key) or {})
            for name, rule in value.items():
                prev = merged.get(name)
                if isinstance(prev, dict) and isinstance(rule, dict):
                    merged[name] = {**prev, **rule}
                else:
                    merged[name] = rule
            out[key] = merged
        elif key == "keep" and isinstance(value, list):
            out[key] = list(out.get(key) or []) + value
        else:
            out[key] = value
    return out


def default_policy() -> Policy:
    """The shipped policy (``default_policy.yaml``)."""
    return policy_from_mapping(_default_mapping())


def load_policy(path: str | Path | None = None) -> Policy:
    """The default policy, or ``path`` merged over it."""
    if path is None:
        return default_policy()
    p = Path(path)
    try:
        raw = p.read_text("utf-8")
    except FileNotFoundError:
        raise UsageError("policy file not found", p) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the policy file ({exc})", p) from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise UsageError(f"policy is not valid YAML{where}", p) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UsageError("policy must be a YAML mapping (see docs/sanitize.md)", p)
    return policy_from_mapping(merge_policy(_default_mapping(), data), source=p.name, path=p)


def as_policy(policy: Policy | str | Path | None) -> Policy:
    """Accept a Policy, a policy file path, or None (the default)."""
    if isinstance(policy, Policy):
        return policy
    return load_policy(policy)
