"""The notifications page: a person's own notifications, newest first, and "mark as read";
a digest's page: every deadline it says was missed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.notifications import selectors, services
from caredesk.notifications.models import Notification, NotificationKind
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can

PAGE_SIZE = 100
DIGEST_LINES_SHOWN = 10  # of each digest on the notifications page
DIGEST_PAGE_LINES = 2_000  # on a digest's own page (the Overdue page has every one)


@requires(Can.SEE_NOTIFICATIONS)
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    rows = list(selectors.notifications_list(staff=staff)[:PAGE_SIZE])
    digests = [row for row in rows if row.kind == NotificationKind.DEADLINES_MISSED]
    # One line more than is shown: then the page knows whether there are more to see.
    first_lines = selectors.digests_first_lines_list(
        digests=digests, policy=active_policy(), size=DIGEST_LINES_SHOWN + 1
    )
    shown = []
    for row in rows:
        lines = first_lines.get(row.pk, [])
        shown.append((row, lines[:DIGEST_LINES_SHOWN], len(lines) > DIGEST_LINES_SHOWN))
    return render(
        request,
        "notifications/list.html",
        {
            "notifications": shown,
            "unread": selectors.notifications_unread_count(staff=staff),
        },
    )


@requires(Can.SEE_NOTIFICATIONS)
@require_GET
def digest(request: HttpRequest, pk: int) -> HttpResponse:
    """Every deadline a digest says was missed, earliest due first."""
    staff: StaffMember = request.user  # type: ignore[assignment]
    notification = get_object_or_404(
        Notification, pk=pk, recipient=staff, kind=NotificationKind.DEADLINES_MISSED
    )
    lines = selectors.digest_lines_list(
        digest=notification, policy=active_policy(), limit=DIGEST_PAGE_LINES + 1
    )
    return render(
        request,
        "notifications/digest.html",
        {
            "notification": notification,
            "lines": lines[:DIGEST_PAGE_LINES],
            "more": len(lines) > DIGEST_PAGE_LINES,
            "limit": DIGEST_PAGE_LINES,
        },
    )


@requires(Can.SEE_NOTIFICATIONS)
@require_POST
def mark_read(request: HttpRequest, pk: int, clock: Clock = system_clock) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    # Someone else's notification is "not found": its existence is not theirs to know.
    notification = get_object_or_404(Notification, pk=pk, recipient=staff)
    services.notification_mark_read(notification=notification, by=staff, clock=clock)
    return HttpResponseRedirect(reverse("notifications:list"))


@requires(Can.SEE_NOTIFICATIONS)
@require_POST
def mark_all_read(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    count = services.notification_mark_all_read(by=staff, clock=clock)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return HttpResponseRedirect(reverse("notifications:list"))
