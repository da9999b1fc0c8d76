"""Identifiers: serial, reference, cable and copy numbers, addresses, paths, accounts.

What it finds:

* **Header fields and lines** (from the rule packs): ``REF:``, ``Our ref``,
  ``File No.``, ``No. E-1142/LDN``, ``Cypher No.``, ``TELNO 123``,
  ``Copy No. 4 of 9``, ``TAGS:``, ``User:``, routing lines (``VZCZC...``,
  ``DE RUEHIL #0123/01 0451234``), and in a header block any other
  ``Label: value`` line or code line.  One finding per field or line.
* **Numbers anywhere** (pack patterns): cable IDs (``09ISLAMABAD123``),
  cable numbers (``22 STATE 123456``, ``ISLAMABAD 000123``), copy numbers
  (``copy 3/12``), telegram, letter and file numbers, NATO and EU document
  numbers.
* **Digital traces**: e-mail addresses, URLs, file paths (Windows, UNC,
  Unix home folders), file names, IPv4/IPv6 addresses (validated), phone
  numbers (international and national formats, never bare digit runs),
  user names (``DOMAIN\\user``, ``@handle``), UUIDs and hex hashes.

Why it singles out a copy: a copy number names the copy; reference, serial
and cable numbers find the exact message in the sender's register, where
every addressee is listed; addresses, paths and accounts name the person or
machine that handled the copy.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from ..document import Action, Document, Finding, Severity
from . import detector
from ._context import Claim, Layout, layout, trie_regex
from .rules import PatternRule, RuleSet, active

DETECTOR = "identifiers"

_EXTENSIONS = (
    "doc docx docm dot dotx rtf odt ott pdf txt csv tsv xls xlsx xlsm ods ppt pptx pps ppsx odp msg eml pst "
    "ost mbox zip 7z rar tar gz tgz bz2 xz jpg jpeg png gif tif tiff bmp heic webp mp3 mp4 m4a wav mov avi "
    "mkv html htm xml json yaml yml log sql sqlite db accdb mdb vsd vsdx wpd wps vcf ics kml kmz gpx dwg "
    "xps oxps epub iso vhd vhdx vmdk exe dll bat ps1 sh py lnk tmp bak cab dat pgp gpg asc"
).split()

# Each trace is found from a cheap trigger (a literal such as "@" or "://", or a
# short character-class sequence near digits) and then matched precisely at
# the trigger: scanning running prose costs a fraction of a millisecond per MB.
_EXT_RE = "(?:" + trie_regex(sorted({*_EXTENSIONS, *(e.upper() for e in _EXTENSIONS)}), char=re.escape) + ")"
_AT = re.compile(r"@[A-Za-z0-9_]")
_EMAIL = regex.compile(
    r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
)
_HANDLE = regex.compile(r"@[A-Za-z_][A-Za-z0-9_]{1,30}(?![\w@])")
_URL_TRIGGER = re.compile(r"://|www\.")
_URL_BODY = regex.compile(r"[^\s<>\"'`{}|\\^\[\]]+")
_SCHEME = regex.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,9}$")
_WIN_TRIGGER = re.compile(r":\\")
_WINPATH = regex.compile(
    r"[A-Za-z]:\\(?:[^\\/:*?\"<>|\n\t]{1,120}\\)*"
    r"(?:[^\\/:*?\"<>|\n\t]{0,120}?\." + _EXT_RE + r"(?![\w])|[^\\/:*?\"<>|\s]*)"
)
_UNC_TRIGGER = re.compile(r"\\\\[A-Za-z0-9]")
_UNC = regex.compile(
    r"\\\\[A-Za-z0-9._$-]+\\(?:[^\\/:*?\"<>|\n\t]{1,120}\\)*"
    r"(?:[^\\/:*?\"<>|\n\t]{0,120}?\." + _EXT_RE + r"(?![\w])|[^\\/:*?\"<>|\s]*)"
)
_BACKSLASH_WORD = re.compile(r"\\[A-Za-z]")
_DOMAIN_USER = regex.compile(r"[A-Z][A-Z0-9_-]{1,14}\\[A-Za-z][\w.-]{1,30}(?![\w\\])")
_UNIXPATH = re.compile(
    r"/(?:home|Users|mnt|media|var|srv|tmp|opt|net|data|private|Volumes|share|shares|"
    r"shared|export|nfs|root|run|afs|users|scratch|projects|vol|storage)"
    r"/[^\s\"'<>|;,)\]]*[^\s\"'<>|;,.)\]:]"
)
_TILDEPATH = re.compile(r"~/[^\s\"'<>|;,)\]]*[^\s\"'<>|;,.)\]:]")
_EXT_TRIGGER = re.compile(r"\." + _EXT_RE + r"(?![\w])")
_STEM = regex.compile(r"[\w()\[\]~+-]+(?:\.[\w()\[\]~+-]+)*$")
_IPV4_TRIGGER = regex.compile(r"[0-9]\.[0-9]+\.[0-9]+\.[0-9]")
_IPV4 = regex.compile(
    r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}"
    r"(?:/\d{1,2}|:\d{2,5})?(?![\w]|\.\d)"
)
_IPV6_TRIGGER = regex.compile(r"[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{0,4}:")
_IPV6 = regex.compile(r"[0-9A-Fa-f:]{3,39}(?:/\d{1,3})?(?![\w:])")
_UUID = regex.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Fa-f-])")
_HEX_TRIGGER = regex.compile(r"[0-9][0-9a-fA-F]{15}")
_HEX_RUN = regex.compile(r"[0-9A-Fa-f]+")
_PHONE_TRIGGER = regex.compile(r"[0-9][0-9][ .)-]{1,2}[0-9][0-9]")
_PLUS_TRIGGER = re.compile(r"\+[1-9]")
_PHONE = regex.compile(
    r"\+[1-9]\d{0,3}(?:[ .\-]?\(0?\d{1,5}\))?(?:[ .\-]?\d{1,5}){2,6}(?![\w/-]|\.\d)"
    r"|\(0?\d{2,5}\)[ .\-]?\d{3,4}[ .\-]?\d{3,5}(?![\w/-]|\.\d)"
    r"|0\d{2,4}[ \-]\d{3,4}[ \-]?\d{3,5}(?![\w/-]|\.\d)"
    r"|[2-9]\d{2}[.\-][2-9]\d{2}[.\-]\d{4}(?![\w/-]|\.\d)"
)
_NOT_IP_CONTEXT = regex.compile(
    r"(?i)(?:section|sec\.|para(?:graph)?|art(?:icle)?\.?|version|ver\.|v|§|rule|chapter|clause|no\.|figure|fig\.|table|annex|appendix)\s*$"
)
_IP_CONTEXT = regex.compile(r"(?i)\b(?:ip|address|host|server|gateway|dns|router|proxy|vpn|subnet|network)\b")
_DIGITS = re.compile(r"\d")
_DATE_LIKE = regex.compile(r"(?:19|20)\d\d[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./](?:19|20)\d\d")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_STEM_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_()[]~+-.")


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    kind: str
    severity: Severity
    message: str
    evidence: dict[str, object]
    action: Action = Action.REPLACE


_MESSAGES = {
    "email": "An e-mail address names a person or mailbox; in a leaked copy it can point to the recipient or the sender.",
    "url": "A web address can carry per-recipient tokens or point to an internal site only some people can reach.",
    "path": "A file path can contain the user name and folder layout of the computer this copy was saved on.",
    "file-name": "A file name (with its version or draft number) can match one person's copy of the document.",
    "ip-address": "An IP address points to a network or a machine that handled this copy.",
    "phone": "A telephone number points to a person, a desk or an office.",
    "username": "A user name or account ties this copy to the person who opened, printed or sent it.",
    "uuid": "A unique identifier (UUID/GUID) is generated per document or per copy; it can single out this file.",
    "hash": "A hash or fingerprint string can identify this exact file or the copy it was made from.",
    "copy-number": "A copy number says which of the numbered copies this is; it points to the person who received it.",
    "reference": "A reference or serial number identifies this exact document in the sender's register; with it the sender can list everyone who received it.",
    "cable-number": "A cable number identifies this exact cable; with it the sender can list every office that received it.",
    "telegram-number": "A telegram number identifies this exact telegram in the register, where every copy and addressee is recorded.",
    "routing": "A transmission routing line records how this copy travelled and which station sent or received it.",
    "header-field": "A header field of this copy ({label}); header values often differ between copies and point to the office that held it.",
    "tags": "The TAGS line indexes the cable in the sender's archive; with the date it finds this exact cable.",
    "subject": "The subject line names this message in the sender's archive; its exact wording is usually safe to quote but can match one register entry.",
}

_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_COPY = regex.compile(r"(?i)copy\b\D{0,12}?(\d{1,4}|one|two|three|four|five|six|seven|eight|nine|ten)\b(?:\s*(?:of|/)\s*(\d{1,4}))?")


def copy_message(text: str) -> str:
    """The journalist-readable message for a copy number such as ``Copy No. 4 of 9``."""
    mt = _COPY.search(text)
    if mt is None:
        return _MESSAGES["copy-number"]
    n = mt.group(1)
    n = str(_NUM_WORDS.get(n.lower(), n))
    total = mt.group(2)
    if total:
        return (
            f"A copy number says which of the {total} numbered copies this is; "
            f"it points to the person who received copy {n}."
        )
    return f"A copy number says which numbered copy this is; it points to the person who received copy {n}."


def _claim_finding(doc: Document, c: Claim) -> Finding:
    excerpt = doc.text[c.start : c.end]
    if c.kind == "copy-number":
        message = copy_message(excerpt)
    elif c.kind == "header-field":
        message = _MESSAGES["header-field"].format(label=c.label or "field")
    else:
        message = " ".join((c.message or _MESSAGES.get(c.kind) or _MESSAGES["reference"]).split())
    ev = {"rule": c.rule, "pack": c.pack, "kind": c.kind, "where": "header line", **c.evidence}
    if c.lines > 1:
        ev["lines"] = c.lines
    return doc.finding(
        f"{DETECTOR}.{c.kind}", "identifier", c.severity, message, c.start, c.end, action=c.action, evidence=ev
    )


def _sev(lay: Layout, start: int, header: Severity, prose: Severity) -> tuple[Severity, str]:
    ln = lay.line_at(start)
    if ln.prose and not lay.in_zone(start):
        return prose, "running prose"
    return header, "header line" if lay.in_zone(start) else "short line"


def _strip_url(s: str, a: int, b: int) -> int:
    while b > a and s[b - 1] in ".,;:!?)'\"”’>]":
        if s[b - 1] == ")" and s[a:b].count("(") >= s[a:b].count(")"):
            break
        b -= 1
    return b


def _url_severity(url: str) -> tuple[Severity, str]:
    host = regex.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", url).split("/")[0].split("?")[0]
    host = host.rsplit("@", 1)[-1].split(":")[0].lower()
    if "@" in url.split("/")[2 if "://" in url else 0]:
        return Severity.HIGH, "carries a user name"
    if regex.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host) or "." not in host:
        return Severity.HIGH, "internal host"
    if regex.search(r"(?:^|\.)(?:intranet|internal|corp|local|lan|intra|sharepoint|sp|fco|fcdo|mea|mofa|state\.sgov|sgov|smil)(?:\.|$)", host):
        return Severity.HIGH, "internal host"
    if regex.search(r"[?&#](?:[^=&#]*=)?[A-Za-z0-9_-]*\d[A-Za-z0-9_-]{5,}|/[A-Za-z0-9_-]{20,}", url):
        return Severity.HIGH, "carries a token"
    return Severity.LOW, "public address"


def _back(s: str, pos: int, chars: frozenset[str], limit: int) -> int:
    """Walk left from ``pos`` over ``chars`` (at most ``limit`` characters)."""
    a = pos
    stop = max(0, pos - limit)
    while a > stop and s[a - 1] in chars:
        a -= 1
    return a


def _scan_digital(lay: Layout) -> Iterator[_Hit]:
    s = lay.s
    n = lay.n
    if "@" in s:
        for t in _AT.finditer(s):
            at = t.start()
            a = _back(s, at, _LOCAL_CHARS, 64)
            while a < at and s[a] in "._%+-":
                a += 1
            mt = _EMAIL.match(s, a) if a < at else None
            if mt is not None and mt.end() > at:
                sev, where = _sev(lay, a, Severity.HIGH, Severity.HIGH)
                yield _Hit(a, mt.end(), "email", sev, _MESSAGES["email"], {"where": where})
                continue
            if at > 0 and (s[at - 1].isalnum() or s[at - 1] in "._"):
                continue
            hm = _HANDLE.match(s, at)
            if hm is not None:
                sev, where = _sev(lay, at, Severity.HIGH, Severity.MEDIUM)
                yield _Hit(at, hm.end(), "username", sev, _MESSAGES["username"], {"where": where, "form": "@handle"})
    if "://" in s or "www." in s:
        last = -1
        for t in _URL_TRIGGER.finditer(s):
            p = t.start()
            if p < last:
                continue
            if t.group() == "://":
                sm = _SCHEME.search(s, max(0, p - 10), p)
                if sm is None:
                    continue
                a = sm.start()
            else:
                if p > 0 and (s[p - 1].isalnum() or s[p - 1] in "./@"):
                    continue
                a = p
            body = _URL_BODY.match(s, a)
            if body is None:
                continue
            b = _strip_url(s, a, body.end())
            last = b
            if b - a < 8:
                continue
            url = s[a:b]
            usev, why = _url_severity(url)
            sev, where = _sev(lay, a, Severity.HIGH if usev is Severity.HIGH else Severity.MEDIUM, usev)
            action = Action.REVIEW if sev is Severity.LOW else Action.REPLACE
            yield _Hit(a, b, "url", sev, _MESSAGES["url"], {"where": where, "why": why}, action)
    if "\\" in s:
        for trig, pat, form, back in ((_WIN_TRIGGER, _WINPATH, "windows", 1), (_UNC_TRIGGER, _UNC, "unc", 0)):
            last = -1
            for t in trig.finditer(s):
                a = t.start() - back
                if a < last or a < 0 or not lay.left_ok(a):
                    continue
                mt = pat.match(s, a)
                if mt is None:
                    continue
                b = mt.end()
                while b > a and s[b - 1] in " .,;:)":
                    b -= 1
                last = b
                if b - a < 4:
                    continue
                yield _Hit(a, b, "path", Severity.HIGH, _MESSAGES["path"], {"form": form})
        for t in _BACKSLASH_WORD.finditer(s):
            p = t.start()
            a = p
            while a > max(0, p - 15) and (s[a - 1].isupper() or s[a - 1].isdigit() or s[a - 1] in "_-"):
                a -= 1
            if a == p or not lay.left_ok(a) or (a > 0 and s[a - 1] in ":\\"):
                continue
            mt = _DOMAIN_USER.match(s, a)
            if mt is None:
                continue
            b = mt.end()
            while s[b - 1] in ".-":
                b -= 1
            sev, where = _sev(lay, a, Severity.HIGH, Severity.HIGH)
            yield _Hit(a, b, "username", sev, _MESSAGES["username"], {"where": where, "form": "DOMAIN\\user"})
    if "/" in s:
        for pat in (_UNIXPATH, _TILDEPATH):
            for mt in pat.finditer(s):
                a = mt.start()
                if a > 0 and (s[a - 1].isalnum() or s[a - 1] in "/.:~-_"):
                    continue
                yield _Hit(a, mt.end(), "path", Severity.HIGH, _MESSAGES["path"], {"form": "unix"})
    for t in _EXT_TRIGGER.finditer(s):
        dot = t.start()
        a = _back(s, dot, _STEM_CHARS, 120)
        while a < dot and s[a] in ".-":
            a += 1
        if a >= dot or (a > 0 and s[a - 1] in "/\\@:"):
            continue
        if not any(c.isalnum() for c in s[a:dot]):
            continue
        sev, where = _sev(lay, a, Severity.HIGH, Severity.MEDIUM)
        yield _Hit(a, t.end(), "file-name", sev, _MESSAGES["file-name"], {"where": where})
    if not lay.digit_windows():
        return
    for t in lay.finditer(_IPV4_TRIGGER, digits=True):
        a = t.start()
        while a > max(0, t.start() - 2) and s[a - 1].isdigit():
            a -= 1
        if a > 0 and (s[a - 1].isalnum() or s[a - 1] in "._"):
            continue
        mt = _IPV4.match(s, a)
        if mt is None:
            continue
        octets = mt.group().split("/")[0].split(":")[0].split(".")
        if _NOT_IP_CONTEXT.search(s[max(0, a - 24) : a]):
            continue
        if all(len(o) == 1 for o in octets) and not _IP_CONTEXT.search(s[max(0, a - 40) : a]):
            continue
        yield _Hit(a, mt.end(), "ip-address", Severity.HIGH, _MESSAGES["ip-address"], {"version": 4})
    if ":" in s:
        last = -1
        for t in lay.finditer(_IPV6_TRIGGER, digits=True):
            a = _back(s, t.start(), frozenset("0123456789abcdefABCDEF:"), 39)
            if a < last or (a > 0 and (s[a - 1].isalnum() or s[a - 1] in "._")):
                continue
            mt = _IPV6.match(s, a)
            if mt is None:
                continue
            last = mt.end()
            cand = mt.group().split("/")[0]
            if cand.count(":") < 2:
                continue
            try:
                ipaddress.IPv6Address(cand)
            except ValueError:
                continue
            if not regex.search(r"[0-9A-Fa-f]{2}", cand) and cand not in ("::1", "::"):
                continue
            yield _Hit(a, mt.end(), "ip-address", Severity.HIGH, _MESSAGES["ip-address"], {"version": 6})
    if "-" in s:
        for mt in lay.finditer(_UUID, digits=True):
            a, b = mt.span()
            if not lay.left_ok(a) or (a > 0 and s[a - 1] == "-"):
                continue
            if a > 0 and s[a - 1] == "{" and b < n and s[b] == "}":
                a, b = a - 1, b + 1
            yield _Hit(a, b, "uuid", Severity.HIGH, _MESSAGES["uuid"], {})
    last = -1
    for t in lay.finditer(_HEX_TRIGGER, digits=True):
        a = _back(s, t.start(), frozenset("0123456789abcdefABCDEF"), 128)
        if a < last:
            continue
        mt = _HEX_RUN.match(s, a)
        if mt is None:
            continue
        b = mt.end()
        last = b
        h = mt.group()
        if not lay.left_ok(a) or not lay.right_ok(b):
            continue
        if len(h) not in (32, 40, 56, 64, 96, 128) or h.isdigit():
            continue
        if not (h.islower() or h.isupper() or h.isdigit()) and any(c.isalpha() for c in h):
            # Mixed-case hex is not how tools print digests.
            continue
        algo = {32: "MD5", 40: "SHA-1", 56: "SHA-224", 64: "SHA-256", 96: "SHA-384", 128: "SHA-512"}[len(h)]
        sev, where = _sev(lay, a, Severity.MEDIUM, Severity.MEDIUM)
        yield _Hit(a, b, "hash", sev, _MESSAGES["hash"], {"length": len(h), "looks_like": algo})
    seen: set[tuple[int, int]] = set()
    triggers = [t.start() for t in lay.finditer(_PHONE_TRIGGER, digits=True)]
    triggers += [t.start() for t in _PLUS_TRIGGER.finditer(s)] if "+" in s else []
    for p in sorted(triggers):
        for mt in _PHONE.finditer(s, max(0, p - 24), min(n, p + 40)):
            a, b = mt.span()
            if (a, b) in seen or not a <= p < b:
                continue
            if a > 0 and (s[a - 1].isalnum() or s[a - 1] in "+/.-_"):
                continue
            text = mt.group()
            digits = sum(c.isdigit() for c in text)
            if not 8 <= digits <= 15:
                continue
            if _DATE_LIKE.fullmatch(text) or regex.fullmatch(r"(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d", text):
                continue
            seen.add((a, b))
            intl = text.startswith("+")
            sev, where = _sev(lay, a, Severity.HIGH, Severity.HIGH if intl else Severity.MEDIUM)
            yield _Hit(a, b, "phone", sev, _MESSAGES["phone"], {"where": where, "international": intl})


_CONTEXT_CACHE: dict[tuple[str, ...], regex.Pattern[str]] = {}


def _context_re(words: tuple[str, ...]) -> regex.Pattern[str]:
    got = _CONTEXT_CACHE.get(words)
    if got is None:
        alts = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
        got = regex.compile(r"(?<![\w.])(?:" + alts + r")(?![\w])", regex.IGNORECASE)
        _CONTEXT_CACHE[words] = got
    return got


def scan_rules(lay: Layout, rules: list[PatternRule]) -> Iterator[tuple[PatternRule, int, int, Severity, str]]:
    """Matches of pack pattern rules: (rule, start, end, severity, where)."""
    s = lay.s
    for pr in rules:
        ctx = _context_re(pr.context) if pr.context else None
        for mt in lay.finditer(pr.pattern, digits=pr.has_digits):
            a, b = mt.span()
            if b <= a or (not lay.left_ok(a) and s[a].isalnum()):
                continue
            if pr.validator == "digits" and not _DIGITS.search(mt.group()):
                continue
            if pr.validator == "not_year" and regex.fullmatch(r"(?:19|20)\d\d", mt.group()):
                continue
            confirmed = False
            if ctx is not None:
                window = s[max(0, a - pr.context_window) : a]
                found = list(ctx.finditer(window))
                cm = found[-1] if found else None
                if cm is not None:
                    confirmed = True
                    gap = window[cm.end() :]
                    if len(gap) <= 3 and not gap.strip():
                        a = a - len(window) + cm.start()
                elif pr.context_required:
                    continue
            ln = lay.line_at(a)
            zone = lay.in_zone(a)
            if ln.prose and not zone:
                if pr.in_prose is None:
                    continue
                sev, where = pr.in_prose, "running prose"
                if confirmed and not pr.context_required and pr.severity.rank > sev.rank:
                    sev = pr.severity
            else:
                sev, where = pr.severity, "header line" if zone else "short line"
            yield pr, a, b, sev, where


def _scan_rules(lay: Layout, rules: RuleSet) -> Iterator[_Hit]:
    for pr, a, b, sev, where in scan_rules(lay, _anywhere(rules)):
        if pr.kind == "copy-number":
            message = copy_message(lay.s[a:b])
        else:
            message = " ".join((pr.message or _MESSAGES.get(pr.kind) or _MESSAGES["reference"]).split())
        action = Action.REVIEW if pr.action == "review" or sev is Severity.LOW else Action(pr.action)
        yield _Hit(a, b, pr.kind, sev, message, {"rule": pr.id, "pack": pr.pack, "where": where}, action)


def _anywhere(rules: RuleSet) -> list[PatternRule]:
    return [p for p in rules.patterns if p.category == "identifier" and p.where == "anywhere"]


def _select(hits: list[_Hit]) -> list[_Hit]:
    """Non-overlapping hits: longer and more severe first."""
    hits.sort(key=lambda h: (-(h.end - h.start), -h.severity.rank, h.start))
    taken: list[tuple[int, int]] = []
    out: list[_Hit] = []
    for h in hits:
        if any(h.start < b and a < h.end for a, b in taken):
            continue
        taken.append((h.start, h.end))
        out.append(h)
    out.sort(key=lambda h: h.start)
    return out


def find(doc: Document) -> Iterator[Finding]:
    if not doc.text:
        return
    lay = layout(doc)
    rules = active()
    for c in lay.claims_of("identifiers"):
        yield _claim_finding(doc, c)
    hits = [h for h in (*_scan_digital(lay), *_scan_rules(lay, rules)) if lay.covered(h.start, h.end) is None]
    for h in _select(hits):
        ev = {"kind": h.kind, **h.evidence}
        yield doc.finding(
            f"{DETECTOR}.{h.kind}", "identifier", h.severity, h.message, h.start, h.end, action=h.action, evidence=ev
        )


@detector(DETECTOR, "identifier", "Serial, reference, cable and copy numbers; e-mail, URLs, paths, IPs, phones, accounts")
def detect(doc: Document) -> list[Finding]:
    return list(find(doc))
