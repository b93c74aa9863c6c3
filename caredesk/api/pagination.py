"""The API's lists page by keyset (caredesk.core.pagination); a bad cursor is a field error."""

from collections.abc import Sequence
from typing import TypeVar

from django.db import models
from django.db.models import QuerySet

from caredesk.api.problems import FieldError
from caredesk.core.pagination import BadCursor, Page
from caredesk.core.pagination import keyset_page as _keyset_page

M = TypeVar("M", bound=models.Model)


def keyset_page(
    queryset: QuerySet[M], *, order: Sequence[str], cursor: str | None, limit: int
) -> Page[M]:
    try:
        return _keyset_page(queryset, order=order, cursor=cursor, limit=limit)
    except BadCursor as error:
        raise FieldError("cursor", error.message, "query") from None
