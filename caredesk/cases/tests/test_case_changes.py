"""The case page's resolve, close, reopen and merge, and notes with @mentions."""

import re

from django.urls import reverse

from caredesk.cases.models import Case, CaseKind, CaseStatus, Channel, DeadlineStatus, EventKind
from caredesk.cases.services import case_create, case_finish
from caredesk.conftest import customer_case
from caredesk.customers.models import CustomerAccess
from caredesk.notifications.models import Notification, NotificationKind


def text(response) -> str:
    return " ".join(response.content.decode().split())


def page(client, case) -> str:
    return text(client.get(reverse("cases:case", args=[case.reference])))


def seen_on(client, case) -> str:
    # every form drawn, as the page is without JavaScript (?actions=all)
    url = reverse("cases:case", args=[case.reference]) + "?actions=all"
    shown = client.get(url).content.decode()
    found = re.search(r'name="seen" value="(\d+)"', shown)
    assert found
    return found.group(1)


def test_closing_asks_for_the_outcome_then_to_confirm_naming_the_deadlines(client, people, clock):
    case = customer_case(people, clock)
    client.force_login(people.officer)
    url = reverse("cases:finish", args=[case.reference])

    missing = client.post(url, {"status": "closed", "outcome": ""})
    assert missing.status_code == 400
    assert "Enter the outcome: what was done or decided" in text(missing)

    asked = client.post(url, {"status": "closed", "outcome": "Fence mended", "seen": "1"})
    assert asked.status_code == 200
    shown = text(asked)
    assert f"Are you sure you want to close {case.reference}?" in shown
    assert "Deadlines still open will be ended without being met:" in shown
    assert "<li>Letters and emails answered within 10 working days</li>" in shown
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN  # nothing happens until confirmed

    done = client.post(url, {"status": "closed", "outcome": "Fence mended", "confirmed": "True"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.outcome == "Fence mended"
    assert "Outcome: Fence mended" in page(client, case)


def test_a_complaint_needs_its_decision(client, people, clock):
    case = case_create(
        kind=CaseKind.COMPLAINT,
        channel=Channel.EMAIL,
        received_at=clock.now(),
        subject="Rude caller",
        by=people.officer,
        clock=clock,
    )
    client.force_login(people.officer)
    url = reverse("cases:finish", args=[case.reference])
    refused = client.post(url, {"status": "resolved", "outcome": "Apologised"})
    assert "Select the decision on the complaint" in text(refused)
    asked = client.post(
        url, {"status": "resolved", "outcome": "Apologised", "complaint_outcome": "upheld"}
    )
    assert "<dt>Decision on the complaint</dt><dd>Upheld</dd>" in text(asked)


def test_reopening_from_the_page_needs_a_reason_and_is_recorded(client, people, clock):
    case = customer_case(people, clock)
    case_finish(case=case, status="resolved", outcome="Done", by=people.officer, clock=clock)
    client.force_login(people.officer)
    assert "Reopen the case" in page(client, case)
    url = reverse("cases:reopen", args=[case.reference])
    seen = seen_on(client, case)
    refused = client.post(url, {"reason": "", "seen": seen})
    assert "Enter why the case is being reopened" in text(refused)
    done = client.post(url, {"reason": "The fence fell again", "seen": seen}, follow=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert f"{case.reference} is open again." in text(done)
    assert "Reason: The fence fell again" in text(done)


def test_merging_shows_both_cases_then_merges_and_points_the_duplicate_at_the_kept(
    client, people, clock
):
    kept = customer_case(people, clock, subject="Fence down")
    duplicate = case_create(
        kind=kept.kind,
        channel=Channel.PHONE,
        received_at=clock.now(),
        subject="Fence still down",
        by=people.officer,
        customer=kept.customer,
        clock=clock,
    )
    client.force_login(people.officer)
    url = reverse("cases:merge", args=[kept.reference])
    unknown = client.post(url, {"other": "HHT-2099-999999"})
    assert unknown.status_code == 400
    assert "There is no case HHT-2099-999999." in text(unknown)

    asked = client.post(url, {"other": duplicate.reference.lower()})
    shown = text(asked)
    assert f"merge {duplicate.reference} into {kept.reference}?" in shown
    assert "Fence still down" in shown
    assert "Fence down" in shown
    assert CustomerAccess.objects.filter(what__contains="to merge them").exists()

    client.post(url, {"other": duplicate.reference, "confirmed": "True"})
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == kept.pk
    pointer = reverse("cases:case", args=[kept.reference])
    assert f'This case was merged into <a href="{pointer}">{kept.reference}</a>' in page(
        client, duplicate
    )
    assert "Reopen the case" not in page(client, duplicate)
    running = kept.deadlines.filter(status=DeadlineStatus.OPEN)
    assert sorted(running.values_list("standard_key", flat=True)) == [
        "letter_email_response",  # the kept case's; the duplicate's own call follow-up moved
        "phone_written_follow_up",
    ]


def test_merging_cases_of_two_customers_is_refused_with_the_reason(client, people, clock):
    kept = customer_case(people, clock)
    other = customer_case(people, clock, first_name="Sam", last_name="Smith")
    client.force_login(people.officer)
    url = reverse("cases:merge", args=[kept.reference])
    asked = client.post(url, {"other": other.reference})
    assert "are about different customers, so they cannot be merged" in text(asked)
    assert "Yes, merge the cases" not in text(asked)
    forced = client.post(url, {"other": other.reference, "confirmed": "True"})
    assert forced.status_code == 400
    assert Case.objects.get(pk=other.pk).merged_into_id is None


def test_a_note_tells_the_colleagues_it_names_and_says_who_nobody_is(client, people, clock):
    case = customer_case(people, clock)
    client.force_login(people.officer)
    done = client.post(
        reverse("cases:note", args=[case.reference]),
        {"text": "@tia_teammate and @lena.manager: see this. Also @sam.j"},
        follow=True,
    )
    shown = text(done)
    assert "Note added. @tia_teammate and @lena.manager were told." in shown
    assert "Nobody who can read cases is called @sam.j, so nobody was told." in shown
    assert "Internal note — not sent to the customer" in shown
    assert '<strong class="mention">@tia_teammate</strong>' in shown
    assert '<strong class="mention">@sam.j</strong>' not in shown
    told = Notification.objects.filter(kind=NotificationKind.MENTIONED, case=case)
    assert sorted(n.recipient.username for n in told) == ["lena_manager", "tia_teammate"]
    assert case.events.filter(kind=EventKind.NOTE).count() == 1


def test_only_caseworkers_resolve_reopen_or_merge(client, people, clock):
    case = customer_case(people, clock)
    client.force_login(people.data_protection_officer)
    for name, data in (
        ("finish", {"status": "closed", "outcome": "x", "confirmed": "True"}),
        ("reopen", {"reason": "x"}),
        ("merge", {"other": case.reference}),
    ):
        assert client.post(reverse(f"cases:{name}", args=[case.reference]), data).status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
