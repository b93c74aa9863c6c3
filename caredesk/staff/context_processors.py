"""What every desk page needs from staff: what the signed-in person may open (the menu,
the actions on a page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from caredesk.staff.permissions import Can, allowed
from caredesk.staff.sign_in import sign_in_pending


def permissions(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "can_read_cases": allowed(user, Can.READ_CASES),
        "can_work_cases": allowed(user, Can.WORK_CASES),
        "can_edit_customers": allowed(user, Can.EDIT_CUSTOMERS),
        "can_manage_teams": allowed(user, Can.MANAGE_TEAMS),
        "can_see_performance": allowed(user, Can.SEE_PERFORMANCE),
        "can_see_scrutiny_figures": allowed(user, Can.SEE_SCRUTINY_FIGURES),
        "can_import_calls": allowed(user, Can.IMPORT_CALLS),
        "can_edit_templates": allowed(user, Can.EDIT_TEMPLATES),
        "can_manage_accounts": allowed(user, Can.MANAGE_ACCOUNTS),
        # Signed in with a password, with a step still to do: no menu until it is done.
        "signing_in": sign_in_pending(request),
        "can_record_absences": allowed(user, Can.RECORD_ABSENCES),
        "can_see_equality_monitoring": allowed(user, Can.SEE_EQUALITY_MONITORING),
        "can_read_equality_answers": allowed(user, Can.READ_EQUALITY_ANSWERS),
        "can_download_call_rejects": allowed(user, Can.DOWNLOAD_CALL_REJECTS),
        "can_manage_offices": allowed(user, Can.MANAGE_OFFICES),
        "can_manage_complaints": allowed(user, Can.MANAGE_COMPLAINTS),
        "can_manage_privacy": allowed(user, Can.MANAGE_PRIVACY),
        "can_report_breaches": allowed(user, Can.REPORT_BREACHES),
    }
