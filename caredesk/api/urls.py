"""/api/...: the NinjaAPI's views, which check tokens themselves (so no login page)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, URLResolver, path, re_path

from caredesk.api.problems import problem
from caredesk.api.root import api


@login_not_required
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    return problem(
        request, status=404, code="not_found", detail="There is nothing at this address."
    )


def _answering_405_as_a_problem(view: Callable[..., HttpResponseBase]) -> Callable[..., Any]:
    @wraps(view)  # keeps the view's marks, such as csrf_exempt
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        allow = response.get("Allow", "")
        return problem(
            request,
            status=405,
            code="method_not_allowed",
            detail=f"This address answers only {allow}." if allow else "Not at this address.",
            headers={"Allow": allow},
        )

    return wrapped


def _open(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """Mark every API view login_not_required: the API answers 401 itself, never a redirect."""
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(_answering_405_as_a_problem(pattern.callback))
        else:
            _open(pattern.url_patterns)
    return patterns


app_name = "api"
ninja_patterns, _, ninja_namespace = api.urls
urlpatterns: list[URLPattern | URLResolver] = [
    path("", (_open(ninja_patterns), "v1", "v1")),
    re_path(r"^(?P<rest>.*)$", not_found),
]
