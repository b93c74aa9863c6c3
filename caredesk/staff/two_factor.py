"""Two-factor sign-in: a code from an authenticator app (TOTP), or a recovery code.

A member sets it up once: the app reads a QR code (or they type the key), they enter the
code it shows, and they are given 10 recovery codes, each good once, for when the phone
is lost. The roles in ALWAYS_TWO_FACTOR, and any settings.CAREDESK_TWO_FACTOR_ROLES adds,
must set it up before any other page (staff.sign_in); anyone else may choose to. The
devices are django-otp's.
"""

from __future__ import annotations

import re
from base64 import b32encode
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caredesk.staff.models import Role, StaffMember

RECOVERY_CODES = 10
APP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"


# The roles that may read or change anyone's data, or special-category data: they must
# sign in with a second step whatever the setting says (it can only add roles).
ALWAYS_TWO_FACTOR = frozenset(
    {
        Role.ADMINISTRATOR,
        Role.SYSTEM_ADMINISTRATOR,
        Role.DATA_PROTECTION_OFFICER,
        Role.EQUALITY_LEAD,
    }
)


def two_factor_roles_setting() -> frozenset[Role]:
    """The roles settings.CAREDESK_TWO_FACTOR_ROLES names; ImproperlyConfigured naming a
    value that is no role (checked once at start-up, by the staff app's ready())."""
    named = [str(value).strip() for value in settings.CAREDESK_TWO_FACTOR_ROLES]
    unknown = [value for value in named if value and value not in Role.values]
    if unknown:
        raise ImproperlyConfigured(
            f"CAREDESK_TWO_FACTOR_ROLES names {', '.join(repr(v) for v in unknown)}, which "
            f"{'is not a role' if len(unknown) == 1 else 'are not roles'}. "
            f"The roles are: {', '.join(Role.values)}."
        )
    return frozenset(Role(value) for value in named if value)


def two_factor_roles() -> frozenset[Role]:
    """The roles that must sign in with a second step: ALWAYS_TWO_FACTOR and any that
    settings.CAREDESK_TWO_FACTOR_ROLES adds."""
    return ALWAYS_TWO_FACTOR | two_factor_roles_setting()


def two_factor_required(*, member: StaffMember) -> bool:
    return bool(member.roles & two_factor_roles())


def two_factor_app_get(*, member: StaffMember) -> TOTPDevice | None:
    """The member's confirmed authenticator app, if they have set one up."""
    found: TOTPDevice | None = TOTPDevice.objects.filter(user=member, confirmed=True).first()
    return found


def two_factor_is_set_up(*, member: StaffMember) -> bool:
    found: bool = TOTPDevice.objects.filter(user=member, confirmed=True).exists()
    return found


def two_factor_start(*, member: StaffMember) -> TOTPDevice:
    """The app being set up: a new key, kept until the member confirms it with a code
    (signing in again while setting up shows the same key)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=member, confirmed=False, defaults={"name": APP_DEVICE}
    )
    return device


@transaction.atomic
def two_factor_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app being set up with a code it shows. Right: the app is the member's
    (any earlier one is removed) and the new recovery codes are returned, to be shown
    once. Wrong: None."""
    if device.confirmed or not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_make(member=device.user)


@transaction.atomic
def recovery_codes_make(*, member: StaffMember) -> list[str]:
    """New recovery codes; any earlier ones stop working."""
    StaticDevice.objects.filter(user=member).delete()
    device = StaticDevice.objects.create(user=member, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@dataclass(frozen=True)
class CodeChecked:
    """What a code entered at sign-in did: the device that accepted it (None: refused),
    and whether it was refused because of too many wrong tries in a row."""

    device: TOTPDevice | StaticDevice | None
    too_many_tries: bool = False


@transaction.atomic
def two_factor_check(*, member: StaffMember, code: str) -> CodeChecked:
    """A code from the member's app (6 digits) or one of their recovery codes (used up)."""
    digits = _digits(code)
    if re.fullmatch(r"\d{6}", digits):
        apps = TOTPDevice.objects.filter(user=member, confirmed=True).select_for_update()
        for app in apps:
            if not app.verify_is_allowed()[0]:
                return CodeChecked(None, too_many_tries=True)
            if app.verify_token(digits):
                return CodeChecked(app)
        return CodeChecked(None)
    token = re.sub(r"[\s-]", "", code).lower()
    for device in StaticDevice.objects.filter(user=member, confirmed=True).select_for_update():
        if not device.verify_is_allowed()[0]:
            return CodeChecked(None, too_many_tries=True)
        if device.verify_token(token):
            return CodeChecked(device)
    return CodeChecked(None)


def two_factor_app_check(*, member: StaffMember, code: str) -> CodeChecked:
    """A code from the member's app (not a recovery code), to confirm it is them at the
    keyboard before something that matters (new recovery codes); throttled as at sign-in."""
    digits = _digits(code)
    if not re.fullmatch(r"\d{6}", digits):
        return CodeChecked(None)
    return two_factor_check(member=member, code=digits)


@transaction.atomic
def two_factor_give(*, member: StaffMember) -> list[str]:
    """Set up an app for the member without their confirming a code (the demo's
    administrator, whose key is printed): their recovery codes are returned."""
    two_factor_remove(member=member)
    TOTPDevice.objects.create(user=member, name=APP_DEVICE, confirmed=True)
    return recovery_codes_make(member=member)


def recovery_codes_list(*, member: StaffMember) -> list[str]:
    """The member's unused recovery codes (the demo prints some)."""
    return list(
        StaticToken.objects.filter(device__user=member, device__confirmed=True)
        .order_by("pk")
        .values_list("token", flat=True)
    )


def two_factor_remove(*, member: StaffMember) -> None:
    """Remove the member's app and recovery codes (an administrator's reset)."""
    TOTPDevice.objects.filter(user=member).delete()
    StaticDevice.objects.filter(user=member).delete()


def recovery_codes_left(*, member: StaffMember) -> int:
    left: int = StaticToken.objects.filter(device__user=member, device__confirmed=True).count()
    return left


def app_key_words(device: TOTPDevice) -> str:
    """The key to type into an app, in groups of four: 'ABCD EFGH ...'."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def app_qr_svg(device: TOTPDevice) -> str:
    """The QR code an app scans, as SVG markup (no script, no inline style)."""
    qr = segno.make(device.config_url, error="m")
    svg: str = qr.svg_inline(
        scale=4, title="QR code to scan with your authenticator app", svgclass="qr-code"
    )
    return svg


def _digits(code: str) -> str:
    return re.sub(r"[\s-]", "", code)
