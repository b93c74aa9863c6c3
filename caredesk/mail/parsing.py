"""Reading an email message as it arrived (plain Python, no Django).

`email_parse` never raises (a message it cannot read at all gives a ParsedEmail saying
so, keyed by its bytes): whatever the bytes, it gives a `ParsedEmail` holding what
could be read, and says in `problems` what could not (a broken MIME structure, an
unknown character set, a header that does not parse). The raw bytes are always kept by
the caller, so nothing is lost.

- **message_key**: the Message-ID without its angle brackets; a message without one is
  keyed by a digest of its bytes, so the same file read twice is still one message.
- **automatic**: why the message was sent by a machine, if it was (an auto-reply, an
  out-of-office, a delivery report, bulk or list mail: see `mail.machine_mail`). Such
  messages never get an acknowledgement, so two machines never answer each other.
- **text**: the plain text body, or the HTML body as text when there is no plain one.
- **attachments**: every other part: files, inline images, forwarded messages (kept
  whole, as .eml).

Every text it gives can be stored: characters no database here holds (NUL, lone
surrogates) are removed, and `problems` says from which field (`core.text.storable`).
They are removed before a field is given its last shape, so a removed character never
leaves a space behind: a subject or a name is one line, with one space between words,
and a text has no spaces or blank lines at its start or end.
Parts nested deeper than MAX_DEPTH are not read into (Python's parser recurses once a
level, and reads each line once a level): they are kept, unread, as one attachment, and
the headers of the message (sender, subject, date) are always read.
"""

from __future__ import annotations

import contextlib
import email
import email.feedparser
import email.header
import email.parser
import email.policy
import hashlib
import mimetypes
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import cast

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

from caredesk.core.text import storable, storable_text
from caredesk.mail.machine_mail import machine_reason

MAX_KEY_LENGTH = 255
UNREADABLE = "\ufffd"  # what a character that cannot be decoded becomes
# A Date outside these years is not believed (1 January 1970 is a common wrong one), and
# the message counts as received when it arrives.
FIRST_DATE_YEAR, LAST_DATE_YEAR = 1990, 2099
_MESSAGE_IDS = re.compile(r"<([^<>\s]+)>")
MAX_DEPTH = 40  # parts nested deeper than this are kept, not read into


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
        parsed = _parse(raw)
    except Exception as error:
        # The body could not be read at all: the headers alone, read without the body
        # (a parser that never recurses), so the sender, subject and date are kept.
        problem = f"The message's body cannot be read at all ({type(error).__name__})."
        try:
            parsed = _parse_headers_only(raw, problem)
        except Exception as header_error:
            parsed = ParsedEmail(
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
                problems=[f"The message cannot be read at all ({type(header_error).__name__})."],
                sha256=hashlib.sha256(raw).hexdigest(),
            )
    return _storable(parsed)


def _parse(raw: bytes) -> ParsedEmail:
    digest = hashlib.sha256(raw).hexdigest()
    problems: list[str] = []
    parser = _DepthLimitedParser(policy=email.policy.default)
    parser.feed(raw)
    message = cast(EmailMessage, parser.close())
    if parser.too_deep:
        problems.append(
            f"The message has parts nested more than {MAX_DEPTH} deep: those below are "
            "kept as an attachment, unread (the message is kept as it came)."
        )
    for defect in message.defects:
        problems.append(_defect_text(defect))
    headers = _Headers(message, problems)

    def content() -> tuple[str, Callable[[], list[ParsedAttachment]]]:
        body, text = _body(message, problems)
        return text, lambda: _attachments(message, body, problems)

    return _parsed(headers, problems, digest=digest, content=content)


def _parse_headers_only(raw: bytes, problem: str) -> ParsedEmail:
    problems = [problem]
    message = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
    headers = _Headers(message, problems)
    return _parsed(
        headers, problems, digest=hashlib.sha256(raw).hexdigest(), content=lambda: ("", list)
    )


def _parsed(
    headers: _Headers,
    problems: list[str],
    *,
    digest: str,
    content: Callable[[], tuple[str, Callable[[], list[ParsedAttachment]]]],
) -> ParsedEmail:
    """The email its headers describe, with its text and attachments (`content`), each
    read in the order the problems are listed: sender, text, date, attachments."""
    message_id = _first_id(headers.raw("Message-ID"))
    from_name, from_address = _sender(headers, problems)
    subject = _one_line(headers.get("Subject"))
    text, attachments_read = content()
    sent_at = _date(headers.raw("Date"), problems)
    attachments = attachments_read()
    return ParsedEmail(
        message_key=_key(message_id) if message_id else f"sha256:{digest}",
        message_id=message_id,
        from_address=from_address,
        from_name=from_name,
        to=headers.get("To"),
        subject=subject,
        sent_at=sent_at,
        in_reply_to=[_key(i) for i in _MESSAGE_IDS.findall(headers.raw("In-Reply-To"))],
        references=[_key(i) for i in _MESSAGE_IDS.findall(headers.raw("References"))],
        text=text,
        attachments=attachments,
        automatic=machine_reason(
            headers=headers.raw_all, from_address=from_address, subject=subject
        ),
        problems=list(dict.fromkeys(problems)),
        sha256=digest,
    )


class _DepthLimitedParser(email.feedparser.BytesFeedParser):
    """Python's parser, reading no deeper than MAX_DEPTH: a container part (multipart or
    message) below that is read as one unread part. The parser keeps a generator and an
    end-of-part test for each level it is in, so without a limit a message nested
    thousands deep fails with a RecursionError, and takes time that grows with the
    square of its depth."""

    too_deep = False

    def _parse_headers(self, lines: list[str]) -> None:
        super()._parse_headers(lines)  # type: ignore[misc]
        part: Message = self._cur  # type: ignore[attr-defined]
        depth = len(self._msgstack)  # type: ignore[attr-defined]
        if depth > MAX_DEPTH and part.get_content_maintype() in ("multipart", "message"):
            self.too_deep = True
            del part["Content-Type"]
            part["Content-Type"] = "application/octet-stream"


def _storable(parsed: ParsedEmail) -> ParsedEmail:
    """The message with every text storable, and a problem for each field that lost
    characters no database here can hold (core.text). A field that lost some is given
    its shape again (`shape`): a character removed from its end, or from between two
    spaces, leaves no space behind."""
    problems: list[str] = []

    def clean(value: str, what: str, shape: Callable[[str], str] = str) -> str:
        made = storable(value)
        if not made.removed:
            return made.text
        problems.append(f"{what}: {made.note}.")
        return shape(made.text)

    attachments = [
        replace(
            attachment,
            file_name=clean(attachment.file_name, f"Attachment {number}'s name"),
            content_type=clean(attachment.content_type, f"Attachment {number}'s type"),
            content_id=clean(attachment.content_id, f"Attachment {number}'s Content-ID"),
        )
        for number, attachment in enumerate(parsed.attachments, start=1)
    ]
    cleaned = replace(
        parsed,
        message_key=storable_text(parsed.message_key),
        message_id=storable_text(parsed.message_id),
        from_address=clean(parsed.from_address, "The sender's address"),
        from_name=clean(parsed.from_name, "The sender's name", _one_line),
        to=clean(parsed.to, "The To header", str.strip),
        subject=clean(parsed.subject, "The subject", _one_line),
        in_reply_to=[storable_text(key) for key in parsed.in_reply_to],
        references=[storable_text(key) for key in parsed.references],
        text=clean(parsed.text, "The text", str.strip),
        attachments=attachments,
        automatic=storable_text(parsed.automatic),
    )
    return replace(
        cleaned,
        problems=list(dict.fromkeys(storable_text(p) for p in [*parsed.problems, *problems])),
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

    @property
    def raw_all(self) -> dict[str, str]:
        return self._raw

    def raw(self, name: str) -> str:
        return self._raw.get(name.lower(), "")

    def get(self, name: str) -> str:
        """The header decoded; if it cannot be read that way, as written (its encoded
        words decoded where they can be), saying so in problems."""
        try:
            value = self.message.get(name)
            text = "" if value is None else text_of(str(value)).strip()
        except Exception as error:
            why = "characters that are not text" if isinstance(error, UnicodeError) else error
            self.problems.append(
                f"The {name} header cannot be read as it should be ({why}): it is kept as written."
            )
            return _decoded_words(self.raw(name)) if name != "From" else self.raw(name)
        if UNREADABLE in text:
            self.problems.append(f"The {name} header has characters that cannot be read.")
        return text


def _one_line(value: str) -> str:
    """A header as a person reads it: on one line, one space between its words."""
    return " ".join(value.split())


def text_of(value: str) -> str:
    """Bytes the email package could not decode (kept as surrogates) read as UTF-8 where
    they are, else shown as \ufffd. Characters that cannot be stored are left for
    `_storable` to remove and note (NUL; a lone surrogate from a strange charset)."""
    if value.isascii():
        return value
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that is not an undecoded byte
        return value


def _decoded_words(value: str) -> str:
    """RFC 2047 encoded words decoded, on one line (as written, if they cannot be)."""
    with contextlib.suppress(Exception):
        value = str(email.header.make_header(email.header.decode_header(value)))
    return " ".join(value.split())


def _key(message_id: str) -> str:
    """A message id as a key: without brackets; digested if too long to index."""
    if len(message_id) <= MAX_KEY_LENGTH:
        return message_id
    return "sha256:" + hashlib.sha256(message_id.encode("utf-8", "replace")).hexdigest()


def _first_id(value: str) -> str:
    value = storable_text(text_of(value))
    found = _MESSAGE_IDS.search(value)
    if found:
        return found.group(1)
    return value.strip().strip("<>").strip()


def _sender(headers: _Headers, problems: list[str]) -> tuple[str, str]:
    """The sender's name and address. Read from the header as written when the decoded
    header cannot be read (a name with an encoded line break in it, say): the address is
    never lost for its name. Names are decoded after the address is found, so a comma or
    bracket in an encoded name cannot make another address."""
    value = headers.get("From")
    if not value:
        return "", ""
    addresses = [(name, address) for name, address in getaddresses([value]) if address]
    if not addresses and value != headers.raw("From"):
        addresses = [a for a in getaddresses([headers.raw("From")]) if a[1]]
    if not addresses:
        problems.append(f"The From header has no address that can be read: {value[:200]!r}.")
        return _one_line(value)[:200], ""
    name, address = addresses[0]
    if "=?" in name:
        name = _decoded_words(name)
    return _one_line(name), "".join(address.split()).lower()


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
    for number, part in enumerate(_leaves(message), start=1):
        if part is body:
            continue
        try:
            attachment = _attachment(part, len(found) + 1, problems)
        except Exception as error:  # one part never costs the others
            problems.append(
                f"Part {number} of the message cannot be read ({type(error).__name__}): "
                "it is in the message kept as it came."
            )
            continue
        if attachment is not None:
            found.append(attachment)
    return found


def _attachment(part: Message, number: int, problems: list[str]) -> ParsedAttachment | None:
    file_name = _file_name(part, problems)
    disposition = (part.get_content_disposition() or "").lower()
    content_type = part.get_content_type()
    if (
        content_type in ("text/plain", "text/html")
        and not file_name
        and disposition != "attachment"
    ):
        return None  # the body in another form (multipart/alternative)
    if content_type == "message/rfc822":
        inner = part.get_payload()
        inner_message = inner[0] if isinstance(inner, list) and inner else None
        data = inner_message.as_bytes() if isinstance(inner_message, Message) else b""
    else:
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
    return ParsedAttachment(
        file_name=file_name or _made_up_name(content_type, number),
        content_type=content_type,
        data=data,
        inline=disposition == "inline" or bool(part.get("Content-ID")),
        content_id=_first_id(str(part.get("Content-ID") or "")),
    )


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
