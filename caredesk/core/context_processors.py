"""What every desk page needs: the policy, and what the signed-in person may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from caredesk.core.active_policy import active_policy
from caredesk.notifications.selectors import unread_count
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed


def desk(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    unread = unread_count(user) if isinstance(user, StaffMember) and user.is_active else 0
    return {
        "unread_notifications": unread,
        "policy": active_policy(),
        "can_read_cases": allowed(user, Can.READ_CASES),
        "can_work_cases": allowed(user, Can.WORK_CASES),
        "can_manage_teams": allowed(user, Can.MANAGE_TEAMS),
        "can_see_performance": allowed(user, Can.SEE_PERFORMANCE),
        "can_see_scrutiny_figures": allowed(user, Can.SEE_SCRUTINY_FIGURES),
        "can_import_calls": allowed(user, Can.IMPORT_CALLS),
        "can_edit_templates": allowed(user, Can.EDIT_TEMPLATES),
    }
