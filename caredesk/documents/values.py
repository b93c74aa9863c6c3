"""The values a template is filled in with, from a case, its customer and its officer.

Plain values only (strings in dictionaries): templates see nothing else. The names are
listed for administrators in documents.rendering.TEMPLATE_VALUES.
"""

from __future__ import annotations

from typing import Any

from caredesk.cases.models import Case, Deadline, DeadlineStatus
from caredesk.customers.models import Customer
from caredesk.documents.letters import long_day
from caredesk.documents.recipients import recipient_registered
from caredesk.documents.rendering import Signatory
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy
from caredesk.standards.policy import ClockEvent


def case_values(
    case: Case, policy: Policy, *, officer: StaffMember | None, direct_contact: bool = True
) -> dict[str, Any]:
    """What every template may use. `officer` is who signs (or deals with) it; with
    `direct_contact`, their phone number is the one to call."""
    zone = policy.working_calendar.zone
    signatory = signatory_of(officer)
    name, _ = case_recipient(case)
    return {
        "case": {
            "reference": case.reference,
            "subject": case.subject,
            "received": long_day(case.received_at.astimezone(zone).date()),
            "due": reply_due(case, policy),
        },
        "customer": {
            "name": name,
            "salutation": case_salutation(case, name),
        },
        "officer": {
            "name": signatory.name if signatory else "",
            "post_title": signatory.post_title if signatory else "",
            "signature": signatory.signature if signatory else "",
        },
        "contact": {
            "phone": (officer.phone if officer and direct_contact else "")
            or policy.organisation.phone
            or "",
            "email": policy.organisation.email or (officer.email if officer else ""),
        },
        "organisation": {"name": policy.organisation.name},
    }


def case_recipient(case: Case) -> tuple[str, list[str]]:
    """Who a letter on the case goes to, and their address lines: the customer, or else
    whoever a channel's lookup names (documents.recipients: mail's is the sender of the
    letter that opened the case, as the register has them)."""
    customer = case.customer
    if customer is not None:
        return customer.name, address_lines(customer.address, customer.postcode)
    return recipient_registered(case) or ("", [])


def address_lines(address: str, postcode: str) -> list[str]:
    lines = [line.strip().rstrip(",") for line in address.splitlines() if line.strip()]
    written = "".join(lines).replace(" ", "").upper()
    if postcode and postcode.replace(" ", "").upper() not in written:
        lines.append(postcode)
    return lines


def signatory_of(officer: StaffMember | None) -> Signatory | None:
    if officer is None:
        return None
    return Signatory(
        name=officer.get_full_name(),
        post_title=officer.post_title,
        phone=officer.phone,
        email=officer.email,
    )


def case_salutation(case: Case, recipient: str) -> str:
    """How a letter or email on the case greets `recipient` (see case_recipient)."""
    if case.customer is None and recipient:
        return f"Dear {recipient},"  # the sender of a letter logged with no customer
    return salutation(case.customer)


def salutation(customer: Customer | None) -> str:
    """Dear Ms Jones, or Dear Jo Jones, or Dear customer,"""
    if customer is None:
        return "Dear customer,"
    if customer.title and customer.last_name:
        return f"Dear {customer.title} {customer.last_name},"
    name = " ".join(part for part in (customer.first_name, customer.last_name) if part)
    return f"Dear {name or customer.organisation or 'customer'},"


def reply_due(case: Case, policy: Policy) -> str:
    """When the reply is due: the day of the earliest open deadline a response meets."""
    answered_by_a_reply = [
        standard.key
        for standard in policy.deadline_standards()
        if standard.stops == ClockEvent.RESPONSE_SENT
    ]
    deadline = (
        Deadline.objects.filter(
            case=case,
            status=DeadlineStatus.OPEN,
            due_at__isnull=False,
            standard_key__in=answered_by_a_reply,
        )
        .order_by("due_at")
        .first()
    )
    if deadline is None or deadline.due_at is None:
        return "as soon as we can"
    return long_day(deadline.due_at.astimezone(policy.working_calendar.zone).date())
