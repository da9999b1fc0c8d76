"""Identifying metadata as exiftool reads it, and what of it survives a sanitize.

``exiftool -j -a -G1`` lists every tag of a file with its group.  The
identifying ones (authors, tools, dates, titles, IDs, GPS, serials, camera) of
the original are collected; a *leak* is one of those values found again in the
cleaned file: under the same tag name, or (for values of 6 characters or
more) under any tag.  File-system tags (groups System, File, ExifTool) are
ignored.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

#: The tags named in issue 4's real-world check.
CORE_TAGS = frozenset({
    "Author", "Creator", "Producer", "CreatorTool", "Title", "Subject", "Keywords",
    "LastModifiedBy", "Company", "Manager", "CreateDate", "ModifyDate", "MetadataDate",
    "DateTimeOriginal", "DocumentID", "InstanceID", "OriginalDocumentID", "SerialNumber",
    "BodySerialNumber", "LensSerialNumber", "InternalSerialNumber", "Make", "Model", "Artist",
    "Copyright", "Software", "XMPToolkit", "HostComputer", "OwnerName",
})
#: Further tags that name a person, a tool, a place, a time or a copy.
EXTRA_TAGS = frozenset({
    "Application", "Template", "LastPrinted", "DateCreated", "DateTimeCreated",
    "DigitalCreationDate", "CreationTime", "By-line", "CopyrightNotice", "ObjectName",
    "Caption-Abstract", "Writer-Editor", "OriginatingProgram", "ImageDescription", "UserComment",
    "XPAuthor", "XPComment", "XPTitle", "XPSubject", "XPKeywords", "CameraOwnerName",
    "ImageUniqueID", "DocumentName", "HistorySoftwareAgent", "HistoryWhen", "HistoryInstanceID",
    "DerivedFromDocumentID", "DerivedFromInstanceID", "Comment", "Description", "Rights",
    "Contributor", "Publisher", "UniqueCameraModel", "LensModel", "LensMake",
    "CameraSerialNumber", "Owner", "Category", "RevisionNumber", "TotalEditTime", "Generator",
    "InitialCreator",
})
IGNORED_GROUPS = frozenset({"System", "File", "ExifTool"})
IGNORED_VALUES = frozenset({
    "", "0", "none", "(none)", "unknown", "n/a", "0000:00:00 00:00:00", "    :  :     :  :  ",
    "0000:00:00", "1", "true", "false",
})
_BINARY = re.compile(r"^\(Binary data \d+ bytes")


def is_identifying(tag: str) -> bool:
    return tag in CORE_TAGS or tag in EXTRA_TAGS or tag.startswith("GPS") or \
        tag.endswith("SerialNumber")


def exiftool(path: Path, timeout: float = 60) -> dict[str, Any]:
    """exiftool's tags for ``path`` as ``{"Group:Tag": value}`` (empty on failure)."""
    try:
        proc = subprocess.run(
            ["exiftool", "-j", "-a", "-G1", "-charset", "filename=utf8", "--", str(path)],
            capture_output=True, timeout=timeout, check=False,
        )
        data = json.loads(proc.stdout or b"[]")
    except (subprocess.TimeoutExpired, json.JSONDecodeError, OSError):
        return {}
    return data[0] if data and isinstance(data[0], dict) else {}


def _values(v: Any) -> list[str]:
    if isinstance(v, list):
        return [s for x in v for s in _values(x)]
    s = " ".join(str(v).split())
    if _BINARY.match(s) or s.lower() in IGNORED_VALUES:
        return []
    return [s]


def identifying(tags: dict[str, Any]) -> dict[str, list[str]]:
    """``{"Group:Tag": [values]}`` for the identifying tags of one exiftool listing."""
    out: dict[str, list[str]] = {}
    for key, v in tags.items():
        group, _, tag = key.rpartition(":")
        if group in IGNORED_GROUPS or not is_identifying(tag):
            continue
        vals = _values(v)
        if vals:
            out[key] = vals
    return out


def leaks(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    """The original's identifying values found again in the cleaned file."""
    ident = identifying(before)
    by_tag: dict[str, set[str]] = {}
    anywhere: dict[str, str] = {}
    for key, vals in (
        (k, _values(v)) for k, v in after.items()
        if k.rpartition(":")[0] not in IGNORED_GROUPS
    ):
        tag = key.rpartition(":")[2]
        for s in vals:
            by_tag.setdefault(tag, set()).add(s)
            anywhere.setdefault(s, key)
    found: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for key, vals in ident.items():
        tag = key.rpartition(":")[2]
        for s in vals:
            where = None
            if s in by_tag.get(tag, ()):
                where = next(k for k in after if k.rpartition(":")[2] == tag
                             and s in _values(after[k]))
            elif len(s) >= 6 and s in anywhere:
                where = anywhere[s]
            if where and (tag, s) not in seen:
                seen.add((tag, s))
                found.append({"tag": key, "value": s, "in_output": where,
                              "core": str(tag in CORE_TAGS or tag.startswith("GPS")
                                          or tag.endswith("SerialNumber"))})
    return found


def byte_residue(ident: dict[str, list[str]], data: bytes) -> list[str]:
    """Identifying values (8+ characters) whose bytes (UTF-8 or UTF-16) appear in ``data``."""
    hits: list[str] = []
    for vals in ident.values():
        for s in vals:
            if len(s) < 8 or s in hits or re.fullmatch(r"[\d:+\-. TZ]+", s):
                continue
            if s.encode() in data or s.encode("utf-16-le") in data or \
                    s.encode("utf-16-be") in data:
                hits.append(s)
    return hits


def unmentioned(ident: dict[str, list[str]], audit_json: str) -> list[tuple[str, str]]:
    """Core identifying values (4+ characters, not dates or numbers) that an audit
    report does not quote anywhere: a heuristic for traces the audit missed."""
    try:
        report = json.loads(audit_json)
    except json.JSONDecodeError:
        return []
    strings: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, str):
            strings.append(" ".join(v.split()))
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(report)
    text = "\n".join(strings)
    out: list[tuple[str, str]] = []
    for key, vals in ident.items():
        tag = key.rpartition(":")[2]
        if tag not in CORE_TAGS or tag.endswith("Date") or tag == "DateTimeOriginal":
            continue
        for s in vals:
            if len(s) < 4 or re.fullmatch(r"[\d:+\-. TZ/]+", s):
                continue
            if s not in text:
                out.append((key, s))
    return out
