"""Case events (cases.events): each kind is written by one function and read back typed."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from caredesk.cases import event_reading, events
from caredesk.cases.models import Case, CaseEvent, CaseStatus, EventKind
from caredesk.cases.services import case_create

AT = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)
CASEDESK = Path(__file__).resolve().parents[2]


def built(people, make):
    case = Case(pk=1, reference="HHT-2025-000001")
    event = make(case, people.officer)
    assert event.pk is None, "built, not written"
    return event


@pytest.mark.parametrize(
    ("make", "kind", "details"),
    [
        (
            lambda c, by: events.case_opened(
                case=c, by=by, at=AT, kind="complaint", channel="letter"
            ),
            EventKind.CREATED,
            event_reading.CaseOpened(kind="complaint", channel="letter"),
        ),
        (
            lambda c, by: events.note_added(case=c, by=by, at=AT, text="Rang back"),
            EventKind.NOTE,
            event_reading.NoteAdded(text="Rang back"),
        ),
        (
            lambda c, by: events.contact_recorded(
                case=c, by=by, at=AT, channel="phone", direction="outbound"
            ),
            EventKind.CONTACT,
            event_reading.ContactRecorded(channel="phone", direction="outbound"),
        ),
        (
            lambda c, by: events.complaint_acknowledged(case=c, by=by, at=AT, stage=1),
            EventKind.CONTACT,
            event_reading.ComplaintAcknowledged(stage=1),
        ),
        (
            lambda c, by: events.complaint_escalated(case=c, by=by, at=AT, stage=2),
            EventKind.ESCALATION,
            event_reading.Escalated(reason="complaint_stage", stage=2),
        ),
        (
            lambda c, by: events.holding_reply_sent(
                case=c,
                by=by,
                at=AT,
                standard="letter_email_response",
                reason="Survey",
                revised_due_at=AT,
            ),
            EventKind.HOLDING_REPLY,
            event_reading.HoldingReplySent(
                standard="letter_email_response", reason="Survey", revised_due_at=AT.isoformat()
            ),
        ),
        (
            lambda c, by: events.response_sent(case=c, by=by, at=AT, channel="email"),
            EventKind.RESPONSE,
            event_reading.ResponseSent(channel="email"),
        ),
        (
            lambda c, by: events.case_paused(
                case=c, by=by, at=AT, reason="identity_check", paused=["subject_access_request"]
            ),
            EventKind.STATUS_CHANGED,
            event_reading.StatusChanged(
                status=CaseStatus.WAITING_FOR_CUSTOMER,
                reason="identity_check",
                paused=("subject_access_request",),
            ),
        ),
        (
            lambda c, by: events.case_resumed(case=c, by=by, at=AT),
            EventKind.STATUS_CHANGED,
            event_reading.StatusChanged(status=CaseStatus.OPEN),
        ),
        (
            lambda c, by: events.case_finished(case=c, by=by, at=AT, status="closed"),
            EventKind.STATUS_CHANGED,
            event_reading.StatusChanged(status=CaseStatus.CLOSED),
        ),
        (
            lambda c, by: events.deadline_started(
                case=c, by=by, at=AT, standard="voicemail_return", due_at=None
            ),
            EventKind.DEADLINE_STARTED,
            event_reading.DeadlineStarted(standard="voicemail_return", due_at=None),
        ),
        (
            lambda c, by: events.deadline_met(
                case=c, by=by, at=AT, standard="voicemail_return", met_at=AT
            ),
            EventKind.DEADLINE_MET,
            event_reading.DeadlineMet(standard="voicemail_return", met_at=AT.isoformat()),
        ),
        (
            lambda c, by: events.deadline_warned(
                case=c, at=AT, standard="voicemail_return", due_at=AT, to=[4]
            ),
            EventKind.DEADLINE_WARNING,
            event_reading.DeadlineWarned(
                standard="voicemail_return", due_at=AT.isoformat(), to=(4,)
            ),
        ),
        (
            lambda c, by: events.deadline_escalated(
                case=c, at=AT, standard="voicemail_return", due_at=AT, to=[]
            ),
            EventKind.ESCALATION,
            event_reading.Escalated(
                reason="deadline_missed",
                standard="voicemail_return",
                due_at=AT.isoformat(),
                note="There is no line manager to tell.",
            ),
        ),
        (
            lambda c, by: events.urgent_escalated(case=c, at=AT, to=[3, 5]),
            EventKind.ESCALATION,
            event_reading.Escalated(reason="urgent", to=(3, 5)),
        ),
    ],
)
def test_each_kind_reads_back_as_it_was_written(people, make, kind, details):
    event = built(people, make)
    assert event.kind == kind
    assert event_reading.event_read(event) == details


def test_an_assignment_to_cover_says_who_was_asked_for(people):
    case = Case(pk=1, reference="HHT-2025-000001")
    event = events.case_assigned(
        case=case,
        by=people.line_manager,
        at=AT,
        to=people.teammate,
        previous=people.officer.pk,
        asked_for=people.outsider,
    )
    assert event.kind == EventKind.REASSIGNED
    assert event_reading.event_read(event) == event_reading.Assigned(
        to=people.teammate.pk,
        previous=people.officer.pk,
        asked_for=people.outsider.pk,
        reason="away",
    )
    first = events.case_assigned(case=case, by=None, at=AT, to=people.officer, previous=None)
    assert first.kind == EventKind.ASSIGNED
    assert event_reading.event_read(first) == event_reading.Assigned(
        to=people.officer.pk, previous=None
    )


def test_an_old_row_with_missing_or_odd_data_still_reads(people):
    odd = CaseEvent(kind=EventKind.ESCALATION, at=AT, data={"to": ["x", 2, True], "stage": "2"})
    assert event_reading.event_read(odd) == event_reading.Escalated(reason="", to=(2,))
    assert event_reading.event_read(
        CaseEvent(kind=EventKind.NOTE, at=AT, data=[])
    ) == event_reading.NoteAdded(text="")


def test_record_writes_one_and_record_all_many(people, clock):
    case = case_create(
        kind="general_enquiry",
        channel="letter",
        received_at=clock.now(),
        subject="Fence",
        by=people.officer,
        clock=clock,
    )
    before = case.events.count()
    events.record(events.note_added(case=case, by=people.officer, at=AT, text="one"))
    events.record_all(
        events.note_added(case=case, by=people.officer, at=AT, text=text) for text in "ab"
    )
    assert case.events.count() == before + 3


def test_nothing_but_cases_events_makes_a_case_event():
    """Every CaseEvent row is made by cases.events (the worker's sweeps included)."""
    offenders = []
    for path in CASEDESK.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "events.py":
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = ast.unparse(node.func)
            makes = called == "CaseEvent" or called.startswith("CaseEvent.objects.")
            if makes and not called.endswith((".filter", ".get", ".all", ".exclude", ".count")):
                offenders.append(f"{path.relative_to(CASEDESK)}:{node.lineno} {called}")
    assert offenders == []
