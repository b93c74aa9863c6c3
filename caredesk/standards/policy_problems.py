"""A policy file's problems told in plain English: "key path: what is wrong (line 62)".

The key path is the one the file uses: `calendar.office_hours[1]`,
`standards[letter_response].target` (a standard by its key; by its place in the list,
counting from 0, where its key is missing, odd or shared),
`reporting.targets.letters`. Pydantic's own words and locations (union tags, `[key]`)
are turned into the file's.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from caredesk.standards import policy as schema
from caredesk.standards import policy_complaints as complaints
from caredesk.standards import policy_read_alerts as read_alerts
from caredesk.standards.office_hours import shown
from caredesk.standards.policy_checks import KeyPath, Problem

_MEASURES = ("deadline", "threshold", "frequency", "rule")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_STANDARD_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")  # one problem, one line
_LONGEST_KEY = 40
_LONGEST_MESSAGE = 400


def validation_problems(error: ValidationError) -> list[Problem]:
    """Each of pydantic's errors as a Problem at the key path in the file."""
    problems = []
    for item in error.errors(include_url=False, include_context=True):
        problems.append(Problem(_file_path(item["loc"]), _plain_message(item)))
    return problems


def _file_path(location: tuple[int | str, ...]) -> KeyPath:
    """('standards', 3, 'deadline', 'target') as ('standards', 3, 'target')."""
    path: list[int | str] = []
    for position, step in enumerate(location):
        if position == 2 and location[0] == "standards" and step in _MEASURES:
            continue  # the union tag pydantic adds, not a key in the file
        if step == "[key]":
            continue  # a dict key that is not allowed: the path already names it
        path.append(step)
    return tuple(path)


def told(problem: Problem, data: Any, line: int | None) -> str:
    """'standards[phone_answer_rings].target: ... (line 62)'."""
    where = key_path_text(problem.path, data)
    message = problem.message
    if len(message) > _LONGEST_MESSAGE:
        message = message[: _LONGEST_MESSAGE - 1] + "…"
    if line is not None:
        full_stop = message.endswith(".")
        message = f"{message.removesuffix('.')} (line {line}){'.' if full_stop else ''}"
    text = f"{where}: {message}" if where else message
    return _CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode(), text)


def key_path_text(path: KeyPath, data: Any) -> str:
    parts: list[str] = []
    node = data
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{_item_label(node, step)}]")
            node = node[step] if isinstance(node, list) and 0 <= step < len(node) else None
        else:
            parts.append(("." if parts else "") + _key_text(step))
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts)


def _item_label(items: Any, index: int) -> str:
    """A standard's key where it names the standard alone; otherwise its place."""
    if not isinstance(items, list) or not 0 <= index < len(items):
        return str(index)
    item = items[index]
    key = item.get("key") if isinstance(item, dict) else None
    if not isinstance(key, str) or not _STANDARD_KEY.match(key) or len(key) > _LONGEST_KEY:
        return str(index)
    same = sum(1 for other in items if isinstance(other, dict) and other.get("key") == key)
    return key if same == 1 else str(index)


def _key_text(key: str) -> str:
    """A key as TOML writes it: bare if it can be, else quoted (and cut short)."""
    bare = _BARE_KEY.match(key)
    if len(key) > _LONGEST_KEY:
        key = key[: _LONGEST_KEY - 1] + "…"
    return key if bare else json.dumps(key, ensure_ascii=False)


def _found(item: ErrorDetails) -> str:
    return shown(item.get("input"))


_EXPECTED = {
    "string_type": "should be text in quotes",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "int_from_float": "should be a whole number",
    "float_type": "should be a number",
    "float_parsing": "should be a number",
    "bool_type": "should be true or false",
    "bool_parsing": "should be true or false",
    "list_type": 'should be a list in square brackets, such as ["a", "b"]',
    "dict_type": "should be a table (a [section] or { key = value })",
    "model_type": "should be a table (a [section] or { key = value })",
    "model_attributes_type": "should be a table (a [section] or { key = value })",
    "date_type": "should be a date such as 2025-12-25",
    "date_parsing": "should be a date such as 2025-12-25",
    "date_from_datetime_parsing": "should be a date such as 2025-12-25",
    "date_from_datetime_inexact": "should be a date such as 2025-12-25, with no time",
}
_PATTERN_WORDS = {
    r"^[A-Z]{2,5}$": "2 to 5 capital letters, such as 'HHT'",
    r"^[a-z][a-z0-9_]*$": "lower-case letters, digits and _, starting with a letter",
    r"^\d{4}-\d{2}(-\d{2})?$": "a year and month, such as '2011-01', or a date",
    complaints.PHONE: "a phone number in digits and spaces, such as '0300 111 3000'",
    complaints.EMAIL: "an email address, such as 'info@housing-ombudsman.org.uk'",
    complaints.WEB_ADDRESS: "a web address that starts https://",
}
_BOUNDS = {
    "greater_than": "more than {gt}",
    "greater_than_equal": "{ge} or more",
    "less_than": "less than {lt}",
    "less_than_equal": "{le} or less",
}


def _plain_message(item: ErrorDetails) -> str:
    kind, message, context = item["type"], item["msg"], item.get("ctx") or {}
    if kind == "extra_forbidden":
        field = str(item["loc"][-1])
        guess = difflib.get_close_matches(field, _known_fields(item["loc"]), n=1)
        hint = f" (did you mean '{guess[0]}'?)" if guess else ""
        return f"{shown(field)} is not a setting here{hint}"
    if kind == "missing":
        return "is required but missing"
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]}; it is {_found(item)}"
    if kind in {"literal_error", "enum"}:
        return f"{_found(item)} is not allowed: {message.removeprefix('Input should be ')}"
    if kind == "union_tag_invalid":
        measure = shown(context.get("tag"))
        return f"measure {measure} is not one of deadline, threshold, frequency, rule"
    if kind in _BOUNDS:
        return f"{_found(item)} is not allowed: it must be {_BOUNDS[kind].format(**context)}"
    if kind == "finite_number":
        return f"{_found(item)} is not allowed: give an ordinary number"
    if kind == "string_pattern_mismatch":
        words = _PATTERN_WORDS.get(str(context.get("pattern")), "the form this setting needs")
        return f"{_found(item)} is not allowed: it should be {words}"
    if kind in {"string_too_short", "too_short"}:
        return "should not be empty"
    if kind == "string_too_long":
        return f"is too long: at most {context.get('max_length')} characters"
    return str(message).removeprefix("Value error, ")


_FIELDS_BY_SECTION: dict[str, list[str]] = {
    "organisation": list(schema.Organisation.model_fields),
    "document": list(schema.Document.model_fields),
    "calendar": list(schema.CalendarSettings.model_fields),
    "clause": list(schema.Clause.model_fields),
    "escalation": list(schema.Escalation.model_fields),
    "correspondence": list(schema.Correspondence.model_fields),
    "plain_english": list(schema.PlainEnglish.model_fields),
    "reporting": list(schema.Reporting.model_fields),
    "holding_replies": list(schema.HoldingReplies.model_fields),
    "lone_working": list(schema.LoneWorking.model_fields),
    "complaints": list(complaints.Complaints.model_fields),
    "ombudsman": list(complaints.Ombudsman.model_fields),
    "service_areas": list(complaints.Category.model_fields),
    "root_causes": list(complaints.Category.model_fields),
    "exclusions": list(complaints.Exclusion.model_fields),
    "annual_report": list(complaints.AnnualReport.model_fields),
    "homes": list(complaints.HomesCount.model_fields),
    "hazards": list(complaints.Hazards.model_fields),
    "types": list(complaints.HazardType.model_fields),
    "read_alerts": list(read_alerts.ReadAlerts.model_fields),
    "standards": sorted(
        {
            name
            for model in (
                schema.DeadlineStandard,
                schema.ThresholdStandard,
                schema.FrequencyStandard,
                schema.RuleStandard,
            )
            for name in model.model_fields
        }
    ),
}


def _known_fields(location: tuple[int | str, ...]) -> list[str]:
    """The settings allowed where a misspelt one was found, for a 'did you mean'."""
    section = next((str(s) for s in reversed(location[:-1]) if isinstance(s, str)), "")
    if section in _MEASURES:
        section = "standards"  # a union tag pydantic puts in the location
    return _FIELDS_BY_SECTION.get(section, list(schema.Policy.model_fields))
