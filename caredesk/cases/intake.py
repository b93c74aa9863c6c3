"""One way in: every channel hands a contact that arrives to `contact_receive`.

A channel knows how to read what arrived (an email's headers, a letter's register
entry, a call record, a form on the desk or the API) and, perhaps, which case it
belongs to (`thread`: the case an email answers, the reference on a letter). Intake
decides the rest, the same way for every channel:

- with a `thread`, the contact joins that case (and, when a member of staff logs it
  for `assign_to`, someone new, the case goes to them);
- without one, it opens a new case of `kind`, whose deadlines start as the policy
  says (`cases.rules`, through `cases.services.case_create`).

Many contacts that each open a case (the voicemails of a call records import) go
through `contacts_receive`, which applies the same rules in memory and writes them in
bulk (`cases.drafts`).

To add a channel: read its input into the arguments below, find its thread if it has
one, and call `contact_receive` (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from caredesk.cases import errors, events
from caredesk.cases.complaint_offers import NOT_OFFERED, Unhappy
from caredesk.cases.drafts import CaseDraft, Recorder, references_reserve, save_drafts
from caredesk.cases.models import Case, CaseKind, Contact, Direction
from caredesk.cases.services import case_assign, case_create, contact_log
from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.customers.models import Customer
from caredesk.staff.models import StaffMember, Team
from caredesk.standards import Policy


@dataclass(frozen=True)
class ContactReceived:
    case: Case
    contact: Contact
    opened: bool  # True: a new case; False: the contact joined `thread`
    complaint: Case | None = None  # the complaint the customer chose to make about `case`


@write_transaction()  # on SQLite, BEGIN IMMEDIATE: writers take turns
def contact_receive(
    *,
    channel: str,
    received_at: datetime,
    subject: str,
    summary: str = "",
    customer: Customer | None = None,
    thread: Case | None = None,
    kind: str = CaseKind.GENERAL_ENQUIRY,
    by: StaffMember | None = None,
    assign_to: StaffMember | None = None,
    team: Team | None = None,
    urgent: bool = False,
    resolved_at_first_contact: bool = False,
    unhappy: str = "",
    clock: Clock,
    policy: Policy,
) -> ContactReceived:
    """Receive one contact from the customer, on `channel`, at `received_at`.

    `subject` and `summary` describe it (a new case's subject and description; the
    contact's summary). `by` is the member of staff who logged it, None for the system
    (an email from the mailbox). Opening a case, `kind`, `customer`, `assign_to` (or
    their cover), `team`, `urgent` and `resolved_at_first_contact` say what it is;
    joining `thread`, `assign_to` moves the case to them if it is with someone else and
    `by` (a member of staff) logged the contact: the system moves no case.

    `unhappy`: the customer said they are unhappy with a service and were offered a
    complaint (cases.complaint_offers.Unhappy): their choice is recorded on the case, and
    a complaint about it opened if they chose to make one.
    """
    clock = read_once(clock)
    if thread is None:
        case = case_create(
            kind=kind,
            channel=channel,
            received_at=received_at,
            subject=subject,
            description=summary,
            customer=customer,
            assign_to=assign_to,
            team=team,
            urgent=urgent,
            resolved_at_first_contact=resolved_at_first_contact,
            by=by,
            policy=policy,
            clock=clock,
        )
        received = ContactReceived(case=case, contact=case.contacts.get(), opened=True)
        return _offered(received, unhappy, by, policy, clock)
    contact = contact_log(
        case=thread,
        channel=channel,
        direction=Direction.INBOUND,
        by=by,
        summary=summary,
        at=received_at,
        policy=policy,
        clock=clock,
    )
    if assign_to is not None and assign_to.pk != thread.assigned_to_id and by is not None:
        case_assign(case=thread, officer=assign_to, by=by, policy=policy, clock=clock)
    received = ContactReceived(case=thread, contact=contact, opened=False)
    return _offered(received, unhappy, by, policy, clock)


def _offered(
    received: ContactReceived, unhappy: str, by: StaffMember | None, policy: Policy, clock: Clock
) -> ContactReceived:
    if not unhappy:
        return received
    complaint = _complaint_offer_record(
        case=received.case,
        choice=unhappy,
        channel=received.contact.channel,
        at=received.contact.at,
        by=by,
        policy=policy,
        clock=clock,
    )
    return replace(received, complaint=complaint)


def _complaint_offer_record(
    *,
    case: Case,
    choice: str,
    channel: str,
    at: datetime,
    by: StaffMember | None,
    policy: Policy,
    clock: Clock,
) -> Case | None:
    """Keep the customer's choice on `case`; open their complaint if they chose one
    (received when they said so, on the same channel, given to whoever logged it)."""
    if choice not in Unhappy.values:
        raise errors.UnknownComplaintChoice("Say whether the customer wants to make a complaint.")
    if case.kind in NOT_OFFERED:
        return None
    now = clock.now()
    complaint = None
    if choice == Unhappy.COMPLAINT:
        complaint = case_create(
            kind=CaseKind.COMPLAINT,
            channel=channel,
            received_at=at,
            subject=f"Complaint about {case.subject}"[:200],
            customer=case.customer,
            assign_to=by,
            raised_from=case,
            by=by,
            policy=policy,
            clock=clock,
        )
        said = f"The customer was unhappy and chose to make a complaint: {complaint.reference}."
    else:
        said = "The customer was unhappy with the service, and chose not to make a complaint."
    events.record(
        events.complaint_step_recorded(
            case=case, by=by, at=now, step="offered", stage=None, text=said
        )
    )
    return complaint


@dataclass(frozen=True)
class Arrival:
    """One contact for `contacts_receive`: each opens a case, with nobody assigned."""

    channel: str
    received_at: datetime
    subject: str
    summary: str = ""
    kind: str = CaseKind.GENERAL_ENQUIRY
    customer: Customer | None = None
    team: Team | None = None


def contacts_receive(
    arrivals: Sequence[Arrival], *, policy: Policy, now: datetime
) -> list[CaseDraft]:
    """Receive many contacts at once, each opening a case, as `contact_receive` would
    open it one by one: the same rules, with one insert per table. Call it inside the
    caller's transaction. The drafts are returned in the order of `arrivals`."""
    if not arrivals:
        return []
    references = references_reserve(policy, [arrival.received_at for arrival in arrivals])
    recorder = Recorder(policy=policy, absences=())  # nobody is assigned: no cover needed
    drafts = [
        recorder.create(
            reference=reference,
            kind=arrival.kind,
            channel=arrival.channel,
            received_at=arrival.received_at,
            subject=arrival.subject,
            description=arrival.summary,
            customer=arrival.customer,
            team=arrival.team,
            by=None,
            now=now,
        )
        for arrival, reference in zip(arrivals, references, strict=True)
    ]
    save_drafts(drafts)
    return drafts
