"""mbox files: only a real separator line (a sender and a date) starts a message."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from caredesk.mail.importing import mail_files_import
from caredesk.mail.mbox import is_separator, mbox_messages
from caredesk.mail.models import InboundEmail
from caredesk.standards import load_policy

HALTON = load_policy("halton")

SEPARATORS = [
    b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n",  # mboxrd, as Python and mutt write
    b"From jo.bloggs@example.org Mon Jun  2 09:14:03 2025\n",
    b"From - Sat Jun 07 10:00:00 2025\n",  # Thunderbird
    b"From 1834215602841720367@xxx Fri Jul 08 12:08:34 +0000 2011\n",  # Gmail's Takeout
    b"From jo@example.org Mon Jun  2 09:14:03 2025\r\n",
    b"From jo@example.org Mon, 2 Jun 2025 09:14:03 +0100\n",
]
NOT_SEPARATORS = [
    b"From the tenant's point of view, nothing was done.\n",
    b"From 12 Mersey Road to the office is a long way\n",
    b"From Monday Jun 2 the bins are collected on a Tuesday\n",
    b"From: Jo Bloggs <jo@example.org>\n",
    b"From jo@example.org\n",
    b">From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n",
]


def test_separators_are_a_sender_and_a_date():
    assert all(is_separator(line) for line in SEPARATORS)
    assert not any(is_separator(line) for line in NOT_SEPARATORS)


def test_an_unescaped_from_in_a_body_does_not_split_the_message(people, clock, tmp_path):
    first = (
        b"From: Jo Bloggs <jo@example.org>\nSubject: The boiler\nMessage-ID: <one@example.org>\n"
        b"\nThe boiler is broken.\n\nFrom the tenant's point of view, nothing was done.\n"
        b"From 12 Mersey Road to the office is a long way.\n"
    )
    second = b"From: Sam <sam@example.org>\nSubject: Bins\nMessage-ID: <two@example.org>\n\nBins.\n"
    path = tmp_path / "old.mbox"
    path.write_bytes(
        b"From jo@example.org Mon Jun  2 09:14:03 2025\n" + first + b"\n"
        b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n" + second + b"\n"
    )
    result = mail_files_import(path=path, policy=HALTON, clock=clock)
    assert (result.read, result.errors) == (2, [])
    one = InboundEmail.objects.get(message_key="one@example.org")
    assert one.text.endswith("From 12 Mersey Road to the office is a long way.")
    assert InboundEmail.objects.get(message_key="two@example.org").text == "Bins."


line_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\r\n"),
    max_size=60,
)
body_lines = st.one_of(
    line_text.map(lambda text: text.encode() + b"\n"),
    line_text.map(lambda text: b"From " + text.encode() + b"\n"),  # never escaped
    st.sampled_from([b"\n", b"\r\n", *NOT_SEPARATORS]),
)


def _no_separator_after_a_blank(lines: list[bytes]) -> bool:
    """What a writer must escape (a whole separator after a blank line) is not there."""
    return not any(
        line in (b"\n", b"\r\n") and is_separator(after)
        for line, after in itertools.pairwise(lines)
    )


bodies = st.lists(body_lines, max_size=12).filter(_no_separator_after_a_blank)


@given(st.lists(st.tuples(st.sampled_from(SEPARATORS), bodies), min_size=1, max_size=6))
def test_what_a_writer_wrote_is_read_back_message_by_message(messages):
    written = b"".join(separator + b"".join(body) + b"\n" for separator, body in messages)
    read = list(mbox_messages(written.splitlines(keepends=True)))
    assert read == [b"".join(body) for _, body in messages]


@given(st.binary(max_size=2_000))
def test_any_bytes_are_read_as_messages_without_losing_a_line(raw):
    lines = raw.splitlines(keepends=True)
    read = list(mbox_messages(lines))
    assert len(read) == (1 if lines else 0) + sum(
        1
        for before, line in itertools.pairwise(lines[1:])
        if before in (b"\n", b"\r\n") and is_separator(line)
    )
    # every line is in a message, but the separators and the blank line before each
    kept = sum(message.count(b"\n") for message in read)
    assert kept >= raw.count(b"\n") - 2 * len(read)


def test_the_first_line_starts_a_message_with_no_blank_line_before_it():
    one = b"From: Jo <jo@example.org>\nSubject: One\n\nFirst.\n"
    two = b"From: Sam <sam@example.org>\nSubject: Two\n\nSecond.\n"
    separator = b"From jo@example.org Mon Jun  2 09:14:03 2025\n"
    # the first line is a separator with nothing before it; the next needs its blank line
    assert list(mbox_messages((separator + one + b"\n" + separator + two).splitlines(True))) == [
        one,
        two,
    ]
    assert list(mbox_messages((separator + one + separator + two).splitlines(True))) == [
        one + separator + two
    ]
    # the same with Windows line ends
    crlf = (separator + one + b"\n" + separator + two).replace(b"\n", b"\r\n")
    assert list(mbox_messages(crlf.splitlines(True))) == [
        one.replace(b"\n", b"\r\n"),
        two.replace(b"\n", b"\r\n"),
    ]
