"""The queues: filters and their counts, sorts, paging with filters, saved views,
assigning from a row and several at once, the list refreshing itself, and paused
deadlines kept out of every overdue list and breach."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from caredesk.cases import selectors, services
from caredesk.cases.models import Case, CaseKind, Channel, DeadlineStatus, PauseReason
from caredesk.cases.services import case_create
from caredesk.notifications import notices
from caredesk.staff.models import SavedView

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2025, 6, 20, 12, 0, tzinfo=LONDON)  # a Friday, office open


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def received(people, *, channel=Channel.LETTER, days=1, to=None, subject="Fence", **more) -> Case:
    return case_create(
        kind=more.pop("kind", CaseKind.GENERAL_ENQUIRY),
        channel=channel,
        received_at=NOW - timedelta(days=days),
        subject=subject,
        assign_to=to or people.officer,
        by=people.administrator,
        **more,
    )


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def references(response) -> list[str]:
    return re.findall(r"data-queue-link>(HHT-[0-9-]+)<", response.content.decode())


def test_filtering_by_channel_lists_only_that_channel_and_counts_each(client, people):
    letters = [received(people, channel=Channel.LETTER, subject=f"L{i}") for i in range(3)]
    email = received(people, channel=Channel.EMAIL, subject="E")
    client.force_login(people.officer)

    response = client.get(reverse("cases:my_work"), {"channel": "email"})

    assert references(response) == [email.reference]
    page = page_text(response)
    # the channel's own counts ignore the channel filter: what choosing each would give
    assert "Letter (3)" in page
    assert "Email (1)" in page
    assert 'value="email" checked' in response.content.decode()
    assert all(letter.reference not in references(response) for letter in letters)


def test_filters_survive_paging(client, people, monkeypatch):
    monkeypatch.setattr("caredesk.cases.views.queues.PAGE_SIZE", 2)
    letters = [received(people, channel=Channel.LETTER, days=i + 1) for i in range(5)]
    received(people, channel=Channel.EMAIL)
    client.force_login(people.officer)

    seen: list[str] = []
    url = reverse("cases:my_work") + "?channel=letter"
    while url:
        response = client.get(url)
        seen += references(response)
        found = re.search(r'href="(\?[^"]*after=[^"]+)">Next page', response.content.decode())
        url = reverse("cases:my_work") + found.group(1).replace("&amp;", "&") if found else ""
        assert not found or "channel=letter" in found.group(1)

    assert sorted(seen) == sorted(case.reference for case in letters)
    assert len(seen) == len(set(seen))


def test_sort_by_reference_pages_in_reference_order(client, people, monkeypatch):
    monkeypatch.setattr("caredesk.cases.views.queues.PAGE_SIZE", 2)
    made = [received(people, days=5 - i) for i in range(5)]
    client.force_login(people.officer)

    seen: list[str] = []
    url = reverse("cases:my_work") + "?sort=reference"
    while url:
        response = client.get(url)
        seen += references(response)
        found = re.search(r'href="(\?[^"]*after=[^"]+)">Next page', response.content.decode())
        url = reverse("cases:my_work") + found.group(1).replace("&amp;", "&") if found else ""

    assert seen == sorted(case.reference for case in made)


def test_due_today_is_the_organisations_day(client, people):
    # a 24-hour-ish standard due today, and a letter due in days
    due_today = received(people, channel=Channel.LETTER, days=0)
    deadline = due_today.deadlines.get()
    deadline.due_at = NOW + timedelta(hours=3)
    deadline.save()
    later = received(people, channel=Channel.LETTER, days=0)
    client.force_login(people.officer)

    listed = references(client.get(reverse("cases:my_work"), {"due": "today"}))

    assert due_today.reference in listed
    assert later.reference not in listed


def test_an_unknown_filter_value_is_named_and_left_out(client, people):
    mine = received(people)
    client.force_login(people.officer)

    response = client.get(reverse("cases:my_work"), {"channel": "pigeon", "sort": "x"})

    assert response.status_code == 200
    assert mine.reference in references(response)
    assert "Channel: “pigeon” is not one of the choices." in page_text(response)


def test_assign_to_me_from_a_row_gives_me_the_case(client, people):
    theirs = received(people, to=people.teammate)
    client.force_login(people.officer)
    team = reverse("cases:team_queue")

    response = client.post(
        reverse("cases:assign_to_me"),
        {
            "case": theirs.reference,
            f"was_with:{theirs.reference}": people.teammate.pk,  # as the row showed it
            "next": team,
        },
        follow=True,
    )

    theirs.refresh_from_db()
    assert theirs.assigned_to == people.officer
    assert theirs.deadlines.get().assigned_to == people.officer
    assert "1 case assigned to you" in page_text(response)
    assert response.redirect_chain[-1][0] == team


def test_reassigning_several_reports_each_refusal_and_gives_the_rest(client, people):
    first, second, closed = (received(people) for _ in range(3))
    services.case_finish(case=closed, status="closed", by=people.line_manager)
    client.force_login(people.officer)

    response = client.post(
        reverse("cases:queue_reassign"),
        {
            "case": [first.reference, second.reference, closed.reference],
            "officer": people.teammate.pk,
        }
        | {f"was_with:{case.reference}": people.officer.pk for case in (first, second, closed)},
        follow=True,
    )

    page = page_text(response)
    assert f"2 cases reassigned to {people.teammate}" in page
    assert f"1 could not be: {closed.reference}: This case was closed by" in page
    assert "so you cannot give it to someone" in page
    for case in (first, second):
        case.refresh_from_db()
        assert case.assigned_to == people.teammate
    closed.refresh_from_db()
    assert closed.assigned_to == people.officer


def test_assign_to_me_refuses_a_case_given_to_someone_else_since_the_page_showed_it(client, people):
    # given the team queue showed a case with nobody, then a manager gave it to Tia
    case = received(people, to=people.officer)
    case.assigned_to = None
    case.save()
    shown = reverse("cases:team_queue")
    client.force_login(people.line_manager)
    client.post(
        reverse("cases:queue_reassign"),
        {"case": case.reference, "officer": people.teammate.pk, f"was_with:{case.reference}": ""},
    )
    case.refresh_from_db()
    assert case.assigned_to == people.teammate
    # when the officer presses "Assign to me" on the row as it was shown
    client.force_login(people.officer)
    response = client.post(
        reverse("cases:assign_to_me"),
        {"case": case.reference, f"was_with:{case.reference}": "", "next": shown},
        follow=True,
    )
    # then the case stays with Tia, and the officer is told who gave it to her, and when
    case.refresh_from_db()
    assert case.assigned_to == people.teammate
    assert (
        f"This case was given to {people.teammate} by {people.line_manager} at 12:00. "
        "Check the case before you try again." in page_text(response)
    )


def test_assign_to_me_from_the_case_page_refuses_a_case_that_moved_on(client, people):
    case = received(people, to=people.teammate)
    client.force_login(people.officer)
    header = client.get(reverse("cases:case", args=[case.reference])).content.decode()
    assert f'name="was_with" value="{people.teammate.pk}"' in header
    services.case_assign(case=case, officer=people.line_manager, by=people.line_manager)
    response = client.post(
        reverse("cases:assign_to_me"),
        {"case": case.reference, "was_with": people.teammate.pk},  # the header showed Tia
        follow=True,
    )
    case.refresh_from_db()
    assert case.assigned_to == people.line_manager
    assert f"This case was given to {people.line_manager}" in page_text(response)
    # and pressed again from the page as it is now, it goes through
    client.post(
        reverse("cases:assign_to_me"),
        {"case": case.reference, "was_with": people.line_manager.pk},
    )
    case.refresh_from_db()
    assert case.assigned_to == people.officer


def test_reassigning_several_refuses_each_case_given_elsewhere_since(client, people):
    kept, moved = received(people), received(people)
    services.case_assign(case=moved, officer=people.line_manager, by=people.line_manager)
    client.force_login(people.officer)
    response = client.post(
        reverse("cases:queue_reassign"),
        {
            "case": [kept.reference, moved.reference],
            "officer": people.teammate.pk,
            f"was_with:{kept.reference}": people.officer.pk,
            f"was_with:{moved.reference}": people.officer.pk,  # the row showed it as mine
        },
        follow=True,
    )
    page = page_text(response)
    assert f"1 case reassigned to {people.teammate}" in page
    assert f"{moved.reference}: This case was given to {people.line_manager}" in page
    moved.refresh_from_db()
    kept.refresh_from_db()
    assert (kept.assigned_to, moved.assigned_to) == (people.teammate, people.line_manager)


def test_the_queue_rows_say_whom_each_case_was_shown_with(client, people):
    theirs = received(people, to=people.teammate)
    client.force_login(people.officer)
    html = client.get(reverse("cases:team_queue")).content.decode()
    assert (
        f'form="assign-to-me-form" name="was_with:{theirs.reference}" '
        f'value="{people.teammate.pk}"' in html
    )
    assert f'form="reassign-form" name="was_with:{theirs.reference}"' in html


def test_an_outside_address_is_not_followed_after_assigning(client, people):
    case = received(people, to=people.teammate)
    client.force_login(people.officer)
    response = client.post(
        reverse("cases:assign_to_me"), {"case": case.reference, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("cases:my_work")


def test_a_data_protection_officer_cannot_assign(client, people):
    case = received(people, to=people.teammate)
    client.force_login(people.data_protection_officer)
    response = client.post(reverse("cases:assign_to_me"), {"case": case.reference})
    assert response.status_code == 403


def test_saved_views_are_the_owners_alone(client, people):
    received(people, channel=Channel.EMAIL)
    client.force_login(people.officer)
    client.post(
        reverse("cases:saved_view_save"),
        {"name": "My emails", "page": "my_work", "query": "channel=email"},
    )
    view = SavedView.objects.get()
    assert (view.owner, view.page, view.query) == (people.officer, "my_work", "channel=email")
    assert (
        'href="/?channel=email">My emails</a>'
        in client.get(reverse("cases:my_work")).content.decode()
    )

    # the same name again is refused, with the reason
    again = client.post(
        reverse("cases:saved_view_save"),
        {"name": "My emails", "page": "my_work", "query": ""},
        follow=True,
    )
    assert "You already have a view called “My emails”" in page_text(again)

    # someone else neither sees, renames nor deletes it
    client.force_login(people.teammate)
    assert "My emails" not in page_text(client.get(reverse("cases:my_work")))
    refused = client.post(reverse("cases:saved_views"), {"view": view.pk, "action": "delete"})
    assert refused.status_code == 400
    assert SavedView.objects.filter(pk=view.pk).exists()

    # the owner renames then deletes it
    client.force_login(people.officer)
    client.post(reverse("cases:saved_views"), {"view": view.pk, "name": "Emails"})
    assert SavedView.objects.get().name == "Emails"
    client.post(reverse("cases:saved_views"), {"view": view.pk, "action": "delete"})
    assert not SavedView.objects.exists()


def test_the_poll_gets_the_list_alone_and_is_not_activity(client, people):
    mine = received(people)
    client.force_login(people.officer)

    response = client.get(
        reverse("cases:my_work") + "?channel=letter",
        headers={"HX-Request": "true", "HX-Target": "queue-list", "X-Caredesk-Poll": "1"},
    )

    body = response.content.decode()
    assert mine.reference in body
    assert "<h1>" not in body  # the list region, not the page
    assert 'id="queue-updated-time" hx-swap-oob="true">12:00<' in body
    assert 'hx-get="/?channel=letter"' in body


def test_the_page_says_it_refreshes_and_offers_a_refresh_link(client, people):
    client.force_login(people.officer)
    page = page_text(client.get(reverse("cases:my_work")))
    assert "This list updates every minute." in page
    assert 'Last updated <span id="queue-updated-time">12:00</span>.' in page
    assert ">Refresh</a>" in page


# -- the counts beside each filter ---------------------------------------------------------


def test_the_counts_are_read_when_the_filter_panel_opens(client, people):
    from caredesk.customers.models import CustomerAccess

    for i in range(2):
        received(people, channel=Channel.LETTER, subject=f"L{i}")
    received(people, channel=Channel.EMAIL)
    client.force_login(people.officer)

    html = client.get(reverse("cases:my_work")).content.decode()
    assert "Letter (" not in html  # not read with the page: the panel is closed
    assert '<details class="details filters">' in html
    assert 'hx-trigger="toggle once from:closest details"' in html
    assert 'href="?counts=all">Show how many deadlines each choice has</a>' in html

    # opened, with JavaScript: htmx asks for the choices with their counts, nothing else
    logged = CustomerAccess.objects.count()
    opened = client.get(
        reverse("cases:my_work"), headers={"HX-Request": "true", "HX-Target": "filter-groups"}
    )
    body = page_text(opened)
    assert "Letter (2)" in body
    assert "Email (1)" in body
    assert "<h1>" not in body
    assert "hx-trigger" not in body  # asked once
    assert CustomerAccess.objects.count() == logged  # shows no customer

    # without JavaScript, the link: the page with the counts, the panel open
    linked = client.get(reverse("cases:my_work"), {"counts": "all"})
    assert "Letter (2)" in page_text(linked)
    assert '<details class="details filters" open>' in linked.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"channel": "letter"},
        {"channel": "letter", "urgent": "yes"},
        {"channel": ["letter", "email"], "urgent": "yes", "due": "overdue"},
        {"officer": "0", "kind": "general_enquiry"},
    ],
)
def test_each_facet_counts_under_every_other_filter_but_not_its_own(people, query):
    from django.db.models import Count
    from django.http import QueryDict

    from caredesk.cases import queue_filters as qf
    from caredesk.core.active_policy import active_policy

    for channel, urgent, days in [
        (Channel.LETTER, False, 1),
        (Channel.LETTER, True, 30),
        (Channel.EMAIL, True, 2),
        (Channel.EMAIL, False, 40),
        (Channel.PHONE, False, 3),
    ]:
        received(people, channel=channel, urgent=urgent, days=days, to=people.teammate)
    policy = active_policy()
    given = QueryDict(mutable=True)
    for name, values in query.items():
        given.setlist(name, values if isinstance(values, list) else [values])
    filters = qf.queue_filters_parse(
        given, standard_keys=[s.key for s in policy.deadline_standards()]
    )
    if filters.officer == 0:
        filters = dataclasses.replace(filters, officer=people.teammate.pk)
    queue = selectors.deadlines_team_list(team=people.teammate.team)
    facets = list(qf.Facet)
    now = NOW.astimezone(ZoneInfo("UTC"))

    counts = qf.queue_facets_count(queue, filters, facets=facets, now=now, policy=policy)

    for facet in facets:  # as one grouped query per facet would count them
        narrowed = qf.queue_filters_apply(queue, filters.without(facet), now=now, policy=policy)
        grouped = narrowed.order_by().values_list(qf.FACET_COLUMN[facet]).annotate(n=Count("pk"))
        assert counts.counts[facet] == {qf._key(value): n for value, n in grouped}, facet
    assert not counts.capped

    capped = qf.queue_facets_count(
        queue, qf.QueueFilters(), facets=facets, now=now, policy=policy, cap=2
    )
    assert capped.capped
    assert sum(capped.counts[qf.Facet.CHANNEL].values()) == 2


def test_a_queue_page_reads_the_same_few_queries_however_many_rows(client, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.officer)
    used = []
    for more in (1, 6):
        for i in range(more):
            received(people, to=people.teammate, subject=f"More {i}")
        for url in (reverse("cases:team_queue"), reverse("cases:overdue") + "?counts=all"):
            client.get(url)  # the session's first-page work done
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            used.append(len(captured.captured_queries))
    assert used[:2] == used[2:], used


# -- paused deadlines --------------------------------------------------------------------


def test_a_paused_deadline_is_never_overdue_nor_a_breach_until_it_runs_again(client, people):
    # given: a subject access request (due in a month), which waits for the customer to
    # prove who they are (what stops a SAR's clock). A pause that began after a deadline
    # had passed would change nothing: a breach cannot be paused away (DESIGN.md 3.9).
    sar = received(people, channel=Channel.EMAIL, days=20, kind=CaseKind.SUBJECT_ACCESS_REQUEST)
    deadline = sar.deadlines.get()
    due_before = deadline.due_at
    assert due_before is not None
    services.case_wait_for_customer(case=sar, reason=PauseReason.IDENTITY_CHECK, by=people.officer)
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.PAUSED

    def overdue_everywhere() -> dict[str, bool]:
        now = datetime.now(tz=LONDON)
        client.force_login(people.officer)
        overdue_page = client.get(reverse("cases:overdue"))
        client.force_login(people.line_manager)
        manager_page = client.get(reverse("cases:manager"))
        return {
            "overdue page": sar.reference in references(overdue_page),
            "overdue selector": selectors.deadlines_overdue_list(now=now)
            .filter(pk=deadline.pk)
            .exists(),
            "API overdue filter": selectors.deadlines_open_list(now=now, overdue=True)
            .filter(pk=deadline.pk)
            .exists(),
            "manager's breaches": sar.reference in page_text(manager_page).split("Away")[0],
            "escalation sweep": notices.deadlines_to_escalate(now=now)
            .filter(pk=deadline.pk)
            .exists(),
            "officer warning sweep": notices.deadlines_to_warn(now=now)
            .filter(pk=deadline.pk)
            .exists(),
        }

    # when: a month on, well past the due time it had before the pause
    later = NOW + timedelta(days=30)
    assert later > due_before
    with time_machine.travel(later, tick=False):
        # then: in none of the overdue lists, breaches or sweeps, and shown as paused
        found = overdue_everywhere()
        assert not any(found.values()), found
        client.force_login(people.officer)
        assert "Paused since 20 June: checking identity" in page_text(
            client.get(reverse("cases:my_work"))
        )
        # and when its clock runs again, the due time has moved on by the time paused
        services.case_resume(case=sar, by=people.officer)
        deadline.refresh_from_db()
        assert deadline.status == DeadlineStatus.OPEN
        assert deadline.due_at is not None
        assert deadline.due_at > later > due_before

    # so once that has passed too, it is overdue again everywhere
    with time_machine.travel(deadline.due_at + timedelta(hours=1), tick=False):
        found = overdue_everywhere()
        assert found == dict.fromkeys(found, True) | {
            "officer warning sweep": found["officer warning sweep"]
        }, found


def poll(client, url, shown):
    return client.get(
        url,
        headers={
            "HX-Request": "true",
            "HX-Target": "queue-list",
            "X-Caredesk-Poll": "1",
            "X-Caredesk-Shown": shown,
        },
    )


def shown_of(response) -> str:
    found = re.search(r'"X-Caredesk-Shown": "([^"]+)"', response.content.decode())
    assert found is not None
    return found.group(1)


def test_a_poll_logs_only_the_customers_new_to_the_list(client, people):
    from caredesk.customers.models import CustomerAccess, CustomerType
    from caredesk.customers.services import customer_create

    def tenant(name):
        return customer_create(customer_type=CustomerType.TENANT, first_name=name)

    received(people, customer=tenant("Ann"))
    received(people, customer=tenant("Bob"))
    client.force_login(people.officer)
    url = reverse("cases:my_work")
    page = client.get(url)
    assert CustomerAccess.objects.count() == 2  # the page's two customers

    # when the list asks again, with the same rows: nothing more is logged
    again = poll(client, url, shown_of(page))
    assert again.status_code == 200
    assert CustomerAccess.objects.count() == 2

    # when a new row has come in: only its customer is logged
    received(people, customer=tenant("Cal"))
    later = poll(client, url, shown_of(again))
    assert CustomerAccess.objects.count() == 3
    assert CustomerAccess.objects.latest("pk").customer.first_name == "Cal"

    # a poll without (or with someone else's, or a forged) list logs them all
    poll(client, url, shown_of(later) + "x")
    assert CustomerAccess.objects.count() == 6


def test_a_poll_of_my_work_does_not_log_the_paused_cases_it_does_not_show(client, people):
    from caredesk.customers.models import CustomerAccess, CustomerType
    from caredesk.customers.services import customer_create

    waiting = received(
        people,
        kind=CaseKind.SUBJECT_ACCESS_REQUEST,
        customer=customer_create(customer_type=CustomerType.TENANT, first_name="Dee"),
    )
    services.case_wait_for_customer(
        case=waiting, reason=PauseReason.IDENTITY_CHECK, by=people.officer
    )
    client.force_login(people.officer)
    url = reverse("cases:my_work")
    page = client.get(url)
    logged = CustomerAccess.objects.count()
    assert logged >= 1
    poll(client, url, shown_of(page))
    assert CustomerAccess.objects.count() == logged
