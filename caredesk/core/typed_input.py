"""Refusing page requests that carry characters no database here can store.

A NUL in an address (`/cases/AB%00C/`), a search box or a form field reaches a database
query and fails it on PostgreSQL with a server error; a NUL in the session cookie fails
every page. What a person sends is refused with the reason (the decision is in
`caredesk.core.text`): this middleware checks the address, the query string and the
form fields of every page request before any view or database sees them, and answers
400 with a page that says which field and why. A cookie that cannot be stored is
dropped instead (a broken session cookie only means "not signed in").

The API checks its own input through its schemas, naming the field in problem+json, so
`/api/` is left to it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string

from caredesk.core.text import has_unstorable, unstorable_reason

API_PREFIX = "/api/"


class UnstorableInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path.startswith(API_PREFIX):
            return self.get_response(request)
        for name in [name for name, value in request.COOKIES.items() if has_unstorable(value)]:
            del request.COOKIES[name]
        refusal = unstorable_field(request)
        if refusal is not None:
            return refused(refusal)
        return self.get_response(request)


def unstorable_field(request: HttpRequest) -> tuple[str, str] | None:
    """The first part of the request that cannot be stored, and why: (where, reason)."""
    if has_unstorable(request.path):
        return "the page address", unstorable_reason(request.path)
    sent = [("address", request.GET)]
    if request.method == "POST":  # the fields only: importers check files' contents
        sent.append(("form", request.POST))
    for where, data in sent:
        for name, values in data.lists():
            for value in [name, *values]:
                if has_unstorable(value):
                    label = name if not has_unstorable(name) else "a field"
                    return f"{label} (in the {where})", unstorable_reason(value)
    return None


def refused(refusal: tuple[str, str]) -> HttpResponse:
    where, reason = refusal
    # A page of its own: no session, user or database is needed to show it.
    html = render_to_string("core/unstorable_input.html", {"where": where, "reason": reason})
    return HttpResponse(html, status=400)
