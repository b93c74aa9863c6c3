"""Office hours as a policy file writes them: ["09:30-13:00", "14:00-17:30"].

Each interval is read on its own (`parse_interval`), so a file with three bad intervals
hears about all three; `parse_office_hours` reads a day's list and checks the order.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from caredesk.standards.calendar import SECONDS_PER_DAY, Interval

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_INTERVAL = re.compile(r"^(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})$")
_LONGEST_SHOWN = 40


def shown(value: object) -> str:
    """A value from a file, quoted and cut short for a message: '09:00-17:00'."""
    if isinstance(value, str):
        text = value if len(value) <= _LONGEST_SHOWN else value[: _LONGEST_SHOWN - 1] + "…"
        return repr(text)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and value.bit_length() > 128:
        return "a very large number"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime):
        return f"a date and time ({value.isoformat()})"
    if isinstance(value, date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, time):
        return f"a time ({value.isoformat()})"
    return "nothing" if value is None else type(value).__name__


def parse_interval(text: str) -> Interval:
    """'09:30-13:00' as seconds after midnight; ValueError saying what is wrong."""
    match = _INTERVAL.match(text.strip())
    if not match:
        raise ValueError(f"{shown(text)} is not an interval: write it as '09:30-13:00'.")
    oh, om, ch, cm = (int(part) for part in match.groups())
    opens, closes = oh * 3600 + om * 60, ch * 3600 + cm * 60
    if oh > 23 or om > 59 or cm > 59 or closes > SECONDS_PER_DAY:
        raise ValueError(f"{shown(text)} has a time that does not exist (use 00:00 to 24:00).")
    if closes <= opens:
        raise ValueError(f"{shown(text)} closes before it opens.")
    return opens, closes


def out_of_order(text: str) -> str:
    return f"{shown(text)} overlaps or comes before the interval before it."


def parse_office_hours(intervals: list[str]) -> tuple[Interval, ...]:
    """["09:30-13:00", "14:00-17:30"] as seconds after midnight; must be in order."""
    parsed: list[Interval] = []
    for text in intervals:
        opens, closes = parse_interval(text)
        if parsed and opens < parsed[-1][1]:
            raise ValueError(out_of_order(text))
        parsed.append((opens, closes))
    return tuple(parsed)
