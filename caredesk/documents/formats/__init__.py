"""Accessible formats of customer letters: tagged PDF, braille (BRF) and speech (MP3).

The braille and speech producers are plain Python over a native library found at run time,
with no models and no database, so a worker can call them for any letter. A server without
the library raises `FormatUnavailable`: the caller records that and still sends the letter.
"""

from caredesk.errors import CaredeskError


class FormatUnavailable(CaredeskError):
    """This server cannot produce the format: a library, its data or a voice is not installed."""

    code = "format_unavailable"


class EmptyText(CaredeskError):
    """The letter has nothing to put into the format, such as no words to speak."""

    code = "format_empty_text"
