"""The callback rule: each voicemail an import stores opens one callback case, as the
case service would open it, for the customer the caller's number matches."""

from datetime import UTC, datetime

import pytest

from caredesk.cases.models import Case, Deadline
from caredesk.cases.services import case_create
from caredesk.customers.models import Customer
from caredesk.telephony.models import Call, Line
from caredesk.telephony.tests.conftest import HALTON, run

DEADLINE_FIELDS = [
    *("standard_key", "starts_at", "standard_due_at", "revised_due_at", "due_at", "warn_at"),
    *("met_at", "ended_at", "status", "assigned_to_id", "team_id"),
]


@pytest.fixture
def zoe(db):
    return Customer.objects.create(
        customer_type="tenant",
        first_name="Zoë",
        last_name="Ødegård",
        phone="+44 7700 900123",
        created_at=datetime(2024, 1, 1, tzinfo=UTC),
    )


# -- the cases --------------------------------------------------------------------------


def test_each_voicemail_opens_one_callback_case_for_the_matching_customer(
    people, clock, master, zoe
):
    Line.objects.create(name="from-external", team=people.team)
    run(master, clock)
    run(master, clock)
    cases = Case.objects.order_by("received_at")
    assert cases.count() == 2
    known, unknown = cases
    assert (known.kind, known.channel) == ("message", "voicemail")
    assert known.customer == zoe
    assert known.subject == "Voicemail from Zoë Ødegård (07700900123)"
    assert known.received_at == datetime(2025, 6, 2, 17, 30, tzinfo=UTC)
    assert known.team == people.team
    assert "1748885400.4" in known.description
    deadline = Deadline.objects.get(case=known)
    assert deadline.standard_key == "voicemail_return"
    assert deadline.due_at == datetime(2025, 6, 3, 17, 30, tzinfo=UTC)
    assert unknown.customer is None
    assert unknown.subject == "Voicemail from 李小龍 (07700900999)"


def test_a_callback_case_is_what_the_case_service_would_open(people, clock, master, zoe):
    Line.objects.create(name="from-external", team=people.team)
    run(master, clock)
    for imported in Case.objects.order_by("received_at"):
        made = case_create(
            kind=imported.kind,
            channel=imported.channel,
            received_at=imported.received_at,
            subject=imported.subject,
            description=imported.description,
            by=None,
            customer=imported.customer,
            team=imported.team,
            policy=HALTON,
            clock=clock,
        )
        assert case_rows(made) == case_rows(imported)


def case_rows(case):
    """What a case is, beside its id and reference: its fields, deadlines, contacts, events."""
    fields = [
        *("kind", "channel", "received_at", "subject", "description", "customer_id"),
        *("team_id", "assigned_to_id", "urgent", "status", "created_at"),
    ]
    return (
        Case.objects.filter(pk=case.pk).values(*fields).get(),
        list(case.deadlines.values(*DEADLINE_FIELDS)),
        list(case.contacts.values("channel", "direction", "at", "staff_id", "summary")),
        list(case.events.order_by("id").values("kind", "actor_id", "at", "data")),
    )


def test_callback_cases_take_the_next_references_and_the_desk_carries_on(people, clock, master):
    case_create(
        kind="general_enquiry",
        channel="phone",
        received_at=datetime(2025, 6, 2, 9, 0, tzinfo=UTC),
        subject="Before the import",
        by=None,
        policy=HALTON,
        clock=clock,
    )
    run(master, clock)
    after = case_create(
        kind="general_enquiry",
        channel="phone",
        received_at=datetime(2025, 6, 3, 9, 0, tzinfo=UTC),
        subject="After the import",
        by=None,
        policy=HALTON,
        clock=clock,
    )
    references = list(Case.objects.order_by("id").values_list("reference", flat=True))
    assert references == [f"HHT-2025-00000{n}" for n in (1, 2, 3, 4)]
    assert after.reference == "HHT-2025-000004"


def test_two_customers_with_the_callers_number_leave_the_case_unmatched(people, clock, master, zoe):
    Customer.objects.create(
        customer_type="tenant",
        first_name="Other",
        phone="07700 900123",
        created_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    run(master, clock)
    assert Case.objects.get(subject__contains="Zoë").customer is None


# -- the callback window ---------------------------------------------------------------


def test_voicemails_older_than_the_callback_window_open_no_case(people, clock, master):
    # the file's voicemails were left on 2 June 2025; the import runs in September
    clock.moment = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
    record = run(master, clock)
    assert record.rows_imported > 0
    assert Call.objects.filter(outcome="voicemail").count() == 2  # kept for the figures
    assert not Case.objects.exists()


def test_the_callback_window_can_be_widened_for_a_late_import(people, clock, master):
    clock.moment = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
    run(master, clock, callbacks_since=datetime(2025, 6, 1, tzinfo=UTC))
    assert Case.objects.filter(channel="voicemail").count() == 2
