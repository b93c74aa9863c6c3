"""Upload size limits: every form that takes a file says its limit, and refuses a larger
file naming its size ("The file is 31.4 MB: it must be 25 MB or smaller."). A file of
exactly the limit is accepted.

The limits are settings (`CAREDESK_SCAN_MAX_MB` and the like, in settings.py), read when
the form is shown and when it is checked, so a changed setting is what the form says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import lazy

# The one size formatter (1 MB = 1,048,576 bytes), shared with the policy files below us.
from caredesk.standards.sizes import size_text

KB = 1024
MB = 1024 * 1024


def limit_hint(limit: int) -> str:
    return f"The file must be {size_text(limit)} or smaller."


def size_problem(*, size: int, limit: int, what: str = "The file") -> str:
    """Why a file of `size` bytes is refused, or "" if it is within `limit`."""
    if size <= limit:
        return ""
    return f"{what} is {size_text(size)}: it must be {size_text(limit)} or smaller."


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
