from datetime import date

import pytest
import time_machine

from caredesk.errors import NotAllowed
from caredesk.staff.models import Absence, AbsenceKind
from caredesk.staff.selectors import absence_away_get, absences_away_list, cover_get
from caredesk.staff.services import AbsenceError, absence_record
from caredesk.standards import load_policy, parse_policy
from caredesk.standards.policy_files import POLICIES_FOLDER

HALTON = load_policy("halton")  # out of office after more than 1 working day
STONEWALL = load_policy("stonewall")  # after more than 2 working days
# Halton, had its out-of-office threshold been "1 week": more than 7 days away.
A_WEEK = parse_policy(
    (POLICIES_FOLDER / "halton.toml")
    .read_text(encoding="utf-8")
    .replace(
        'target = "1 working day"\ntriggers = "out_of_office_reply"',
        'target = "1 week"\ntriggers = "out_of_office_reply"',
    ),
    source="a-week.toml",
)


def leave(people, first, last, *, staff=None, cover=None, by=None):
    staff = staff or people.officer
    return absence_record(
        staff=staff,
        kind=AbsenceKind.ANNUAL_LEAVE,
        first_day=first,
        last_day=last,
        cover=cover,
        by=by or staff,
    )


def test_staff_can_record_their_own_absence(people):
    absence = leave(people, date(2025, 6, 2), date(2025, 6, 3))
    assert absence.recorded_by == people.officer


def test_an_administrator_records_absence_for_others(people):
    absence = absence_record(
        staff=people.officer,
        kind=AbsenceKind.SICKNESS,
        first_day=date(2025, 6, 2),
        last_day=date(2025, 6, 5),
        by=people.administrator,
    )
    assert absence.recorded_by == people.administrator


def test_a_line_manager_records_absence_for_their_own_reports_only(people):
    leave(people, date(2025, 6, 2), date(2025, 6, 3), by=people.line_manager)
    with pytest.raises(NotAllowed):
        leave(
            people,
            date(2025, 6, 2),
            date(2025, 6, 3),
            staff=people.outsider,
            by=people.line_manager,
        )


def test_a_colleague_cannot_record_absence_for_someone_else(people):
    with pytest.raises(NotAllowed):
        leave(people, date(2025, 6, 2), date(2025, 6, 3), by=people.teammate)


def test_an_absence_must_end_on_or_after_its_first_day(people):
    with pytest.raises(AbsenceError, match="cannot be before"):
        leave(people, date(2025, 6, 3), date(2025, 6, 2))


def test_nobody_covers_for_themselves(people):
    with pytest.raises(AbsenceError, match="cover for themselves"):
        leave(people, date(2025, 6, 2), date(2025, 6, 3), cover=people.officer)


@pytest.mark.parametrize(
    ("policy", "first", "last", "away"),
    [
        (HALTON, date(2025, 6, 2), date(2025, 6, 2), False),  # 1 working day: not more than 1
        (HALTON, date(2025, 6, 2), date(2025, 6, 3), True),  # 2 working days
        (HALTON, date(2025, 5, 23), date(2025, 5, 26), False),  # Friday + bank holiday Monday
        (HALTON, date(2025, 5, 30), date(2025, 6, 2), True),  # Friday, weekend, Monday
        (STONEWALL, date(2025, 6, 2), date(2025, 6, 3), False),  # 2: not more than 2
        (STONEWALL, date(2025, 6, 2), date(2025, 6, 4), True),  # 3 working days
        (A_WEEK, date(2025, 6, 2), date(2025, 6, 8), False),  # 7 days: not more than a week
        (A_WEEK, date(2025, 6, 2), date(2025, 6, 9), True),  # 8 days
    ],
)
def test_staff_are_away_only_when_absent_longer_than_the_policy_threshold(
    people, policy, first, last, away
):
    leave(people, first, last)
    found = absence_away_get(staff=people.officer, on=first, policy=policy)
    assert (found is not None) is away


def test_new_work_goes_to_the_named_cover_while_away(people):
    leave(people, date(2025, 6, 2), date(2025, 6, 6), cover=people.teammate)
    assert cover_get(staff=people.officer, on=date(2025, 6, 4), policy=HALTON) == people.teammate
    assert cover_get(staff=people.officer, on=date(2025, 6, 9), policy=HALTON) == people.officer


def test_without_a_named_cover_new_work_goes_to_the_line_manager(people):
    leave(people, date(2025, 6, 2), date(2025, 6, 6))
    assert (
        cover_get(staff=people.officer, on=date(2025, 6, 4), policy=HALTON) == people.line_manager
    )


def test_when_the_cover_is_away_too_their_cover_takes_it(people):
    leave(people, date(2025, 6, 2), date(2025, 6, 6), cover=people.teammate)
    leave(people, date(2025, 6, 2), date(2025, 6, 6), staff=people.teammate)
    assert (
        cover_get(staff=people.officer, on=date(2025, 6, 4), policy=HALTON) == people.line_manager
    )


def test_covering_for_each_other_never_loops(people):
    leave(people, date(2025, 6, 2), date(2025, 6, 6), cover=people.teammate)
    leave(people, date(2025, 6, 2), date(2025, 6, 6), staff=people.teammate, cover=people.officer)
    assert cover_get(staff=people.officer, on=date(2025, 6, 4), policy=HALTON) == people.teammate


def test_the_away_list_has_only_absences_past_the_threshold(people):
    leave(people, date(2025, 6, 2), date(2025, 6, 6))
    leave(people, date(2025, 6, 4), date(2025, 6, 4), staff=people.teammate)
    away = absences_away_list(on=date(2025, 6, 4), policy=HALTON)
    assert [absence.staff for absence in away] == [people.officer]


# -- the absences page ------------------------------------------------------------------


def test_an_administrator_records_an_absence_for_someone_else_on_the_page(client, people):
    from django.urls import reverse

    from caredesk.staff.models import Absence

    client.force_login(people.administrator)
    response = client.post(
        reverse("staff:absences"),
        {
            "staff": people.officer.pk,
            "kind": "annual_leave",
            "first_day": "2025-07-01",
            "last_day": "2025-07-11",
            "cover": people.teammate.pk,
            "out_of_office_message": "I am away until 14 July. Please call 0151 000 0000.",
        },
        follow=True,
    )
    absence = Absence.objects.get()
    assert (absence.staff, absence.cover, absence.recorded_by) == (
        people.officer,
        people.teammate,
        people.administrator,
    )
    assert f"Absence recorded for {people.officer}" in response.content.decode()


def test_an_officer_is_offered_only_themselves_and_cannot_post_a_colleague(client, people):
    from django.urls import reverse

    from caredesk.staff.models import Absence

    client.force_login(people.officer)
    page = client.get(reverse("staff:absences")).content.decode()
    assert f'value="{people.officer.pk}"' in page
    assert f'<option value="{people.teammate.pk}"' not in page.split('name="cover"')[0]
    response = client.post(
        reverse("staff:absences"),
        {
            "staff": people.teammate.pk,
            "kind": "sickness",
            "first_day": "2025-07-01",
            "last_day": "2025-07-02",
        },
    )
    assert response.status_code == 400
    assert not Absence.objects.exists()


def test_why_someone_is_away_is_shown_only_to_them_their_manager_and_administrators(
    client, people, clock
):
    from django.urls import reverse

    absence_record(
        staff=people.officer,
        kind=AbsenceKind.SICKNESS,
        first_day=date(2025, 6, 19),
        last_day=date(2025, 6, 27),
        by=people.line_manager,
        clock=clock,
    )
    with time_machine.travel(clock.now(), tick=False):
        for viewer, sees in [
            (people.officer, True),
            (people.line_manager, True),
            (people.administrator, True),
            (people.teammate, False),
            (people.outsider, False),
        ]:
            client.force_login(viewer)
            page = client.get(reverse("staff:absences")).content.decode()
            table = page.split("Record an absence")[0]  # not the form's list of reasons
            assert str(people.officer) in table
            assert ("Sickness" in table) is sees, viewer
            assert ("<td>Away</td>" in table) is not sees, viewer


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (date(2025, 7, 1), date(9999, 12, 31), "must fall between 1 January 1971"),
        (date(1900, 1, 1), date(1900, 1, 2), "must fall between 1 January 1971"),
        (date(2025, 1, 1), date(2027, 6, 1), "at most two years"),
    ],
)
def test_absences_outside_the_calendar_or_too_long_are_refused(people, first, last, message):
    with pytest.raises(AbsenceError, match=message):
        absence_record(
            staff=people.officer,
            kind=AbsenceKind.SICKNESS,
            first_day=first,
            last_day=last,
            by=people.officer,
        )


def test_cover_must_be_someone_who_can_take_casework(people):
    from caredesk.conftest import make_staff
    from caredesk.staff.models import Role

    analyst = make_staff("pam_analyst", Role.PERFORMANCE_ANALYST)
    with pytest.raises(AbsenceError, match="cannot take casework"):
        absence_record(
            staff=people.officer,
            kind=AbsenceKind.ANNUAL_LEAVE,
            first_day=date(2025, 7, 1),
            last_day=date(2025, 7, 4),
            cover=analyst,
            by=people.officer,
        )


@pytest.mark.django_db
def test_apps_registered_are_told_of_each_absence_recorded_in_its_transaction(people, monkeypatch):
    from caredesk.staff import services

    heard: list[tuple[int, bool]] = []
    monkeypatch.setattr(services, "_absence_listeners", [])

    def listener(absence):
        heard.append((absence.staff_id, Absence.objects.filter(pk=absence.pk).exists()))

    services.absence_listener_register(listener)
    services.absence_listener_register(listener)  # once, however often registered
    services.absence_record(
        staff=people.officer,
        kind=AbsenceKind.ANNUAL_LEAVE,
        first_day=date(2026, 6, 1),
        last_day=date(2026, 6, 5),
        by=people.officer,
    )

    assert heard == [(people.officer.pk, True)]
