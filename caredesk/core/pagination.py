"""Keyset (cursor) pagination, for the desk's queues and the API's lists: each page
starts where the last one ended.

A page is `ORDER BY <order> LIMIT limit + 1` from the position after the previous page's
last row: an index range scan however deep the page, and nothing is counted. The cursor
is that last row's sort values, base64url-encoded JSON: opaque to callers, checked when
read back. The order always ends with the primary key, so ties (many deadlines due at
the same minute) are broken the same way every time and no row is skipped or repeated.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import Q, QuerySet

from caredesk.core.query import BIGGEST_ID
from caredesk.core.text import has_unstorable
from caredesk.errors import CaredeskError

M = TypeVar("M", bound=models.Model)

BAD_CURSOR = "This cursor was not given out by this list: start again without one."


class BadCursor(CaredeskError):
    """A page cursor that cannot be read: an old or edited link."""

    code = "cursor_invalid"

    def __init__(self) -> None:
        super().__init__(BAD_CURSOR)


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    next: str | None  # the cursor for the next page; None on the last page


def keyset_page(
    queryset: QuerySet[M], *, order: Sequence[str], cursor: str | None, limit: int
) -> Page[M]:
    """One page of `queryset` in `order` (field names, '-' for descending, ending in 'pk')."""
    if not order or order[-1].lstrip("-") != "pk":
        raise ValueError("A keyset order must end with the primary key.")
    queryset = queryset.order_by(*order)
    if cursor:
        queryset = queryset.filter(_after(queryset.model, order, _decode(cursor, len(order))))
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return Page(rows, None)
    return Page(rows[:limit], _encode([_value(rows[limit - 1], name) for name in order]))


def _after(model: type[models.Model], order: Sequence[str], values: list[Any]) -> Q:
    """Rows after `values` in `order`: (a > x) or (a = x and b > y) or ..."""
    names = [name.lstrip("-") for name in order]
    parsed = [_parse(model, name, value) for name, value in zip(names, values, strict=True)]
    after = Q()
    for i, name in enumerate(names):
        step = Q(**{f"{name}__{'lt' if order[i].startswith('-') else 'gt'}": parsed[i]})
        for earlier, value in zip(names[:i], parsed[:i], strict=True):
            step &= Q(**{earlier: value})
        after |= step
    # The same bound on the first column alone lets the database start its index scan there.
    bound = "lte" if order[0].startswith("-") else "gte"
    return Q(**{f"{names[0]}__{bound}": parsed[0]}) & after


def _value(row: models.Model, name: str) -> Any:
    value = getattr(row, name.lstrip("-"))
    return value.isoformat() if isinstance(value, datetime) else value


def _encode(values: list[Any]) -> str:
    text = json.dumps(values, separators=(",", ":"), ensure_ascii=True)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError):
        raise BadCursor() from None
    if not isinstance(values, list) or len(values) != size:
        raise BadCursor()
    return values


def _parse(model: type[models.Model], name: str, value: Any) -> Any:
    """A cursor value, checked against the field it sorts on."""
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if isinstance(field, models.DateTimeField):
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None and 1900 <= moment.year <= 2200:
            return moment
    elif isinstance(field, models.IntegerField | models.AutoField):
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and -BIGGEST_ID <= value <= BIGGEST_ID
        ):
            return value
    elif isinstance(field, models.CharField) and _storable_text(value):
        return value
    raise BadCursor()


def _storable_text(value: Any) -> bool:
    """Text a database can store (caredesk.core.text), and not absurdly long."""
    return isinstance(value, str) and len(value) <= 1000 and not has_unstorable(value)
