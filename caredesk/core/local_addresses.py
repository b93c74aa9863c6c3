"""Going back to where a person came from, only if that is this site: the one check for
every `next` a form or link carries and every page named in a Referer, so that no
address of ours sends anybody elsewhere (an open redirect)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def address_is_ours(request: HttpRequest, address: str) -> bool:
    """Whether `address` is a page of this site, as the request reached it."""
    return bool(address) and url_has_allowed_host_and_scheme(
        address, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def next_asked(request: HttpRequest) -> str:
    """The `next` the form (or else the link) carries, if it is a page of this site;
    "" otherwise."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    return wanted if address_is_ours(request, wanted) else ""
