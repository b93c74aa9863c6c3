"""The pages for "permission denied", "not found" and a server error (DEBUG off).

403 and 404 are ordinary desk pages (the header, the person's menu) with a way back; the
500 page is rendered without the request, so nothing on it reads the session or the
database, which may be what failed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.template.response import TemplateResponse

from caredesk.core.local_addresses import address_is_ours


def came_from(request: HttpRequest) -> str:
    """The page before, when it was one of ours and not this one: "" otherwise."""
    referer = request.headers.get("referer", "")
    if not address_is_ours(request, referer):
        return ""
    if urlsplit(referer).path == request.path:
        return ""
    return referer


def _page(request: HttpRequest, template: str, status: int, reason: str = "") -> HttpResponse:
    context = {"came_from": came_from(request), "exception": reason}
    return TemplateResponse(request, template, context, status=status).render()


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    reason = exception.args[0] if exception.args and isinstance(exception.args[0], str) else ""
    return _page(request, "403.html", 403, reason)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(loader.get_template("500.html").render(), status=500)
