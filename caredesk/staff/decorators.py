"""`requires(Can.X)`: the one way a desk view says who may use it (deny by default).

The permission test walks every URL and reads `view.required` to know what to expect.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from caredesk.staff.permissions import Can, allowed

View = Callable[..., HttpResponseBase]


def requires(capability: Can) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not allowed(request.user, capability):
                raise PermissionDenied(f"You need to be {_roles_in_words(capability)} to do this.")
            return view(request, *args, **kwargs)

        guarded.required = capability  # type: ignore[attr-defined]
        return guarded

    return decorate


def _roles_in_words(capability: Can) -> str:
    names = sorted(role.label.lower() for role in capability.roles)
    named = [f"{'an' if name[0] in 'aeiou' else 'a'} {name}" for name in names]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " or " + named[-1]
