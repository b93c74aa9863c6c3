"""One way in (cases.intake): every channel's contact opens a case or joins one here."""

from __future__ import annotations

import ast
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from caredesk.cases.intake import Arrival, contact_receive, contacts_receive
from caredesk.cases.models import Case, CaseKind, Channel, DeadlineStatus, Direction, EventKind
from caredesk.standards import load_policy

LONDON = ZoneInfo("Europe/London")
HALTON = load_policy("halton")
CASEDESK = Path(__file__).resolve().parents[2]


def received(hour: int = 10) -> datetime:
    return datetime(2025, 6, 2, hour, tzinfo=LONDON)


def test_a_contact_with_no_thread_opens_a_case_and_starts_its_deadlines(people, clock):
    got = contact_receive(
        channel=Channel.LETTER,
        received_at=received(),
        subject="Fence panel blown down",
        summary="Letter from Zoe",
        assign_to=people.officer,
        by=people.administrator,
        clock=clock,
        policy=HALTON,
    )
    assert got.opened
    assert got.case.reference == "HHT-2025-000001"
    assert got.contact.case == got.case
    assert got.contact.direction == Direction.INBOUND
    assert got.contact.summary == "Letter from Zoe"
    assert got.case.description == "Letter from Zoe"
    assert got.case.assigned_to == people.officer
    assert list(got.case.deadlines.values_list("standard_key", flat=True)) == [
        "letter_email_response"
    ]


def test_a_contact_on_a_thread_joins_it_and_starts_no_second_deadline(people, clock):
    first = contact_receive(
        channel=Channel.LETTER,
        received_at=received(10),
        subject="Fence",
        assign_to=people.officer,
        by=people.administrator,
        clock=clock,
        policy=HALTON,
    )
    again = contact_receive(
        channel=Channel.EMAIL,
        received_at=received(11),
        subject="Re: Fence",
        summary="Any news?",
        thread=first.case,
        clock=clock,
        policy=HALTON,
    )
    assert not again.opened
    assert again.case == first.case
    assert Case.objects.count() == 1
    assert first.case.contacts.count() == 2
    assert again.contact.channel == Channel.EMAIL
    assert first.case.deadlines.filter(status=DeadlineStatus.OPEN).count() == 1
    kinds = list(first.case.events.values_list("kind", flat=True))
    assert kinds[-1] == EventKind.CONTACT


def test_a_contact_for_someone_new_on_a_thread_moves_the_case_to_them(people, clock):
    first = contact_receive(
        channel=Channel.LETTER,
        received_at=received(),
        subject="Fence",
        assign_to=people.officer,
        by=people.administrator,
        clock=clock,
        policy=HALTON,
    )
    contact_receive(
        channel=Channel.LETTER,
        received_at=received(12),
        subject="Fence",
        thread=first.case,
        assign_to=people.teammate,
        by=people.administrator,
        clock=clock,
        policy=HALTON,
    )
    first.case.refresh_from_db()
    assert first.case.assigned_to == people.teammate
    assert first.case.deadlines.get().assigned_to == people.teammate


def test_contacts_received_in_bulk_open_what_one_at_a_time_would(people, clock):
    """The bulk path (a call import's voicemails) writes the same case, deadlines and
    timeline as contact_receive does for each contact."""
    arrivals = [
        Arrival(
            channel=Channel.VOICEMAIL,
            received_at=received(9 + n),
            subject=f"Voicemail {n}",
            summary=f"Voicemail from 0161 496 000{n}",
            kind=CaseKind.MESSAGE,
            team=people.team,
        )
        for n in range(3)
    ]
    drafts = contacts_receive(arrivals, policy=HALTON, now=clock.now())
    for arrival in arrivals:
        contact_receive(
            channel=arrival.channel,
            received_at=arrival.received_at,
            subject=arrival.subject,
            summary=arrival.summary,
            kind=arrival.kind,
            team=arrival.team,
            clock=clock,
            policy=HALTON,
        )
    bulk = [Case.objects.get(reference=draft.case.reference) for draft in drafts]
    one_by_one = list(Case.objects.exclude(pk__in=[case.pk for case in bulk]).order_by("pk"))
    assert [case.reference for case in bulk] == [f"HHT-2025-00000{n}" for n in (1, 2, 3)]

    def shape(case: Case) -> tuple[object, ...]:
        deadlines = [
            (d.standard_key, d.starts_at, d.due_at, d.warn_at, d.status, d.team_id)
            for d in case.deadlines.order_by("pk")
        ]
        contacts = [(c.channel, c.direction, c.at, c.summary) for c in case.contacts.all()]
        timeline = [(e.kind, e.data) for e in case.events.order_by("pk")]
        fields = (
            case.kind,
            case.channel,
            case.received_at,
            case.subject,
            case.status,
            case.team_id,
        )
        return fields, deadlines, contacts, timeline

    assert [shape(case) for case in bulk] == [shape(case) for case in one_by_one]
    assert all(case.deadlines.exists() for case in bulk)


def test_no_channel_opens_a_case_but_through_intake():
    """Only cases.intake (and the case services it calls) open cases: every channel, the
    desk and the API go through contact_receive."""
    offenders = []
    for path in CASEDESK.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "conftest.py":
            continue
        if path.parent.name == "cases" and path.name in ("intake.py", "services.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("case_create"):
                offenders.append(f"{path.relative_to(CASEDESK)}:{node.lineno}")
    assert offenders == []


def test_only_intake_and_the_demo_write_cases_in_bulk():
    """The bulk drafts are for intake (many contacts at once) and the demo's year of
    cases, both through the same rules; a channel calls contacts_receive instead."""
    allowed = {("cases", "intake.py"), ("demo", "build.py")}
    offenders = []
    for path in CASEDESK.rglob("*.py"):
        if "tests" in path.parts or (path.parent.name, path.name) in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(
                ("Recorder", "save_drafts", "references_reserve")
            ):
                offenders.append(f"{path.relative_to(CASEDESK)}:{node.lineno}")
    assert offenders == []
