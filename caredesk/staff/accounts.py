"""An administrator's help with another member's sign-in: a temporary password, removing
two-factor sign-in (a lost phone), unlocking after too many failed sign-ins. Each is
recorded (AccountEvent: who did what for whom, when)."""

from __future__ import annotations

import secrets
from datetime import date

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from caredesk.core.clock import Clock, system_clock
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import AccountAction, AccountEvent, Role, StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.staff.two_factor import two_factor_remove, two_factor_roles

# Only a system administrator helps with these roles' accounts, and with those of every
# role that must use two-factor sign-in (the equality lead, and any the setting adds): an
# administrator who could reset them could take them over, and read what they may read.
GUARDED_ROLES = frozenset(
    {Role.ADMINISTRATOR, Role.SYSTEM_ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER}
)


def guarded_roles() -> frozenset[Role]:
    return GUARDED_ROLES | two_factor_roles()


class IdCardError(CaredeskError):
    """An identity card that cannot be recorded as given."""

    code = "id_card_invalid"


# Letters and digits that are not easily mistaken for each other when read out.
_PLAIN = "abcdefghjkmnpqrstuvwxyz23456789"


def account_may_manage(*, by: StaffMember, member: StaffMember) -> bool:
    """Someone else's account; that of a role in guarded_roles() (an administrator, a
    system administrator, the data protection officer, the equality lead, ...) only as a
    system administrator."""
    if by.pk == member.pk or not allowed(by, Can.MANAGE_ACCOUNTS):
        return False
    return by.has_role(Role.SYSTEM_ADMINISTRATOR) or not (member.roles & guarded_roles())


def _check(*, by: StaffMember, member: StaffMember) -> None:
    if by.pk == member.pk:
        raise NotAllowed("Use your own account pages to change your own sign-in.")
    if not account_may_manage(by=by, member=member):
        raise NotAllowed(
            "Only a system administrator can help with the sign-in of an administrator, "
            "a system administrator, the data protection officer, the equality monitoring "
            "lead or anyone else whose role must use two-factor sign-in."
        )


def temporary_password_make() -> str:
    """Four groups of four plain characters, easy to read out: 'k7mq-2xpf-9rtw-h3cd'."""
    return "-".join("".join(secrets.choice(_PLAIN) for _ in range(4)) for _ in range(4))


@transaction.atomic
def account_password_reset(
    *, member: StaffMember, by: StaffMember, clock: Clock = system_clock
) -> str:
    """Give the member a temporary password (returned, to be passed on), which they must
    change when they next sign in. Their sessions end (the password changed), and any
    lockout is lifted so that they can sign in with it."""
    _check(by=by, member=member)
    password = temporary_password_make()
    member.set_password(password)
    member.must_change_password = True
    member.save(update_fields=["password", "must_change_password"])
    axes_reset(username=member.username)
    _record(member=member, action=AccountAction.PASSWORD_RESET, by=by, clock=clock)
    return password


@transaction.atomic
def account_two_factor_reset(
    *, member: StaffMember, by: StaffMember, clock: Clock = system_clock
) -> None:
    """Remove the member's authenticator app and recovery codes: they set it up again
    when they next sign in (if their role must have it)."""
    _check(by=by, member=member)
    two_factor_remove(member=member)
    _record(member=member, action=AccountAction.TWO_FACTOR_RESET, by=by, clock=clock)


@transaction.atomic
def account_unlock(*, member: StaffMember, by: StaffMember, clock: Clock = system_clock) -> None:
    """Let the member try to sign in again at once, from any address."""
    _check(by=by, member=member)
    axes_reset(username=member.username)
    _record(member=member, action=AccountAction.UNLOCKED, by=by, clock=clock)


def id_card_may_set(*, by: StaffMember, member: StaffMember) -> bool:
    """An administrator sets someone else's identity card (never their own)."""
    return by.pk != member.pk and allowed(by, Can.MANAGE_ACCOUNTS)


@transaction.atomic
def account_id_card_set(
    *, member: StaffMember, number: str, expires: date | None, by: StaffMember
) -> StaffMember:
    """The identity card the member shows on home visits (Halton: "Identification will
    always be shown to the customer on any home visit"): its number and expiry."""
    if not id_card_may_set(by=by, member=member):
        raise NotAllowed("Only an administrator can record someone else's identity card.")
    number = " ".join(number.split())
    if expires is not None and not number:
        raise IdCardError("Enter the identity card's number as well as when it expires.")
    member.id_card_number, member.id_card_expires = number[:40], expires
    member.save(update_fields=["id_card_number", "id_card_expires"])
    return member


def _record(*, member: StaffMember, action: AccountAction, by: StaffMember, clock: Clock) -> None:
    AccountEvent.objects.create(member=member, action=action, by=by, at=clock.now())


def _lockouts(clock: Clock) -> QuerySet[AccessAttempt]:
    """Failures enough to lock out, still within the cool-off."""
    found: QuerySet[AccessAttempt] = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=clock.now() - settings.AXES_COOLOFF_TIME,
    )
    return found


def accounts_list(*, clock: Clock = system_clock) -> QuerySet[StaffMember]:
    """Active staff with whether each has two-factor sign-in and is locked out."""
    return (
        StaffMember.objects.filter(is_active=True)
        .annotate(
            has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            locked_out=Exists(_lockouts(clock).filter(username=OuterRef("username"))),
        )
        .prefetch_related("groups")
        .order_by("first_name", "last_name", "username")
    )


def account_locked_out(*, member: StaffMember, clock: Clock = system_clock) -> bool:
    """Whether the member has failed to sign in too often, from some address."""
    return _lockouts(clock).filter(username=member.username).exists()


def account_events_list(*, member: StaffMember) -> QuerySet[AccountEvent]:
    return member.account_events.select_related("by").order_by("-at")
