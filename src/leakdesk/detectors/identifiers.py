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

Severity follows the place (see :mod:`._place`).  In a header block or a
``Label: value`` field an address says who sent, received or handled this
copy: high.  In running text, a list, a table or a line of its own, an
e-mail address, phone number, file name, @handle, public URL, private or
special IP address (loopback, broadcast, documentation ranges) or system path
(``/tmp``, ``C:\\Windows``) reads the same in every copy: low, left for
review.  What names a person or a machine stays high anywhere: a path with a
user name (``C:\\Users\\jsmith``, ``/home/jsmith``) or a UNC share, a URL
with a token, a user name or an internal host.  Shapes that only look like
traces are dropped: binary numbers and tables of fixed-width numbers are not
phones or serials, decorators and mangled names (``@classmethod()``,
``@memchr$qpxviui``) are not handles, a method call (``Logger.log()``) is not
a file.
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
from ._place import place
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


def _same_in_every_copy(lay: Layout, start: int, header: Severity = Severity.HIGH) -> tuple[Severity, str]:
    """Severity of a trace that reads the same in every copy (an address, a number, a name).

    In a header block or a field it says who sent, received or handled this
    copy (``From: j.smith@fco.gov.uk``): ``header``.  Anywhere else (running
    text, a list, a table, a line of its own) it is part of what the document
    says, the same in every copy: low, for review.
    """
    where = place(lay, start)
    if where in ("header line", "field line"):
        return header, where
    return Severity.LOW, where


def _strip_url(s: str, a: int, b: int) -> int:
    while b > a and s[b - 1] in ".,;:!?)'\"”’>]":
        if s[b - 1] == ")" and s[a:b].count("(") >= s[a:b].count(")"):
            break
        b -= 1
    return b


_INTERNAL_HOST = regex.compile(
    r"(?:^|\.)(?:intranet|internal|corp|local|lan|intra|sharepoint|sp|fco|fcdo|mea|mofa|state\.sgov|sgov|smil)(?:\.|$)"
)
#: Hosts that are the same for everyone: this machine and the networks
#: reserved for documentation (RFC 5737).
_SHARED_HOST = regex.compile(
    r"localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[?::1?\]?|192\.0\.2\.\d{1,3}|198\.51\.100\.\d{1,3}|203\.0\.113\.\d{1,3}"
)
#: A generated value: a session, tracking or sharing token that can differ
#: per copy.  In the query, a whole parameter value of six or more letters
#: and digits with a digit in it (``?id=8842af19c``, not ``?selm=34A0.CF9@host``);
#: in the path, a run of sixteen or more letters and digits, mixed
#: (``/d/1aBcD2eFgH3iJkL4mNoP``, not ``/elementtree-13-intro.htm``).
_QUERY_TOKEN = regex.compile(r"[?&#](?:[^=&#]*=)?(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{6,}(?=[&#]|$)")
_PATH_RUN = regex.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{16,}(?![A-Za-z0-9])")
_SWITCH = regex.compile(r"[A-Za-z](?=\d)|\d(?=[A-Za-z])")


def _has_token(url: str) -> bool:
    if _QUERY_TOKEN.search(url):
        return True
    # Generated text switches between letters and digits again and again
    # ("1aBcD2eFgH3iJkL4"); words and numbers written by people seldom do
    # ("789communication").
    return any(len(_SWITCH.findall(m.group())) >= 4 for m in _PATH_RUN.finditer(url))


def _url_severity(url: str) -> tuple[Severity, str]:
    host = regex.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", url).split("/")[0].split("?")[0]
    host = host.rsplit("@", 1)[-1].lower()
    if not host.startswith("["):
        host = host.split(":")[0]
    if "@" in url.split("/")[2 if "://" in url else 0]:
        return Severity.HIGH, "carries a user name"
    if _INTERNAL_HOST.search(host):
        return Severity.HIGH, "internal host"
    if _has_token(url):
        return Severity.HIGH, "carries a token"
    if _SHARED_HOST.fullmatch(host):
        return Severity.LOW, "this machine or a documentation address"
    if regex.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host) or "." not in host:
        return Severity.HIGH, "internal host"
    return Severity.LOW, "public address"


def _back(s: str, pos: int, chars: frozenset[str], limit: int) -> int:
    """Walk left from ``pos`` over ``chars`` (at most ``limit`` characters)."""
    a = pos
    stop = max(0, pos - limit)
    while a > stop and s[a - 1] in chars:
        a -= 1
    return a


_HANDLE_OPENERS = frozenset("([{<\"“‘«,;:")


def _handle_left(s: str, at: int) -> bool:
    """An @handle starts a word: after a space, an opening bracket or quote, a separator.

    ``guhb'@sh`` (a pronunciation) and ``x@y`` are not handles.
    """
    if at == 0:
        return True
    c = s[at - 1]
    if c.isspace() or c in _HANDLE_OPENERS:
        return True
    return c == "'" and (at < 2 or s[at - 2].isspace())


def _code_after(s: str, end: int) -> bool:
    """``@name`` followed by a call, an attribute or a symbol is code, not a handle.

    ``@dataclass_transform()``, ``@asyncio.coroutine``, ``@memchr$qpxviui``,
    ``/guhb'@sh/``: decorators, mangled names and pronunciations.
    """
    if end >= len(s):
        return False
    c = s[end]
    if c in "($/\\#%^*=|~`":
        return True
    return c in ".:" and end + 1 < len(s) and (s[end + 1].isalnum() or s[end + 1] == "_")


#: A folder named after its user: a home folder, a Windows profile.
_USER_FOLDER = regex.compile(
    r"(?i)(?:^|[\\/])(?:home|users|documents[ ]and[ ]settings|profiles)[\\/]"
    r"(?!(?:public|default|default[ ]user|all[ ]users|shared|\.{1,2}|<[^>]*>|%[^%]*%)(?:[\\/]|$))[^\\/\s]"
)
#: Places every system has (``/tmp``, ``/var``, ``C:\Windows``, ``C:\Program
#: Files``, ``~/.config``): they say nothing about whose computer it was.
_SYSTEM_PATH = regex.compile(
    r"(?i)(?:/(?:tmp|var|opt|run|srv|root|private/(?:tmp|var|etc))(?:/|$)|~/"
    r"|[a-z]:\\(?:$|(?:windows|winnt|program[ ]files(?:[ ]\(x86\))?|programdata|python\d*|temp|tmp|system32"
    r"|users\\(?:public|default))(?:\\|$)))"
)


def _path_severity(lay: Layout, start: int, path: str, form: str) -> tuple[Severity, str, str]:
    """A path names a machine or a person when it holds a user name or a share.

    UNC shares (``\\\\server\\share``) and profile folders (``C:\\Users\\jsmith``,
    ``/home/jsmith``) are high anywhere, as is any path in a header or a
    field.  In the text, system places every computer has (``/tmp/app.log``,
    ``C:\\Windows\\System``) are low; other folders (an office's drive
    layout) medium.
    """
    where = place(lay, start)
    if form == "unc":
        return Severity.HIGH, where, "network share"
    if _USER_FOLDER.search(path):
        return Severity.HIGH, where, "carries a user name"
    if where in ("header line", "field line"):
        return Severity.HIGH, where, "header or field"
    if _SYSTEM_PATH.match(path):
        return Severity.LOW, where, "system folder"
    return Severity.MEDIUM, where, "folder layout"


_DOC_NETS = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "255.255.255.255/32")
)


def _ip_severity(lay: Layout, start: int, text: str) -> tuple[Severity, str, str]:
    """Any address in a header or a field (``Received: from [10.1.2.3]``) is high.

    In the text: addresses no machine owns (loopback, ``0.0.0.0``, broadcast,
    multicast, link-local, the documentation ranges) and private-network
    addresses, the same on every network, are low; a public address, which
    points to one network, is medium.
    """
    where = place(lay, start)
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return (Severity.HIGH if where in ("header line", "field line") else Severity.MEDIUM), where, "unknown"
    if any(ip in net for net in _DOC_NETS if net.version == ip.version):
        scope = "documentation or broadcast"
    elif ip.is_loopback or ip.is_unspecified or ip.is_multicast or ip.is_link_local or ip.is_reserved:
        scope = "special"
    elif ip.is_private:
        scope = "private network"
    else:
        scope = "public"
    if where in ("header line", "field line"):
        return Severity.HIGH, where, scope
    return (Severity.MEDIUM if scope == "public" else Severity.LOW), where, scope


_DIGIT_GROUP = regex.compile(r"\d+")


def _not_a_phone(s: str, a: int, b: int, text: str) -> bool:
    """Binary numbers and tables of fixed-width numbers are not telephone numbers.

    ``0000 0001 0010`` (a bit table) holds only 0 and 1; a run of five or more
    groups of the same width (``0110 0111 1000 1001 1010``) is a table row.
    """
    digits = [c for c in text if c.isdigit()]
    if set(digits) <= {"0", "1"}:
        return True
    groups = _DIGIT_GROUP.findall(text)
    if len(groups) >= 2 and len({len(g) for g in groups}) == 1:
        width = len(groups[0])
        ln_start = s.rfind("\n", 0, a) + 1
        ln_end = s.find("\n", b)
        line = s[ln_start : ln_end if ln_end >= 0 else len(s)]
        run = regex.search(r"(?:(?<!\S)\d{" + str(width) + r"}(?:[ \t]+|$)){5,}", line)
        if run is not None and run.start() <= a - ln_start < run.end():
            return True
    return False


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
                sev, where = _same_in_every_copy(lay, a)
                yield _Hit(a, mt.end(), "email", sev, _MESSAGES["email"], {"where": where})
                continue
            if not _handle_left(s, at):
                continue
            hm = _HANDLE.match(s, at)
            if hm is not None and not _code_after(s, hm.end()):
                sev, where = _same_in_every_copy(lay, at)
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
            if url.endswith("://"):
                continue  # a scheme alone ("https:// URLs") names no address
            usev, why = _url_severity(url)
            where = place(lay, a)
            if usev is Severity.HIGH:
                sev = Severity.HIGH
            else:
                # A public address reads the same in every copy; in a header
                # or footer (a browser prints the page's address there) it
                # says where this copy was printed or saved from.
                sev = Severity.MEDIUM if where == "header line" else Severity.LOW
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
                sev, where, why = _path_severity(lay, a, s[a:b], form)
                yield _Hit(a, b, "path", sev, _MESSAGES["path"], {"form": form, "where": where, "why": why})
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
                sev, where, why = _path_severity(lay, a, mt.group(), "unix")
                yield _Hit(a, mt.end(), "path", sev, _MESSAGES["path"], {"form": "unix", "where": where, "why": why})
    for t in _EXT_TRIGGER.finditer(s):
        dot = t.start()
        a = _back(s, dot, _STEM_CHARS, 120)
        while a < dot and s[a] in ".-":
            a += 1
        if a >= dot or (a > 0 and s[a - 1] in "/\\@:"):
            continue
        b = t.end()
        if b < n and s[b] == "(":
            continue  # Logger.log(), math.log(): a method call, not a file
        # "(coverage.py" in "(coverage.py can help)": the bracket is the text's.
        while a < dot and s[a] in "([" and s.count(")" if s[a] == "(" else "]", a, b) == 0:
            a += 1
        if not any(c.isalnum() for c in s[a:dot]):
            continue
        sev, where = _same_in_every_copy(lay, a)
        yield _Hit(a, b, "file-name", sev, _MESSAGES["file-name"], {"where": where})
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
        sev, where, scope = _ip_severity(lay, a, ".".join(octets))
        yield _Hit(a, mt.end(), "ip-address", sev, _MESSAGES["ip-address"], {"version": 4, "where": where, "scope": scope})
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
            sev, where, scope = _ip_severity(lay, a, cand)
            yield _Hit(a, mt.end(), "ip-address", sev, _MESSAGES["ip-address"], {"version": 6, "where": where, "scope": scope})
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
            if _not_a_phone(s, a, b, text):
                continue
            seen.add((a, b))
            intl = text.startswith("+")
            sev, where = _same_in_every_copy(lay, a)
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


_BINARY_SERIAL = regex.compile(r"(?<![0-9])[01]{7,}$")


def _scan_rules(lay: Layout, rules: RuleSet) -> Iterator[_Hit]:
    for pr, a, b, sev, where in scan_rules(lay, _anywhere(rules)):
        if _BINARY_SERIAL.search(lay.s, a, b):
            continue  # "ASCII 1011110": a binary number is no serial
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
        # A low finding (an address or a name that reads the same in every
        # copy) is listed for a person to decide, never silently kept.
        action = Action.REVIEW if h.severity is Severity.LOW else h.action
        yield doc.finding(
            f"{DETECTOR}.{h.kind}", "identifier", h.severity, h.message, h.start, h.end, action=action, evidence=ev
        )


@detector(DETECTOR, "identifier", "Serial, reference, cable and copy numbers; e-mail, URLs, paths, IPs, phones, accounts")
def detect(doc: Document) -> list[Finding]:
    return list(find(doc))
