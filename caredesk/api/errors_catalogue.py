"""The catalogue of error codes, made from the code itself: docs/errors.md.

Every domain failure is a `CaredeskError` subclass with a stable `code` (DESIGN.md
5.8). This module imports every caredesk module (as Django's autodiscovery does, to
find them all, not to use them), collects the subclasses and writes them as a table:
`caredesk errors > docs/errors.md`. A test keeps the file equal to what this makes.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import caredesk
from caredesk.api.problems import STATUS_BY_ERROR
from caredesk.errors import CaredeskError

SKIPPED_PARTS = {"tests", "migrations", "management"}


def error_classes() -> list[type[CaredeskError]]:
    """Every CaredeskError subclass in caredesk, found by importing each module."""
    for module in pkgutil.walk_packages(caredesk.__path__, prefix="caredesk."):
        if SKIPPED_PARTS.isdisjoint(module.name.split(".")) and module.name != "caredesk.wsgi":
            # Every module, found by walking the package, not at the top: to collect them.
            importlib.import_module(module.name)
    found: list[type[CaredeskError]] = []
    waiting: list[type[CaredeskError]] = [CaredeskError]
    while waiting:
        kind = waiting.pop()
        found.append(kind)
        waiting.extend(kind.__subclasses__())
    return sorted(found, key=lambda kind: (kind.__module__, kind.code))


def http_status(kind: type[CaredeskError]) -> int:
    return next((status for base, status in STATUS_BY_ERROR.items() if issubclass(kind, base)), 400)


def errors_markdown() -> str:
    lines = [
        "# Error codes",
        "",
        "Made from the code by `caredesk errors` (do not edit by hand). Each failure a person",
        "can act on has a stable `code`: the API answers it as `application/problem+json`",
        "with that `code` and the HTTP status shown; the CLI prints the message.",
        "",
        "| code | what it means | HTTP | raised as |",
        "| --- | --- | --- | --- |",
    ]
    for kind in error_classes():
        doc = inspect.getdoc(kind) or ""
        meaning = " ".join(doc.split("\n\n")[0].split()) if kind.__doc__ else ""
        lines.append(
            f"| `{kind.code}` | {meaning or '(no description)'} | {http_status(kind)} "
            f"| `{kind.__module__}.{kind.__qualname__}` |"
        )
    return "\n".join(lines) + "\n"
