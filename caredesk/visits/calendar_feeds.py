"""Officers' calendar feeds: their booked appointments in their own calendar program (a
phone's, Outlook's, Google's), read from a secret address they can revoke.

The address holds a random secret (256 bits), shown to its owner once; only its SHA-256
is kept (`CalendarFeed`), so the database alone cannot be used to read anyone's feed. A
new secret replaces the old (one feed a person: the old address stops working at once),
and turning it off deletes it. The feed is read without signing in (a calendar program
cannot sign in), so the secret is the only key: an unknown or revoked secret answers 404,
as does one whose owner has left or no longer takes casework.

Least privilege: a calendar synced to a phone or a cloud service leaves our control, so
the feed carries no customer's personal data: no name, no address, no phone number, not
what the case is about. Each event says only the case reference, the kind of appointment,
where (the office's name, or "Home visit" and the postcode district, such as WA7, enough
to plan a journey but not to find a home) and a link to the appointment on the desk,
which asks the officer to sign in before it shows anything more.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from caredesk.errors import NotAllowed
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.visits.invitations import FeedEvent, feed_ical, site_domain
from caredesk.visits.models import Appointment, AppointmentKind, AppointmentStatus, CalendarFeed

FEED_FROM = timedelta(days=31)  # a month back
FEED_UNTIL = timedelta(days=92)  # about three months ahead


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def calendar_feed_make(*, staff: StaffMember, now: datetime) -> str:
    """A new secret for `staff`'s feed, replacing any earlier one (whose address stops
    working). Returns the secret: it is kept nowhere, so show it now or never."""
    if not allowed(staff, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework have appointments to put in a calendar.")
    secret = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        staff=staff, defaults={"secret_sha256": _digest(secret), "created_at": now}
    )
    return secret


def calendar_feed_stop(*, staff: StaffMember) -> bool:
    """Turn `staff`'s feed off: its address stops working. False if there was none."""
    deleted, _ = CalendarFeed.objects.filter(staff=staff).delete()
    return bool(deleted)


def calendar_feed_owner(*, secret: str) -> StaffMember | None:
    """Whose feed `secret` opens, or None: unknown, revoked, or its owner left or no
    longer takes casework. One query. The secret's digest is looked up by the unique
    index and compared again in constant time (hmac.compare_digest), so how long the
    answer takes says nothing of how near a guess came."""
    digest = _digest(secret)
    feed = (
        CalendarFeed.objects.select_related("staff")
        .filter(secret_sha256=digest, staff__is_active=True)
        .first()
    )
    if feed is None or not hmac.compare_digest(feed.secret_sha256, digest):
        return None
    return feed.staff if allowed(feed.staff, Can.WORK_CASES) else None


def postcode_district(postcode: str) -> str:
    """The outward code of a UK postcode (WA7 1AA: WA7), or "" if it is not one."""
    squeezed = "".join(postcode.split()).upper()
    return squeezed[:-3] if 5 <= len(squeezed) <= 7 else ""


def calendar_feed_ical(*, staff: StaffMember, now: datetime) -> bytes:
    """`staff`'s booked appointments from a month ago to three months ahead, as an
    iCalendar feed (times in UTC). One query, however many appointments."""
    site = settings.CAREDESK_SITE_URL.rstrip("/")
    domain = site_domain()
    rows = (
        Appointment.objects.filter(
            officer=staff,
            status=AppointmentStatus.BOOKED,
            starts_at__gte=now - FEED_FROM,
            starts_at__lt=now + FEED_UNTIL,
        )
        .select_related("case", "office", "case__customer")
        .only(
            "pk",
            "kind",
            "starts_at",
            "ends_at",
            "case__reference",
            "office__name",
            "case__customer__postcode",
        )
        .order_by("starts_at", "pk")
    )
    events = []
    for appointment in rows:
        home = appointment.kind == AppointmentKind.HOME_VISIT
        if home:
            customer = appointment.case.customer
            district = postcode_district(customer.postcode) if customer else ""
            where = " ".join(filter(None, ["Home visit", district]))
        else:
            where = appointment.office.name if appointment.office else ""
        events.append(
            FeedEvent(
                uid=f"feed-appointment-{appointment.pk}@{domain}",
                starts_at=appointment.starts_at,
                ends_at=appointment.ends_at,
                summary=f"{appointment.case.reference}: {appointment.get_kind_display()}",
                location=where,
                url=site + reverse("visits:appointment", args=[appointment.pk]),
            )
        )
    return feed_ical(events, name="caredesk appointments", now=now)
