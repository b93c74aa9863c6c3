"""An officer's calendar feed: the page where they make its secret address (shown once),
make a new one or turn it off; and the feed itself, read by calendar programs without
signing in (visits.calendar_feeds says why that is safe)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from caredesk.core.clock import Clock, system_clock
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can
from caredesk.visits.calendar_feeds import (
    calendar_feed_ical,
    calendar_feed_make,
    calendar_feed_owner,
    calendar_feed_stop,
)
from caredesk.visits.models import CalendarFeed


@requires(Can.WORK_CASES)
def calendar(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """Your own calendar feed: make its address, make a new one, or turn it off."""
    me: StaffMember = request.user  # type: ignore[assignment]
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "stop":
        if calendar_feed_stop(staff=me):
            messages.success(request, "Your calendar feed is off: its address no longer works.")
        return redirect("visits:calendar")
    address = ""
    if action == "make":
        secret = calendar_feed_make(staff=me, now=clock.now())
        address = request.build_absolute_uri(reverse("visits:calendar_feed", args=[secret]))
    feed = CalendarFeed.objects.filter(staff=me).first()
    return render(request, "visits/calendar.html", {"feed": feed, "address": address})


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, secret: str, clock: Clock = system_clock) -> HttpResponse:
    """The feed at its secret address: 404 unless the secret is one in use."""
    owner = calendar_feed_owner(secret=secret)
    if owner is None:
        raise Http404("There is no calendar at this address.")
    response = HttpResponse(
        calendar_feed_ical(staff=owner, now=clock.now()),
        content_type="text/calendar; charset=utf-8",
    )
    add_never_cache_headers(response)  # not kept by proxies: it is someone's diary
    response["X-Robots-Tag"] = "noindex"
    return response
