"""Upload size limits: every form that takes a file says its limit, and refuses a larger
file naming its size ("The file is 31.4 MB: it must be smaller than 25 MB.").

The limits are settings (`CAREDESK_SCAN_MAX_MB` and the like, in settings.py), read when
the form is shown and when it is checked, so a changed setting is what the form says.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import lazy

KB = 1024
MB = 1024 * 1024


def size_text(size: int) -> str:
    """A size as a person reads it: "740 bytes", "12 KB", "25 MB", "31.4 MB" (never less
    than the size: 25 MB and 1 byte is "25.1 MB", so it never reads as within a limit)."""
    if size < KB:
        return f"{size:,} bytes" if size != 1 else "1 byte"
    if size < MB:
        return f"{math.ceil(size / KB):,} KB"
    tenths = math.ceil(size * 10 / MB)
    whole, tenth = divmod(tenths, 10)
    return f"{whole:,} MB" if not tenth else f"{whole:,}.{tenth} MB"


def limit_hint(limit: int) -> str:
    return f"The file must be smaller than {size_text(limit)}."


def size_problem(*, size: int, limit: int, what: str = "The file") -> str:
    """Why a file of `size` bytes is refused, or "" if it is within `limit`."""
    if size <= limit:
        return ""
    return f"{what} is {size_text(size)}: it must be smaller than {size_text(limit)}."


class LimitedFileField(forms.FileField):
    """A file field whose hint says its size limit, and which refuses a larger file.

    `limit` is the name of the setting that holds the limit in bytes (read each time, so
    tests and operators can change it), or a number of bytes. `hint` goes before the limit
    in the help text."""

    def __init__(self, *, limit: str | int, hint: str = "", **kwargs: Any) -> None:
        self.limit = limit
        text: Callable[[], str] = lambda: " ".join(  # noqa: E731 - made lazy below
            part for part in (hint, limit_hint(self.max_bytes)) if part
        )
        kwargs.setdefault("help_text", lazy(text, str)())
        super().__init__(**kwargs)

    @property
    def max_bytes(self) -> int:
        limit = self.limit
        return int(getattr(settings, limit)) if isinstance(limit, str) else limit

    def validate(self, value: Any) -> None:
        super().validate(value)
        size = getattr(value, "size", None)
        if size is not None:
            problem = size_problem(size=size, limit=self.max_bytes)
            if problem:
                raise forms.ValidationError(problem, code="too_big")
