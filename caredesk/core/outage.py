"""When the database is out of reach: 503 Service Unavailable with Retry-After, never a
server error page or a traceback.

A page answers a plain page of its own, rendered without the request (the context
processors and the session read the database); the API (/api/...) answers an RFC 9457
problem, `application/problem+json` with the code `database_unreachable`, the shape of
every other API error (api.problems).

"Out of reach" is narrow on purpose: connecting failed (the server is down, refuses
connections, or the SQLite file cannot be opened), or the connection broke under the
request. A query that fails on a database that answers (a deadlock, a statement timeout,
a missing table) is a real error and stays one: hiding it as "try again later" would hide
a bug.

Django turns an exception raised in a middleware below this one into a 500 response
before this one sees it, so `got_request_exception` (sent then) marks the request, and
this middleware answers 503 in place of that 500. Exceptions from views it sees itself.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from types import TracebackType

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"
PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8"
_MARK = "caredesk_database_unreachable"
# The frames of Django's database wrapper that open a connection.
_CONNECTING = {"connect", "get_new_connection", "ensure_connection"}


def database_unreachable(error: BaseException | None) -> bool:
    """True if `error` says the database could not be reached (see the module's note)."""
    # An operational or interface error is an outage only while connecting, or on a
    # connection the server dropped: the same errors from a database that answers (a
    # deadlock, a timeout, a closed connection used by mistake) are bugs to see, not hide.
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    return _raised_while_connecting(error.__traceback__) or _a_connection_is_broken()


def _raised_while_connecting(trace: TracebackType | None) -> bool:
    while trace is not None:
        code = trace.tb_frame.f_code
        if code.co_name in _CONNECTING and "django/db/backends" in code.co_filename:
            return True
        trace = trace.tb_next
    return False


def _a_connection_is_broken() -> bool:
    """A connection the server dropped under the request (psycopg marks it broken)."""
    for wrapper in connections.all(initialized_only=True):
        raw = wrapper.connection
        if raw is not None and (getattr(raw, "broken", False) is True):
            return True
    return False


def outage_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer: a problem for the API, a plain page for everything else. Reads no
    database and renders without the request, so no context processor runs."""
    if request.path.startswith(API_PREFIX):
        body = {
            "type": "urn:caredesk:problem:database_unreachable",
            "title": "The service is unavailable",
            "status": 503,
            "detail": (
                "caredesk cannot reach its database just now. Nothing was changed. Try "
                f"again in {RETRY_AFTER_SECONDS} seconds."
            ),
            "instance": request.path,
            "code": "database_unreachable",
        }
        response = HttpResponse(json.dumps(body), status=503, content_type=PROBLEM_CONTENT_TYPE)
    else:
        page = render_to_string("core/outage.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@receiver(got_request_exception, dispatch_uid="caredesk.core.outage")
def _mark_unreachable(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """Sent while Django handles an exception that nothing caught (sys.exc_info is it)."""
    if request is not None and database_unreachable(sys.exc_info()[1]):
        setattr(request, _MARK, True)


class OutageMiddleware:
    """Answers 503 (see the module's note). Place it before anything that reads the
    session or the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if getattr(request, _MARK, False):
            _log(request)
            return outage_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if database_unreachable(exception):
            _log(request, exception)
            return outage_response(request)
        return None


def _log(request: HttpRequest, error: Exception | None = None) -> None:
    logger.error(
        "The database is out of reach: answered 503 to %s %s%s",
        request.method,
        request.path,
        f" ({type(error).__name__}: {error})" if error is not None else "",
    )
