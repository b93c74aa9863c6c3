"""Compliments (complaints.compliments): recorded, passed on once to those named and
their line managers, and kept for the figures."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse

from caredesk.cases.models import Case, CaseKind, Channel
from caredesk.cases.services import case_create
from caredesk.complaints.compliments import ComplimentError, compliment_record
from caredesk.complaints.models import Compliment
from caredesk.conftest import People, SettableClock, customer_case
from caredesk.notifications.models import Notification, NotificationKind
from caredesk.standards import load_policy

HALTON = load_policy("halton")


@pytest.fixture
def compliment(people: People, clock: SettableClock) -> Case:
    clock.moment = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)
    return case_create(
        kind=CaseKind.COMPLIMENT,
        channel=Channel.PHONE,
        received_at=clock.now(),
        subject="Tia sorted my boiler out in a day",
        by=people.officer,
        assign_to=people.officer,
        clock=clock,
    )


def record(people: People, case: Case, clock: SettableClock, **more: Any) -> Compliment:
    fields: dict[str, Any] = {
        "case": case,
        "what_they_said": "Tia sorted my boiler out in a day. Thank you!",
        "staff": [people.teammate],
        "team": None,
        "by": people.officer,
        "policy": HALTON,
        "clock": clock,
    } | more
    return compliment_record(**fields)


def told(case: Case) -> set[str]:
    return set(
        Notification.objects.filter(kind=NotificationKind.COMPLIMENT, case=case).values_list(
            "recipient__username", flat=True
        )
    )


def test_a_compliment_is_passed_on_to_whom_it_names_and_their_line_manager(
    people: People, clock: SettableClock, compliment: Case
) -> None:
    kept = record(people, compliment, clock, service_area="repairs")

    assert told(compliment) == {"tia_teammate", "lena_manager"}
    notice = Notification.objects.get(recipient=people.teammate, case=compliment)
    assert notice.message.startswith("A compliment for Tia Teammate from a customer:")
    assert kept.passed_on_at == clock.now()
    assert list(kept.staff.all()) == [people.teammate]
    assert kept.service_area == "repairs"


def test_naming_someone_more_tells_only_them(
    people: People, clock: SettableClock, compliment: Case
) -> None:
    record(people, compliment, clock)
    Notification.objects.filter(case=compliment).update(read_at=clock.now())

    record(people, compliment, clock, staff=[people.teammate, people.outsider])

    unread = Notification.objects.filter(case=compliment, read_at__isnull=True)
    assert set(unread.values_list("recipient__username", flat=True)) == {"oscar_outsider"}


def test_a_team_s_compliment_goes_to_its_line_manager(
    people: People, clock: SettableClock, compliment: Case
) -> None:
    record(people, compliment, clock, staff=[], team=people.team)

    assert told(compliment) == {"lena_manager"}


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"what_they_said": "  "}, "Write what the customer said"),
        ({"what_they_said": "x" * 5001}, "5,000 characters"),
        ({"service_area": "nowhere"}, "not one of the policy's service areas"),
    ],
)
def test_a_compliment_without_words_or_with_an_unknown_area_is_refused(
    people: People, clock: SettableClock, compliment: Case, change: dict[str, Any], said: str
) -> None:
    with pytest.raises(ComplimentError, match=said):
        record(people, compliment, clock, **change)
    assert not Compliment.objects.exists()
    assert not told(compliment)


def test_only_a_compliment_case_records_one(people: People, clock: SettableClock) -> None:
    enquiry = customer_case(people, clock)
    with pytest.raises(ComplimentError, match="Only a compliment case"):
        record(people, enquiry, clock)


def test_the_compliment_page(client: Any, people: People, compliment: Case) -> None:
    client.force_login(people.officer)
    page = reverse("complaints:compliment", args=[compliment.reference])
    assert "Tia sorted my boiler" in client.get(page).content.decode()

    sent = client.post(
        page, {"what_they_said": "Lovely work.", "staff": [people.teammate.pk], "team": ""}
    )

    assert sent.status_code == 302
    case_page = client.get(reverse("cases:case", args=[compliment.reference]), {"panels": "all"})
    assert "Lovely work." in case_page.content.decode()
    assert "tia_teammate" in told(compliment)
