"""Reading an mbox file: where one message ends and the next begins (plain Python).

An mbox file is messages one after another, each after a separator line such as

    From MAILER-DAEMON Fri Jul  8 12:08:34 2011

(the sender, then the date as C's asctime writes it). Writers should turn a line of a
message that starts "From " into ">From ", but many do not, so a line that merely
starts "From " ("From the tenant's point of view...") is not a separator: only a whole
separator line (a sender and a date) right after a blank line starts a new message, and
the file's first line, which has nothing before it, starts the first. The blank line is
what every mboxo and mboxrd writer puts between messages (Python's `mailbox`, Thunderbird,
mutt, Gmail's Takeout, procmail), so no real file is read differently; it is what keeps
a body's "From tenant@example.org Mon Jun  2 09:14:03 2025" line, written in the middle
of a paragraph, inside its message. Python's `mailbox.mbox` splits at every "From " and
so cuts such a message in two.

Each message's bytes are given as they are in the file, without the separator line or
the blank line before the next one (as `mailbox.mbox` gives them); a ">From " line
stays as it is (mboxo and mboxrd files cannot be told apart).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_ZONE = r"(?:[+-]\d{4}|[A-Z]{1,5})"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
# "Fri Jul  8 12:08:34 2011" (asctime; some put a zone before or after the year), or
# "Fri, 8 Jul 2011 12:08:34 +0000" (the Date header's form)
_ASCTIME = rf"{_DAY} +{_MONTH} +\d{{1,2}} +{_TIME}(?: +{_ZONE})? +\d{{4}}(?: +{_ZONE})?"
_RFC_5322 = rf"{_DAY},? +\d{{1,2}} +{_MONTH} +\d{{4}} +{_TIME}(?: +{_ZONE})?"
SEPARATOR = re.compile(rf"From \S* +(?:{_ASCTIME}|{_RFC_5322}) *\r?\n?".encode())


def is_separator(line: bytes) -> bool:
    """Whether the line is an mbox separator: "From ", a sender, and a date."""
    return SEPARATOR.fullmatch(line) is not None


def mbox_messages(lines: Iterable[bytes]) -> Iterator[bytes]:
    """The messages in an mbox file, read line by line (`open(path, "rb")` will do).
    The first line starts the first message, whatever it is (no blank line before it);
    after that, only a separator line right after a blank line starts the next."""
    message: list[bytes] = []
    started = False
    previous_blank = False
    for line in lines:
        if not started:
            started = True
            previous_blank = False
            continue  # the first separator
        if previous_blank and line.startswith(b"From ") and is_separator(line):
            yield _without_last_blank(message)
            message = []
            previous_blank = False
            continue
        message.append(line)
        previous_blank = line in (b"\n", b"\r\n")
    if started:
        yield _without_last_blank(message)


def _without_last_blank(lines: list[bytes]) -> bytes:
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines = lines[:-1]
    return b"".join(lines)
