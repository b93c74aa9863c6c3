"""Mapping files: TOML that says how another system's export reads (the calls import's,
the customers import's). Each app keeps its schema (a pydantic model) and its shipped
mappings; finding, reading and checking a file, and saying what is wrong with it on a
line per problem, are the same for every one, and are here.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from caredesk.errors import FileProblems

M = TypeVar("M", bound=BaseModel)
# A schema's own wording for a kind of problem (`item` is one of pydantic's errors, with
# its dotted location); None: the common wording.
Special = Callable[[dict[str, Any], str], str | None]


def shipped_names(folder: Path) -> list[str]:
    return sorted(path.stem for path in folder.glob("*.toml"))


def mapping_text(
    name_or_path: str | Path, *, folder: Path, error: type[FileProblems]
) -> tuple[str, str]:
    """The text of a shipped mapping by name, or of any mapping file, and where it came
    from. `error` names the file and why it could not be had."""
    text = str(name_or_path)
    path = Path(text)
    if "/" not in text and not text.endswith(".toml"):
        path = folder / f"{text}.toml"
        if not path.is_file():
            known = ", ".join(shipped_names(folder))
            raise error(text, [f"there is no mapping called '{text}'. Known: {known}."])
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as problem:
        raise error(str(path), [f"the file cannot be read: {problem}"]) from None


def mapping_parse(
    text: str,
    *,
    source: str,
    model: type[M],
    error: type[FileProblems],
    known: dict[str, list[str]],
    special: Special,
) -> M:
    """The mapping in `text`, checked against `model`; `error` lists every problem.
    `known`: the settings of each section (by name; "" for the top level), for "did you
    mean" on a misspelt one."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        raise error(source, [f"the file is not valid TOML: {problem}"]) from None
    except RecursionError:
        raise error(source, ["the file nests lists or tables too deeply"]) from None
    data.setdefault("name", Path(source).stem)
    try:
        return model.model_validate(data)
    except ValidationError as problem:
        raise error(source, _problems(problem, known, special)) from None


def _problems(error: ValidationError, known: dict[str, list[str]], special: Special) -> list[str]:
    problems = []
    for item in error.errors(include_url=False):
        location = ".".join(str(step) for step in item["loc"]) or "(top level)"
        kind, message = item["type"], str(item["msg"])
        if kind == "extra_forbidden":
            field = str(item["loc"][-1])
            section = str(item["loc"][0]) if len(item["loc"]) > 1 else ""
            guess = difflib.get_close_matches(field, known.get(section, []), n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else ""
            message = f"'{field}' is not a setting here{hint}"
        elif kind == "missing":
            message = "is required but missing"
        else:
            own = special(dict(item), location)
            message = own if own is not None else message.removeprefix("Value error, ")
        problems.append(f"{location}: {message}")
    return problems
