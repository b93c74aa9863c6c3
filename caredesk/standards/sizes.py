"""Sizes of files as people read them: the one formatter, for every layer (it lives in
the bottom one so that the policy loader can use it too)."""

from __future__ import annotations

import math

_KB = 1024
_MB = 1024 * 1024


def size_text(size: int) -> str:
    """A size as a person reads it: "740 bytes", "12 KB", "25 MB", "31.4 MB" (1 MB is
    1,048,576 bytes; never less than the size: 25 MB and 1 byte is "25.1 MB", so it never
    reads as within a limit)."""
    if size < _KB:
        return f"{size:,} bytes" if size != 1 else "1 byte"
    if size < _MB:
        return f"{math.ceil(size / _KB):,} KB"
    tenths = math.ceil(size * 10 / _MB)
    whole, tenth = divmod(tenths, 10)
    return f"{whole:,} MB" if not tenth else f"{whole:,}.{tenth} MB"
