"""Hazards under Awaab's Law (complaints.hazards): the clock starts at the contact that told
us; emergencies made safe in 24 hours; significant hazards investigated in 10 working
days, then the summary in 3 and the work begun in 5; types not yet covered recorded but
untimed; every access attempt, the decant and the close kept."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caredesk.cases.holding_dates import revision_bounds
from caredesk.cases.intake import contact_receive
from caredesk.cases.models import Case, CaseEvent, Channel, DeadlineStatus, EventKind
from caredesk.complaints.hazard_summaries import hazard_summary_send
from caredesk.complaints.hazards import (
    HazardError,
    hazard_access_attempt,
    hazard_close,
    hazard_decant_offered,
    hazard_investigated,
    hazard_report,
    hazard_step_done,
)
from caredesk.complaints.models import Hazard, HazardStep, HazardWebhook, WebhookStatus
from caredesk.conftest import People, SettableClock, customer_case, letter_writer
from caredesk.documents.models import CaseLetter, DocumentFormat, DocumentKind, TranslationRequest
from caredesk.documents.services import wanted_formats
from caredesk.errors import NotAllowed
from caredesk.mail.models import OutboundEmail
from caredesk.standards import due_at, load_policy

HALTON = load_policy("halton")
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def case(people: People, clock: SettableClock) -> Case:
    clock.moment = datetime(2026, 6, 22, 13, 0, tzinfo=UTC)  # Monday, 2pm in London
    return customer_case(people, clock, channel=Channel.PHONE, days_ago=0)


def report(people: People, case: Case, clock: SettableClock, **more: object) -> Hazard:
    fields: dict[str, object] = {
        "case": case,
        "hazard_type": "damp_and_mould",
        "severity": "significant",
        "description": "Black mould on the bedroom wall; the baby is coughing",
        "where": "back bedroom",
        "by": people.officer,
        "policy": HALTON,
        "clock": clock,
    } | more
    return hazard_report(**fields)  # type: ignore[arg-type]


def steps(hazard: Hazard) -> dict[str, HazardStep]:
    return {step.standard_key: step for step in hazard.steps.select_related("deadline")}


def due(step: HazardStep) -> datetime:
    assert step.deadline is not None
    assert step.deadline.due_at is not None
    return step.deadline.due_at.astimezone(LONDON)


def test_a_significant_hazard_is_investigated_within_10_working_days_of_the_call(
    people: People, clock: SettableClock, case: Case
) -> None:
    clock.moment += timedelta(hours=2)  # recorded later: the clock starts at the call
    hazard = report(people, case, clock)

    assert hazard.covered
    assert hazard.aware_at == case.received_at
    [(key, step)] = steps(hazard).items()
    assert key == "hazard_investigated"
    # from Monday 22 June 2026, 2pm: 10 working days is Monday 6 July, close of business
    assert due(step) == datetime(2026, 7, 6, 17, 0, tzinfo=LONDON)
    assert step.deadline is not None
    assert step.deadline.assigned_to == people.officer
    said = CaseEvent.objects.filter(case=case, kind=EventKind.HAZARD).get().data["text"]
    assert said.startswith("Damp and mould growth (significant) reported in back bedroom")


def test_an_emergency_is_made_safe_within_24_hours_whatever_the_day(
    people: People, clock: SettableClock
) -> None:
    clock.moment = datetime(2026, 12, 24, 16, 59, tzinfo=UTC)  # 4:59pm, Christmas Eve
    case = customer_case(people, clock, channel=Channel.PHONE, days_ago=0)

    hazard = report(people, case, clock, severity="emergency", hazard_type="electrical")

    (step,) = steps(hazard).values()
    assert step.standard_key == "hazard_emergency_made_safe"
    assert due(step) == datetime(2026, 12, 25, 16, 59, tzinfo=LONDON)  # elapsed: Christmas Day


def test_a_hazard_reported_at_16_59_on_christmas_eve_skips_the_bank_holidays(
    people: People, clock: SettableClock
) -> None:
    clock.moment = datetime(2026, 12, 24, 16, 59, tzinfo=UTC)
    case = customer_case(people, clock, channel=Channel.PHONE, days_ago=0)

    hazard = report(people, case, clock)

    # working days after Thursday 24 December 2026: 29, 30, 31 December (25 December,
    # 28 December for Boxing Day on a Saturday, and 1 January are bank holidays), 4, 5,
    # 6, 7, 8, 11 and 12 January: the tenth
    assert due(steps(hazard)["hazard_investigated"]) == datetime(2027, 1, 12, 17, 0, tzinfo=LONDON)


def test_the_investigation_starts_the_summary_and_the_work(
    people: People, clock: SettableClock, case: Case
) -> None:
    hazard = report(people, case, clock)
    clock.moment = datetime(2026, 6, 25, 10, 0, tzinfo=UTC)  # Thursday

    hazard_investigated(
        hazard=hazard,
        findings="Condensation from a blocked extractor fan; mould over 2 square metres.",
        significant=True,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )

    found = steps(hazard)
    assert found["hazard_investigated"].deadline.status == DeadlineStatus.MET  # type: ignore[union-attr]
    assert found["hazard_investigated"].done_by == people.officer
    # from Thursday 25 June: 3 working days is Tuesday 30 June; 5 is Thursday 2 July
    assert due(found["hazard_summary_sent"]) == datetime(2026, 6, 30, 17, 0, tzinfo=LONDON)
    assert due(found["hazard_safety_work_begun"]) == datetime(2026, 7, 2, 17, 0, tzinfo=LONDON)
    assert due(found["hazard_further_work_begun"]) == datetime(2026, 7, 2, 17, 0, tzinfo=LONDON)
    with pytest.raises(HazardError, match="recorded already"):
        hazard_investigated(
            hazard=hazard,
            findings="Again",
            significant=True,
            by=people.officer,
            policy=HALTON,
            clock=clock,
        )


def test_no_significant_risk_found_starts_nothing_more(
    people: People, clock: SettableClock, case: Case
) -> None:
    hazard = report(people, case, clock)
    hazard_investigated(
        hazard=hazard,
        findings="Dry; no mould.",
        significant=False,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )

    assert set(steps(hazard)) == {"hazard_investigated"}


def test_a_step_is_done_once_from_the_desk_or_the_repairs_system(
    people: People, clock: SettableClock, case: Case
) -> None:
    hazard = report(people, case, clock)
    hazard_investigated(
        hazard=hazard,
        findings="Mould.",
        significant=True,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    work = steps(hazard)["hazard_safety_work_begun"]
    clock.moment += timedelta(days=1)

    hazard_step_done(step=work, by=None, source="repairs system", policy=HALTON, clock=clock)

    work.refresh_from_db()
    assert (work.done_at, work.done_source) == (clock.now(), "repairs system")
    assert work.deadline is not None
    assert work.deadline.status == DeadlineStatus.MET
    with pytest.raises(HazardError, match="done already"):
        hazard_step_done(step=work, by=people.officer, policy=HALTON, clock=clock)
    with pytest.raises(HazardError, match="Record the investigation"):
        hazard_step_done(
            step=steps(hazard)["hazard_investigated"], by=people.officer, policy=HALTON, clock=clock
        )


def test_a_type_not_yet_covered_is_recorded_untimed_but_an_emergency_of_it_is_timed(
    people: People, clock: SettableClock
) -> None:
    clock.moment = datetime(2025, 12, 1, 10, 0, tzinfo=UTC)  # excess cold comes in 2026
    case = customer_case(people, clock, channel=Channel.PHONE, days_ago=0)

    cold = report(people, case, clock, hazard_type="excess_cold", description="No heating")
    emergency = report(
        people, case, clock, hazard_type="excess_cold", severity="emergency", description="No heat"
    )

    assert not cold.covered
    assert not steps(cold)
    assert emergency.covered
    assert set(steps(emergency)) == {"hazard_emergency_made_safe"}


def test_any_contact_can_report_it_and_the_clock_starts_at_that_contact(
    people: People, clock: SettableClock, case: Case
) -> None:
    clock.moment += timedelta(days=2)
    later = contact_receive(
        channel=Channel.EMAIL,
        received_at=clock.now() - timedelta(hours=3),
        subject=case.subject,
        summary="Photos of the mould attached",
        thread=case,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    ).contact
    other = customer_case(people, clock)

    hazard = report(people, case, clock, contact=later)

    assert hazard.aware_at == later.at
    with pytest.raises(HazardError, match="contact on this case"):
        report(people, other, clock, contact=later)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"hazard_type": "ghosts"}, "Choose the kind of hazard"),
        ({"severity": "mild"}, "emergency or a significant"),
        ({"description": "   "}, "Enter what the hazard is."),
    ],
)
def test_a_report_without_what_the_law_needs_is_refused(
    people: People, clock: SettableClock, case: Case, change: dict[str, object], said: str
) -> None:
    with pytest.raises(HazardError, match=re.escape(said)):
        report(people, case, clock, **change)
    assert not Hazard.objects.exists()


def test_only_caseworkers_record_hazards(people: People, clock: SettableClock, case: Case) -> None:
    with pytest.raises(NotAllowed):
        report(people, case, clock, by=people.analyst)


def test_access_attempts_the_decant_and_the_close_are_kept(
    people: People, clock: SettableClock, case: Case
) -> None:
    hazard = report(people, case, clock)
    clock.moment += timedelta(days=1)

    hazard_access_attempt(
        hazard=hazard,
        at=clock.now() - timedelta(hours=1),
        outcome="no_answer",
        note="Card left",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    hazard_decant_offered(
        hazard=hazard,
        details="Two nights at the Premier Inn; accepted",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    with pytest.raises(HazardError, match="between the report"):
        hazard_access_attempt(
            hazard=hazard,
            at=clock.now() + timedelta(hours=1),
            outcome="in",
            by=people.officer,
            policy=HALTON,
            clock=clock,
        )
    hazard_close(
        hazard=hazard, reason="Tenant moved out", by=people.officer, policy=HALTON, clock=clock
    )

    hazard.refresh_from_db()
    assert [a.outcome for a in hazard.access_attempts.all()] == ["no_answer"]
    assert hazard.decant_details.startswith("Two nights")
    investigation = steps(hazard)["hazard_investigated"].deadline
    assert investigation is not None
    assert investigation.status == DeadlineStatus.ENDED_UNMET
    with pytest.raises(HazardError, match="closed already"):
        hazard_close(hazard=hazard, reason="Again", by=people.officer, policy=HALTON, clock=clock)


def test_without_a_repairs_system_the_messages_say_they_were_not_sent(
    people: People, clock: SettableClock, case: Case
) -> None:
    report(people, case, clock)

    webhooks = list(HazardWebhook.objects.order_by("pk"))
    assert [w.event for w in webhooks] == ["hazard.reported", "hazard.step_started"]
    assert {w.status for w in webhooks} == {WebhookStatus.NOT_SET_UP}


# -- the pages --------------------------------------------------------------------------


def test_record_a_hazard_then_its_investigation_from_the_pages(
    client: object, people: People, clock: SettableClock, case: Case, monkeypatch: object
) -> None:
    from django.urls import reverse

    from caredesk.core.clock import system_clock

    monkeypatch.setattr(system_clock, "now", clock.now)  # type: ignore[attr-defined]
    client.force_login(people.officer)  # type: ignore[attr-defined]
    new = reverse("complaints:hazard_new", args=[case.reference])
    contact = case.contacts.get()

    refused = client.post(new, {"hazard_type": "damp_and_mould"})  # type: ignore[attr-defined]
    assert refused.status_code == 400
    assert "Write what the hazard is" in refused.content.decode()
    made = client.post(  # type: ignore[attr-defined]
        new,
        {
            "hazard_type": "damp_and_mould",
            "severity": "significant",
            "description": "Mould in the bedroom",
            "contact": str(contact.pk),
        },
        follow=True,
    )
    hazard = Hazard.objects.get()
    page = made.content.decode()
    assert "Hazard recorded. 1 step timed from when we were told." in page
    assert "Mon 6 Jul 2026, 17:00" in page  # the investigation's due time
    address = reverse("complaints:hazard", args=[hazard.pk])
    clock.moment = datetime(2026, 6, 24, 9, 0, tzinfo=UTC)
    client.force_login(people.officer)  # type: ignore[attr-defined]

    bad = client.post(address, {"action": "investigated", "findings": "Mould"})  # type: ignore[attr-defined]
    assert bad.status_code == 400
    assert "Say whether there is a significant risk of harm" in bad.content.decode()
    client.post(  # type: ignore[attr-defined]
        address,
        {
            "action": "investigated",
            "findings": "Mould over 2 square metres",
            "significant": "1",
            "ended_at": "2026-06-23T10:00",
        },
    )
    summary = steps(hazard)["hazard_summary_sent"]
    done = client.post(  # type: ignore[attr-defined]
        address,
        {
            "action": "done",
            "step": str(summary.pk),
            f"step{summary.pk}-done_at": "2026-06-23T12:00",
        },
    )

    assert done.status_code == 302
    summary.refresh_from_db()
    assert summary.done_by == people.officer
    case_page = client.get(reverse("cases:case", args=[case.reference]), {"panels": "all"})  # type: ignore[attr-defined]
    assert "Damp and mould growth" in case_page.content.decode()


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "9999-12-31T23:59", "2101-01-01T00:00"])
def test_a_step_done_in_year_1_or_9999_on_the_page_is_refused_saying_why(
    client: object,
    people: People,
    clock: SettableClock,
    case: Case,
    monkeypatch: object,
    typed: str,
) -> None:
    """The API's 500 (api/tests/test_time_bounds.py) never reached the desk: its form
    reads the time in office time, and the service refuses one outside the hazard's life."""
    from django.urls import reverse

    from caredesk.core.clock import system_clock

    monkeypatch.setattr(system_clock, "now", clock.now)  # type: ignore[attr-defined]
    hazard = report(people, case, clock)
    hazard_investigated(
        hazard=hazard,
        findings="Mould",
        significant=True,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    work = steps(hazard)["hazard_safety_work_begun"]
    client.force_login(people.officer)  # type: ignore[attr-defined]

    answer = client.post(  # type: ignore[attr-defined]
        reverse("complaints:hazard", args=[hazard.pk]),
        {"action": "done", "step": str(work.pk), f"step{work.pk}-done_at": typed},
    )

    assert answer.status_code == 400
    assert "Give a time between the report of the hazard and now." in answer.content.decode()
    work.refresh_from_db()
    assert work.done_at is None


# -- the written summary ----------------------------------------------------------------


def investigated(people: People, clock: SettableClock, case: Case) -> Hazard:
    letter_writer(people)
    hazard = report(people, case, clock)
    clock.moment = datetime(2026, 6, 25, 10, 0, tzinfo=UTC)  # Thursday
    return hazard_investigated(
        hazard=hazard,
        findings="A blocked extractor fan; mould over 2 square metres.",
        significant=True,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )


def test_the_summary_goes_as_a_letter_in_their_format_and_language_and_is_the_step(
    people: People, clock: SettableClock
) -> None:
    clock.moment = datetime(2026, 6, 22, 13, 0, tzinfo=UTC)
    case = customer_case(
        people,
        clock,
        channel=Channel.PHONE,
        days_ago=0,
        email="jo@example.org",
        preferred_channel="email",
        accessible_format="large_print",
        language="Polish",
    )
    hazard = investigated(people, clock, case)

    letter = hazard_summary_send(hazard=hazard, by=people.officer, policy=HALTON, clock=clock)

    assert isinstance(letter, CaseLetter)
    assert letter.kind == DocumentKind.HAZARD_SUMMARY
    body = " ".join(letter.body.split())
    assert "We looked into the damp and mould growth in your back bedroom" in body
    assert "told us about on Monday 22 June 2026" in body
    assert "A blocked extractor fan" in body
    assert "- begin the work to make your home safe, by Thursday 2 July 2026" in body
    assert wanted_formats(letter) == [DocumentFormat.STANDARD_PRINT, DocumentFormat.LARGE_PRINT]
    assert TranslationRequest.objects.get(letter=letter).language == "Polish"
    step = steps(hazard)["hazard_summary_sent"]
    assert step.done_at == clock.now()
    assert step.deadline is not None
    assert step.deadline.status == DeadlineStatus.MET
    with pytest.raises(HazardError, match="has been sent"):
        hazard_summary_send(hazard=hazard, by=people.officer, policy=HALTON, clock=clock)


def test_the_summary_is_emailed_to_a_tenant_who_prefers_email(
    people: People, clock: SettableClock
) -> None:
    clock.moment = datetime(2026, 6, 22, 13, 0, tzinfo=UTC)
    case = customer_case(
        people,
        clock,
        channel=Channel.PHONE,
        days_ago=0,
        email="jo@example.org",
        preferred_channel="email",
    )
    hazard = investigated(people, clock, case)

    email = hazard_summary_send(hazard=hazard, by=people.officer, policy=HALTON, clock=clock)

    assert isinstance(email, OutboundEmail)
    assert email.to_address == "jo@example.org"
    assert "0151 510 1234" in email.body  # signed


def test_no_summary_before_the_investigation(
    people: People, clock: SettableClock, case: Case
) -> None:
    letter_writer(people)
    hazard = report(people, case, clock)
    with pytest.raises(HazardError, match="Record the investigation first"):
        hazard_summary_send(hazard=hazard, by=people.officer, policy=HALTON, clock=clock)


def test_the_hazard_page_shows_the_summary_and_sends_only_what_it_showed(
    client: object, people: People, clock: SettableClock, case: Case, monkeypatch: object
) -> None:
    from django.urls import reverse

    from caredesk.core.clock import system_clock

    hazard = investigated(people, clock, case)
    monkeypatch.setattr(system_clock, "now", clock.now)  # type: ignore[attr-defined]
    client.force_login(people.officer)  # type: ignore[attr-defined]
    address = reverse("complaints:hazard", args=[hazard.pk])

    page = client.get(address).content.decode()  # type: ignore[attr-defined]
    assert "The written summary to the tenant" in page
    assert "A blocked extractor fan" in page
    forged = client.post(address, {"action": "summary", "checked": "forged"}, follow=True)  # type: ignore[attr-defined]
    assert "Check the summary before you send it" in forged.content.decode()
    assert not CaseLetter.objects.exists()
    token = re.search(r'name="checked" value="([^"]+)"', page)
    assert token is not None

    sent = client.post(address, {"action": "summary", "checked": token.group(1)}, follow=True)  # type: ignore[attr-defined]

    assert "Summary written as a letter" in sent.content.decode()
    assert CaseLetter.objects.get().kind == DocumentKind.HAZARD_SUMMARY
    assert "The summary has been sent." in sent.content.decode()


def test_further_work_that_cannot_begin_in_5_days_gets_a_holding_reply_within_the_limit(
    people: People, clock: SettableClock, case: Case
) -> None:
    from caredesk.cases import errors as case_errors
    from caredesk.cases.services import holding_reply_send

    hazard = report(people, case, clock)
    clock.moment = datetime(2026, 6, 25, 10, 0, tzinfo=UTC)  # Thursday
    hazard_investigated(
        hazard=hazard,
        findings="Rising damp: the damp-proof course has failed.",
        significant=True,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    further = steps(hazard)["hazard_further_work_begun"]
    summary = steps(hazard)["hazard_summary_sent"]
    assert further.deadline is not None
    assert summary.deadline is not None
    clock.moment = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)

    def holding(deadline: object, revised: datetime) -> None:
        holding_reply_send(
            deadline=deadline,  # type: ignore[arg-type]
            reason="The damp-proof course needs a specialist contractor.",
            revised=revised,
            by=people.officer,
            policy=HALTON,
            clock=clock,
        )

    # 10 weeks after the first date, Thursday 2 July, is Thursday 10 September: a day more
    # is refused; that day is allowed, and well inside 12 weeks of the investigation.
    with pytest.raises(case_errors.HoldingReplyTooLate, match="10 weeks after"):
        holding(further.deadline, datetime(2026, 9, 11, 12, 0, tzinfo=LONDON))
    holding(further.deadline, datetime(2026, 9, 10, 12, 0, tzinfo=LONDON))
    further.deadline.refresh_from_db()
    assert further.deadline.due_at == datetime(2026, 9, 10, 12, 0, tzinfo=LONDON)
    assert further.deadline.status == DeadlineStatus.OPEN
    assert further.deadline.due_at <= datetime(2026, 6, 25, 11, 0, tzinfo=LONDON) + timedelta(
        weeks=12
    )
    # The written summary's 3 working days are the law's, with no holding reply.
    with pytest.raises(case_errors.HoldingReplyNotAllowed):
        holding(summary.deadline, datetime(2026, 7, 3, 12, 0, tzinfo=LONDON))

    hazard_step_done(
        step=further, by=people.officer, policy=HALTON, clock=clock
    )  # begun early after all
    further.deadline.refresh_from_db()
    assert further.deadline.status == DeadlineStatus.MET


@pytest.mark.parametrize("policy_name", ["halton", "stonewall"])
@settings(max_examples=300, deadline=None)
@given(
    investigated=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    )
)
def test_no_revised_date_for_further_work_is_beyond_12_weeks_of_the_investigation(
    policy_name: str, investigated: datetime
) -> None:
    """The Regulations' outer limit is 12 weeks from the investigation; the policies set
    the holding reply's limit from the first due date. Whatever the day, weekend or bank
    holiday, the latest date a holding reply may give is inside the 12 weeks."""
    policy = load_policy(policy_name)
    standard = policy.deadline_standard("hazard_further_work_begun")
    first_due = due_at(investigated, standard.target, policy.working_calendar)
    bounds = revision_bounds(
        policy=policy, standard=standard, now=investigated, due=first_due, standard_due_at=first_due
    )
    assert bounds.latest is not None
    assert first_due < bounds.latest <= investigated + timedelta(weeks=12)


def test_the_hazard_page_offers_a_holding_reply_only_for_further_work(
    client: object, people: People, clock: SettableClock, case: Case
) -> None:
    from django.urls import reverse

    hazard = report(people, case, clock)
    hazard_investigated(
        hazard=hazard,
        findings="Condensation; mould over 2 square metres.",
        significant=True,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    client.force_login(people.officer)  # type: ignore[attr-defined]
    page = client.get(reverse("complaints:hazard", args=[hazard.pk])).content.decode()  # type: ignore[attr-defined]
    offers = re.findall(r"holding reply with a new date<span[^>]*> for ([^<]+)</span>", page)
    assert offers == [
        "further work to stop a hazard coming back begun within 5 working days of the investigation"
    ]
