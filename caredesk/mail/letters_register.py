"""The letters register: each letter logged on receipt, its scan kept, and passed to the
right person (Stonewall 2.9). Its deadlines run from when it arrived, not when it was
logged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import transaction

from caredesk.cases.intake import contact_receive
from caredesk.cases.models import Case, CaseKind, CaseStatus, Channel
from caredesk.core.clock import Clock, read_once
from caredesk.core.file_checks import FileRefused, upload_check
from caredesk.core.store import store_get, store_put
from caredesk.core.text import storable_text
from caredesk.customers.models import Customer
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.mail.models import ReceivedLetter
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy

# What to do with a scan that is refused (caredesk.core.file_checks says why).
SCAN_AGAIN = "Scan the letter again as an image or a plain PDF."


class LetterLogError(CaredeskError):
    """A letter that cannot be logged: no sender, a future date, a scan that is not a scan."""

    code = "letter_log_invalid"


@dataclass(frozen=True)
class CheckedScan:
    """A scan that `scan_check` passed: its bytes, its name, and the type they show."""

    data: bytes
    name: str
    content_type: str


def scan_check(scan: bytes, *, name: str = "") -> CheckedScan:
    """The scan, with its type known from its bytes read through (a PDF parsed, an image
    decoded), never from the name it came with. Raises `LetterLogError` with the reason
    if it is empty or too large, not a PDF or an image, or could run code. Pass the
    result to `letter_log`, so that the scan is not read through twice."""
    name = storable_text(name).strip()[:200]
    try:
        checked = upload_check(
            scan,
            name=name,
            limit=settings.CAREDESK_SCAN_MAX_BYTES,
            what="The scan",
            next_step=SCAN_AGAIN,
            too_large="Scan it again at a lower resolution.",
        )
    except FileRefused as refused:
        raise LetterLogError(refused.message) from None
    return CheckedScan(scan, name, checked.content_type)


@transaction.atomic
def letter_log(
    *,
    sender: str,
    received_at: datetime,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    subject: str = "",
    sender_address: str = "",
    customer: Customer | None = None,
    case: Case | None = None,
    route_to: StaffMember | None = None,
    scan: bytes | CheckedScan = b"",
    scan_name: str = "",
    kind: str = CaseKind.GENERAL_ENQUIRY,
) -> ReceivedLetter:
    """Log a letter received. With `case`, it is a contact on that case; otherwise it
    opens a new case (for `customer`, given to `route_to` or their cover). `scan` is the
    scan's bytes (named `scan_name`), or what `scan_check` made of them."""
    clock = read_once(clock)
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can log letters.")
    sender = " ".join(sender.split())
    if not sender:
        raise LetterLogError("Say who the letter is from.")
    now = clock.now()
    if received_at > now:
        raise LetterLogError("A letter cannot be received in the future.")
    checked: CheckedScan | None = None
    if isinstance(scan, CheckedScan):
        checked = scan
    elif scan:
        checked = scan_check(scan, name=scan_name)
    if case is not None and case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        raise LetterLogError(
            f"{case.reference} is {case.get_status_display().lower()}: leave the reference "
            "empty to open a new case for this letter."
        )
    summary = _summary(sender, subject)
    received = contact_receive(
        channel=Channel.LETTER,
        received_at=received_at,
        subject=_subject(sender, subject),
        summary=summary,
        thread=case,
        kind=kind,
        customer=customer,
        assign_to=route_to,
        by=by,
        policy=policy,
        clock=clock,
    )
    case, contact = received.case, received.contact
    return ReceivedLetter.objects.create(
        case=case,
        contact=contact,
        sender=sender[:200],
        sender_address=sender_address.strip(),
        received_at=received_at,
        logged_at=now,
        logged_by=by,
        scan_name=checked.name if checked else "",
        scan_type=checked.content_type if checked else "",
        scan_size=len(checked.data) if checked else 0,
        scan_sha256=store_put(checked.data) if checked else "",
    )


def letter_earlier_find(
    *,
    sender: str,
    received_at: datetime,
    zone: ZoneInfo,
    scan: CheckedScan | None = None,
    subject: str = "",
) -> ReceivedLetter | None:
    """A letter already logged that this one looks like a second entry of: from the same
    sender (spaces and capitals aside), received the same day, with the same scan (its
    digest compared), or, when this one has no scan, about the same subject."""
    sender = " ".join(sender.split())
    day = datetime.combine(received_at.astimezone(zone).date(), time(), tzinfo=zone)
    candidates = ReceivedLetter.objects.select_related("case", "logged_by").filter(
        sender__iexact=sender[:200],
        received_at__gte=day,
        received_at__lt=day + timedelta(days=1),
    )
    if scan is not None:
        candidates = candidates.filter(scan_sha256=hashlib.sha256(scan.data).hexdigest())
    else:
        candidates = candidates.filter(contact__summary__iexact=_summary(sender, subject))
    return candidates.order_by("received_at", "pk").first()


def _subject(sender: str, subject: str) -> str:
    return (subject.strip() or f"Letter from {sender}")[:200]


def _summary(sender: str, subject: str) -> str:
    return f"Letter from {sender}" + (f": {subject.strip()}" if subject.strip() else "")


SCAN_KEPT_SALT = "caredesk.mail.letter-scan-kept"
SCAN_KEPT_HOURS = 12


def letter_scan_sign(scan: CheckedScan) -> str:
    """The scan kept in the store, and a signed token naming it, so that a form shown
    again (a possible second entry) need not ask for the file again. Signed, so a token
    can name only a scan someone uploaded here, not any file in the store."""
    digest = store_put(scan.data)
    return signing.dumps({"sha256": digest, "name": scan.name}, salt=SCAN_KEPT_SALT)


def letter_scan_unsign(token: str) -> CheckedScan | None:
    """The scan a `letter_scan_sign` token names, checked again; None for no token, or
    one that is not ours or too old."""
    if not token:
        return None
    try:
        kept = signing.loads(token, salt=SCAN_KEPT_SALT, max_age=SCAN_KEPT_HOURS * 3600)
        data = store_get(kept["sha256"])
    except (signing.BadSignature, KeyError, TypeError, OSError):
        return None
    return scan_check(data, name=str(kept.get("name", "")))
