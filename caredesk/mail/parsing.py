"""Reading an email message as it arrived (plain Python, no Django).

`email_parse` never raises (a message it cannot read at all gives a ParsedEmail saying
so, keyed by its bytes): whatever the bytes, it gives a `ParsedEmail` holding what
could be read, and says in `problems` what could not (a broken MIME structure, an
unknown character set, a header that does not parse). The raw bytes are always kept by
the caller, so nothing is lost.

- **message_key**: the Message-ID without its angle brackets; a message without one is
  keyed by a digest of its bytes, so the same file read twice is still one message.
- **automatic**: why the message was sent by a machine, if it was: an auto-reply or
  other automatic message (RFC 3834 `Auto-Submitted`), bulk or list mail (`Precedence`,
  `List-Id`, `List-Unsubscribe`), a bounce (an empty return path, a mailer daemon).
  Such messages never get an acknowledgement, so two machines never answer each other.
- **text**: the plain text body, or the HTML body as text when there is no plain one.
- **attachments**: every other part: files, inline images, forwarded messages (kept
  whole, as .eml).
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import hashlib
import mimetypes
import re
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import cast

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

MAX_KEY_LENGTH = 255
UNREADABLE = "\ufffd"  # what a character that cannot be decoded becomes
# A Date outside these years is not believed (1 January 1970 is a common wrong one), and
# the message counts as received when it arrives.
FIRST_DATE_YEAR, LAST_DATE_YEAR = 1990, 2099
_MESSAGE_IDS = re.compile(r"<([^<>\s]+)>")
_BULK_PRECEDENCE = frozenset({"bulk", "junk", "list"})


@dataclass(frozen=True)
class ParsedAttachment:
    file_name: str
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str = ""


@dataclass(frozen=True)
class ParsedEmail:
    message_key: str
    message_id: str  # as written, without brackets ("" if it has none)
    from_address: str  # lower case ("" if none could be read)
    from_name: str
    to: str
    subject: str
    sent_at: datetime | None  # the Date header, in UTC
    in_reply_to: list[str]  # message keys
    references: list[str]
    text: str
    attachments: list[ParsedAttachment]
    automatic: str  # why a machine sent it, or ""
    problems: list[str] = field(default_factory=list)
    sha256: str = ""

    @property
    def replied_to(self) -> list[str]:
        """The messages this one answers, nearest first (In-Reply-To, then References
        from the last)."""
        keys = [*self.in_reply_to, *reversed(self.references)]
        return list(dict.fromkeys(keys))


def email_parse(raw: bytes) -> ParsedEmail:
    """The message in `raw` (the bytes of an .eml file), as far as it can be read."""
    try:
        return _parse(raw)
    except Exception as error:
        return ParsedEmail(
            message_key=email_key(raw),
            message_id="",
            from_address="",
            from_name="",
            to="",
            subject="",
            sent_at=None,
            in_reply_to=[],
            references=[],
            text="",
            attachments=[],
            automatic="",
            problems=[f"The message cannot be read at all ({type(error).__name__})."],
            sha256=hashlib.sha256(raw).hexdigest(),
        )


def _parse(raw: bytes) -> ParsedEmail:
    digest = hashlib.sha256(raw).hexdigest()
    problems: list[str] = []
    message = email.message_from_bytes(raw, policy=email.policy.default)
    for defect in message.defects:
        problems.append(_defect_text(defect))
    headers = _Headers(message, problems)
    message_id = _first_id(headers.raw("Message-ID"))
    from_name, from_address = _sender(headers.get("From"), problems)
    body, text = _body(message, problems)
    return ParsedEmail(
        message_key=_key(message_id) if message_id else f"sha256:{digest}",
        message_id=message_id,
        from_address=from_address,
        from_name=from_name,
        to=headers.get("To"),
        subject=" ".join(headers.get("Subject").split()),
        sent_at=_date(headers.raw("Date"), problems),
        in_reply_to=[_key(i) for i in _MESSAGE_IDS.findall(headers.raw("In-Reply-To"))],
        references=[_key(i) for i in _MESSAGE_IDS.findall(headers.raw("References"))],
        text=text,
        attachments=_attachments(message, body, problems),
        automatic=_automatic(headers, from_address),
        problems=list(dict.fromkeys(problems)),
        sha256=digest,
    )


def email_key(raw: bytes) -> str:
    """The message's key (as `email_parse` gives it) from its headers alone: cheap, so a
    message already received is known before its body is read."""
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
        message_id = _first_id(_Headers(headers, []).raw("Message-ID"))
    except Exception:
        message_id = ""
    if message_id:
        return _key(message_id)
    return f"sha256:{hashlib.sha256(raw).hexdigest()}"


class _Headers:
    """Header values as text, "" when missing or unreadable (saying so in problems).

    `get` decodes (RFC 2047) and reads the header's structure: the email package's
    costly part, only for headers a person reads. `raw` gives the text as written, for
    headers that are ids or keywords."""

    def __init__(self, message: Message, problems: list[str]) -> None:
        self.message = message
        self.problems = problems
        self._raw: dict[str, str] = {}
        for name, value in message.raw_items():
            self._raw.setdefault(name.lower(), " ".join(text_of(str(value)).split()))

    def raw(self, name: str) -> str:
        return self._raw.get(name.lower(), "")

    def get(self, name: str) -> str:
        try:
            value = self.message.get(name)
        except Exception as error:
            self.problems.append(f"The {name} header cannot be read ({error}).")
            return ""
        text = "" if value is None else text_of(str(value)).strip()
        if UNREADABLE in text:
            self.problems.append(f"The {name} header has characters that cannot be read.")
        return text


def text_of(value: str) -> str:
    """Text fit to store: bytes the email package could not decode (kept as surrogates)
    read as UTF-8 where they are, else shown as \ufffd; no NUL characters."""
    if not value.isascii():
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return value.replace("\x00", "")


def _key(message_id: str) -> str:
    """A message id as a key: without brackets; digested if too long to index."""
    if len(message_id) <= MAX_KEY_LENGTH:
        return message_id
    return "sha256:" + hashlib.sha256(message_id.encode("utf-8", "replace")).hexdigest()


def _first_id(value: str) -> str:
    value = text_of(value)
    found = _MESSAGE_IDS.search(value)
    if found:
        return found.group(1)
    return value.strip().strip("<>").strip()


def _sender(value: str, problems: list[str]) -> tuple[str, str]:
    if not value:
        return "", ""
    addresses = [(name, address) for name, address in getaddresses([value]) if address]
    if not addresses:
        problems.append(f"The From header has no address that can be read: {value[:200]!r}.")
        return value[:200], ""
    name, address = addresses[0]
    return " ".join(name.split()), address.strip().lower()


def _date(value: str, problems: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
        if moment.tzinfo is None:  # "-0000": the time is UTC, its zone unknown (RFC 5322)
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        problems.append(f"The Date header is not a date: {value[:100]!r}.")
        return None
    if not FIRST_DATE_YEAR <= moment.year <= LAST_DATE_YEAR:
        problems.append(f"The Date header is not believable: {value[:100]!r}.")
        return None
    return moment


def _automatic(headers: _Headers, from_address: str) -> str:
    auto_submitted = headers.raw("Auto-Submitted").lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = headers.raw("Precedence").lower()
    if precedence in _BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("List-Id", "List-Unsubscribe"):
        if headers.raw(name):
            return f"{name}: mailing list"
    for name in ("X-Autoreply", "X-Autorespond"):
        if headers.raw(name):
            return f"{name}: auto-reply"
    suppress = headers.raw("X-Auto-Response-Suppress").lower()
    if {"all", "oof", "autoreply"} & {word.strip() for word in suppress.split(",")}:
        return f"X-Auto-Response-Suppress: {suppress}"
    if headers.raw("Return-Path") == "<>":
        return "Return-Path: <> (a bounce)"
    local = from_address.partition("@")[0]
    if local in {"mailer-daemon", "postmaster"}:
        return f"From: {from_address} (a bounce)"
    return ""


# -- the body and the attachments ------------------------------------------------------


def _body(message: EmailMessage, problems: list[str]) -> tuple[Message | None, str]:
    """The part taken as the body, and its text."""
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception as error:
        problems.append(f"The message's structure cannot be read ({error}).")
        body = None
    if body is None:
        payload = message.get_payload()
        if message.get_content_maintype() == "multipart" and isinstance(payload, str):
            # parts that cannot be told apart (a boundary that is not there): the text
            # as it is, so nothing is lost
            return message, text_of(payload).strip()
        if message.is_multipart() or message.get_content_maintype() != "text":
            return None, ""  # no text at all: any part is attached
        body = message
    text = _part_text(body, problems)
    if body.get_content_subtype() == "html":
        text = html_text(text)
    if UNREADABLE in text:
        problems.append(f"Some characters of the text cannot be read (shown as {UNREADABLE}).")
    return body, "\n".join(text_of(text).splitlines()).strip()


def _part_text(part: Message, problems: list[str]) -> str:
    try:
        return str(cast(EmailMessage, part).get_content())
    except (LookupError, UnicodeError, AssertionError, ValueError) as error:
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        charset = part.get_content_charset() or "utf-8"
        problems.append(f"The text is not in the character set it names ({charset}: {error}).")
        try:
            return data.decode(charset, errors="replace")
        except (LookupError, ValueError):
            return data.decode("utf-8", errors="replace")


def html_text(html: str) -> str:
    """The text of an HTML body: no scripts or styles, a line for each block."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "head", "title"]):
        hidden.decompose()
    lines = (" ".join(line.split()) for line in soup.get_text("\n").splitlines())
    return "\n".join(line for line in lines if line)


def _attachments(
    message: Message, body: Message | None, problems: list[str]
) -> list[ParsedAttachment]:
    found: list[ParsedAttachment] = []
    for part in _leaves(message):
        if part is body:
            continue
        file_name = _file_name(part, problems)
        disposition = (part.get_content_disposition() or "").lower()
        if (
            part.get_content_type() in ("text/plain", "text/html")
            and not file_name
            and disposition != "attachment"
        ):
            continue  # the body in another form (multipart/alternative)
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            inner = part.get_payload()
            inner_message = inner[0] if isinstance(inner, list) and inner else None
            data = inner_message.as_bytes() if isinstance(inner_message, Message) else b""
        else:
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
        found.append(
            ParsedAttachment(
                file_name=file_name or _made_up_name(content_type, len(found) + 1),
                content_type=content_type,
                data=data,
                inline=disposition == "inline" or bool(part.get("Content-ID")),
                content_id=_first_id(str(part.get("Content-ID") or "")),
            )
        )
    return found


def _leaves(message: Message) -> list[Message]:
    """The parts that are not containers; a forwarded message is one part, kept whole."""
    if message.get_content_type() == "message/rfc822" or not message.is_multipart():
        return [message]
    leaves = []
    payload = message.get_payload()
    for part in payload if isinstance(payload, list) else []:
        if isinstance(part, Message):
            leaves.extend(_leaves(part))
    return leaves


def _file_name(part: Message, problems: list[str]) -> str:
    try:
        name = part.get_filename() or ""
    except Exception as error:
        problems.append(f"An attachment's name cannot be read ({error}).")
        return ""
    name = re.split(r"[\\/]", name)[-1].strip()
    return "".join(ch for ch in name if ch.isprintable())[:200]


def _made_up_name(content_type: str, number: int) -> str:
    if content_type == "message/rfc822":
        return f"forwarded-message-{number}.eml"
    extension = mimetypes.guess_extension(content_type) or ".bin"
    return f"attachment-{number}{extension}"


def _defect_text(defect: Exception) -> str:
    name = re.sub(r"(?<!^)(?=[A-Z])", " ", type(defect).__name__).lower()
    return f"The message is not well formed: {name}{f' ({defect})' if str(defect) else ''}."
