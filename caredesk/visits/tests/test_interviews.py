"""Interviews written up (visits.interviews): a contact on the case, and each action agreed
a deadline of the policy's standard, due at the close of the day agreed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from caredesk.cases.models import Case, Channel, DeadlineStatus
from caredesk.conftest import People, SettableClock, customer_case
from caredesk.errors import NotAllowed
from caredesk.staff.models import Office
from caredesk.standards import load_policy
from caredesk.visits import interviews
from caredesk.visits.interviews import ActionAgreed, Where
from caredesk.visits.models import Interview

HALTON = load_policy("halton")
STONEWALL = load_policy("stonewall")
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def case(people: People, clock: SettableClock) -> Case:
    clock.moment = datetime(2026, 6, 22, 14, 0, tzinfo=UTC)  # Monday, 3pm in London
    return customer_case(people, clock)


def write_up(people: People, case: Case, clock: SettableClock, **more: object) -> Interview:
    fields: dict[str, object] = {
        "case": case,
        "held_at": clock.now() - timedelta(hours=1),
        "where": Where(office=Office.objects.get(name="Runcorn"), room="Room 2", private_room=True),
        "officers": [people.officer],
        "issues": "Damp in the back bedroom; rent account in arrears.",
        "by": people.officer,
        "policy": HALTON,
        "clock": clock,
    } | more
    return interviews.interview_record(**fields)  # type: ignore[arg-type]


def test_an_interview_is_a_contact_at_the_time_it_was_held(
    people: People, clock: SettableClock, case: Case
) -> None:
    interview = write_up(people, case, clock, interpreter_language="Polish")

    contact = case.contacts.latest("pk")
    assert contact.channel == Channel.VISIT
    assert contact.at == clock.now() - timedelta(hours=1)
    assert contact.summary.startswith("Interview: Damp in the back bedroom")
    assert list(interview.officers.all()) == [people.officer]
    assert (interview.private_room, interview.room) == (True, "Room 2")


def test_each_action_agreed_is_a_deadline_of_its_owner_due_at_close_on_the_day_agreed(
    people: People, clock: SettableClock, case: Case
) -> None:
    interview = write_up(
        people,
        case,
        clock,
        actions=[
            ActionAgreed("Send a surveyor about the damp", people.teammate, date(2026, 7, 3)),
            ActionAgreed("Set up a repayment plan", people.officer, date(2026, 6, 24)),
        ],
    )

    surveyor, plan = sorted(interview.actions.all(), key=lambda a: a.owner.username, reverse=True)
    assert surveyor.deadline is not None
    assert plan.deadline is not None
    assert surveyor.deadline.assigned_to == people.teammate
    assert surveyor.deadline.standard_key == "interview_action"
    # due at Halton's close of business (17:00) on the day agreed
    assert surveyor.deadline.due_at == datetime(2026, 7, 3, 17, 0, tzinfo=LONDON)
    # and measured against the standard's 10 working days too
    assert surveyor.deadline.standard_due_at == datetime(2026, 7, 6, 17, 0, tzinfo=LONDON)
    assert plan.deadline.due_at == datetime(2026, 6, 24, 17, 0, tzinfo=LONDON)


def test_doing_the_action_meets_its_deadline_once(
    people: People, clock: SettableClock, case: Case
) -> None:
    interview = write_up(
        people, case, clock, actions=[ActionAgreed("Call back", people.officer, date(2026, 6, 23))]
    )
    action = interview.actions.get()
    clock.moment += timedelta(hours=20)

    interviews.interview_action_done(action=action, by=people.officer, policy=HALTON, clock=clock)

    action.refresh_from_db()
    assert action.deadline is not None
    assert action.deadline.status == DeadlineStatus.MET
    assert action.deadline.met_at == clock.now()
    with pytest.raises(interviews.InterviewError, match="already done"):
        interviews.interview_action_done(
            action=action, by=people.officer, policy=HALTON, clock=clock
        )


def test_stonewall_has_no_standard_for_actions_so_they_are_kept_without_a_deadline(
    people: People, clock: SettableClock, case: Case
) -> None:
    interview = write_up(
        people,
        case,
        clock,
        policy=STONEWALL,
        actions=[ActionAgreed("Call back", people.officer, date(2026, 6, 23))],
    )

    assert interview.actions.get().deadline is None
    assert not case.deadlines.filter(standard_key="interview_action").exists()


@pytest.mark.parametrize(
    ("more", "says"),
    [
        ({"issues": "  "}, "Enter the issues raised"),
        ({"officers": []}, "who from the landlord was there"),
        ({"where": Where()}, "Say where the interview was"),
        ({"held_at_hours": 2}, "written up after it is held"),
        ({"due_yesterday": True}, "has passed"),
    ],
)
def test_a_write_up_that_cannot_be_kept_says_why_and_keeps_nothing(
    people: People, clock: SettableClock, case: Case, more: dict[str, object], says: str
) -> None:
    if more.pop("held_at_hours", None):
        more["held_at"] = clock.now() + timedelta(hours=2)
    if more.pop("due_yesterday", None):
        more["actions"] = [ActionAgreed("Call", people.officer, date(2026, 6, 21))]
    contacts = case.contacts.count()

    with pytest.raises(interviews.InterviewError, match=says):
        write_up(people, case, clock, **more)

    assert not Interview.objects.exists()
    assert case.contacts.count() == contacts


def test_only_caseworkers_write_up_interviews(
    people: People, clock: SettableClock, case: Case
) -> None:
    with pytest.raises(NotAllowed):
        write_up(people, case, clock, by=people.analyst)


# -- the write-up page -------------------------------------------------------------------


def form_filled_in(people: People) -> dict[str, object]:
    """The write-up form as the officer fills it in, without actions."""
    return {
        "held_at": "22/06/2026 14:00",
        "at_home": "0",
        "office": Office.objects.get(name="Runcorn").pk,
        "officers": [people.officer.pk],
        "issues": "Damp",
    }


def test_the_write_up_page_keeps_the_interview_and_its_actions(
    client, people: People, clock: SettableClock, case: Case, monkeypatch
) -> None:
    from django.urls import reverse

    from caredesk.core.clock import system_clock

    monkeypatch.setattr(system_clock, "now", clock.now)
    client.force_login(people.officer)
    page = reverse("visits:interview", args=[case.reference])
    sent = form_filled_in(people) | {
        "action_1": "Send a surveyor",
        "action_1_owner": people.teammate.pk,
        "action_1_due": "2026-07-03",
        "action_2": "Call back",  # no owner, no date
    }

    refused = client.post(page, sent)
    sent |= {"action_2": ""}
    kept = client.post(page, sent, follow=True)

    assert refused.status_code == 400
    assert "Choose who does action 2" in refused.content.decode()
    assert "Enter the date action 2 is to be done by" in refused.content.decode()
    assert "The interview is written up." in kept.content.decode()
    action = Interview.objects.get().actions.get()
    assert (action.what, action.owner, action.due_on) == (
        "Send a surveyor",
        people.teammate,
        date(2026, 7, 3),
    )
    panel = client.get(reverse("cases:case", args=[case.reference]), {"panels": "all"})
    assert "Send a surveyor: Tia Teammate, by 3 July 2026" in panel.content.decode()


def test_add_another_action_gives_another_row_and_checks_nothing_yet(
    client, people: People, clock: SettableClock, case: Case, monkeypatch
) -> None:
    from django.urls import reverse

    from caredesk.core.clock import system_clock

    monkeypatch.setattr(system_clock, "now", clock.now)
    client.force_login(people.officer)
    page = reverse("visits:interview", args=[case.reference])
    # the issues not written yet: no error until the write-up is saved
    sent = form_filled_in(people) | {"issues": "", "actions_shown": "3"}

    more = client.post(page, sent | {"add_action": "1"})

    assert more.status_code == 200
    shown = more.content.decode()
    assert 'name="action_4"' in shown
    assert 'name="action_5"' not in shown
    assert 'name="actions_shown" value="4"' in shown
    assert "Enter the issues raised" not in shown
    assert not Interview.objects.exists()

    kept = client.post(
        page,
        sent
        | {
            "issues": "Damp",
            "actions_shown": "4",
            "action_4": "Send a surveyor",
            "action_4_owner": people.teammate.pk,
            "action_4_due": "2026-07-03",
        },
    )
    assert kept.status_code == 302
    assert Interview.objects.get().actions.get().what == "Send a surveyor"


@pytest.mark.parametrize(("asked", "rows"), [("999", 20), ("-5", 3), ("many", 3), ("", 3)])
def test_the_number_of_action_rows_stays_between_three_and_twenty(
    client, people: People, case: Case, asked: str, rows: int
) -> None:
    from django.urls import reverse

    client.force_login(people.officer)
    page = reverse("visits:interview", args=[case.reference])

    shown = client.post(page, {"actions_shown": asked, "add_action": "1"}).content.decode()

    assert f'name="action_{rows}"' in shown
    assert f'name="action_{rows + 1}"' not in shown
