"""Alerts for unusual reading (privacy.reading_alerts): the `unusual_reading` sweep
raises one alert a window for a member of staff who opened too many customers' records
with no case, to the data protection officers, and the officer looks into it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from hypothesis import given
from hypothesis import strategies as st

from caredesk.cases.models import CaseKind
from caredesk.conftest import make_staff
from caredesk.core.clock import FixedClock
from caredesk.customers.models import CustomerAccess
from caredesk.errors import NotAllowed
from caredesk.notifications.models import Notification, NotificationKind
from caredesk.privacy import reading_alerts
from caredesk.privacy.models import ReadingAlert, ReadsChecked, UnexplainedRead
from caredesk.privacy.reading_alerts import (
    ReadingAlertError,
    ReadingAlertLookedInto,
    alert_look_into,
    window_of,
)
from caredesk.privacy.tests.test_read_log import case_for, customer, read
from caredesk.staff.models import Role
from caredesk.standards import load_policy
from caredesk.standards.policy_read_alerts import ReadAlerts
from caredesk.worker.tests.helpers import only, sweep_pass

pytestmark = pytest.mark.django_db

HALTON = load_policy("halton")
LONDON = ZoneInfo("Europe/London")
# Tuesday 3 June 2025, British Summer Time: the window is the London day, 23:00 UTC on
# the 2nd to 23:00 UTC on the 3rd.
DAY = datetime(2025, 6, 3, 9, 0, tzinfo=LONDON)


def policy(**settings) -> object:
    """Halton's policy with `settings` of [read_alerts] (3 customers, no other rule)."""
    settings = {"many_customers": 3, "no_case_at_all": 0} | settings
    return HALTON.model_copy(update={"read_alerts": ReadAlerts(**settings)})


def sweep(clock, at: datetime, rules) -> dict[str, int]:
    clock.moment = at
    done = sweep_pass(clock=clock, policy=rules, sweeps=only("unusual_reading"))
    return dict(done["unusual_reading"].counts)


def opens(by, count: int, at: datetime, *, what="customer page", names="Reader"):
    """`by` opens the records of `count` customers with no case, a minute apart."""
    made = [customer(f"{names}{i}") for i in range(count)]
    for i, who in enumerate(made):
        read(who, by, at + timedelta(minutes=i), what=what)
    return made


def alerted() -> list[tuple[str, int, int]]:
    return [
        (alert.staff.username, alert.customers, alert.no_case_at_all)
        for alert in ReadingAlert.objects.order_by("window_starts", "pk")
    ]


def test_many_customers_with_no_case_raise_one_alert_to_the_officer(people, clock):
    dpo, rules = people.data_protection_officer, policy()
    opens(people.outsider, 3, DAY)

    counts = sweep(clock, DAY + timedelta(hours=3), rules)

    assert counts == {"alerts": 1}
    assert alerted() == [("oscar_outsider", 3, 3)]
    [notice] = Notification.objects.filter(kind=NotificationKind.UNUSUAL_READING)
    assert notice.recipient == dpo
    assert notice.message == (
        "Oscar Outsider opened the records of 3 customers with no case of theirs or their "
        "team's on Tuesday 3 June 2025. 3 of them had no case with anyone. Look into it on "
        "the read log."
    )
    assert notice.links == [
        [
            "Look into it",
            f"/privacy/reads/?staff={people.outsider.pk}&from_day=2025-06-03&to_day=2025-06-03",
        ]
    ]
    # and by email, once
    sweep_pass(clock=clock, policy=rules, sweeps=only("staff_emails"))
    assert [email.to for email in mail.outbox] == [[dpo.email]]


def test_the_alert_is_raised_once_a_window_however_often_the_sweep_runs(people, clock):
    people.data_protection_officer  # noqa: B018 (someone to tell)
    rules = policy()
    opens(people.outsider, 3, DAY)
    assert sweep(clock, DAY + timedelta(hours=3), rules) == {"alerts": 1}

    # the same span again (a second worker), then more reads the same day
    assert sweep(clock, DAY + timedelta(hours=3), rules) == {}
    opens(people.outsider, 5, DAY + timedelta(hours=4), names="Later")
    assert sweep(clock, DAY + timedelta(hours=6), rules) == {}
    for hour in range(6, 20):  # on into the night
        sweep(clock, DAY + timedelta(hours=hour), rules)

    assert alerted() == [("oscar_outsider", 3, 3)]
    assert Notification.objects.filter(kind=NotificationKind.UNUSUAL_READING).count() == 1
    # the next day is a window of its own
    opens(people.outsider, 3, DAY + timedelta(days=1), names="Wednesday")
    sweep(clock, DAY + timedelta(days=1, hours=3), rules)
    assert [a.window_starts for a in ReadingAlert.objects.order_by("pk")] == [
        datetime(2025, 6, 2, 23, 0, tzinfo=UTC),
        datetime(2025, 6, 3, 23, 0, tzinfo=UTC),
    ]


def test_below_the_threshold_nothing_is_raised(people, clock):
    opens(people.outsider, 2, DAY)

    assert sweep(clock, DAY + timedelta(hours=3), policy()) == {}
    assert alerted() == []
    assert UnexplainedRead.objects.count() == 2


def test_a_reader_whose_cases_they_are_is_not_alerted_on(people, clock):
    readers = [customer(f"Mine{i}") for i in range(5)]
    for i, who in enumerate(readers):
        case_for(who, officer=people.officer, at=DAY - timedelta(days=3))
        read(who, people.officer, DAY + timedelta(minutes=i))
        read(who, people.teammate, DAY + timedelta(minutes=i))  # their team's case

    assert sweep(clock, DAY + timedelta(hours=3), policy()) == {}
    assert alerted() == []
    assert UnexplainedRead.objects.count() == 0


def test_names_seen_in_a_list_are_not_counted(people, clock):
    found = [customer(f"Smith{i}") for i in range(10)]
    CustomerAccess.objects.bulk_create(
        CustomerAccess(customer=who, staff=people.outsider, at=DAY, what="search results")
        for who in found
    )

    assert sweep(clock, DAY + timedelta(hours=3), policy()) == {}
    assert alerted() == []


def test_customers_with_no_case_with_anyone_have_their_own_lower_threshold(people, clock):
    rules = policy(many_customers=30, no_case_at_all=2)
    # 5 customers with a case in another team: not enough for the first rule
    for i in range(5):
        who = customer(f"Theirs{i}")
        case_for(who, officer=people.officer, at=DAY - timedelta(days=2))
        read(who, people.outsider, DAY + timedelta(minutes=i))
    opens(people.outsider, 1, DAY + timedelta(minutes=10), names="Nobodys")
    assert sweep(clock, DAY + timedelta(hours=2), rules) == {}

    opens(people.outsider, 1, DAY + timedelta(minutes=90), names="AlsoNobodys")
    assert sweep(clock, DAY + timedelta(hours=3), rules) == {"alerts": 1}
    assert alerted() == [("oscar_outsider", 7, 2)]


def test_a_rule_set_to_0_never_alerts(people, clock):
    opens(people.outsider, 10, DAY)

    assert sweep(clock, DAY + timedelta(hours=3), policy(many_customers=0)) == {}
    assert alerted() == []


def test_a_read_is_judged_an_hour_after_so_a_case_logged_meanwhile_explains_it(people, clock):
    rules = policy()
    callers = opens(people.officer, 3, DAY)
    # half an hour on: not looked at yet
    assert sweep(clock, DAY + timedelta(minutes=30), rules) == {}
    assert UnexplainedRead.objects.count() == 0
    for who in callers:  # the officer logs each call
        case_for(who, officer=people.officer, at=DAY + timedelta(minutes=40))

    assert sweep(clock, DAY + timedelta(hours=2), rules) == {}
    assert alerted() == []
    assert ReadsChecked.objects.get().up_to == DAY + timedelta(hours=1)


def test_the_officers_own_subject_access_work_is_never_alerted_on(people, clock):
    dpo = people.data_protection_officer
    for i in range(5):  # requests an officer in another team handles, for the DPO
        who = customer(f"Asker{i}")
        case_for(
            who,
            officer=people.officer,
            at=DAY - timedelta(days=5),
            kind=CaseKind.SUBJECT_ACCESS_REQUEST,
        )
        read(who, dpo, DAY + timedelta(minutes=i), what="subject access")

    assert sweep(clock, DAY + timedelta(hours=3), policy()) == {}
    assert alerted() == []


def test_an_alert_about_an_officer_goes_to_the_other_officers_only(people, clock):
    dpo = people.data_protection_officer
    other = make_staff("dan_dpo", Role.DATA_PROTECTION_OFFICER)
    opens(dpo, 3, DAY)

    assert sweep(clock, DAY + timedelta(hours=3), policy()) == {"alerts": 1}

    told = Notification.objects.filter(kind=NotificationKind.UNUSUAL_READING)
    assert [notice.recipient for notice in told] == [other]


def test_reads_either_side_of_midnight_fall_in_their_own_days(people, clock):
    rules = policy(many_customers=2)
    midnight = datetime(2025, 6, 4, 0, 0, tzinfo=LONDON)
    late, early = customer("Late"), customer("Early")
    read(late, people.outsider, midnight - timedelta(microseconds=1))
    read(early, people.outsider, midnight)
    read(customer("Earlier"), people.outsider, midnight - timedelta(hours=1))
    # the worker first ran that morning, and catches up an hour a pass
    for hour in range(0, 26):
        sweep(clock, DAY + timedelta(hours=hour), rules)

    windows = {
        row.customer.last_name: row.window_starts.astimezone(LONDON).date()
        for row in UnexplainedRead.objects.select_related("customer")
    }
    assert windows == {
        "Late": date(2025, 6, 3),
        "Earlier": date(2025, 6, 3),
        "Early": date(2025, 6, 4),
    }
    assert alerted() == [("oscar_outsider", 2, 2)]


def test_a_weeks_window_runs_monday_to_sunday_and_names_both_days(people, clock):
    rules = policy(window="1 week")
    opens(people.outsider, 3, DAY)

    # the first pass starts at the start of the week, and catches up a day a pass
    assert sweep(clock, DAY + timedelta(hours=3), rules) == {}
    assert sweep(clock, DAY + timedelta(hours=3), rules) == {"alerts": 1}

    alert = ReadingAlert.objects.get()
    assert alert.window_starts == datetime(2025, 6, 2, 0, 0, tzinfo=LONDON)  # Monday
    assert alert.window_ends == datetime(2025, 6, 9, 0, 0, tzinfo=LONDON)
    assert reading_alerts.alert_window(alert, LONDON).last_day == date(2025, 6, 8)
    assert "from Monday 2 June to Sunday 8 June 2025" in reading_alerts.alert_message(
        alert, alert.staff, reading_alerts.alert_window(alert, LONDON)
    )


@given(
    at=st.datetimes(
        min_value=datetime(2001, 1, 1), max_value=datetime(2060, 12, 31), timezones=st.just(UTC)
    ),
    days=st.integers(min_value=1, max_value=31),
)
def test_a_window_holds_its_instant_and_is_whole_local_days(at, days):
    window = window_of(at, days=days, zone=LONDON)

    assert window.starts <= at < window.ends
    assert (window.last_day - window.first_day).days == days - 1
    assert window.starts.astimezone(LONDON).time().isoformat() == "00:00:00"
    assert window.ends.astimezone(LONDON).date() == window.last_day + timedelta(days=1)
    assert (window.first_day - reading_alerts.EPOCH).days % days == 0
    # the next instant after the window is in the next one
    assert window_of(window.ends, days=days, zone=LONDON).starts == window.ends


# -- looking into an alert ---------------------------------------------------------------------


@pytest.fixture
def alert(people, clock) -> ReadingAlert:
    opens(people.outsider, 3, DAY)
    sweep(clock, DAY + timedelta(hours=3), policy())
    return ReadingAlert.objects.get()


def test_the_officer_marks_an_alert_looked_into_with_what_they_found(people, clock, alert):
    dpo = people.data_protection_officer
    at = DAY + timedelta(days=1)

    done = alert_look_into(
        alert_id=alert.pk, note="  Covering Repairs' phones.  ", by=dpo, clock=FixedClock(at)
    )

    assert (done.looked_into_at, done.looked_into_by, done.note) == (
        at,
        dpo,
        "Covering Repairs' phones.",
    )
    assert list(reading_alerts.alerts_open()) == []
    with pytest.raises(ReadingAlertLookedInto, match="Dee Dpo has already looked into"):
        alert_look_into(alert_id=alert.pk, note="Again", by=dpo, clock=FixedClock(at))


@pytest.mark.parametrize(
    ("note", "words"),
    [
        ("   ", "Enter what you found"),
        ("x" * 2001, "2,000 characters"),
        ("a\x00b", "cannot be kept"),
    ],
    ids=["empty", "too long", "a NUL"],
)
def test_a_note_that_cannot_be_kept_is_refused(people, clock, alert, note, words):
    with pytest.raises(ReadingAlertError, match=words):
        alert_look_into(
            alert_id=alert.pk, note=note, by=people.data_protection_officer, clock=clock
        )
    assert ReadingAlert.objects.get().looked_into_at is None


def test_only_the_officer_looks_into_an_alert(people, clock, alert):
    with pytest.raises(NotAllowed):
        alert_look_into(alert_id=alert.pk, note="Fine", by=people.line_manager, clock=clock)
