"""Cache-Control: no-store on everything that may show personal data.

Every page a signed-in member of staff sees, every download (a letter, a scan, a report,
a CSV: anything sent as an attachment) and every API answer may hold customers' personal
data; none of it may be kept by the browser (the back button on a shared office PC) or a
proxy. Static files never reach this middleware (WhiteNoise answers them first), and
public pages (the sign-in page, the standards page, the offices' pages and posters) keep
whatever they had.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"


def may_hold_personal_data(request: HttpRequest, response: HttpResponseBase) -> bool:
    user = getattr(request, "user", None)
    return (
        bool(getattr(user, "is_authenticated", False))
        or request.path.startswith(API_PREFIX)
        or "attachment" in response.get("Content-Disposition", "")
    )


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if may_hold_personal_data(request, response):
            # no-store, no-cache, must-revalidate, private, max-age=0, and Expires now
            add_never_cache_headers(response)
        return response
