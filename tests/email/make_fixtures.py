"""Generate e-mail fixtures carrying every header trace, attachments and an mbox.

Importable (``make_all(folder)``) and runnable:
``python -m tests.email.make_fixtures OUTDIR``.
"""

from __future__ import annotations

import io
import sys
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

SENDER = "Karl Leakerman <karl.leakerman@ministry.example>"
TO = "Desk Editor <desk@newsroom.example>"
CC = "Second Reader <reader2@ministry.example>"
BCC = "Hidden Watcher <watcher@ministry.example>"
REPLY_TO = "private.karl@freemail.example"
RETURN_PATH = "<bounce-karl@ministry.example>"
MESSAGE_ID = "<CAF3x9Q7unique.4242.ZZ@mail.ministry.example>"
ORIGINATING_IP = "198.51.100.77"
HOP_IPS = ["203.0.113.45", "192.0.2.10", "198.51.100.77"]
HOP_HOSTS = ["mx1.newsroom.example", "relay.ministry.example", "kl-laptop.corp.ministry.example"]
X_MAILER = "Microsoft Outlook 16.0.17328.20162"
DKIM_DOMAIN = "ministry.example"
DKIM_SELECTOR = "sel2024q1"
THREAD_INDEX = "AQHaT2r4Zb9Xy1k2QkK3mM4nO5pQ6r=="
TENANT_ID = "7c2f9a51-0d3e-4b8f-9a6c-1e2d3f4a5b6c"
SUBJECT = "Harbour project figures"
BODY = (
    "Hello,\n\nAttached are the figures for the harbour project.\n"
    "Please keep this between us.\n\nKarl\n"
)
ATTACH_TXT = "NOFORN\nInternal note copy 12 of 30 for K. Leakerman\n"
NESTED_SUBJECT = "Fwd: original memo"
NESTED_FROM = "Deputy Director <deputy.director@ministry.example>"
TRACKING_URL = "https://track.example/pixel.gif?u=desk-4242"

#: Every value an audit of the .eml fixture must name.
EML_VALUES = [
    "karl.leakerman@ministry.example", "desk@newsroom.example", "reader2@ministry.example",
    "watcher@ministry.example", REPLY_TO, "bounce-karl@ministry.example", MESSAGE_ID.strip("<>"),
    ORIGINATING_IP, *HOP_IPS, *HOP_HOSTS, X_MAILER, DKIM_DOMAIN, DKIM_SELECTOR, THREAD_INDEX,
    TENANT_ID,
]


def _docx_bytes() -> bytes | None:
    try:
        import docx
    except ImportError:
        return None
    d = docx.Document()
    d.add_paragraph("Budget table for the harbour project.")
    d.core_properties.author = "Karl Leakerman"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _pdf_bytes() -> bytes | None:
    try:
        from fpdf import FPDF
    except ImportError:
        return None
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Harbour project: annex")
    pdf.set_author("Karl Leakerman")
    return bytes(pdf.output())


def nested_message() -> EmailMessage:
    inner = EmailMessage()
    inner["From"] = NESTED_FROM
    inner["To"] = SENDER
    inner["Subject"] = "original memo"
    inner["Message-ID"] = "<inner-memo-0001@ministry.example>"
    inner["X-Mailer"] = "Apple Mail (2.3774.500.171.1.1)"
    inner.set_content("The memo says the budget doubled.\n")
    return inner


def dirty_message(*, attachments: bool = True, html: bool = True) -> EmailMessage:
    msg = EmailMessage()
    # Received headers: the newest first, as servers prepend them
    msg["Received"] = (f"from {HOP_HOSTS[1]} ({HOP_HOSTS[1]} [{HOP_IPS[1]}]) by {HOP_HOSTS[0]} "
                       "(Postfix) with ESMTPS id 4TqX2Z0kLmz9; Thu, 14 Mar 2024 09:31:02 +0100")
    msg["Received"] = (f"from {HOP_HOSTS[2]} ([{HOP_IPS[2]}]) by {HOP_HOSTS[1]} with ESMTPSA "
                       f"id abc123 for <desk@newsroom.example>; Thu, 14 Mar 2024 09:31:00 +0100")
    msg["Received"] = (f"from [{HOP_IPS[0]}] (helo=mail-out) by {HOP_HOSTS[0]} with esmtp; "
                       "Thu, 14 Mar 2024 09:31:03 +0100")
    msg["Return-Path"] = RETURN_PATH
    msg["DKIM-Signature"] = (f"v=1; a=rsa-sha256; c=relaxed/relaxed; d={DKIM_DOMAIN}; "
                             f"s={DKIM_SELECTOR}; t=1710405060; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; "
                             "h=From:To:Subject:Date; b=dGhpcyBpcyBhIGZha2Ugc2lnbmF0dXJl")
    msg["From"] = SENDER
    msg["To"] = TO
    msg["Cc"] = CC
    msg["Bcc"] = BCC
    msg["Reply-To"] = REPLY_TO
    msg["Subject"] = SUBJECT
    msg["Date"] = "Thu, 14 Mar 2024 09:30:58 +0100"
    msg["Message-ID"] = MESSAGE_ID
    msg["X-Originating-IP"] = f"[{ORIGINATING_IP}]"
    msg["X-Mailer"] = X_MAILER
    msg["Thread-Index"] = THREAD_INDEX
    msg["X-MS-Exchange-CrossTenant-Id"] = TENANT_ID
    msg.set_content(BODY)
    if html:
        msg.add_alternative(
            "<html><body><p>Hello,</p><p>Attached are the figures for the harbour project."
            f"</p><img src=\"{TRACKING_URL}\" width=1 height=1></body></html>",
            subtype="html")
    if attachments:
        msg.add_attachment(ATTACH_TXT.encode(), maintype="text", subtype="plain",
                           filename="note-for-karl.txt")
        docx_data = _docx_bytes()
        if docx_data:
            msg.add_attachment(docx_data, maintype="application",
                               subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                               filename="budget.docx")
        pdf_data = _pdf_bytes()
        if pdf_data:
            msg.add_attachment(pdf_data, maintype="application", subtype="pdf",
                               filename="annex.pdf")
        msg.add_attachment(nested_message())
    return msg


def dirty_eml(path: Path) -> Path:
    path.write_bytes(dirty_message().as_bytes(policy=SMTP))
    return path


def mbox(path: Path) -> Path:
    first = dirty_message(attachments=False, html=False).as_bytes(policy=SMTP)
    second = nested_message().as_bytes(policy=SMTP)
    data = (b"From karl.leakerman@ministry.example Thu Mar 14 09:31:05 2024\n"
            + first.replace(b"\r\n", b"\n") + b"\n"
            + b"From deputy.director@ministry.example Fri Mar 15 10:00:00 2024\n"
            + second.replace(b"\r\n", b"\n") + b"\n")
    path.write_bytes(data)
    return path


def make_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {"eml": dirty_eml(folder / "dirty.eml"), "mbox": mbox(folder / "box.mbox")}


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "email-fixtures")
    for name, p in make_all(target).items():
        print(f"{name}: {p}")
