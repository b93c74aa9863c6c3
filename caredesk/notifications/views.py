"""The notifications page: a person's own notifications, newest first, and "mark as read"."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from caredesk.core.clock import Clock, system_clock
from caredesk.notifications import selectors, services
from caredesk.notifications.models import Notification
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can

PAGE_SIZE = 100


@requires(Can.SEE_NOTIFICATIONS)
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    rows = list(selectors.notifications_for(staff=staff)[:PAGE_SIZE])
    return render(
        request,
        "notifications/list.html",
        {"notifications": rows, "unread": selectors.unread_count(staff)},
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
