"""E-mail: .eml (RFC 5322), .mbox, and Outlook .msg (with the optional extract-msg).

Reading gives a Document with

* the headers (part ``email-header``), one segment per header line, with a
  container finding for each header that identifies: every Received hop with
  its hosts and IP addresses, Message-ID, In-Reply-To/References, the
  originating IP, the mail client (X-Mailer, User-Agent), DKIM and ARC
  signatures (selector ``s=`` and domain ``d=``), the addresses (From, To,
  Cc, Bcc, Reply-To, Return-Path, Delivered-To...), Microsoft 365 tenant ids,
  Thread-Index, authentication results;
* the body (part ``body``): text/plain, or text/html turned into text with
  lxml (no network; remote images are reported as tracking pixels);
* attachment names (part ``attachment``).  Each attachment is copied to a
  private temporary file and read by its own adapter as a child Document
  (``doc.children``), recursively, within the nesting limit.  A message
  attached to a message (message/rfc822) is a child too.

An mbox gives one child Document per message.  The stdlib ``email`` package
with ``policy.default`` parses; a second, older parser (``compat32``) gives the
independent text for the proof.

Cleaning writes a new, minimal .eml: ``MIME-Version``, ``Content-Type`` and
the Subject, and the body as plain text, with the plan's edits applied.
Every other header (Received, Message-ID, X-*, DKIM, addresses, Date) and
every attachment is dropped; the policy option ``email_keep_headers`` can
keep Date.  .msg inputs are written as .eml.  mbox files are refused by
sanitize: clean the messages one by one.

extract-msg is GPL-3.0: it is optional, imported only for .msg files.
"""

from __future__ import annotations

import contextlib
import email
import email.errors
import email.policy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..document import Action, Document, DocumentBuilder, Finding, Location, Severity
from ..errors import InputError, LeakdeskError, LimitExceeded, UnsupportedFormat
from ..fsutil import private_tempdir
from .base import CleanResult, FormatAdapter, ReadOptions

if TYPE_CHECKING:
    from ..sanitize.plan import CleanPlan

DETECTOR = "email-header"

_HEADER_LINE = re.compile(rb"^([A-Za-z0-9][A-Za-z0-9_-]{0,76}):[ \t]?", re.M)
_KNOWN = {
    b"received", b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"mime-version",
    b"return-path", b"delivered-to", b"x-mailer", b"content-type", b"reply-to", b"sender",
    b"dkim-signature", b"x-originating-ip", b"user-agent", b"in-reply-to", b"references",
    b"x-received", b"arc-seal", b"authentication-results", b"thread-index", b"bcc",
}
_MBOX_FROM = re.compile(rb"^From \S+ .*\d{4}\s*$", re.M)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MSG_STREAM = "__substg1.0_".encode("utf-16-le")

_IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])")
_IPV6 = re.compile(r"(?i)(?<![\w:])(?:IPv6:)?((?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{0,4}(?::[0-9a-f]{1,4})*)(?![\w:])")
_HOST = re.compile(r"(?i)\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\b")
_ADDR = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")

#: Header name (lower case) -> (severity, why).  Others starting with X- are LOW.
HEADER_RULES: dict[str, tuple[Severity, str]] = {
    "from": (Severity.HIGH, "the sender's name and address"),
    "to": (Severity.HIGH, "the recipients; a distribution list can single out who received this copy"),
    "cc": (Severity.HIGH, "copied recipients"),
    "bcc": (Severity.HIGH, "blind-copied recipients (normally never shown to others)"),
    "reply-to": (Severity.HIGH, "the reply address"),
    "return-path": (Severity.HIGH, "the envelope sender address (bounces go there)"),
    "sender": (Severity.HIGH, "the account that actually sent the message"),
    "delivered-to": (Severity.HIGH, "the mailbox this copy was delivered to"),
    "x-original-to": (Severity.HIGH, "the mailbox this copy was delivered to"),
    "envelope-to": (Severity.HIGH, "the mailbox this copy was delivered to"),
    "x-forwarded-to": (Severity.HIGH, "the mailbox this copy was forwarded to"),
    "x-forwarded-for": (Severity.HIGH, "who forwarded this copy"),
    "disposition-notification-to": (Severity.HIGH, "the address read receipts go to"),
    "message-id": (Severity.HIGH, "a unique id the sender's mail system keeps in its logs; it "
                   "leads to the sender's mailbox and to this very message"),
    "in-reply-to": (Severity.HIGH, "the id of the message this one answers; it links the thread "
                    "to mailboxes"),
    "references": (Severity.HIGH, "the ids of earlier messages in the thread"),
    "x-originating-ip": (Severity.HIGH, "the IP address of the computer the message was sent from"),
    "x-sender-ip": (Severity.HIGH, "the IP address of the sender"),
    "x-source-ip": (Severity.HIGH, "the IP address of the sender"),
    "x-client-ip": (Severity.HIGH, "the IP address of the sender's computer"),
    "x-originating-client": (Severity.MEDIUM, "the sender's mail client"),
    "x-mailer": (Severity.MEDIUM, "the sender's mail program and version"),
    "user-agent": (Severity.MEDIUM, "the sender's mail program and version"),
    "x-authenticated-sender": (Severity.HIGH, "the account that logged in to send"),
    "x-authenticated-user": (Severity.HIGH, "the account that logged in to send"),
    "x-get-message-sender-via": (Severity.HIGH, "the hosting account that sent the message"),
    "x-antiabuse": (Severity.MEDIUM, "the hosting server's record of the sender"),
    "x-google-smtp-source": (Severity.HIGH, "Google's opaque id of the sending session"),
    "x-gm-message-state": (Severity.MEDIUM, "Google's opaque state of the message"),
    "x-received": (Severity.HIGH, "an internal delivery hop, often with an IP address"),
    "authentication-results": (Severity.HIGH, "the receiving server's checks, with the sender's "
                               "IP address and domains"),
    "arc-authentication-results": (Severity.HIGH, "forwarded authentication results with IP "
                                   "addresses and domains"),
    "received-spf": (Severity.HIGH, "the sender's IP address as checked by SPF"),
    "thread-index": (Severity.HIGH, "Outlook's thread id: it encodes when the thread started and "
                     "a unique id of its first message"),
    "thread-topic": (Severity.MEDIUM, "Outlook's thread subject"),
    "organization": (Severity.HIGH, "the sender's organisation"),
    "date": (Severity.MEDIUM, "when the message was sent, with the sender's time zone"),
    "subject": (Severity.LOW, "the subject line"),
    "x-ms-exchange-crosstenant-id": (Severity.HIGH, "the Microsoft 365 tenant id of the sender's "
                                     "organisation"),
    "x-ms-exchange-crosstenant-authsource": (Severity.HIGH, "the sender's Microsoft 365 server"),
    "x-ms-exchange-crosstenant-userprincipalname": (Severity.HIGH, "the sender's Microsoft 365 "
                                                    "account"),
    "x-ms-exchange-crosstenant-mailboxtype": (Severity.LOW, "Microsoft 365 mailbox type"),
    "x-ms-exchange-organization-authsource": (Severity.HIGH, "the sender's Exchange server"),
    "x-ms-exchange-organization-network-message-id": (Severity.HIGH, "Exchange's id of this "
                                                      "message"),
    "x-ms-exchange-crosstenant-network-message-id": (Severity.HIGH, "Exchange's id of this "
                                                     "message"),
    "x-ms-publictraffictype": (Severity.LOW, "Microsoft 365 routing"),
    "x-ms-traffictypediagnostic": (Severity.MEDIUM, "Microsoft 365 server names"),
    "x-ms-office365-filtering-correlation-id": (Severity.HIGH, "Microsoft 365's id of this "
                                                "message"),
    "x-apple-uuid": (Severity.HIGH, "Apple Mail's unique id"),
    "x-universally-unique-identifier": (Severity.HIGH, "Apple Mail's unique id"),
    "x-mozilla-draft-info": (Severity.LOW, "Thunderbird draft settings"),
    "x-identity-key": (Severity.MEDIUM, "Thunderbird's account key"),
    "x-account-key": (Severity.MEDIUM, "Thunderbird's account key"),
}
_SIGNATURES = {"dkim-signature", "arc-seal", "arc-message-signature", "x-google-dkim-signature",
               "domainkey-signature"}


@dataclass(slots=True)
class _Attachment:
    name: str
    content_type: str
    payload: bytes
    is_message: bool = False


@dataclass(slots=True)
class _Parsed:
    """A message reduced to what leakdesk needs: headers, body text, attachments."""

    headers: list[tuple[str, str]] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)
    attachments: list[_Attachment] = field(default_factory=list)
    html_only: bool = False


def sniff_kind(head: bytes) -> str | None:
    if head.startswith(_OLE_MAGIC):
        return "msg" if _MSG_STREAM in head else None
    if b"\x00" in head[:4096]:
        return None
    if head.startswith(b"From ") and _MBOX_FROM.match(head):
        rest = head[head.find(b"\n") + 1 :]
        return "mbox" if _looks_like_headers(rest) else None
    return "eml" if _looks_like_headers(head) else None


def _looks_like_headers(head: bytes) -> bool:
    head = head.lstrip(b"\r\n")
    lines = head[:16384].split(b"\n")
    names: list[bytes] = []
    for i, raw in enumerate(lines):
        line = raw.rstrip(b"\r")
        if not line:
            break  # end of the header block
        if line[:1] in (b" ", b"\t") and i:
            continue  # folded continuation
        m = _HEADER_LINE.match(line)
        if not m:
            return False
        names.append(m.group(1).lower())
        if len(names) > 400:
            break
    known = {n for n in names if n in _KNOWN}
    return len(names) >= 2 and len(known) >= 2


class Adapter(FormatAdapter):
    name = "email"
    mimetypes = ("message/rfc822", "application/mbox", "application/vnd.ms-outlook")
    output_extension = "eml"

    @classmethod
    def sniff(cls, head: bytes, path: Path) -> bool:
        return sniff_kind(head) is not None

    # -- read -----------------------------------------------------------------

    def read(self, path: Path, options: ReadOptions) -> Document:
        path = Path(path)
        limits = options.limits
        if options.depth > limits.max_archive_depth:
            raise LimitExceeded(f"e-mails nested deeper than {limits.max_archive_depth} levels",
                                path)
        with open(path, "rb") as fh:
            head = fh.read(65536)
        kind = sniff_kind(head)
        if kind == "msg":
            parsed = _parse_msg(path)
            return self._document(parsed, path, options, "msg")
        data = path.read_bytes()
        if kind == "mbox":
            return self._read_mbox(data, path, options)
        parsed = parse_message(data, path, limits.max_uncompressed_bytes)
        return self._document(parsed, path, options, "eml")

    def _read_mbox(self, data: bytes, path: Path, options: ReadOptions) -> Document:
        limits = options.limits
        starts = [m.start() for m in _MBOX_FROM.finditer(data)
                  if m.start() == 0 or data[max(0, m.start() - 2) : m.start()].endswith(b"\n")]
        if not starts:
            raise InputError("not an mbox: no message separators", path)
        if len(starts) > limits.max_archive_members:
            raise LimitExceeded(f"mbox holds {len(starts):,} messages, over the limit", path)
        b = DocumentBuilder(separator="\n")
        spans: list[tuple[int, int]] = []
        children: list[Document] = []
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(data)
            chunk = data[start:end]
            nl = chunk.find(b"\n")
            envelope = chunk[:nl].decode("utf-8", "replace").rstrip("\r") if nl >= 0 else ""
            spans.append(b.add(envelope, part="email-header", source=f"mbox:message {i + 1}"))
            body = chunk[nl + 1 :] if nl >= 0 else b""
            body = re.sub(rb"(?m)^>(>*From )", rb"\1", body)  # mboxrd un-quoting
            try:
                parsed = parse_message(body, path, limits.max_uncompressed_bytes)
                child = self._document(parsed, path, options.nested(), "eml")
            except LimitExceeded:
                raise
            except LeakdeskError as exc:
                child = Document("", format="eml", container_findings=[Finding(
                    DETECTOR, "structure", Severity.LOW,
                    f"message {i + 1} could not be read: {exc.message}", Location("body"))])
            child.path = Path(f"message {i + 1}")
            children.append(child)
        doc = b.build(format="mbox", path=path)
        for n, (s, e) in enumerate(spans, 1):
            doc.container_findings.append(doc.finding(
                DETECTOR, "header", Severity.HIGH,
                f"mbox envelope line of message {n}: {doc.text[s:e]!r} — the envelope sender "
                "and the time the message was stored", s, e, action=Action.REMOVE))
        doc.children.extend(children)
        doc.meta["messages"] = len(children)
        return doc

    def _document(self, parsed: _Parsed, path: Path, options: ReadOptions, fmt: str) -> Document:
        limits = options.limits
        b = DocumentBuilder(separator="\n")
        header_spans: list[tuple[str, str, int, int]] = []
        for name, value in parsed.headers:
            if structural_header(name, value):
                continue
            line = f"{name}: {value}"
            s, _e = b.add(line, part="email-header", source=f"header:{name}")
            vs = s + len(name) + 2
            header_spans.append((name, value, vs, vs + len(value)))
        body_spans: list[tuple[int, int]] = []
        for text in parsed.body:
            if text.strip():
                body_spans.append(b.add(text, part="body", source="body"))
        url_spans = [(u, *b.add(u, part="hidden", source="html:remote-image"))
                     for u in parsed.remote]
        att_spans = [(a, *b.add(a.name, part="attachment", source="attachment:name"))
                     for a in parsed.attachments]
        doc = b.build(format=fmt, path=path)
        if len(doc.text) > limits.max_text_chars:
            raise LimitExceeded("the message text exceeds the text limit", path)
        findings = header_findings(doc, header_spans)
        if url_spans:
            for url, s, e in url_spans:
                findings.append(doc.finding(
                    DETECTOR, "hidden", Severity.MEDIUM,
                    f"The HTML body loads a remote image ({url[:120]}): opening the message "
                    "tells that server who read it and when, and a unique address can "
                    "identify the recipient (a tracking pixel)", s, e, action=Action.REMOVE,
                    evidence={"url": url}))
        if parsed.html_only:
            doc.meta["html_only"] = True
        children: list[Document] = []
        total = 0
        with private_tempdir() as tmp:
            for idx, (att, s, e) in enumerate(att_spans):
                total += len(att.payload)
                kind = "attached message" if att.is_message else "attachment"
                findings.append(doc.finding(
                    DETECTOR, "attachment", Severity.MEDIUM,
                    f"{kind} {att.name!r} ({att.content_type}, {len(att.payload):,} bytes): "
                    "its name and content are audited separately below", s, e,
                    action=Action.REMOVE,
                    evidence={"name": att.name, "content_type": att.content_type,
                              "bytes": len(att.payload)}))
                if total > limits.max_uncompressed_bytes:
                    raise LimitExceeded("attachments exceed the size limit", path)
                child = self._child(att, idx, tmp, options, path)
                if isinstance(child, Document):
                    children.append(child)
                else:
                    findings.append(doc.finding(
                        DETECTOR, "attachment", Severity.LOW,
                        f"{kind} {att.name!r} could not be audited: {child}", s, e,
                        evidence={"name": att.name, "error": child}))
        doc.container_findings.extend(findings)
        doc.children.extend(children)
        doc.meta.update({
            "headers": len(parsed.headers),
            "attachments": len(parsed.attachments),
            "body_spans": body_spans,
            "subject_span": next(((s, e) for n, _v, s, e in header_spans
                                  if n.lower() == "subject"), None),
            "date_span": next(((s, e) for n, _v, s, e in header_spans
                               if n.lower() == "date"), None),
        })
        return doc

    def _child(self, att: _Attachment, idx: int, tmp: Path, options: ReadOptions,
               path: Path) -> Document | str:
        from . import read_document

        if options.depth + 1 > options.limits.max_archive_depth:
            return f"nested deeper than {options.limits.max_archive_depth} levels"
        target = tmp / f"attachment-{idx}"
        target.write_bytes(att.payload)
        try:
            child = read_document(target, options.nested())
        except LimitExceeded as exc:
            return exc.message
        except LeakdeskError as exc:
            return exc.message
        finally:
            target.unlink(missing_ok=True)
        child.path = Path(att.name or f"attachment {idx + 1}")
        return child

    # -- clean ----------------------------------------------------------------

    def clean(self, doc: Document, plan: CleanPlan, out: Path, options: ReadOptions) -> CleanResult:
        if doc.format == "mbox":
            raise UnsupportedFormat(
                "sanitize does not write mbox files: split the mailbox and clean each "
                "message", doc.path)
        keep = {str(h).lower() for h in _as_list(plan.options.get("email_keep_headers"))}
        msg = EmailMessage(policy=email.policy.default)
        actions: list[str] = []
        not_done: list[str] = []
        subject = doc.meta.get("subject_span")
        if subject:
            clean_subject = " ".join(plan.clean_span(*subject).split())
            if clean_subject:
                msg["Subject"] = clean_subject
        date = doc.meta.get("date_span")
        if date and "date" in keep:
            msg["Date"] = " ".join(plan.clean_span(*date).split())
        bodies = [plan.clean_span(s, e) for s, e in doc.meta.get("body_spans") or []]
        body = "\n\n".join(t.strip("\n") for t in bodies if t.strip())
        msg.set_content(body + "\n", subtype="plain", charset="utf-8", cte="8bit")
        out.write_bytes(msg.as_bytes(policy=email.policy.SMTPUTF8))
        n_headers = int(doc.meta.get("headers") or 0)
        kept = ["Subject"] if subject else []
        if date and "date" in keep:
            kept.append("Date")
        actions.append(f"wrote a new message with {len(kept)} of {n_headers} headers "
                       f"({', '.join(kept) or 'none'}); Received, Message-ID, addresses, "
                       "X-*, DKIM/ARC and the rest dropped")
        actions.append(f"body written as plain text ({len(body):,} characters) with the "
                       "planned edits")
        if doc.meta.get("html_only"):
            actions.append("the HTML body was replaced by its text (remote images, styles "
                           "and hidden elements dropped)")
        n_att = int(doc.meta.get("attachments") or 0)
        if n_att:
            actions.append(f"removed {n_att} attachment{'s' if n_att != 1 else ''}")
            not_done.append("attachments were removed, not cleaned: sanitize each one "
                            "separately if it is needed")
        if doc.format == "msg":
            actions.append("the Outlook .msg was written as a standard .eml")
        not_done.append("the wording, the timing and the recipients' knowledge of the "
                        "message can still identify the source")
        return CleanResult(output=Path(out), format="eml", mode="rebuild", actions=actions,
                           not_done=not_done)

    # -- proof views ----------------------------------------------------------

    def residue_streams(self, path: Path, options: ReadOptions) -> Iterator[tuple[str, bytes]]:
        data = Path(path).read_bytes()
        yield "file", data
        if sniff_kind(data[:65536]) not in ("eml", "mbox"):
            return
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        for name, value in msg.items():
            yield f"header:{name}", _decode_header(str(value)).encode("utf-8", "replace")
        for i, part in enumerate(msg.walk()):
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                yield f"part {i} ({part.get_content_type()}) decoded", payload

    def independent_text(self, path: Path, options: ReadOptions) -> str:
        """Headers and text parts through the older ``compat32`` parser."""
        data = Path(path).read_bytes()
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        out = [f"{k}: {_decode_header(str(v))}" for k, v in msg.items()
               if not structural_header(k, str(v))]
        for part in msg.walk():
            if part.is_multipart() or part.get_content_maintype() != "text":
                continue
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset() or "utf-8"
                try:
                    out.append(payload.decode(charset, "replace"))
                except LookupError:
                    out.append(payload.decode("utf-8", "replace"))
        return "\n".join(out)


# -- parsing ----------------------------------------------------------------------

def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]


def _decode_header(value: str) -> str:
    from email.header import decode_header

    try:
        parts = decode_header(value)
    except (ValueError, LookupError):
        return value
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            try:
                out.append(chunk.decode(charset or "utf-8", "replace"))
            except LookupError:
                out.append(chunk.decode("utf-8", "replace"))
        else:
            out.append(chunk)
    return "".join(out)


#: What a message cut short shows: a multipart body whose closing boundary (or
#: any boundary) never comes.
_CUT_DEFECTS = (email.errors.CloseBoundaryNotFoundDefect, email.errors.StartBoundaryNotFoundDefect)


def parse_message(data: bytes, path: Path, max_bytes: int) -> _Parsed:
    """Parse one RFC 5322 message (bytes) into headers, body text and attachments."""
    if not data.strip():
        raise InputError("empty message", path)
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
    except (ValueError, TypeError, LookupError, IndexError) as exc:
        raise InputError(f"cannot parse the message ({type(exc).__name__})", path) from None
    for part in msg.walk():
        cut = [d for d in part.defects if isinstance(d, _CUT_DEFECTS)]
        if cut:
            raise InputError(
                "truncated or damaged e-mail: a MIME part is never closed "
                f"({type(cut[0]).__name__}); the message was probably cut short", path)
    parsed = _Parsed()
    for name, value in msg.raw_items():
        parsed.headers.append((name, _header_text(value)))
    _walk(msg, parsed, max_bytes, path)
    return parsed


def structural_header(name: str, value: str) -> bool:
    """MIME plumbing that says nothing about anyone: MIME-Version, the transfer
    encoding, and a Content-Type with no parameter but the charset.  (A boundary
    or a file name can identify, so those Content-Types are kept as text.)"""
    low = name.lower()
    if low in ("mime-version", "content-transfer-encoding"):
        return True
    if low == "content-type":
        params = [p.strip().split("=", 1)[0].lower() for p in value.split(";")[1:] if p.strip()]
        return all(p == "charset" for p in params)
    return False


def _header_text(value: Any) -> str:
    text = str(value)
    text = _decode_header(text) if "=?" in text else text
    return " ".join(text.split())


def _leaves(msg: Message, depth: int = 0) -> Iterator[Message]:
    """The leaf parts of ``msg``; an attached message is a leaf (it is read as a child)."""
    if depth > 50:
        return
    if msg.get_content_maintype() == "message" and msg.get_content_type() not in (
            "message/delivery-status", "message/disposition-notification"):
        yield msg
        return
    if msg.is_multipart():
        payload = msg.get_payload()
        if isinstance(payload, list):
            for sub in payload:
                if isinstance(sub, Message):
                    yield from _leaves(sub, depth + 1)
        return
    yield msg


def _walk(msg: Message, parsed: _Parsed, max_bytes: int, path: Path) -> None:
    texts: list[str] = []
    htmls: list[str] = []
    for count, part in enumerate(_leaves(msg)):
        if count > 5000:
            raise LimitExceeded("the message has more than 5,000 parts", path)
        ctype = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if part.get_content_maintype() == "message" and part.is_multipart():
            inner = part.get_payload()
            raw = b""
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                raw = inner[0].as_bytes(policy=email.policy.compat32)
            parsed.attachments.append(_Attachment(filename or "attached message.eml", ctype, raw,
                                                  True))
            continue
        try:
            payload = part.get_payload(decode=True)
        except (ValueError, TypeError, LookupError):
            payload = None
        if not isinstance(payload, bytes):
            payload = b""
        if len(payload) > max_bytes:
            raise LimitExceeded("an attachment exceeds the size limit", path)
        if disposition == "attachment" or filename or part.get_content_maintype() != "text" \
                or ctype not in ("text/plain", "text/html"):
            parsed.attachments.append(_Attachment(filename or f"unnamed {ctype} part", ctype,
                                                  payload))
            continue
        charset = part.get_content_charset() or "utf-8"
        try:
            text = payload.decode(charset, "replace")
        except (LookupError, ValueError):  # an unknown charset, or a hostile name ("a\0b")
            text = payload.decode("utf-8", "replace")
        if ctype == "text/html":
            htmls.append(text)
        else:
            texts.append(text)
    for html in htmls:
        body, remote = html_to_text(html)
        parsed.remote.extend(remote)
        if not texts:
            texts.append(body)
            parsed.html_only = True
    parsed.body.extend(t.replace("\r\n", "\n") for t in texts)


def html_to_text(html: str) -> tuple[str, list[str]]:
    """Visible text of an HTML body (lxml, no network), and its remote image URLs."""
    from lxml import etree
    from lxml import html as lhtml

    if not html.strip():
        return "", []
    try:
        root = lhtml.document_fromstring(html, parser=lhtml.HTMLParser(no_network=True,
                                                                      remove_comments=True))
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]+>", " ", html), []
    remote = []
    for img in root.iter("img"):
        src = (img.get("src") or "").strip()
        if src.lower().startswith(("http://", "https://", "//")):
            remote.append(src)
    for bad in root.xpath("//script|//style|//head"):
        bad.drop_tree()
    try:
        for br in root.iter("br"):
            br.tail = "\n" + (br.tail or "")
        for blk in root.xpath("//p|//div|//tr|//li|//h1|//h2|//h3|//h4|//blockquote"):
            blk.tail = "\n" + (blk.tail or "")
        text = root.text_content()
    except ValueError:  # lxml refuses to set text holding control characters
        return re.sub(r"<[^>]+>", " ", html), remote
    lines = [" ".join(ln.split()) for ln in text.splitlines()]
    out = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", out).strip(), remote


def _parse_msg(path: Path) -> _Parsed:
    """Outlook .msg through extract-msg (GPL-3.0, optional, imported only here)."""
    try:
        import extract_msg
    except ImportError:
        raise UnsupportedFormat(
            "Outlook .msg file: install the optional extract-msg package (GPL-3.0) to read it",
            path) from None
    try:
        m = extract_msg.openMsg(str(path))
    except Exception as exc:  # a third-party parser on untrusted input: any error is a refusal
        raise InputError(f"cannot parse the Outlook message ({type(exc).__name__})", path) from None
    parsed = _Parsed()
    try:
        transport = m.headerDict if hasattr(m, "headerDict") else None
        header_text = getattr(m, "header", None)
        if header_text is not None:
            for name, value in header_text.items():
                parsed.headers.append((str(name), " ".join(str(value).split())))
        elif transport:
            for name, value in transport.items():
                parsed.headers.append((str(name), " ".join(str(value).split())))
        have = {n.lower() for n, _ in parsed.headers}
        for name, attr in (("From", "sender"), ("To", "to"), ("Cc", "cc"), ("Bcc", "bcc"),
                           ("Subject", "subject"), ("Date", "date"),
                           ("Message-ID", "messageId")):
            if name.lower() in have:
                continue
            value = getattr(m, attr, None)
            if value:
                parsed.headers.append((name, " ".join(str(value).split())))
        body: Any = getattr(m, "body", None)
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        if body:
            parsed.body.append(str(body).replace("\r\n", "\n"))
        elif getattr(m, "htmlBody", None):
            html: Any = getattr(m, "htmlBody", b"")
            text, remote = html_to_text(html.decode("utf-8", "replace")
                                        if isinstance(html, bytes) else str(html))
            parsed.body.append(text)
            parsed.remote.extend(remote)
            parsed.html_only = True
        for att in getattr(m, "attachments", []) or []:
            data = getattr(att, "data", None)
            name = getattr(att, "longFilename", None) or getattr(att, "shortFilename", None) \
                or "attachment"
            if isinstance(data, bytes):
                parsed.attachments.append(_Attachment(str(name), "application/octet-stream", data))
            else:
                parsed.attachments.append(_Attachment(str(name), "embedded message", b"", True))
    except LeakdeskError:
        raise
    except Exception as exc:
        raise InputError(f"cannot parse the Outlook message ({type(exc).__name__})", path) from None
    finally:
        with contextlib.suppress(Exception):
            m.close()
    return parsed


# -- findings ---------------------------------------------------------------------

def parse_received(value: str) -> dict[str, Any]:
    """Hosts, IP addresses and the date of one Received header."""
    clauses = value.split(";")
    route = clauses[0]
    date = clauses[-1].strip() if len(clauses) > 1 else ""
    out: dict[str, Any] = {}
    for key in ("from", "by", "for", "with", "id"):
        m = re.search(rf"(?i)(?:^|\s){key}\s+(\S+)", route)
        if m:
            out[key] = m.group(1).strip("<>;")
    ips = _IPV4.findall(route) + [m.group(1) for m in _IPV6.finditer(route)
                                  if m.group(1).count(":") >= 2]
    hosts = [h for h in _HOST.findall(route) if not _IPV4.fullmatch(h)]
    out["ips"] = list(dict.fromkeys(ips))
    out["hosts"] = list(dict.fromkeys(hosts))
    if date:
        out["date"] = date
    return out


def _dkim_tags(value: str) -> dict[str, str]:
    tags = {}
    for part in value.split(";"):
        if "=" in part:
            k, _, v = part.partition("=")
            k = k.strip().lower()
            if k in ("d", "s", "i", "t", "a"):
                tags[k] = "".join(v.split())
    return tags


def header_findings(doc: Document, spans: list[tuple[str, str, int, int]]) -> list[Finding]:
    findings: list[Finding] = []
    received = [(n, v, s, e) for n, v, s, e in spans if n.lower() == "received"]
    hops = len(received)
    for idx, (_n, value, s, e) in enumerate(received):
        info = parse_received(value)
        hop = hops - idx  # the bottom Received is the first hop
        side = " (the first hop: the sender's side)" if hop == 1 else ""
        parts = []
        if info.get("from"):
            parts.append(f"from {info['from']}")
        if info.get("by"):
            parts.append(f"by {info['by']}")
        if info.get("ips"):
            parts.append("IP " + ", ".join(info["ips"]))
        if info.get("for"):
            parts.append(f"for {info['for']}")
        msg = (f"Received hop {hop} of {hops}{side}: " + "; ".join(parts)
               + " — mail servers, IP addresses and times along the message's route, which "
               "can lead to the sender's network")
        sev = Severity.HIGH if (hop == 1 or info.get("ips")) else Severity.MEDIUM
        findings.append(doc.finding(DETECTOR, "header", sev, msg, s, e, action=Action.REMOVE,
                                    evidence={"header": "Received", "hop": hop, **info}))
    for name, value, s, e in spans:
        low = name.lower()
        if low == "received" or not value:
            continue
        shown = value if len(value) <= 160 else value[:160] + "…"
        if low in _SIGNATURES:
            tags = _dkim_tags(value)
            msg = (f"{name}: domain d={tags.get('d', '?')}, selector s={tags.get('s', '?')}"
                   + (f", identity i={tags['i']}" if "i" in tags else "")
                   + " — the signing domain and key selector identify the sender's mail "
                   "system, and the signature proves this exact message came from it")
            findings.append(doc.finding(DETECTOR, "header", Severity.HIGH, msg, s, e,
                                        action=Action.REMOVE,
                                        evidence={"header": name, **tags}))
            continue
        rule = HEADER_RULES.get(low)
        if rule is None:
            if low.startswith("x-ms-exchange") or low.startswith("x-microsoft"):
                rule = (Severity.MEDIUM, "Microsoft Exchange routing data (servers, tenant "
                        "and message ids)")
            elif low.startswith("x-") or low.startswith("arc-"):
                rule = (Severity.LOW, "a non-standard header added by a mail program or server")
            else:
                continue
        sev, why = rule
        evidence: dict[str, Any] = {"header": name}
        ips = _IPV4.findall(value)
        if ips:
            evidence["ips"] = ips
            if sev is not Severity.HIGH:
                sev = Severity.HIGH
        addrs = _ADDR.findall(value)
        if addrs:
            evidence["addresses"] = addrs
        if low == "subject":
            continue  # the subject is text: the text detectors judge it; sanitize keeps it
        findings.append(doc.finding(DETECTOR, "header", sev, f"{name}: {shown!r} — {why}",
                                    s, e, action=Action.REMOVE, evidence=evidence))
    return findings
