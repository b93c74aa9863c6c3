"""The letters register: each letter logged on receipt, its scan kept, and passed to the
right person (Stonewall 2.9). Its deadlines run from when it arrived, not when it was
logged.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction

from caredesk.cases.intake import contact_receive
from caredesk.cases.models import Case, CaseKind, CaseStatus, Channel
from caredesk.core.clock import Clock, read_once
from caredesk.core.file_checks import FileRefused, file_check
from caredesk.core.store import store_put
from caredesk.core.text import storable_text
from caredesk.core.uploads import size_problem
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


def scan_check(scan: bytes, *, name: str = "") -> str:
    """The scan's type, known from its bytes read through (a PDF parsed, an image
    decoded), never from the name it came with. Raises `LetterLogError` with the reason
    if it is too large, not a PDF or an image, or could run code."""
    what = name or "The scan"
    problem = size_problem(size=len(scan), limit=settings.CAREDESK_SCAN_MAX_BYTES, what=what)
    if problem:
        raise LetterLogError(f"{problem} Scan it again at a lower resolution.")
    try:
        return file_check(scan, name=name, next_step=SCAN_AGAIN).content_type
    except FileRefused as refused:
        raise LetterLogError(refused.message) from None


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
    scan: bytes = b"",
    scan_name: str = "",
    kind: str = CaseKind.GENERAL_ENQUIRY,
) -> ReceivedLetter:
    """Log a letter received. With `case`, it is a contact on that case; otherwise it
    opens a new case (for `customer`, given to `route_to` or their cover)."""
    clock = read_once(clock)
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can log letters.")
    sender = " ".join(sender.split())
    if not sender:
        raise LetterLogError("Say who the letter is from.")
    now = clock.now()
    if received_at > now:
        raise LetterLogError("A letter cannot be received in the future.")
    scan_name = storable_text(scan_name).strip()[:200]
    content_type = scan_check(scan, name=scan_name) if scan else ""
    if case is not None and case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        raise LetterLogError(
            f"{case.reference} is {case.get_status_display().lower()}: leave the reference "
            "empty to open a new case for this letter."
        )
    summary = f"Letter from {sender}" + (f": {subject.strip()}" if subject.strip() else "")
    received = contact_receive(
        channel=Channel.LETTER,
        received_at=received_at,
        subject=(subject.strip() or f"Letter from {sender}")[:200],
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
        scan_name=scan_name if scan else "",
        scan_type=content_type,
        scan_size=len(scan),
        scan_sha256=store_put(scan) if scan else "",
    )
