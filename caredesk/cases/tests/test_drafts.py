"""The bulk drafts write the rows the services write: the same rules (cases.rules), two
writers. Each story is told both ways, action by action at the same times, and every
row compared."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from caredesk.cases import errors, services
from caredesk.cases.drafts import Recorder, references_reserve, save_drafts
from caredesk.cases.models import Case, CaseStatus, Channel, Direction, PauseReason
from caredesk.conftest import SettableClock
from caredesk.standards import load_policy, parse_duration

LONDON = ZoneInfo("Europe/London")
HALTON = load_policy("halton")
STONEWALL = load_policy("stonewall")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 6, day, hour, minute, tzinfo=LONDON)


# A story: how the case arrives, then (action, when, arguments) in order.
COMPLAINT = (
    {"kind": "complaint", "channel": Channel.LETTER, "received_at": at(2, 10)},
    [
        ("acknowledge", at(3, 11), {"stage": 1}),
        ("note", at(4, 9), {"text": "Spoke to the repairs team"}),
        ("hold", at(10, 15), {"key": "complaint_stage_1_response", "reason": "Survey booked"}),
        ("respond", at(16, 12), {"channel": Channel.LETTER, "summary": "Stage 1 response"}),
        ("escalate", at(18, 9), {}),
        ("acknowledge", at(19, 14), {"stage": 2}),
        ("finish", at(27, 16), {"status": CaseStatus.RESOLVED}),
    ],
)
SUBJECT_ACCESS = (
    {"kind": "subject_access_request", "channel": Channel.EMAIL, "received_at": at(2, 16, 30)},
    [
        ("wait", at(3, 10), {"reason": PauseReason.IDENTITY_CHECK}),
        ("resume", at(9, 12), {}),
        ("respond", at(20, 10), {"channel": Channel.EMAIL, "summary": "Your records"}),
        ("finish", at(23, 9), {"status": CaseStatus.CLOSED}),
    ],
)
VOICEMAIL = (
    {"kind": "message", "channel": Channel.VOICEMAIL, "received_at": at(6, 17, 45)},
    [
        ("assign", at(9, 8, 30), {"to": "teammate"}),
        ("contact", at(9, 9), {"channel": Channel.PHONE, "direction": Direction.OUTBOUND}),
        ("finish", at(9, 9, 5), {"status": CaseStatus.RESOLVED}),
    ],
)


def by_services(story, policy, people) -> Case:
    arrival, steps = story
    case = services.case_create(
        **arrival,
        subject="The story",
        description="How it began",
        by=people.officer,
        assign_to=people.officer,
        policy=policy,
        clock=SettableClock(arrival["received_at"]),
    )
    for action, when, given in steps:
        clock = SettableClock(when)
        common = {"by": people.officer, "clock": clock}
        if action == "acknowledge":
            services.complaint_acknowledge(case=case, policy=policy, **given, **common)
        elif action == "note":
            services.note_add(case=case, **given, **common)
        elif action == "hold":
            deadline = case.deadlines.get(standard_key=given["key"], status="open")
            services.holding_reply_send(
                deadline=deadline,
                reason=given["reason"],
                revised=parse_duration("6 working days"),  # due 17 June: a day later
                policy=policy,
                **common,
            )
        elif action == "respond":
            services.response_send(case=case, policy=policy, **given, **common)
        elif action == "escalate":
            services.complaint_escalate(case=case, policy=policy, **common)
        elif action == "wait":
            services.case_wait_for_customer(case=case, policy=policy, **given, **common)
        elif action == "resume":
            services.case_resume(case=case, policy=policy, **common)
        elif action == "assign":
            officer = getattr(people, given["to"])
            services.case_assign(case=case, officer=officer, policy=policy, **common)
        elif action == "contact":
            services.contact_log(case=case, summary="", policy=policy, **given, **common)
        elif action == "finish":
            services.case_finish(case=case, **given, **common)
        case.refresh_from_db()
    return case


def by_drafts(story, policy, people) -> Case:
    arrival, steps = story
    recorder = Recorder(policy=policy, absences=())
    [reference] = references_reserve(policy, [arrival["received_at"]])
    draft = recorder.create(
        reference=reference,
        **arrival,
        subject="The story",
        description="How it began",
        by=people.officer,
        assign_to=people.officer,
        now=arrival["received_at"],
    )
    for action, when, given in steps:
        who = people.officer
        if action == "acknowledge":
            recorder.acknowledge(draft, stage=given["stage"], by=who, at=when)
        elif action == "note":
            recorder.note(draft, text=given["text"], by=who, now=when)
        elif action == "hold":
            revised = parse_duration("6 working days")  # due 17 June: a day later
            recorder.hold(draft, **given, revised=revised, by=who, now=when)
        elif action == "respond":
            recorder.respond(draft, **given, by=who, at=when)
        elif action == "escalate":
            recorder.escalate(draft, by=who, at=when)
        elif action == "wait":
            recorder.wait(draft, reason=given["reason"], by=who, now=when)
        elif action == "resume":
            recorder.resume(draft, by=who, now=when)
        elif action == "assign":
            recorder.assign(draft, officer=getattr(people, given["to"]), by=who, now=when)
        elif action == "contact":
            recorder.contact(draft, **given, by=who, summary="", at=when, now=when)
        elif action == "finish":
            recorder.finish(draft, status=given["status"], by=who, now=when)
    save_drafts([draft])
    return Case.objects.get(reference=reference)


def rows(case: Case) -> dict[str, object]:
    deadlines = case.deadlines.order_by("pk")
    return {
        "case": (case.kind, case.channel, case.status, case.assigned_to_id, case.team_id),
        "contacts": [
            (c.channel, c.direction, c.at, c.staff_id, c.summary)
            for c in case.contacts.order_by("at", "pk")
        ],
        "deadlines": [
            (
                d.standard_key,
                d.starts_at,
                d.due_at,
                d.standard_due_at,
                d.revised_due_at,
                d.warn_at,
                d.met_at,
                d.ended_at,
                d.status,
                d.time_taken,
                d.assigned_to_id,
                d.outlives_case,
            )
            for d in deadlines
        ],
        "pauses": [
            (p.deadline.standard_key, p.reason, p.starts_at, p.ends_at)
            for d in deadlines
            for p in d.pauses.order_by("pk")
        ],
        "holding replies": [
            (r.deadline.standard_key, r.sent_at, r.reason, r.revised_due_at)
            for d in deadlines
            for r in d.holding_replies.order_by("pk")
        ],
        "timeline": [(e.kind, e.actor_id, e.at, e.data) for e in case.events.order_by("at", "pk")],
    }


@pytest.mark.parametrize(
    ("story", "policy"),
    [(COMPLAINT, HALTON), (SUBJECT_ACCESS, HALTON), (VOICEMAIL, STONEWALL), (VOICEMAIL, HALTON)],
    ids=["complaint", "subject access", "voicemail stonewall", "voicemail halton"],
)
def test_the_drafts_write_what_the_services_write(people, story, policy):
    one_by_one = rows(by_services(story, policy, people))
    in_bulk = rows(by_drafts(story, policy, people))
    for part, written in one_by_one.items():
        assert in_bulk[part] == written, part
    assert one_by_one["deadlines"], "the story starts a deadline"
    if story is COMPLAINT:
        assert one_by_one["holding replies"], "the complaint's response is put back"
    if story is SUBJECT_ACCESS:
        assert one_by_one["pauses"], "the request waits for proof of identity"


def test_the_bulk_drafts_refuse_to_bring_the_promised_date_forward(people):
    received = at(19, 10)  # due 3 July 17:00
    recorder = Recorder(policy=HALTON, absences=())
    [reference] = references_reserve(HALTON, [received])
    draft = recorder.create(
        reference=reference,
        kind="general_enquiry",
        channel="letter",
        received_at=received,
        subject="A letter",
        description="",
        by=people.officer,
        assign_to=people.officer,
        now=received,
    )
    with pytest.raises(errors.HoldingReplyTooEarly):
        recorder.hold(
            draft,
            key="letter_email_response",
            reason="A survey",
            revised=parse_duration("2 working days"),  # 23 June: before 3 July
            by=people.officer,
            now=at(19, 11),
        )
    save_drafts([draft])
