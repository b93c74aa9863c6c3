"""What every desk page needs from notifications: the signed-in person's unread count
(the page header)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from caredesk.notifications.selectors import notifications_unread_count
from caredesk.staff.models import StaffMember


def unread(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    count = (
        notifications_unread_count(staff=user)
        if isinstance(user, StaffMember) and user.is_active
        else 0
    )
    return {"unread_notifications": count}
