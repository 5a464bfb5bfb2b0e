"""E-mail (RFC 822 / MIME, ``.eml``) with the standard library's modern parser.

The envelope headers become key-value blocks, the body text (plain preferred; HTML read by the
HTML reader when it is the only body) follows, and attachments are handed back as raw bytes for
the pipeline to parse recursively as sub-documents (it knows every format; this layer does not).
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage, Message

from docket.domain.document import BlockType
from docket.engines.office.flow import Flow, FlowPage
from docket.engines.office.text import decode

HEADERS = ("From", "To", "Cc", "Date", "Subject")
MAX_ATTACHMENTS = 50


@dataclass(slots=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(slots=True)
class EmailContent:
    pages: list[FlowPage]
    attachments: list[Attachment] = field(default_factory=list)


def read_email(data: bytes) -> EmailContent:
    msg = email.message_from_bytes(data, policy=email.policy.default)
    flow = Flow()
    subject = str(msg.get("Subject", "") or "").strip()
    if subject:
        flow.add(BlockType.HEADING, subject, level=1)
    for name in HEADERS:
        value = msg.get(name)
        if value:
            flow.add(BlockType.KEY_VALUE, f"{name}: {' '.join(str(value).split())}")
    body_html: str | None = None
    body_text: str | None = None
    attachments: list[Attachment] = []
    for part in _leaves(msg):
        ctype = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if disposition == "attachment" or (filename and disposition != "inline") or (
            ctype == "message/rfc822"
        ):  # fmt: skip
            payload = _payload(part)
            if payload and len(attachments) < MAX_ATTACHMENTS:
                name = filename or ("message.eml" if ctype == "message/rfc822" else "attachment")
                attachments.append(Attachment(name, ctype, payload))
        elif ctype == "text/plain" and body_text is None:
            body_text = _text(part)
        elif ctype == "text/html" and body_html is None:
            body_html = _text(part)
    if body_text is not None and body_text.strip():
        for para in body_text.replace("\r\n", "\n").split("\n\n"):
            flow.add(BlockType.TEXT, para.strip("\n"))
    elif body_html:
        from docket.engines.office.html import read_html

        for page in read_html(body_html):
            for block in page.blocks:
                flow.add(block.type, block.text, level=block.level, table=block.table,
                         figure_type=block.figure_type)  # fmt: skip
    return EmailContent(flow.pages, attachments)


def _leaves(part: Message) -> Iterator[Message]:
    """The message's leaf parts; an attached message is one leaf (parsed later as a whole
    sub-document with its own headers and attachments), not walked into like ``walk()`` does."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part
        return
    payload = part.get_payload()
    for sub in payload if isinstance(payload, list) else ():
        if isinstance(sub, Message):
            yield from _leaves(sub)


def _payload(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return inner[0].as_bytes(policy=email.policy.default)
    raw = part.get_payload(decode=True)
    return raw if isinstance(raw, bytes) else b""


def _text(part: Message) -> str:
    if isinstance(part, EmailMessage):
        try:
            content = part.get_content()
            if isinstance(content, str):
                return content
        except (LookupError, ValueError):
            pass
    raw = part.get_payload(decode=True)
    return decode(raw) if isinstance(raw, bytes) else ""
