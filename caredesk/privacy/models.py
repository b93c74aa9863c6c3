"""The privacy app's records. Each kind of record is in its own section below."""

from __future__ import annotations
