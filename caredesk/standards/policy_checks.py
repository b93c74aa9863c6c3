"""What must hold across a policy file's settings, checked so every problem is found.

The schema (`policy.py`) checks each setting on its own. What needs two settings at once
(office intervals in order, days with hours that are working days, one key per standard,
reporting targets that name deadline standards, lone working's second alert after its
first, one key per service area, root cause, exclusion and hazard type, one count of
homes a day) is checked here, over the file's data as read, whatever else is wrong with
it: each problem names the key it is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from caredesk.errors import DurationError
from caredesk.standards.durations import Duration, Unit, parse_duration
from caredesk.standards.office_hours import out_of_order, parse_interval, shown

KeyPath = tuple[str | int, ...]
FIRST_CONTACT_RESOLUTION = "first_contact_resolution"
# Of the appointments that came to their time as booked: kept, not missed or nobody in
# (caredesk.visits.figures).
APPOINTMENTS_KEPT = "appointments_kept"
# Figures with a target that are not a standard's deadlines.
FIGURE_TARGETS = (FIRST_CONTACT_RESOLUTION, APPOINTMENTS_KEPT)
# What a reopened case can owe again: a response, or contact with the customer.
STOPS_A_REOPENED_CASE_OWES = frozenset({"response_sent", "customer_contacted"})
# [lone_working]: what a policy that leaves a setting out has, and the units it may use.
LONE_WORKING_DEFAULTS = {"alert_after": "15 minutes", "second_alert_after": "45 minutes"}
REAL_TIME_UNITS = frozenset({Unit.MINUTES, Unit.HOURS})
# Lists whose items each have a key of their own, and what one item is called.
KEYED_LISTS = {
    ("complaints", "service_areas"): "service areas",
    ("complaints", "root_causes"): "root causes",
    ("complaints", "exclusions"): "exclusions",
    ("hazards", "types"): "hazard types",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong, where it is: ("standards", 3, "target") and what is wrong."""

    path: KeyPath
    message: str


def policy_problems(data: Any) -> list[Problem]:
    """Every problem across settings in a policy file's data (a dict as TOML reads it)."""
    if not isinstance(data, dict):
        return []
    calendar = data.get("calendar")
    standards = data.get("standards")
    reporting = data.get("reporting")
    lone_working = data.get("lone_working")
    problems: list[Problem] = []
    if isinstance(calendar, dict):
        problems += _calendar_problems(calendar)
    if isinstance(standards, list):
        problems += _standards_problems(standards)
        if isinstance(reporting, dict):
            problems += _target_problems(reporting.get("targets"), standards)
    if isinstance(lone_working, dict):
        problems += _lone_working_problems(lone_working)
    for (table, name), items in KEYED_LISTS.items():
        settings = data.get(table)
        if isinstance(settings, dict):
            problems += _key_problems((table, name), settings.get(name), items)
    complaints = data.get("complaints")
    if isinstance(complaints, dict):
        problems += _homes_problems(complaints.get("homes"))
    return problems


def _key_problems(path: KeyPath, items: Any, called: str) -> list[Problem]:
    """Each item of a list whose key an item before it has already."""
    if not isinstance(items, list):
        return []
    problems = []
    first_with_key: dict[str, int] = {}
    for index, item in enumerate(items):
        key = item.get("key") if isinstance(item, dict) else None
        if not isinstance(key, str):
            continue
        if key in first_with_key:
            problems.append(
                Problem(
                    (*path, index, "key"),
                    f"the key {shown(key)} is used by two {called} "
                    f"({path[-1]}[{first_with_key[key]}] has it too): give each its own.",
                )
            )
        else:
            first_with_key[key] = index
    return problems


def _homes_problems(homes: Any) -> list[Problem]:
    """Each count of homes on a day an earlier count is on too."""
    if not isinstance(homes, list):
        return []
    problems = []
    first_on: dict[date, int] = {}
    for index, count in enumerate(homes):
        day = _date_of(count.get("as_at")) if isinstance(count, dict) else None
        if day is None:
            continue  # no date, or not one: the schema says so
        if day in first_on:
            problems.append(
                Problem(
                    ("complaints", "homes", index, "as_at"),
                    f"two counts on {day.isoformat()} (homes[{first_on[day]}] is on that day "
                    f"too): give each count its own date.",
                )
            )
        else:
            first_on[day] = index
    return problems


def _date_of(value: Any) -> date | None:
    """A date as TOML reads one (or as text); None for anything else."""
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _real_time(value: Any) -> Duration | None:
    """A setting of [lone_working] as a length of real time; None if it is not one (the
    schema reports that)."""
    if not isinstance(value, str):
        return None
    try:
        duration = parse_duration(value)
    except DurationError:
        return None
    return duration if duration.unit in REAL_TIME_UNITS else None


def _lone_working_problems(settings: dict[str, Any]) -> list[Problem]:
    first = _real_time(settings.get("alert_after", LONE_WORKING_DEFAULTS["alert_after"]))
    second = _real_time(
        settings.get("second_alert_after", LONE_WORKING_DEFAULTS["second_alert_after"])
    )
    if first is None or second is None:
        return []
    if second.amount * second.unit.micros > first.amount * first.unit.micros:
        return []
    where = "second_alert_after" if "second_alert_after" in settings else "alert_after"
    return [
        Problem(
            ("lone_working", where),
            f"second_alert_after ({shown(str(second))}) must be later than alert_after "
            f"({shown(str(first))}): the second alert follows the first.",
        )
    ]


def _calendar_problems(calendar: dict[str, Any]) -> list[Problem]:
    path: KeyPath = ("calendar",)
    problems = _order_problems((*path, "office_hours"), calendar.get("office_hours"))
    by_day = calendar.get("office_hours_by_day")
    if not isinstance(by_day, dict):
        return problems
    for day, intervals in by_day.items():
        problems += _order_problems((*path, "office_hours_by_day", day), intervals)
    working_days = calendar.get("working_days")
    if isinstance(working_days, list):
        for day in by_day:
            if day not in working_days:
                problems.append(
                    Problem(
                        (*path, "office_hours_by_day", day),
                        f"gives hours for {shown(day)[1:-1]}, which is not in working_days.",
                    )
                )
    return problems


def _order_problems(path: KeyPath, intervals: Any) -> list[Problem]:
    """Each interval that opens before the one before it closes (bad ones are skipped:
    the schema reports those)."""
    if not isinstance(intervals, list):
        return []
    problems = []
    closed_at: int | None = None
    for index, text in enumerate(intervals):
        if not isinstance(text, str):
            continue
        try:
            opens, closes = parse_interval(text)
        except ValueError:
            continue
        if closed_at is not None and opens < closed_at:
            problems.append(Problem((*path, index), out_of_order(text)))
        closed_at = closes
    return problems


def _standards_problems(standards: list[Any]) -> list[Problem]:
    problems = []
    first_with_key: dict[str, int] = {}
    for index, standard in enumerate(standards):
        if not isinstance(standard, dict):
            continue
        path: KeyPath = ("standards", index)
        key = standard.get("key")
        if isinstance(key, str):
            if key in first_with_key:
                problems.append(
                    Problem(
                        (*path, "key"),
                        f"the key {shown(key)} is used by two standards "
                        f"(standards[{first_with_key[key]}] has it too): give each its own.",
                    )
                )
            else:
                first_with_key[key] = index
        if standard.get("measure", "deadline") == "deadline":
            problems += _deadline_problems(path, standard)
    return problems


def _deadline_problems(path: KeyPath, standard: dict[str, Any]) -> list[Problem]:
    problems = []
    if standard.get("max_extension") is not None and standard.get("holding_reply") is not True:
        problems.append(
            Problem(
                (*path, "max_extension"),
                "max_extension is set but holding_reply is not true: a deadline can only "
                "be extended by a holding reply.",
            )
        )
    if standard.get("max_revision") is not None:
        if standard.get("holding_reply") is not True:
            problems.append(
                Problem(
                    (*path, "max_revision"),
                    "max_revision is set but holding_reply is not true: only a holding "
                    "reply gives a revised date.",
                )
            )
        if standard.get("max_extension") is not None:
            problems.append(
                Problem(
                    (*path, "max_revision"),
                    "max_revision and max_extension are both set: give one. max_extension "
                    "is the limit law or the regulator sets; max_revision is the landlord's own.",
                )
            )
    starts, stops = standard.get("starts"), standard.get("stops")
    if isinstance(starts, str) and starts == stops:
        problems.append(
            Problem((*path, "stops"), f"starts and stops are the same event ({shown(stops)}).")
        )
    restarts = standard.get("restarts_on_reopen") is True
    if restarts and isinstance(stops, str) and stops not in STOPS_A_REOPENED_CASE_OWES:
        problems.append(
            Problem(
                (*path, "restarts_on_reopen"),
                f"restarts_on_reopen is true but the standard stops on {shown(stops)}: only a "
                "promise met by answering or contacting the customer can be owed again when "
                "a case is reopened.",
            )
        )
    return problems


def _target_problems(targets: Any, standards: list[Any]) -> list[Problem]:
    if not isinstance(targets, dict):
        return []
    known = set(FIGURE_TARGETS) | {
        standard.get("key")
        for standard in standards
        if isinstance(standard, dict)
        and isinstance(standard.get("key"), str)
        and standard.get("measure", "deadline") == "deadline"
    }
    return [
        Problem(
            ("reporting", "targets", key),
            f"{shown(key)} is not a deadline standard of this policy "
            f"nor one of {', '.join(repr(figure) for figure in FIGURE_TARGETS)}.",
        )
        for key in targets
        if key not in known
    ]
