"""Finding, reading and checking policy files.

`load_policy("halton")` reads a policy shipped in `policies/`; `load_policy(path)` reads
any file. A file that cannot be used raises `PolicyError` listing every problem as
"key path: what is wrong", never a traceback.
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from caredesk.errors import PolicyError, UnknownPolicy
from caredesk.standards import policy as schema
from caredesk.standards.policy import Policy

POLICIES_FOLDER = Path(__file__).parent / "policies"
_cache: dict[tuple[str, int], Policy] = {}


def shipped_policy_names() -> list[str]:
    return sorted(path.stem for path in POLICIES_FOLDER.glob("*.toml"))


def policy_path(name_or_path: str | Path) -> Path:
    """A shipped policy's name (halton) or a path to a policy file."""
    text = str(name_or_path)
    if "/" not in text and not text.endswith(".toml"):
        path = POLICIES_FOLDER / f"{text}.toml"
        if not path.exists():
            known = ", ".join(shipped_policy_names())
            raise UnknownPolicy(f"There is no policy called '{text}'. Known: {known}.")
        return path
    path = Path(text)
    if not path.is_file():
        raise UnknownPolicy(f"There is no policy file at {path}.")
    return path


def load_policy(name_or_path: str | Path) -> Policy:
    """The policy, parsed and checked; cached until the file changes."""
    path = policy_path(name_or_path).resolve()
    try:
        stamp = path.stat().st_mtime_ns
        cached = _cache.get((str(path), stamp))
        if cached is not None:
            return cached
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(str(path), [f"the file cannot be read: {error}"]) from None
    policy = parse_policy(text, source=str(path))
    _cache[(str(path), stamp)] = policy
    return policy


def parse_policy(text: str, *, source: str) -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(source, [f"the file is not valid TOML: {error}"]) from None
    except RecursionError:
        raise PolicyError(source, ["the file nests lists or tables too deeply"]) from None
    try:
        return Policy.model_validate(data)
    except ValidationError as error:
        raise PolicyError(source, describe_errors(error, data)) from None


def describe_errors(error: ValidationError, data: dict[str, Any]) -> list[str]:
    problems = []
    for item in error.errors(include_url=False):
        location = _key_path(item["loc"], data)
        problems.append(f"{location}: {_plain_message(item)}")
    return problems


def _key_path(location: tuple[int | str, ...], data: Any) -> str:
    """('standards', 3, 'deadline', 'target') as 'standards[letter_response].target'."""
    parts: list[str] = []
    node = data
    previous_was_index = False
    for step in location:
        if isinstance(step, int):
            label = str(step)
            if isinstance(node, list) and step < len(node):
                node = node[step]
                if isinstance(node, dict) and isinstance(node.get("key"), str):
                    label = node["key"]
            parts[-1] += f"[{label}]"
            previous_was_index = True
            continue
        if previous_was_index and isinstance(node, dict) and step not in node:
            previous_was_index = False
            continue  # a union tag pydantic adds ('deadline'), not a key in the file
        previous_was_index = False
        parts.append(step)
        node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


def _plain_message(item: Any) -> str:
    kind, message = item["type"], item["msg"]
    if kind == "extra_forbidden":
        field = str(item["loc"][-1])
        known = _known_fields(item["loc"])
        guess = difflib.get_close_matches(field, known, n=1)
        hint = f" (did you mean '{guess[0]}'?)" if guess else ""
        return f"'{field}' is not a setting here{hint}"
    if kind == "missing":
        return "is required but missing"
    if kind in {"literal_error", "enum"}:
        return f"{item['input']!r} is not allowed: {message.removeprefix('Input should be ')}"
    if kind == "union_tag_invalid":
        measure = item["input"].get("measure")
        return f"measure {measure!r} is not one of deadline, threshold, frequency, rule"
    return str(message).removeprefix("Value error, ")


_FIELDS_BY_SECTION: dict[str, list[str]] = {
    "organisation": list(schema.Organisation.model_fields),
    "document": list(schema.Document.model_fields),
    "calendar": list(schema.CalendarSettings.model_fields),
    "clause": list(schema.Clause.model_fields),
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
    if section in {"deadline", "threshold", "frequency", "rule"}:
        section = "standards"  # a union tag pydantic puts in the location
    return _FIELDS_BY_SECTION.get(section, list(schema.Policy.model_fields))
