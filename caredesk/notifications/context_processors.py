"""What every desk page needs from notifications: the signed-in person's unread count
(the page header)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from caredesk.notifications.selectors import notifications_unread_count
from caredesk.staff.backends import user_annotation
from caredesk.staff.models import StaffMember


def unread(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not (isinstance(user, StaffMember) and user.is_active):
        return {"unread_notifications": 0}
    count = user_annotation(user, "unread_notifications")  # read with them: staff.backends
    if count is None:
        count = notifications_unread_count(staff=user)
    return {"unread_notifications": count}
