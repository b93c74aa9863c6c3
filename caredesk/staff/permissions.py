"""Who may do what. Every view and API endpoint names one of these; nothing is open by default.

Front-line staff deal with any customer who calls, so officers and administrators may
read every case; each read of a customer's record is logged (customers.services).
Performance analysts see figures, never people; system administrators look after
accounts, not casework.
"""

from __future__ import annotations

import enum
from typing import Any

from caredesk.staff.models import Role


class Can(enum.Enum):
    """A capability, and the roles that have it."""

    READ_CASES = frozenset(
        {Role.OFFICER, Role.ADMINISTRATOR, Role.LINE_MANAGER, Role.DATA_PROTECTION_OFFICER}
    )
    WORK_CASES = frozenset({Role.OFFICER, Role.ADMINISTRATOR, Role.LINE_MANAGER})
    MANAGE_TEAMS = frozenset({Role.LINE_MANAGER})
    SEE_NOTIFICATIONS = frozenset(Role)  # everyone signed in reads their own
    SEE_PERFORMANCE = frozenset({Role.PERFORMANCE_ANALYST, Role.LINE_MANAGER})
    # Aggregate figures with small numbers suppressed: what the tenants' panel sees, and
    # those who prepare it for them.
    SEE_SCRUTINY_FIGURES = frozenset(
        {Role.SCRUTINY_PANEL, Role.PERFORMANCE_ANALYST, Role.LINE_MANAGER}
    )
    IMPORT_CALLS = frozenset({Role.ADMINISTRATOR, Role.SYSTEM_ADMINISTRATOR})
    EDIT_TEMPLATES = frozenset({Role.ADMINISTRATOR, Role.SYSTEM_ADMINISTRATOR})
    # Everyone records their own; who may record for whom is the service's check
    # (staff.services.may_manage_absences_of: line managers, administrators).
    RECORD_ABSENCES = frozenset(Role)

    @property
    def roles(self) -> frozenset[Role]:
        return self.value


def allowed(user: Any, capability: Can) -> bool:
    """True if `user` (a StaffMember, or Django's AnonymousUser) has the capability."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.roles & capability.roles)
