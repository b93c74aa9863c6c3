"""Check before send: the reply and the holding reply are shown exactly as they will go,
and sent only from that page (a signed token of what was checked)."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from caredesk.cases.models import HoldingReply
from caredesk.cases.services import note_add
from caredesk.conftest import customer_case, letter_writer
from caredesk.customers.models import AccessibleFormat, ContactChannel
from caredesk.documents.models import CaseLetter
from caredesk.mail.models import OutboundEmail

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def case(people, clock):
    letter_writer(people)
    return customer_case(
        people,
        clock,
        subject="Rent statement",
        title="Mrs",
        first_name="Ann",
        last_name="Harris",
        email="ann@example.org",
        accessible_format=AccessibleFormat.BRAILLE,
        preferred_channel=ContactChannel.EMAIL,
    )


@pytest.fixture
def officer(client, people):
    client.force_login(people.officer)
    return client


def token(html: str) -> str:
    found = re.search(r'name="checked" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_the_reply_by_email_shows_from_to_subject_and_body_then_sends(officer, case):
    url = reverse("mail:reply", args=[case.reference])
    form = officer.get(url).content.decode()
    assert (
        'value="email" checked' in form
        or 'value="email"\n checked' in form
        or (re.search(r'value="email"[^>]*checked', form))
    )  # she prefers email
    data = {
        "draft": "Dear Mrs Harris,\n\nYour statement is attached.\n\nKind regards",
        "medium": "email",
    }
    check = officer.post(url, data | {"action": "check"})
    html = check.content.decode()
    assert check.status_code == 200
    assert "The email as it will arrive" in html
    assert "ann@example.org" in html
    assert "Re: Rent statement" in html
    assert "Dear Mrs Harris," in html
    assert "Olu Officer" in html
    assert "“Dear Mrs Harris,”" in html
    assert "“Kind regards”" in html
    assert "an email is not made that way" in html  # she needs Braille
    assert not OutboundEmail.objects.exists()  # nothing sent by checking
    sent = officer.post(url, data | {"action": "send", "checked": token(html)})
    assert sent.status_code == 302
    assert OutboundEmail.objects.get().body.count("Your statement is attached.") == 1


def test_the_letter_is_shown_as_it_will_print_with_the_formats_made(officer, case):
    url = reverse("mail:reply", args=[case.reference])
    data = {"draft": "Your statement is enclosed.", "medium": "letter"}
    html = officer.post(url, data | {"action": "check"}).content.decode()
    assert "The letter as it will print" in html
    assert "Yours sincerely," in html
    assert "Dear Mrs Harris," in html
    assert "Also sent in Braille." in html
    officer.post(url, data | {"action": "send", "checked": token(html)})
    assert CaseLetter.objects.count() == 1


def test_a_send_that_never_passed_the_check_page_is_refused(officer, case):
    url = reverse("mail:reply", args=[case.reference])
    answer = officer.post(url, {"draft": "Hello.", "medium": "letter", "action": "send"})
    assert answer.status_code == 400
    assert "Check your reply" in answer.content.decode()
    # said in the shared error summary, which takes focus as the page opens
    summary = re.search(
        r'<div class="error-summary" tabindex="-1" autofocus>(.*?)</div>',
        answer.content.decode(),
        re.S,
    )
    assert summary is not None
    assert "It was not sent" in summary.group(1)
    assert not CaseLetter.objects.exists()


def test_a_body_changed_after_the_check_must_be_checked_again(officer, case):
    url = reverse("mail:reply", args=[case.reference])
    data = {"draft": "Your statement is enclosed.", "medium": "letter"}
    checked = token(officer.post(url, data | {"action": "check"}).content.decode())
    changed = data | {"draft": "Something else entirely.", "action": "send", "checked": checked}
    answer = officer.post(url, changed)
    assert answer.status_code == 400
    assert "Something else entirely." in answer.content.decode()  # shown to be checked
    assert not CaseLetter.objects.exists()


def test_change_goes_back_to_the_form_with_the_text_kept(officer, case):
    url = reverse("mail:reply", args=[case.reference])
    data = {"draft": "Your statement is enclosed.", "medium": "letter", "action": "change"}
    html = officer.post(url, data).content.decode()
    assert "Your statement is enclosed.</textarea>" in html
    assert 'value="check"' in html
    assert "Check your reply" in html


def test_the_holding_reply_is_checked_then_sent_and_2046_never_goes(officer, case, clock):
    traveller = time_machine.travel(clock.now(), tick=False)  # the pages' clock is the real one
    traveller.start()
    url = reverse("mail:holding_reply", args=[case.reference])
    deadline = case.deadlines.get()
    typed = {"deadline": deadline.pk, "reason": "We are waiting for a survey."}
    refused = officer.post(url, typed | {"revised_by": "2046-01-01T10:00"})
    assert refused.status_code == 400
    assert "The new date must be no later than" in refused.content.decode()
    later = (deadline.due_at + timedelta(days=2)).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
    check = officer.post(url, typed | {"revised_by": later})
    html = check.content.decode()
    assert check.status_code == 200
    assert "Check the holding reply" in html
    assert "We are waiting for a survey." in html
    assert "ann@example.org" in html
    assert not HoldingReply.objects.exists()
    fields = dict(re.findall(r'name="(deadline|reason|revised_by)" value="([^"]*)"', html))
    direct = officer.post(url, typed | {"revised_by": later, "action": "send"})
    assert direct.status_code == 400
    assert not HoldingReply.objects.exists()
    sent = officer.post(url, fields | {"action": "send", "checked": token(html)})
    assert sent.status_code == 302
    assert HoldingReply.objects.count() == 1
    assert OutboundEmail.objects.get().kind == "holding_reply"
    traveller.stop()


# -- what the token covers beyond the text ---------------------------------------------

EMAIL = {"draft": "Your statement is attached.", "medium": "email"}
LETTER = {"draft": "Your statement is enclosed.", "medium": "letter"}


def checked_then(officer, case, data):
    url = reverse("mail:reply", args=[case.reference])
    html = officer.post(url, data | {"action": "check"}).content.decode()
    return url, data | {"action": "send", "checked": token(html)}


def test_a_changed_email_address_after_the_check_must_be_checked_again(officer, case):
    url, send = checked_then(officer, case, EMAIL)
    case.customer.email = "someone.else@example.org"
    case.customer.save()
    answer = officer.post(url, send)
    assert answer.status_code == 400
    assert "The customer’s email address changed since you checked it" in (answer.content.decode())
    assert "someone.else@example.org" in answer.content.decode()  # shown to be checked
    assert not OutboundEmail.objects.exists()


def test_a_changed_postal_address_after_the_check_must_be_checked_again(officer, case):
    url, send = checked_then(officer, case, LETTER)
    case.customer.address = "1 New Street\nWidnes"
    case.customer.save()
    answer = officer.post(url, send)
    assert answer.status_code == 400
    assert "The customer’s address changed since you checked it" in answer.content.decode()
    assert not CaseLetter.objects.exists()


def test_a_case_given_another_customer_after_the_check_must_be_checked_again(
    officer, case, people, clock
):
    url, send = checked_then(officer, case, EMAIL)
    other = customer_case(people, clock, first_name="Bo", email="ann@example.org").customer
    case.customer = other  # the same address, another person
    case.save()
    answer = officer.post(url, send)
    assert answer.status_code == 400
    assert "The case’s customer changed since you checked it" in answer.content.decode()
    assert not OutboundEmail.objects.exists()


def test_only_the_officer_who_checked_it_can_send_it(client, case, people):
    client.force_login(people.officer)
    url, send = checked_then(client, case, EMAIL)
    people.teammate.phone = "0151 510 9999"  # a colleague who could sign it
    people.teammate.post_title = "Housing Officer"
    people.teammate.save()
    client.force_login(people.teammate)
    answer = client.post(url, send)
    assert answer.status_code == 400
    assert "It was not sent" in answer.content.decode()
    assert not OutboundEmail.objects.exists()


def test_a_case_changed_between_the_check_and_the_send_must_be_checked_again(officer, case, people):
    url, send = checked_then(officer, case, LETTER)
    note_add(case=case, text="Rang: she has moved.", by=people.teammate)
    answer = officer.post(url, send)
    assert answer.status_code == 400
    assert "The case has changed since you checked your reply" in answer.content.decode()
    assert not CaseLetter.objects.exists()


def test_a_checked_reply_is_sent_once_however_often_send_is_pressed(officer, case):
    url, send = checked_then(officer, case, EMAIL)
    assert officer.post(url, send).status_code == 302
    again = officer.post(url, send)  # back, and Send again
    assert again.status_code == 400
    assert "The case has changed since you checked your reply" in again.content.decode()
    assert OutboundEmail.objects.count() == 1


def test_a_holding_reply_to_a_changed_address_must_be_checked_again(officer, case, clock):
    with time_machine.travel(clock.now(), tick=False):
        url = reverse("mail:holding_reply", args=[case.reference])
        deadline = case.deadlines.get()
        later = (deadline.due_at + timedelta(days=2)).astimezone(LONDON)
        typed = {
            "deadline": deadline.pk,
            "reason": "We are waiting for a survey.",
            "revised_by": later.strftime("%Y-%m-%dT%H:%M"),
        }
        html = officer.post(url, typed).content.decode()
        fields = dict(re.findall(r'name="(deadline|reason|revised_by|seen)" value="([^"]*)"', html))
        case.customer.email = "someone.else@example.org"
        case.customer.save()
        answer = officer.post(url, fields | {"action": "send", "checked": token(html)})
        assert answer.status_code == 400
        assert "email address changed since you checked it" in answer.content.decode()
        assert not HoldingReply.objects.exists()
