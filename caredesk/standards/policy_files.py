"""Finding, reading and checking policy files.

`load_policy("halton")` reads a policy shipped in `policies/`; `load_policy(path)` reads
any file; `parse_policy_bytes` reads an upload. A file that cannot be used raises
`PolicyError` listing every problem as "key path: what is wrong (line N)", never a
traceback: a file over 1 MB, bytes that are not UTF-8 text, TOML that does not parse,
and every setting that does not fit the schema (`policy.py`, `policy_checks.py`).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from caredesk.errors import PolicyError, UnknownPolicy
from caredesk.standards.policy import CHECKED_ACROSS, Policy
from caredesk.standards.policy_checks import Problem, policy_problems
from caredesk.standards.policy_lines import key_lines, line_of
from caredesk.standards.policy_problems import told, validation_problems
from caredesk.standards.sizes import size_text

POLICIES_FOLDER = Path(__file__).parent / "policies"
MAX_POLICY_BYTES = 1024 * 1024  # 1 MB: the shipped policies are under 20 KB
_BOM = "\ufeff"
_LONG_NUMBER = re.compile(r"[0-9_]{4000,}")
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
        status = path.stat()
        cached = _cache.get((str(path), status.st_mtime_ns))
        if cached is not None:
            return cached
        _refuse_if_too_big(status.st_size, source=str(path))  # before reading a byte
        content = path.read_bytes()
    except OSError as error:
        raise PolicyError(str(path), [f"the file cannot be read: {error.strerror}"]) from None
    policy = parse_policy_bytes(content, source=str(path))
    _cache[(str(path), status.st_mtime_ns)] = policy
    return policy


def parse_policy_bytes(content: bytes, *, source: str) -> Policy:
    """A policy file's bytes (an upload, say), checked as `load_policy` checks a file."""
    _refuse_if_too_big(len(content), source=source)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        column = error.start - (content.rfind(b"\n", 0, error.start) + 1) + 1
        raise PolicyError(
            source,
            [
                f"the file cannot be read as UTF-8 text: byte 0x{content[error.start]:02X} "
                f"at line {line}, column {column} is not part of a UTF-8 character. "
                f"Save the file as UTF-8 and try again."
            ],
        ) from None
    return parse_policy(text, source=source)


def parse_policy(text: str, *, source: str) -> Policy:
    _refuse_if_too_big(len(text.encode("utf-8", "surrogatepass")), source=source)
    data = _toml(text, source=source)
    problems = policy_problems(data)
    try:
        policy = Policy.model_validate(data, context={CHECKED_ACROSS: True})
    except ValidationError as error:
        problems = validation_problems(error) + problems
    else:
        if not problems:
            return policy
    raise _policy_error(source, text, data, problems)


def _refuse_if_too_big(size: int, *, source: str) -> None:
    if size > MAX_POLICY_BYTES:
        name = Path(source).name or source
        told = (
            f"{name} is {size_text(size)}: a policy file must be "
            f"{size_text(MAX_POLICY_BYTES)} or smaller."
        )
        raise PolicyError(source, [told])


def _toml(text: str, *, source: str) -> dict[str, Any]:
    # Windows Notepad saves UTF-8 with a byte order mark; TOML has no use for it.
    text = text.removeprefix(_BOM)
    if "\x00" in text:
        at = text.index("\x00")
        line, column = text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1
        raise PolicyError(
            source,
            [
                f"the file has a NUL character (a zero byte) at line {line}, column {column}: "
                f"a policy file is plain text and cannot hold one."
            ],
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        hint = " (a key or table is given twice)" if _twice(str(error)) else ""
        raise PolicyError(source, [f"the file is not valid TOML: {error}{hint}"]) from None
    except RecursionError:
        raise PolicyError(source, ["the file nests lists or tables too deeply"]) from None
    except ValueError:  # a number with more digits than Python will read
        raise PolicyError(source, [_too_long_number(text)]) from None


def _too_long_number(text: str) -> str:
    found = _LONG_NUMBER.search(text)
    at = f" at line {text.count(chr(10), 0, found.start()) + 1}" if found else ""
    return f"the file has a number too long to read{at}: no setting needs more than a few digits."


def _twice(message: str) -> bool:
    return message.startswith(("Cannot overwrite a value", "Cannot declare"))


def _policy_error(
    source: str, text: str, data: dict[str, Any], found: list[Problem]
) -> PolicyError:
    lines = key_lines(text, data)
    placed = sorted(
        ((line_of(problem.path, lines), problem) for problem in found),
        key=lambda pair: pair[0] or 0,
    )
    return PolicyError(
        source,
        [told(problem, data, line) for line, problem in placed],
        paths=[problem.path for _, problem in placed],
    )
