"""Plain, validated data across the isolation boundary (Dangerzone's rule).

A worker process that parses a hostile file may be compromised, so what it
sends back is never unpickled: it is JSON, and every value is checked before it
becomes a :class:`~leakdesk.document.Document` (or, from sanitize's clean step,
a :class:`~leakdesk.formats.base.CleanResult`) again: types, lengths, offsets
within the text, known enum values, nesting depth.  Names of data that has not
been through :func:`document_from_wire` or :func:`clean_result_from_wire` start
with ``untrusted_``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .document import Action, Document, Finding, Location, Segment, Severity
from .errors import InputError, safe_name

if TYPE_CHECKING:
    from .formats.base import CleanResult

MAX_WIRE_BYTES = 1 << 30
MAX_DEPTH = 8
MAX_SHORT = 4096


class WireError(InputError):
    """The worker sent back something malformed: treated as a failed file."""


def _json_safe(value: Any, depth: int = 0) -> Any:
    if depth > 6:
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_json_safe(v, depth + 1) for v in value[:10_000]]
    if isinstance(value, dict):
        return {str(k): _json_safe(v, depth + 1) for k, v in list(value.items())[:10_000]}
    if isinstance(value, bytes):
        return value.hex()[:MAX_SHORT]
    return str(value)[:MAX_SHORT]


def document_to_wire(doc: Document) -> dict[str, Any]:
    return {
        "text": doc.text,
        "segments": [[s.start, s.end, s.part, s.page, s.source] for s in doc.segments],
        "path": str(doc.path) if doc.path is not None else None,
        "format": doc.format,
        "encoding": doc.encoding,
        "findings": [f.to_json() for f in doc.container_findings],
        "children": [document_to_wire(c) for c in doc.children],
        "meta": _json_safe(doc.meta),
    }


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def loads(untrusted_bytes: bytes) -> Any:
    if len(untrusted_bytes) > MAX_WIRE_BYTES:
        raise WireError("worker result is too large")
    try:
        return json.loads(untrusted_bytes.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise WireError(f"malformed worker result ({exc})") from None
    except RecursionError:
        raise WireError("worker result nests too deeply") from None


def _str(v: Any, what: str, limit: int | None = MAX_SHORT, none: bool = False) -> Any:
    if v is None and none:
        return None
    if not isinstance(v, str) or (limit is not None and len(v) > limit):
        raise WireError(f"bad {what} in worker result")
    return v


def _int(v: Any, what: str, none: bool = False) -> Any:
    if v is None and none:
        return None
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise WireError(f"bad {what} in worker result")
    return v


def finding_from_wire(untrusted: Any, text_len: int) -> Finding:
    if not isinstance(untrusted, dict):
        raise WireError("bad finding in worker result")
    loc = untrusted.get("location")
    if not isinstance(loc, dict):
        raise WireError("bad finding location in worker result")
    start = _int(loc.get("start"), "finding start", none=True)
    end = _int(loc.get("end"), "finding end", none=True)
    if (start is None) != (end is None) or (start is not None and not start <= end <= text_len):
        raise WireError("finding span outside the text in worker result")
    try:
        severity = Severity(str(untrusted.get("severity")))
        action = Action(str(untrusted.get("action", "review")))
    except ValueError:
        raise WireError("bad finding severity or action in worker result") from None
    evidence = untrusted.get("evidence") or {}
    if not isinstance(evidence, dict):
        raise WireError("bad finding evidence in worker result")
    return Finding(
        detector=_str(untrusted.get("detector"), "detector", 100),
        category=_str(untrusted.get("category"), "category", 40),
        severity=severity,
        message=_str(untrusted.get("message", ""), "message", 10_000),
        location=Location(
            part=_str(loc.get("part", "body"), "part", 40),
            page=_int(loc.get("page"), "page", none=True),
            start=start,
            end=end,
        ),
        excerpt=_str(untrusted.get("excerpt", ""), "excerpt", None),
        evidence=_json_safe(evidence),
        action=action,
        replacement=_str(untrusted.get("replacement"), "replacement", None, none=True),
    )


def document_from_wire(untrusted: Any, depth: int = 0) -> Document:
    """Rebuild a Document from a worker's JSON, checking every field."""
    if depth > MAX_DEPTH or not isinstance(untrusted, dict):
        raise WireError("malformed document in worker result")
    text = _str(untrusted.get("text"), "text", None)
    n = len(text)
    segments = []
    raw_segments = untrusted.get("segments")
    if not isinstance(raw_segments, list):
        raise WireError("bad segments in worker result")
    for seg in raw_segments:
        if not isinstance(seg, list) or len(seg) != 5:
            raise WireError("bad segment in worker result")
        start, end = _int(seg[0], "segment start"), _int(seg[1], "segment end")
        if not start <= end <= n:
            raise WireError("segment outside the text in worker result")
        segments.append(Segment(start, end, _str(seg[2], "segment part", 40),
                                _int(seg[3], "page", none=True),
                                _str(seg[4], "segment source", 1000, none=True)))
    raw_findings = untrusted.get("findings") or []
    raw_children = untrusted.get("children") or []
    if not isinstance(raw_findings, list) or not isinstance(raw_children, list):
        raise WireError("bad findings or children in worker result")
    path = _str(untrusted.get("path"), "path", 10_000, none=True)
    meta = untrusted.get("meta") or {}
    return Document(
        text,
        segments,
        path=Path(path) if path is not None else None,
        format=_str(untrusted.get("format", "unknown"), "format", 40),
        encoding=_str(untrusted.get("encoding"), "encoding", 40, none=True),
        container_findings=[finding_from_wire(f, n) for f in raw_findings],
        children=[document_from_wire(c, depth + 1) for c in raw_children],
        meta=_json_safe(meta) if isinstance(meta, dict) else {},
    )


# -- clean results ---------------------------------------------------------------------

MAX_LINES = 10_000
MAX_LINE = 10_000
MAX_EXTRA_BYTES = 64 << 10
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,39}")


def clean_result_to_wire(result: CleanResult) -> dict[str, Any]:
    """What a clean child sends back: the output is the file the parent named, not data."""
    return {
        "format": result.format,
        "mode": result.mode,
        "actions": [str(a) for a in result.actions],
        "not_done": [str(a) for a in result.not_done],
        "extra": _json_safe(result.extra),
    }


def _name(v: Any, what: str) -> str:
    if not isinstance(v, str) or not _NAME.fullmatch(v):
        raise WireError(f"bad {what} in worker result")
    return v


def _lines(v: Any, what: str) -> list[str]:
    if not isinstance(v, list) or len(v) > MAX_LINES:
        raise WireError(f"bad {what} in worker result")
    # lines a person reads on a terminal: no line breaks or escape sequences
    return [safe_name(" ".join(_str(x, what, MAX_LINE).split())) for x in v]


def clean_result_from_wire(untrusted: Any, output: Path) -> CleanResult:
    """Rebuild a CleanResult from a clean child's JSON, checking every field.

    ``output`` is the path the parent gave the child, whatever the child says.
    """
    from .formats.base import CleanResult

    if not isinstance(untrusted, dict):
        raise WireError("malformed clean result in worker result")
    extra = untrusted.get("extra") or {}
    if not isinstance(extra, dict):
        raise WireError("bad extra in worker result")
    extra = _json_safe(extra)
    if len(dumps(extra)) > MAX_EXTRA_BYTES:
        raise WireError("extra too large in worker result")
    return CleanResult(
        output=Path(output),
        format=_name(untrusted.get("format"), "format"),
        mode=_name(untrusted.get("mode"), "mode"),
        actions=_lines(untrusted.get("actions", []), "actions"),
        not_done=_lines(untrusted.get("not_done", []), "not_done"),
        extra=extra,
    )
