"""The written summary of an interview (visits.interview_summaries): what the write-up
says, signed by the officer, in the customer's format and language, checked before it
goes and sent once."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.cases.models import Case, Channel, Direction
from caredesk.conftest import People, SettableClock, customer_case, letter_writer
from caredesk.customers.models import CustomerAccess
from caredesk.documents.models import (
    CaseLetter,
    DocumentFormat,
    DocumentKind,
    Medium,
    TranslationRequest,
)
from caredesk.documents.rendering import UnsignedDocument, document_render
from caredesk.documents.services import wanted_formats
from caredesk.mail.models import OutboundEmail
from caredesk.staff.models import Office
from caredesk.standards import load_policy
from caredesk.visits import interviews
from caredesk.visits.interview_summaries import (
    SummaryError,
    interview_summary_send,
    not_sendable_reason,
    summary_media,
    summary_preview,
    summary_values,
)
from caredesk.visits.interviews import ActionAgreed, Where
from caredesk.visits.models import Interview

HALTON = load_policy("halton")


@pytest.fixture(autouse=True)
def monday(clock: SettableClock) -> SettableClock:
    clock.moment = datetime(2026, 6, 22, 14, 0, tzinfo=UTC)  # Monday, 3pm in London
    return clock


def interview_on(people: People, clock: SettableClock, **customer: Any) -> Interview:
    letter_writer(people)
    case = customer_case(people, clock, **customer)
    return interviews.interview_record(
        case=case,
        held_at=clock.now() - timedelta(hours=1),
        where=Where(office=Office.objects.get(name="Runcorn"), room="Room 2", private_room=True),
        officers=[people.officer],
        issues="Damp in the back bedroom.\nThe rent statement is hard to follow.",
        recommendations="Keep the window vent open.",
        timescales="We will tell you what the surveyor found within 10 working days.",
        actions=[
            ActionAgreed("Send a surveyor about the damp.", people.teammate, date(2026, 7, 3)),
            ActionAgreed("Explain the rent statement", people.officer, date(2026, 6, 24)),
        ],
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )


def emailed(**more: Any) -> dict[str, Any]:
    return {"email": "jo@example.org", "preferred_channel": "email"} | more


def send(people: People, interview: Interview, clock: SettableClock, medium: str) -> Interview:
    return interview_summary_send(
        interview=interview, medium=medium, by=people.officer, policy=HALTON, clock=clock
    )


# -- what it says ---------------------------------------------------------------------------


def test_the_email_says_what_the_write_up_says_signed_by_the_officer(
    people: People, monday: SettableClock
) -> None:
    interview = interview_on(people, monday, **emailed())
    shown = summary_preview(
        interview=interview, medium="email", by=people.officer, policy=HALTON, clock=monday
    )

    send(people, interview, monday, "email")

    email = OutboundEmail.objects.get(case=interview.case)
    assert email.kind == DocumentKind.INTERVIEW_SUMMARY
    assert (email.to_address, email.subject, email.body) == (
        "jo@example.org",
        shown.subject,
        shown.body,
    )
    assert email.subject == "What we agreed when we met on Monday 22 June 2026: " + (
        interview.case.reference
    )
    body = email.body
    assert "Thank you for meeting us on Monday 22 June 2026 at Runcorn." in body
    assert "Damp in the back bedroom.\nThe rent statement is hard to follow." in body
    assert "Keep the window vent open." in body
    teammate = people.teammate.get_full_name()
    assert (
        f"- Send a surveyor about the damp. {teammate} will do this by Friday 3 July 2026." in body
    )
    assert "- Explain the rent statement. Olu Officer will do this by Wednesday 24 June 2026." in (
        body
    )
    assert "within 10 working days" in body
    assert "0151 510 1234" in body  # signed: how to reach the officer
    interview.refresh_from_db()
    assert interview.summary_sent_at == monday.now()
    assert (interview.summary_sent_by, interview.summary_sent_as) == (people.officer, "email")
    contact = interview.case.contacts.latest("pk")
    assert (contact.channel, contact.direction) == (Channel.EMAIL, Direction.OUTBOUND)
    assert contact.summary == f"Email: {email.subject}"


def test_a_write_up_without_recommendations_actions_or_timescales_leaves_their_headings_out(
    people: People, monday: SettableClock
) -> None:
    letter_writer(people)
    case = customer_case(people, monday, **emailed())
    interview = interviews.interview_record(
        case=case,
        held_at=monday.now(),
        where=Where(at_home=True),
        officers=[people.officer],
        issues="Wants a transfer.",
        by=people.officer,
        policy=HALTON,
        clock=monday,
    )

    body = summary_preview(
        interview=interview, medium="email", by=people.officer, policy=HALTON, clock=monday
    ).body

    assert "meeting us on Monday 22 June 2026 at your home." in body
    for heading in ("What we recommended", "What we will do", "Timescales we agreed"):
        assert heading not in body
    assert not re.search(r"\n\n\n", body)


# -- in their format and language ---------------------------------------------------------


def test_a_customer_who_needs_large_print_in_polish_gets_a_letter_even_if_they_prefer_email(
    people: People, monday: SettableClock
) -> None:
    interview = interview_on(
        people, monday, **emailed(accessible_format="large_print", language="Polish")
    )
    assert summary_media(interview.case.customer) == ["letter"]
    with pytest.raises(
        SummaryError,
        match="needs letters in large print and translated into "
        "Polish: an email is not made that way",
    ):
        send(people, interview, monday, "email")

    send(people, interview, monday, "letter")

    assert not OutboundEmail.objects.exists()
    letter = CaseLetter.objects.get(case=interview.case)
    assert letter.kind == DocumentKind.INTERVIEW_SUMMARY
    assert letter.subject == "What we agreed when we met on Monday 22 June 2026"
    assert wanted_formats(letter) == [DocumentFormat.STANDARD_PRINT, DocumentFormat.LARGE_PRINT]
    assert TranslationRequest.objects.get(letter=letter).language == "Polish"
    contact = interview.case.contacts.latest("pk")
    assert (contact.channel, contact.summary) == (Channel.LETTER, f"Letter: {letter.subject}")


def test_a_customer_who_prefers_email_may_be_sent_a_letter_instead(
    people: People, monday: SettableClock
) -> None:
    interview = interview_on(people, monday, **emailed())
    assert summary_media(interview.case.customer) == ["email", "letter"]

    send(people, interview, monday, "letter")

    assert CaseLetter.objects.get(case=interview.case).kind == DocumentKind.INTERVIEW_SUMMARY
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize(
    ("customer", "reason"),
    [
        ({"address": "", "postcode": ""}, "no postal address or email"),
        (
            {
                "address": "",
                "postcode": "",
                "email": "jo@example.org",
                "accessible_format": "braille",
            },
            "needs letters in Braille, and there is no postal address",
        ),
    ],
)
def test_a_customer_it_cannot_reach_in_a_way_they_can_read_is_sent_nothing(
    people: People, monday: SettableClock, customer: dict[str, Any], reason: str
) -> None:
    interview = interview_on(people, monday, **customer)
    contacts = interview.case.contacts.count()

    assert reason in not_sendable_reason(interview)
    for medium in ("email", "letter"):
        with pytest.raises(SummaryError, match=reason):
            send(people, interview, monday, medium)

    assert interview.case.contacts.count() == contacts
    assert not CaseLetter.objects.exists()
    assert not OutboundEmail.objects.exists()
    interview.refresh_from_db()
    assert interview.summary_sent_at is None


def test_an_interview_on_a_case_with_no_customer_has_no_one_to_send_to(
    people: People, monday: SettableClock
) -> None:
    interview = interview_on(people, monday)
    Case.objects.filter(pk=interview.case_id).update(customer=None)
    interview = Interview.objects.select_related("case").get(pk=interview.pk)

    assert not_sendable_reason(interview) == "The case has no customer to send a summary to."
    with pytest.raises(SummaryError, match="no customer"):
        send(people, interview, monday, "letter")


# -- sent once, signed --------------------------------------------------------------------


def test_the_summary_is_sent_once(people: People, monday: SettableClock) -> None:
    interview = interview_on(people, monday)
    send(people, interview, monday, "letter")
    monday.moment += timedelta(days=1)

    with pytest.raises(SummaryError, match="sent already"):
        send(people, interview, monday, "letter")

    assert CaseLetter.objects.filter(case=interview.case).count() == 1


def test_an_officer_whose_record_cannot_sign_it_is_told_and_nothing_goes(
    people: People, monday: SettableClock
) -> None:
    interview = interview_on(people, monday, **emailed())
    people.officer.phone = people.officer.email = ""
    people.officer.save()

    for medium in ("email", "letter"):
        with pytest.raises(UnsignedDocument, match="cannot be sent unsigned"):
            send(people, interview, monday, medium)

    assert not CaseLetter.objects.exists()
    assert not OutboundEmail.objects.exists()
    interview.refresh_from_db()
    assert interview.summary_sent_at is None


TEMPLATE_LIKE = (
    st.lists(
        st.sampled_from(["{{", "}}", "{%", "%}", " for x in y ", "endfor", "case.reference", "|"])
        | st.text(
            st.characters(categories=["L", "N", "P", "S"]) | st.sampled_from(" \n"), max_size=8
        ),
        min_size=1,
        max_size=30,
    )
    .map("".join)
    .filter(lambda words: words.strip())
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(words=TEMPLATE_LIKE, anything=st.text(st.characters(codec="utf-8"), max_size=300))
def test_whatever_the_officer_wrote_is_sent_as_words_never_as_template(
    people: People, monday: SettableClock, words: str, anything: str
) -> None:
    """An issue that reads "{{ case.reference }}" or "{% for %}" is printed as it was
    written, and no text at all (control characters, any script) stops the summary."""
    interview = Interview.objects.filter(case__customer__email="jo@example.org").first()
    if interview is None:
        interview = interview_on(people, monday, **emailed())
    interview.issues = words
    interview.timescales = anything

    values = summary_values(interview, HALTON, by=people.officer)
    email = document_render(DocumentKind.INTERVIEW_SUMMARY, Medium.EMAIL, values)
    letter = document_render(DocumentKind.INTERVIEW_SUMMARY, Medium.LETTER, values)

    for rendered in (email, letter):
        assert f"What you told us:\n{words.strip()}\n" in rendered.body
        assert rendered.body.count("{{") == words.count("{{") + anything.count("{{")


# -- the page -----------------------------------------------------------------------------


def test_the_page_shows_the_letter_and_sends_only_what_it_showed(
    people: People, monday: SettableClock, client: Any
) -> None:
    interview = interview_on(people, monday, **emailed())
    client.force_login(people.officer)
    address = reverse("visits:interview_summary", args=[interview.pk])

    shown = client.get(address, {"medium": "letter"})
    page = shown.content.decode()
    assert shown.status_code == 200
    assert "The letter as it will print" in page
    assert "Send it as an email instead" in page
    assert "Keep the window vent open." in page
    assert CustomerAccess.objects.filter(
        customer=interview.case.customer, what=f"interview summary on {interview.case.reference}"
    ).exists()

    unchecked = client.post(address, {"medium": "letter", "checked": "forged"})
    assert unchecked.status_code == 400
    assert "Check the summary before you send it" in unchecked.content.decode()
    token = re.search(r'name="checked" value="([^"]+)"', page)
    assert token is not None
    # the token was for the letter: it does not send an email
    as_email = client.post(address, {"medium": "email", "checked": token.group(1)})
    assert as_email.status_code == 400
    assert not OutboundEmail.objects.exists()

    sent = client.post(address, {"medium": "letter", "checked": token.group(1)})

    assert sent.status_code == 302
    assert CaseLetter.objects.get(case=interview.case).kind == DocumentKind.INTERVIEW_SUMMARY
    case_page = client.get(sent["Location"] + "?panels=all").content.decode()
    assert "Summary written as a letter." in case_page
    interview.refresh_from_db()
    assert interview.summary_sent_at is not None
    sent_on = interview.summary_sent_at.astimezone(HALTON.working_calendar.zone)
    assert f"Summary sent by letter on {sent_on.day} {sent_on:%B %Y} by Olu Officer" in case_page
    again = client.get(address)
    assert again.status_code == 302


def test_the_case_page_offers_the_summary_to_those_who_take_casework(
    people: People, monday: SettableClock, client: Any
) -> None:
    interview = interview_on(people, monday)
    address = reverse("visits:interview_summary", args=[interview.pk])

    client.force_login(people.officer)
    case_page = client.get(reverse("cases:case", args=[interview.case.reference]) + "?panels=all")
    assert address in case_page.content.decode()

    client.force_login(people.analyst)
    assert client.get(address).status_code == 403


def test_the_page_says_why_a_customer_it_cannot_reach_is_sent_nothing(
    people: People, monday: SettableClock, client: Any
) -> None:
    interview = interview_on(people, monday, address="", postcode="", accessible_format="braille")
    client.force_login(people.officer)
    address = reverse("visits:interview_summary", args=[interview.pk])

    page = client.get(address).content.decode()
    refused = client.post(address, {"medium": "letter", "checked": "x"})

    assert "needs letters in Braille, and there is no postal address" in page
    assert ">Send</button>" not in page
    assert refused.status_code == 400
    assert not CaseLetter.objects.exists()
