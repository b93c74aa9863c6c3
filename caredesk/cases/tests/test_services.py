"""Case services: deadlines start, stop, pause and revise as the policies say."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from caredesk.cases import errors
from caredesk.cases.models import (
    CaseKind,
    CaseStatus,
    Channel,
    DeadlineStatus,
    Direction,
    EventKind,
    PauseReason,
)
from caredesk.cases.selectors import (
    case_events_list,
    deadlines_assigned_list,
    deadlines_overdue_list,
    deadlines_team_list,
)
from caredesk.cases.services import (
    case_assign,
    case_create,
    case_finish,
    case_resume,
    case_wait_for_customer,
    complaint_acknowledge,
    complaint_escalate,
    contact_log,
    holding_reply_send,
    note_add,
    response_send,
)
from caredesk.staff.models import AbsenceKind
from caredesk.staff.services import absence_record
from caredesk.standards import load_policy, parse_duration
from caredesk.standards import policy as schema

LONDON = ZoneInfo("Europe/London")
HALTON = load_policy("halton")
STONEWALL = load_policy("stonewall")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def new_case(
    people,
    clock,
    *,
    policy=HALTON,
    kind=CaseKind.GENERAL_ENQUIRY,
    channel=Channel.LETTER,
    received=None,
    **more,
):
    return case_create(
        kind=kind,
        channel=channel,
        received_at=received or at(2025, 6, 2, 10),
        subject="Fence panel blown down",
        by=people.administrator,
        assign_to=more.pop("assign_to", people.officer),
        policy=policy,
        clock=clock,
        **more,
    )


def open_deadlines(case):
    return {d.standard_key: d for d in case.deadlines.exclude(status=DeadlineStatus.MET)}


def test_a_letter_gets_a_reference_and_the_letters_deadline(people, clock):
    case = new_case(people, clock)
    assert case.reference == "HHT-2025-000001"
    deadline = case.deadlines.get()
    assert deadline.standard_key == "letter_email_response"
    assert deadline.due_at == at(2025, 6, 16, 17)  # 10 working days, Halton closes at 17:00
    assert deadline.assigned_to == people.officer
    assert deadline.team == people.team
    assert case.contacts.get().direction == Direction.INBOUND


def test_references_count_up_within_a_year_and_start_again_the_next(people, clock):
    clock.moment = datetime(2026, 1, 5, 12, tzinfo=LONDON)
    first = new_case(people, clock, received=at(2025, 12, 31, 10))
    second = new_case(people, clock, received=at(2025, 12, 31, 11))
    third = new_case(people, clock, received=at(2026, 1, 2, 9))
    assert [c.reference for c in (first, second, third)] == [
        "HHT-2025-000001",
        "HHT-2025-000002",
        "HHT-2026-000001",
    ]
    assert new_case(people, clock, policy=STONEWALL).reference == "SH-2025-000001"


def test_a_case_cannot_be_received_in_the_future(people, clock):
    with pytest.raises(errors.ReceivedInFuture, match="future"):
        new_case(people, clock, received=clock.moment + timedelta(minutes=1))


def test_a_phone_enquiry_not_dealt_with_on_the_call_needs_a_written_reply(people, clock):
    case = new_case(people, clock, channel=Channel.PHONE)
    assert case.deadlines.get().standard_key == "phone_written_follow_up"
    assert case.deadlines.get().due_at == at(2025, 6, 9, 17)  # 5 working days


def test_a_phone_enquiry_resolved_on_the_call_starts_no_deadline(people, clock):
    case = new_case(people, clock, channel=Channel.PHONE, resolved_at_first_contact=True)
    assert case.status == CaseStatus.RESOLVED
    assert not case.deadlines.exists()


def test_a_form_request_dealt_with_on_the_call_is_met_at_once(people, clock):
    case = new_case(
        people,
        clock,
        kind=CaseKind.INFORMATION_REQUEST,
        channel=Channel.PHONE,
        resolved_at_first_contact=True,
    )
    deadline = case.deadlines.get()
    assert deadline.standard_key == "information_request"
    assert deadline.status == DeadlineStatus.MET
    assert deadline.met_standard is True


def test_stonewall_emails_are_due_in_2_working_days(people, clock):
    case = new_case(
        people, clock, policy=STONEWALL, channel=Channel.EMAIL, received=at(2025, 5, 23, 15)
    )
    assert case.deadlines.get().due_at == at(2025, 5, 28, 17, 30)


def test_a_message_is_returned_within_24_hours_by_calling_back(people, clock):
    case = new_case(
        people,
        clock,
        policy=STONEWALL,
        kind=CaseKind.MESSAGE,
        channel=Channel.VOICEMAIL,
        received=at(2025, 6, 19, 16),
    )
    deadline = case.deadlines.get()
    assert (deadline.standard_key, deadline.due_at) == ("message_response", at(2025, 6, 20, 16))
    contact_log(
        case=case,
        channel=Channel.PHONE,
        direction=Direction.OUTBOUND,
        by=people.officer,
        at=at(2025, 6, 20, 9),
        policy=STONEWALL,
        clock=clock,
    )
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET
    assert deadline.met_standard is True


def test_a_response_meets_the_deadline(people, clock):
    case = new_case(people, clock)
    response_send(
        case=case,
        channel=Channel.LETTER,
        summary="Fence repaired",
        by=people.officer,
        at=at(2025, 6, 17, 10),
        policy=HALTON,
        clock=clock,
    )
    deadline = case.deadlines.get()
    assert deadline.status == DeadlineStatus.MET
    assert deadline.met_standard is False  # a day late


def test_a_holding_reply_revises_the_date_and_keeps_the_original(people, clock):
    case = new_case(people, clock)
    clock.moment = at(2025, 6, 12, 11)
    reply = holding_reply_send(
        deadline=case.deadlines.get(),
        reason="Waiting for a contractor's quote",
        revised=at(2025, 6, 27, 17),
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    deadline = case.deadlines.get()
    assert reply.revised_due_at == at(2025, 6, 27, 17)
    assert (deadline.standard_due_at, deadline.due_at) == (at(2025, 6, 16, 17), at(2025, 6, 27, 17))
    response_send(
        case=case,
        channel=Channel.LETTER,
        summary="Done",
        by=people.officer,
        at=at(2025, 6, 25, 10),
        policy=HALTON,
        clock=clock,
    )
    deadline.refresh_from_db()
    assert (deadline.met_standard, deadline.met_revised_date) == (False, True)


def test_stonewall_letters_allow_no_holding_reply(people, clock):
    case = new_case(people, clock, policy=STONEWALL)
    with pytest.raises(errors.HoldingReplyNotAllowed, match="does not allow a holding reply"):
        holding_reply_send(
            deadline=case.deadlines.get(),
            reason="Busy",
            by=people.officer,
            revised=parse_duration("5 working days"),
            policy=STONEWALL,
            clock=clock,
        )


def test_a_holding_reply_needs_a_reason(people, clock):
    case = new_case(people, clock)
    with pytest.raises(errors.HoldingReplyWithoutReason, match="reason"):
        holding_reply_send(
            deadline=case.deadlines.get(),
            reason="  ",
            by=people.officer,
            revised=at(2025, 6, 27, 17),
            policy=HALTON,
            clock=clock,
        )


def test_a_complaint_goes_through_both_ombudsman_stages(people, clock):
    clock.moment = at(2025, 8, 29, 12)
    case = new_case(people, clock, kind=CaseKind.COMPLAINT, channel=Channel.EMAIL)
    assert set(open_deadlines(case)) == {"complaint_stage_1_acknowledge"}
    complaint_acknowledge(
        case=case, stage=1, by=people.officer, at=at(2025, 6, 4, 10), policy=HALTON, clock=clock
    )
    response = open_deadlines(case)["complaint_stage_1_response"]
    assert response.due_at == at(2025, 6, 18, 17)  # 10 working days from acknowledgement
    response_send(
        case=case,
        channel=Channel.EMAIL,
        summary="Stage 1 decision",
        by=people.officer,
        at=at(2025, 6, 17, 10),
        policy=HALTON,
        clock=clock,
    )
    complaint_escalate(case=case, by=None, at=at(2025, 7, 1, 9), policy=HALTON, clock=clock)
    complaint_acknowledge(
        case=case, stage=2, by=people.line_manager, at=at(2025, 7, 3, 9), policy=HALTON, clock=clock
    )
    stage_2 = open_deadlines(case)["complaint_stage_2_response"]
    assert stage_2.due_at == at(2025, 7, 31, 17)  # 20 working days from 3 July
    met = set(
        case.deadlines.filter(status=DeadlineStatus.MET).values_list("standard_key", flat=True)
    )
    assert met == {
        "complaint_stage_1_acknowledge",
        "complaint_stage_1_response",
        "complaint_stage_2_acknowledge",
    }


def test_a_complaint_extension_is_limited_to_10_working_days(people, clock):
    case = new_case(people, clock, kind=CaseKind.COMPLAINT, channel=Channel.EMAIL)
    complaint_acknowledge(
        case=case, stage=1, by=people.officer, at=at(2025, 6, 3, 10), policy=HALTON, clock=clock
    )
    deadline = open_deadlines(case)["complaint_stage_1_response"]  # due 17 June
    clock.moment = at(2025, 6, 10, 10)
    with pytest.raises(errors.HoldingReplyTooLate, match="10 working days after the original date"):
        holding_reply_send(
            deadline=deadline,
            reason="Survey needed",
            revised=at(2025, 7, 2, 17),
            by=people.officer,
            policy=HALTON,
            clock=clock,
        )
    holding_reply_send(
        deadline=deadline,
        reason="Survey needed",
        revised=at(2025, 7, 1, 17),
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )


def test_waiting_for_clarification_pauses_a_subject_access_request_only(people, clock):
    clock.moment = at(2025, 9, 4, 9)
    sar = new_case(people, clock, kind=CaseKind.SUBJECT_ACCESS_REQUEST, received=at(2025, 9, 3, 12))
    letter = new_case(people, clock, received=at(2025, 9, 3, 12))
    clock.moment = at(2025, 9, 5, 10)
    for case in (sar, letter):
        case_wait_for_customer(
            case=case,
            reason=PauseReason.CLARIFICATION_REQUESTED,
            by=people.officer,
            policy=HALTON,
            clock=clock,
        )
    sar_deadline, letter_deadline = sar.deadlines.get(), letter.deadlines.get()
    assert (sar_deadline.status, sar_deadline.due_at) == (DeadlineStatus.PAUSED, None)
    assert letter_deadline.status == DeadlineStatus.OPEN  # letters cannot be paused
    clock.moment = at(2025, 9, 10, 10)
    case_resume(case=sar, by=people.officer, policy=HALTON, clock=clock)
    sar_deadline.refresh_from_db()
    assert sar_deadline.status == DeadlineStatus.OPEN
    assert sar_deadline.due_at == at(2025, 10, 8, 17)  # 3 October + 3 working days paused


def test_work_for_an_officer_who_is_away_goes_to_their_cover(people, clock):
    absence_record(
        staff=people.officer,
        kind=AbsenceKind.ANNUAL_LEAVE,
        first_day=date(2025, 6, 16),
        last_day=date(2025, 6, 27),
        cover=people.teammate,
        by=people.officer,
    )
    case = new_case(people, clock)  # clock: 20 June, while away
    assert case.assigned_to == people.teammate
    assert case.deadlines.get().assigned_to == people.teammate
    event = case.events.get(kind=EventKind.ASSIGNED)
    assert event.data == {
        "to": people.teammate.pk,
        "from": None,
        "asked_for": people.officer.pk,
        "reason": "away",
    }


def test_reassigning_moves_the_open_deadlines_too(people, clock):
    case = new_case(people, clock)
    case_assign(
        case=case, officer=people.outsider, by=people.line_manager, policy=HALTON, clock=clock
    )
    deadline = case.deadlines.get()
    assert (deadline.assigned_to, deadline.team) == (people.outsider, people.other_team)
    assert case.events.filter(kind=EventKind.REASSIGNED).exists()


def test_finishing_a_case_ends_unmet_deadlines_and_says_so(people, clock):
    case = new_case(people, clock)
    case_finish(case=case, status=CaseStatus.CLOSED, by=people.officer, clock=clock)
    deadline = case.deadlines.get()
    assert (deadline.status, deadline.met_at) == (DeadlineStatus.ENDED_UNMET, None)


def test_every_change_is_on_the_timeline(people, clock):
    case = new_case(people, clock)
    note_add(case=case, text="Called the contractor", by=people.officer, clock=clock)
    response_send(
        case=case,
        channel=Channel.LETTER,
        summary="Fixed",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    case_finish(case=case, status=CaseStatus.RESOLVED, by=people.officer, clock=clock)
    assert [e.kind for e in case_events_list(case=case)] == [
        EventKind.CREATED,
        EventKind.ASSIGNED,
        EventKind.DEADLINE_STARTED,
        EventKind.NOTE,
        EventKind.RESPONSE,
        EventKind.DEADLINE_MET,
        EventKind.STATUS_CHANGED,
    ]


def test_queues_list_open_deadlines_soonest_first(people, clock):
    letter = new_case(people, clock, received=at(2025, 6, 2, 10))  # due 16 June
    phone = new_case(people, clock, channel=Channel.PHONE, received=at(2025, 6, 2, 10))  # 9 June
    new_case(people, clock, assign_to=people.outsider)
    done = new_case(people, clock, channel=Channel.PHONE, received=at(2025, 6, 3, 10))
    response_send(
        case=done,
        channel=Channel.LETTER,
        summary="x",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    assert [d.case for d in deadlines_assigned_list(staff=people.officer)] == [phone, letter]
    assert [d.case for d in deadlines_team_list(team=people.team)] == [phone, letter]
    assert [d.case for d in deadlines_overdue_list(now=at(2025, 6, 10, 9))] == [phone]


def test_case_choices_are_the_policy_files_vocabulary():
    assert set(CaseKind.values) == {k.value for k in schema.CaseKind}
    assert set(Channel.values) == {c.value for c in schema.Channel} - {"any"}
    assert set(PauseReason.values) == {r.value for r in schema.PauseReason}
