"""What every desk page needs from staff: what the signed-in person may open (the menu,
the actions on a page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from caredesk.staff.permissions import Can, allowed


def permissions(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "can_read_cases": allowed(user, Can.READ_CASES),
        "can_work_cases": allowed(user, Can.WORK_CASES),
        "can_manage_teams": allowed(user, Can.MANAGE_TEAMS),
        "can_see_performance": allowed(user, Can.SEE_PERFORMANCE),
        "can_see_scrutiny_figures": allowed(user, Can.SEE_SCRUTINY_FIGURES),
        "can_import_calls": allowed(user, Can.IMPORT_CALLS),
        "can_edit_templates": allowed(user, Can.EDIT_TEMPLATES),
    }
