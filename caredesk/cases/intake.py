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
from dataclasses import dataclass
from datetime import datetime

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
        return ContactReceived(case=case, contact=case.contacts.get(), opened=True)
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
    return ContactReceived(case=thread, contact=contact, opened=False)


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
