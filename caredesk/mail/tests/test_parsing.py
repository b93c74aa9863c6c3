"""Reading emails: whatever the bytes, a message with what could be read, never an error."""

import time
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from caredesk.mail.parsing import MAX_DEPTH, email_key, email_parse, html_text

MESSAGES = Path(__file__).parent / "messages"


def parse(name: str):
    return email_parse((MESSAGES / name).read_bytes())


def test_a_plain_message_gives_its_sender_subject_date_and_text():
    message = parse("plain.eml")
    assert message.message_key == "20250602091400.1@example.org"
    assert (message.from_name, message.from_address) == ("Jo Bloggs", "jo.bloggs@example.org")
    assert message.subject == "Broken boiler at 12 Mersey Road"
    assert message.sent_at == datetime(2025, 6, 2, 8, 14, tzinfo=UTC)
    assert message.text.startswith("Hello,\n\nMy boiler stopped working")
    assert "\r" not in message.text
    assert (message.automatic, message.problems, message.attachments) == ("", [], [])


def test_encoded_headers_and_a_latin_1_body_are_decoded():
    message = parse("latin1.eml")
    assert message.from_name == "Renée François"
    assert message.subject.startswith("Réparation")
    assert message.text == "La fenêtre de la cuisine est cassée depuis lundi. £120 pour la réparer?"


def test_an_html_only_message_is_read_as_text_without_scripts_or_styles():
    message = parse("html_only.eml")
    assert message.text == "Please send me a\nrent statement\nfor April & May.\nThank you,\nSam"


def test_an_inline_image_is_kept_as_an_attachment_with_its_content_id():
    (image,) = parse("inline_image.eml").attachments
    assert (image.content_type, image.inline, image.content_id) == (
        "image/png",
        True,
        "damp@example.com",
    )
    assert image.data.startswith(b"\x89PNG")


def test_a_forwarded_message_is_kept_whole_and_a_file_keeps_only_its_own_name():
    message = parse("forwarded.eml")
    forwarded, agreement = message.attachments
    assert forwarded.file_name == "forwarded-message-1.eml"
    assert email_parse(forwarded.data).subject == "Council tax"
    assert agreement.file_name == "tenancy agreement.pdf"  # not ../../
    assert agreement.data.startswith(b"%PDF")
    assert message.text == "See the message below, and the tenancy agreement attached."


def test_a_broken_mime_structure_keeps_the_text_and_says_what_is_wrong():
    message = parse("broken_mime.eml")
    assert "The garden fence blew down" in message.text
    assert any("not well formed" in problem for problem in message.problems)


def test_an_unknown_character_set_is_read_as_far_as_it_can_be_and_flagged():
    message = parse("unknown_charset.eml")
    assert message.text == "The music goes on past midnight."
    assert message.problems == [
        "The text is not in the character set it names (x-no-such-charset: unknown "
        "encoding: x-no-such-charset)."
    ]


def test_raw_bytes_in_headers_and_body_are_flagged_not_fatal():
    message = parse("raw_8bit_header.eml")
    assert message.from_address == "zoe@example.org"
    assert "The From header has characters that cannot be read." in message.problems
    assert "Some characters of the text cannot be read (shown as \ufffd)." in message.problems
    assert message.text.startswith("The bins behind the café")


def test_a_message_without_an_id_is_keyed_by_its_bytes_and_a_bad_date_is_none():
    message = parse("no_message_id.eml")
    assert message.message_key == f"sha256:{message.sha256}"
    assert message.sent_at is None
    assert message.problems == ["The Date header is not a date: 'not a date at all'."]


def test_machines_are_told_apart():
    assert parse("auto_reply.eml").automatic == "Auto-Submitted: auto-replied"
    assert parse("bulk.eml").automatic == "Precedence: bulk"
    assert parse("plain.eml").automatic == ""


def test_a_reply_names_the_messages_it_answers_nearest_first():
    assert parse("auto_reply.eml").replied_to == [
        "ack-1@halton.example",
        "20250602091400.1@example.org",
    ]


def test_html_text_keeps_a_line_per_block():
    assert html_text("<p>One</p><p>Two <b>bold</b></p>") == "One\nTwo\nbold"


# -- any input --------------------------------------------------------------------------


@given(st.binary(max_size=2_000))
def test_any_bytes_give_a_message_and_its_key_from_the_headers_alone(raw):
    message = email_parse(raw)
    assert message.message_key
    assert len(message.message_key) <= 255
    assert email_key(raw) == message.message_key


@given(
    message_id=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300),
    body=st.binary(max_size=300),
)
def test_the_key_from_the_headers_alone_is_the_parsers(message_id, body):
    raw = f"Subject: x\nMessage-ID: {message_id}\n\n".encode("utf-8", "replace") + body
    assert email_key(raw) == email_parse(raw).message_key


def test_every_sample_messages_key_comes_from_its_headers_alone():
    for path in MESSAGES.glob("*.eml"):
        raw = path.read_bytes()
        assert email_key(raw) == email_parse(raw).message_key, path.name


headers = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=60)


@given(
    subject=headers,
    name=headers,
    body=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=500),
    charset=st.sampled_from(["utf-8", "iso-8859-1", "windows-1252"]),  # MIME text: no UTF-16
)
# a NUL removed from the end of the text left the space before it behind ("0 ")
@example(subject="", name="", body="0 \x00", charset="utf-8")
# a line holding only a NUL between a CR and a LF: three lines written, the middle one empty
@example(subject="", name="", body="a\r\x00\nb", charset="utf-8")
def test_a_well_formed_message_gives_back_what_was_written(subject, name, body, charset):
    written = EmailMessage()
    written["Subject"] = subject
    written["From"] = Address(display_name=name, addr_spec="someone@example.org")
    written["Message-ID"] = "<x1@example.org>"
    try:
        body.encode(charset)
    except UnicodeEncodeError:
        charset = "utf-8"
    written.set_content(body, charset=charset)
    message = email_parse(written.as_bytes())
    assert message.message_key == "x1@example.org"
    assert message.subject == " ".join(subject.split())
    assert message.from_address == "someone@example.org"
    # every character but spaces: folding a long encoded name can add one between words
    assert "".join(message.from_name.split()) == "".join(name.split())
    # the lines as written (set_content splits them), without the NULs that cannot be stored
    assert message.text == "\n".join(body.splitlines()).replace("\x00", "").strip()


# -- what a review found ------------------------------------------------------------------


def test_dates_that_cannot_be_believed_are_none_and_said():
    for date in ("31 Dec 9999 23:59:59 -0100", "Thu, 01 Jan 1970 00:00:00 +0000"):
        message = email_parse(f"Date: {date}\nMessage-ID: <d@x>\n\nhi\n".encode())
        assert message.sent_at is None
        assert len(message.problems) == 1


def test_a_nul_in_a_charset_name_does_not_stop_the_reading():
    raw = b'Content-Type: text/plain; charset="ut\x00f"\nMessage-ID: <n@x>\n\nhello\n'
    assert email_parse(raw).text == "hello"


def test_a_message_nested_too_deep_to_read_is_still_a_message():
    raw = b"Message-ID: <deep@x>\nContent-Type: message/rfc822\n\n" * 2_000 + b"end\n"
    message = email_parse(raw)
    assert message.message_key == email_key(raw) == "deep@x"


def test_bytes_that_are_not_ascii_in_ids_and_nul_characters_are_made_storable():
    raw = "Message-ID: <café@x>\nSubject: a\x00b\n\nbo\x00dy\n".encode()
    message = email_parse(raw)
    assert message.message_key == "café@x"
    assert (message.subject, message.text) == ("ab", "body")


def test_a_character_that_cannot_be_stored_leaves_no_space_behind():
    raw = (
        b"Subject: \x00 Broken \x00 boiler \x00\n"
        b"From: =?unicode-escape?q?Jo_=5Cud800_Bloggs_=5Cud800?= <jo@example.org>\n"
        b"Message-ID: <n@x>\n\n\x00\n 0 \x00\n\x00\n"
    )
    message = email_parse(raw)
    assert (message.subject, message.from_name, message.text) == ("Broken boiler", "Jo Bloggs", "0")
    assert [problem.partition(":")[0] for problem in message.problems if "stored" in problem] == [
        "The sender's name",
        "The subject",
        "The text",
    ]


# -- hostile mail (issue 15) --------------------------------------------------------------


def deeply_nested(levels: int, kind: str = "multipart") -> bytes:
    head = (
        b"From: Jo Bloggs <jo.bloggs@example.org>\nSubject: Deep\nMessage-ID: <deep@x>\n"
        b"Date: Mon, 2 Jun 2025 09:14:00 +0100\nMIME-Version: 1.0\n"
    )
    if kind == "message":
        return head + b"Content-Type: message/rfc822\n\n" * levels + b"\nthe end\n"
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (n, n) for n in range(levels)
    )
    closing = b"".join(b"\n--b%d--\n" % n for n in reversed(range(levels)))
    return head + opening + b"Content-Type: text/plain\n\nthe end\n" + closing


@pytest.mark.parametrize("kind", ["multipart", "message"])
def test_mime_nested_thousands_deep_keeps_the_sender_subject_and_date(kind):
    started = time.monotonic()
    message = email_parse(deeply_nested(5_000, kind))
    assert time.monotonic() - started < 10  # once a line a level would take minutes
    assert (message.from_address, message.from_name) == ("jo.bloggs@example.org", "Jo Bloggs")
    assert (message.subject, message.message_key) == ("Deep", "deep@x")
    assert message.sent_at == datetime(2025, 6, 2, 8, 14, tzinfo=UTC)
    assert any(f"nested more than {MAX_DEPTH} deep" in problem for problem in message.problems)
    # the parts below the limit are kept, unread
    assert b"the end" in b"".join(attachment.data for attachment in message.attachments)


def test_mime_nested_within_the_limit_is_read_as_usual():
    message = email_parse(deeply_nested(MAX_DEPTH - 2))
    assert (message.text, message.problems) == ("the end", [])


@pytest.mark.parametrize(
    "sender",
    [
        b"=?utf-8?q?Jane=0D=0ASmith?= <jane@example.org>",
        b"=?utf-8?b?SmFuZQ0KU21pdGg=?= <jane@example.org>",
        b"=?utf-8?q?Jane=0ASmith?=\n <jane@example.org>",
        b'"=?utf-8?q?Jane=0D=0ASmith?=" <jane@example.org>',
    ],
)
def test_an_encoded_line_break_in_a_name_never_loses_the_address(sender):
    message = email_parse(b"From: " + sender + b"\nMessage-ID: <n@x>\n\nhello\n")
    assert (message.from_name, message.from_address) == ("Jane Smith", "jane@example.org")


def test_a_comma_encoded_in_a_broken_name_does_not_make_another_address():
    raw = b"From: =?utf-8?q?Smith=2C=0AJane?= <jane@example.org>\nMessage-ID: <n@x>\n\nhi\n"
    message = email_parse(raw)
    assert (message.from_name, message.from_address) == ("Smith, Jane", "jane@example.org")


def test_characters_that_cannot_be_stored_are_removed_and_said_field_by_field():
    raw = (
        b"From: =?unicode-escape?q?Jo=5Cud800?= <jo@example.org>\nSubject: Bo\x00iler\n"
        b'Message-ID: <n@x>\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n'
        b"Content-Type: text/plain\n\nhello\n--b\n"
        b'Content-Type: application/p\x00df; name="scan.pdf"\n\n%PDF-1.4\n--b--\n'
    )
    message = email_parse(raw)
    (scan,) = message.attachments
    assert (message.from_name, message.subject, scan.content_type) == (
        "Jo",
        "Boiler",
        "application/pdf",
    )
    notes = [problem for problem in message.problems if "cannot be stored" in problem]
    assert [note.partition(":")[0] for note in notes] == [
        "Attachment 1's type",
        "The sender's name",
        "The subject",
    ]
