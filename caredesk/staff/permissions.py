"""Who may do what. Every view and API endpoint names one of these; nothing is open by default.

Front-line staff deal with any customer who calls, so officers and administrators may
read every case; each read of a customer's record is logged (customers.services).
Performance analysts see figures, never people; system administrators look after
accounts, not casework; the tenants' scrutiny panel sees aggregate figures and no one's
name. Equality monitoring answers are special-category data (UK GDPR Article 9): a
customer's own answers are read only by the data protection officer and the members of
staff an administrator has named equality monitoring leads, never by every caseworker.

Each capability is its own value, carrying its own name: two capabilities that happen to
have the same roles are still two (an Enum whose values were only the role sets made
equal sets aliases of each other, so granting one silently granted the other).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from caredesk.staff.models import Role


@dataclass(frozen=True)
class Grant:
    """A capability's value: its own key (its name) and the roles that have it."""

    key: str
    roles: frozenset[Role]


def _grant(key: str, roles: frozenset[Role] | set[Role]) -> Grant:
    return Grant(key, frozenset(roles))


STAFF = frozenset(Role) - {Role.SCRUTINY_PANEL}  # everyone who works for the landlord


@enum.unique  # and if two ever compared equal, importing this module fails
class Can(enum.Enum):
    """A capability, and the roles that have it."""

    READ_CASES = _grant(
        "read_cases",
        {Role.OFFICER, Role.ADMINISTRATOR, Role.LINE_MANAGER, Role.DATA_PROTECTION_OFFICER},
    )
    WORK_CASES = _grant("work_cases", {Role.OFFICER, Role.ADMINISTRATOR, Role.LINE_MANAGER})
    # Changing a customer's details: those who take casework, and the data protection
    # officer, who corrects them on request (UK GDPR Article 16) and is the only one who
    # may while the use of the customer's data is restricted (Article 18).
    EDIT_CUSTOMERS = _grant(
        "edit_customers",
        {Role.OFFICER, Role.ADMINISTRATOR, Role.LINE_MANAGER, Role.DATA_PROTECTION_OFFICER},
    )
    MANAGE_TEAMS = _grant("manage_teams", {Role.LINE_MANAGER})
    SEE_NOTIFICATIONS = _grant("see_notifications", set(Role))  # everyone reads their own
    SEE_PERFORMANCE = _grant("see_performance", {Role.PERFORMANCE_ANALYST, Role.LINE_MANAGER})
    # Aggregate figures with small numbers suppressed: what the tenants' panel sees, and
    # those who prepare it for them.
    SEE_SCRUTINY_FIGURES = _grant(
        "see_scrutiny_figures",
        {Role.SCRUTINY_PANEL, Role.PERFORMANCE_ANALYST, Role.LINE_MANAGER},
    )
    # The equality impact monitoring report: aggregate, small numbers suppressed, but
    # drawn from special-category data, so only for those who monitor equality.
    SEE_EQUALITY_MONITORING = _grant(
        "see_equality_monitoring",
        {Role.PERFORMANCE_ANALYST, Role.DATA_PROTECTION_OFFICER, Role.EQUALITY_LEAD},
    )
    # One customer's own equality answers (each showing logged against the customer).
    READ_EQUALITY_ANSWERS = _grant(
        "read_equality_answers", {Role.DATA_PROTECTION_OFFICER, Role.EQUALITY_LEAD}
    )
    IMPORT_CALLS = _grant("import_calls", {Role.ADMINISTRATOR, Role.SYSTEM_ADMINISTRATOR})
    # The refused rows of a call import hold callers' numbers: only for those who import
    # calls and may also read them (READ_CASES), not for system administrators.
    DOWNLOAD_CALL_REJECTS = _grant("download_call_rejects", {Role.ADMINISTRATOR})
    # Offices as visitors meet them: opening hours, closures, access, the duty officer.
    MANAGE_OFFICES = _grant("manage_offices", {Role.ADMINISTRATOR, Role.LINE_MANAGER})
    # Complaints as the landlord manages them: the annual complaints performance and
    # service improvement report (the self-assessment against the Code, the learning,
    # the governing body's response) and publishing it.
    MANAGE_COMPLAINTS = _grant("manage_complaints", {Role.ADMINISTRATOR, Role.LINE_MANAGER})
    # Customers' rights over their data as the data protection officer deals with them:
    # subject access and the other requests, disclosures to third parties, erasure and
    # retention, who read what, and personal data breaches (caredesk.privacy).
    MANAGE_PRIVACY = _grant("manage_privacy", {Role.DATA_PROTECTION_OFFICER})
    EDIT_TEMPLATES = _grant("edit_templates", {Role.ADMINISTRATOR, Role.SYSTEM_ADMINISTRATOR})
    # Others' sign-in: a temporary password, removing two-factor sign-in, unlocking after
    # too many failed sign-ins (staff.accounts says whose: not a higher role's).
    MANAGE_ACCOUNTS = _grant("manage_accounts", {Role.ADMINISTRATOR, Role.SYSTEM_ADMINISTRATOR})
    # One's own sign-in: the password, two-factor sign-in and its recovery codes.
    MANAGE_OWN_SIGN_IN = _grant("manage_own_sign_in", set(Role))
    # One's own way of working the desk: keyboard shortcuts on or off.
    SET_OWN_PREFERENCES = _grant("set_own_preferences", set(Role))
    # Every member of staff records their own; who may record for whom is the service's
    # check (staff.services.may_manage_absences_of: line managers, administrators). The
    # scrutiny panel are tenants: they neither record absences nor see anyone's.
    RECORD_ABSENCES = _grant("record_absences", STAFF)
    # Anyone who works for the landlord may tell the data protection officer of a
    # suspected personal data breach (the 72 hours to report it run from when the
    # organisation became aware: usually when a member of staff spotted it). Recording
    # what happened, assessing it and deciding whether to report it is MANAGE_PRIVACY.
    REPORT_BREACHES = _grant("report_breaches", STAFF)

    @property
    def roles(self) -> frozenset[Role]:
        grant: Grant = self.value
        return grant.roles


def allowed(user: Any, capability: Can) -> bool:
    """True if `user` (a StaffMember, or Django's AnonymousUser) has the capability."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.roles & capability.roles)
