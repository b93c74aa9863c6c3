"""Which line of a policy file each key is on, so a problem can say "(line 62)".

tomllib gives no positions, so this reads the file's lines again: table headers
(`[calendar]`, `[[standards]]`) and `key = value` lines, skipping what is inside
strings. A list that runs over several lines gives each line that starts an item that
item's line (`service_areas[3]`: the items before it counted by their commas), so a
problem with one item of a long list says where that item is. Each key is read by
tomllib itself. If what it finds does not match the data tomllib read, it gives no
lines at all rather than wrong ones.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from caredesk.standards.policy_checks import KeyPath

_ARRAY_HEADER = re.compile(r"^\[\[(.+)\]\]\s*(#.*)?$")
_TABLE_HEADER = re.compile(r"^\[([^\[].*)\]\s*(#.*)?$")


class _Scanner:
    """Brackets and strings on a line, carried over from line to line."""

    def __init__(self) -> None:
        self.depth = 0  # open [ and { of a value
        self.string = ""  # the closing quotes of a multi-line string we are in
        self.items = 0  # commas between the items of the value's outermost list

    def read(self, text: str, start: int = 0) -> None:
        position = start
        while position < len(text):
            if self.string:
                end = text.find(self.string, position)
                if end < 0:
                    return
                position, self.string = end + 3, ""
                continue
            char = text[position]
            if text.startswith(('"""', "'''"), position):
                self.string = text[position : position + 3]
                position += 3
            elif char in "\"'":
                position = _string_end(text, position)
            elif char == "#":
                return
            else:
                self.items += char == "," and self.depth == 1
                self.depth += (char in "[{") - (char in "]}")
                position += 1


def _string_end(text: str, start: int) -> int:
    """Where a one-line string that opens at `start` ends."""
    quote, position = text[start], start + 1
    while position < len(text):
        if quote == '"' and text[position] == "\\":
            position += 2
            continue
        if text[position] == quote:
            return position + 1
        position += 1
    return position


def _equals_at(line: str) -> int:
    """Where the `=` after a key is, outside quoted keys; -1 if none."""
    position = 0
    while position < len(line):
        if line[position] in "\"'":
            position = _string_end(line, position)
        elif line[position] == "=":
            return position
        else:
            position += 1
    return -1


def _key_of(text: str) -> KeyPath:
    """'a."b.c"' as ('a', 'b.c'), read by tomllib; () if it is not a key."""
    try:
        node: Any = tomllib.loads(f"{text} = 0")
    except tomllib.TOMLDecodeError:
        return ()
    path: list[str | int] = []
    while isinstance(node, dict) and len(node) == 1:
        key = next(iter(node))
        path.append(key)
        node = node[key]
    return tuple(path)


def key_lines(text: str, data: dict[str, Any]) -> dict[KeyPath, int]:
    """The line (from 1) of each table and key the file writes, by key path."""
    lines: dict[KeyPath, int] = {}
    tables_seen: dict[KeyPath, int] = {}  # arrays of tables: how many so far
    table: KeyPath = ()
    value: KeyPath = ()  # the key whose value runs over several lines
    scanner = _Scanner()
    for number, line in enumerate(text.splitlines(), start=1):
        if scanner.string or scanner.depth:
            if not scanner.string and scanner.depth == 1:
                item = _item_starting(line.strip(), scanner.items)
                if item is not None:
                    lines.setdefault((*value, item), number)
            scanner.read(line)
            continue
        stripped = line.strip()
        header = _ARRAY_HEADER.match(stripped) or _TABLE_HEADER.match(stripped)
        if header:
            table = _header_path(header, tables_seen)
            lines.setdefault(table, number)
            continue
        equals = _equals_at(stripped)
        if equals <= 0 or stripped.startswith("#"):
            continue
        key = _key_of(stripped[:equals].strip())
        for length in range(1, len(key) + 1):
            lines.setdefault((*table, *key[:length]), number)
        value, scanner.items = (*table, *key), 0
        scanner.read(stripped, equals + 1)
    return lines if all(_holds(data, path) for path in lines) else {}


def _item_starting(line: str, commas: int) -> int | None:
    """Which item of a list a line inside it starts, after `commas` commas between the
    items before it; None if the line starts none (blank, a comment, the list's end)."""
    if line.startswith(","):
        line, commas = line[1:].lstrip(), commas + 1
    if not line or line.startswith(("#", "]", ",")):
        return None
    return commas


def _header_path(header: re.Match[str], tables_seen: dict[KeyPath, int]) -> KeyPath:
    names = _key_of(header.group(1).strip())
    path: KeyPath = ()
    for position, name in enumerate(names):
        path = (*path, name)
        last = position == len(names) - 1
        if last and header.re is _ARRAY_HEADER:
            tables_seen[path] = tables_seen.get(path, 0) + 1
            path = (*path, tables_seen[path] - 1)
        elif path in tables_seen:
            path = (*path, tables_seen[path] - 1)  # [[a]] then [a.b]: the latest a
    return path


def _holds(data: Any, path: KeyPath) -> bool:
    node = data
    for step in path:
        in_list = isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node)
        in_table = isinstance(step, str) and isinstance(node, dict) and step in node
        if not (in_list or in_table):
            return False
        node = node[step]
    return True


def line_of(path: KeyPath, lines: dict[KeyPath, int]) -> int | None:
    """The line of the key, or of the nearest table or key holding it (where a missing
    key should go, or the line a list or inline table starts on)."""
    for length in range(len(path), 0, -1):
        if path[:length] in lines:
            return lines[path[:length]]
    return None
