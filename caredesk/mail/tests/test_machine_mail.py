"""Machine mail as the big mail systems send it: never acknowledged, never a new case."""

from datetime import UTC, datetime
from hashlib import sha1

import pytest

from caredesk.cases.models import Case
from caredesk.mail.machine_mail import machine_reason
from caredesk.mail.models import InboundEmail, OutboundEmail, Threading
from caredesk.mail.parsing import email_parse
from caredesk.mail.services import email_receive
from caredesk.standards import load_policy

HALTON = load_policy("halton")


def message(subject: str, *, sender: str = "Sam Field <sam.field@example.org>", **headers: str):
    """A message as the system would send it: only what the test names marks it."""
    lines = [
        f"From: {sender}",
        "To: customer.services@halton.example",
        f"Subject: {subject}",
        "Date: Mon, 2 Jun 2025 09:20:00 +0100",
        f"Message-ID: <{sha1(repr((subject, sender, headers)).encode()).hexdigest()}@x.org>",
        *(f"{name.replace('_', '-')}: {value}" for name, value in headers.items()),
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Some words.",
        "",
    ]
    return "\n".join(lines).encode()


DELIVERY_REPORT = (
    "Content-Type: multipart/report; report-type=delivery-status;\n"
    ' boundary="report"\n'
    "\n"
    "--report\n"
    "Content-Type: text/plain\n"
    "\n"
    "Your message could not be delivered to jo@example.net.\n"
    "--report\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mx.example.net\n"
    "\n"
    "Final-Recipient: rfc822; jo@example.net\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "--report--\n"
)


def delivery_report(*, return_path: str | None, sender: str = "mx@example.net") -> bytes:
    head = [
        f"From: {sender}",
        "To: customer.services@halton.example",
        "Subject: Your message",
        "Date: Mon, 2 Jun 2025 09:20:00 +0100",
        f"Message-ID: <report-{return_path!r}@example.net>",
        "MIME-Version: 1.0",
    ]
    if return_path is not None:
        head.insert(0, f"Return-Path: {return_path}")
    return ("\n".join(head) + "\n" + DELIVERY_REPORT).encode()


MACHINES = {
    # out-of-office and automatic replies, marked only by their subject
    "Outlook's automatic reply": message("Automatic reply: Broken boiler"),
    "Exchange 2007's out of office": message("Out of Office: Broken boiler"),
    "older Exchange's out of office": message("Out of Office AutoReply: Broken boiler"),
    "an out of office alone": message("Out of office"),
    "Autoreply": message("Autoreply: Broken boiler"),
    "Auto-Reply": message("Auto-Reply: Broken boiler"),
    "Lotus Notes's Auto:": message("Auto: Broken boiler"),
    "a bracketed auto-reply": message("[Auto-Reply] Broken boiler"),
    "Outlook in French": message("Réponse automatique : Broken boiler"),
    # ... or by their headers
    "X-Auto-Response-Suppress": message("Broken boiler", X_Auto_Response_Suppress="All"),
    "X-Autoreply": message("Broken boiler", X_Autoreply="yes"),
    "X-Autorespond": message("Broken boiler", X_Autorespond="Broken boiler"),
    "Precedence: auto_reply": message("Broken boiler", Precedence="auto_reply"),
    "Precedence: auto-generated": message("Broken boiler", Precedence="auto-generated"),
    "Auto-Submitted: auto-generated": message("Broken boiler", Auto_Submitted="auto-generated"),
    # delivery reports in their common shapes
    "a report without a Return-Path": delivery_report(return_path=None),
    "a report with an empty Return-Path": delivery_report(return_path="<>"),
    "a report from a real-looking sender": delivery_report(
        return_path="<bounces@example.net>", sender="Jo <jo@example.net>"
    ),
    "Exchange's Undeliverable": message(
        "Undeliverable: Broken boiler",
        sender="Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@example.net>",
    ),
    "Gmail's delivery status notification": message(
        "Delivery Status Notification (Failure)",
        sender="Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
    ),
    "Exim's mail delivery failed": message(
        "Mail delivery failed: returning message to sender",
        sender="Mail Delivery System <Mailer-Daemon@mx.example.net>",
    ),
    "Postfix's undelivered mail": message(
        "Undelivered Mail Returned to Sender", sender="MAILER-DAEMON@mx.example.net (Mail)"
    ),
    "Undeliverable from a person's address": message("Undeliverable: Broken boiler"),
    "Delivery Status Notification from a person's address": message(
        "Delivery Status Notification (Delay)"
    ),
    "a postmaster": message("Your message", sender="postmaster@example.net"),
    "Sendmail's Return-Path": message("Your message", Return_Path="<MAILER-DAEMON>"),
    "Exim's X-Failed-Recipients": message("Your message", X_Failed_Recipients="jo@example.net"),
}

PEOPLE = {
    "a reply about out of office hours repairs": "re: out of office hours repairs",
    "out of office hours repairs": "Out of office hours repairs",
    "an out of office hours repair": "Out of office hours repair needed at 12 Mersey Road",
    "a reply to an automatic reply": "RE: Automatic reply: Broken boiler",
    "a bounce forwarded by a person": "Fwd: Undeliverable: Broken boiler",
    "a complaint about automatic replies": "Automatic reply not received",
    "autumn": "Autumn leaves blocking the drain",
    "auto gates": "Auto gates broken",
    "a delivery": "Delivery of my new boiler",
    "post for the last tenant": "Undeliverable post for the previous tenant",
    "the post": "Mail delivery failed to reach my block again",
    "a failure notice": "Failure notice on my door",
    "returned mail": "Returned mail from the council",
}


@pytest.mark.parametrize("raw", MACHINES.values(), ids=MACHINES.keys())
def test_machine_mail_is_recognised_however_the_system_marks_it(raw):
    assert email_parse(raw).automatic


@pytest.mark.parametrize("subject", PEOPLE.values(), ids=PEOPLE.keys())
def test_a_persons_subject_that_starts_like_a_machines_is_a_persons(subject):
    assert email_parse(message(subject)).automatic == ""


def test_the_reason_says_what_the_machine_sent():
    said = {
        "out of office": email_parse(message("Out of Office: Broken boiler")).automatic,
        "report": email_parse(delivery_report(return_path=None)).automatic,
        "receipt": machine_reason(
            headers={"content-type": 'multipart/report; report-type="disposition-notification"'},
            from_address="jo@example.org",
            subject="Read: Broken boiler",
        ),
    }
    assert said == {
        "out of office": "Subject: 'Out of Office: Broken boiler' (an out-of-office reply)",
        "report": "Content-Type: multipart/report (a delivery report)",
        "receipt": "Content-Type: multipart/report (a read receipt)",
    }


@pytest.mark.parametrize(
    "name",
    [
        "Outlook's automatic reply",
        "Lotus Notes's Auto:",
        "a report without a Return-Path",
        "Exchange's Undeliverable",
        "X-Autoreply",
    ],
)
def test_machine_mail_from_the_mailbox_opens_no_case_and_is_never_acknowledged(people, clock, name):
    clock.moment = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    received = email_receive(
        raw=MACHINES[name], source="mailbox", policy=HALTON, clock=clock, acknowledge=True
    )
    email = received.email
    assert (email.case, email.threading) == (None, Threading.FOR_REVIEW)
    assert email.not_acknowledged.startswith("Sent automatically")
    assert (Case.objects.count(), OutboundEmail.objects.count()) == (0, 0)


def test_a_tenant_writing_about_out_of_office_hours_repairs_opens_a_case_and_is_answered(
    people, clock
):
    clock.moment = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    raw = message("re: out of office hours repairs")
    email = email_receive(
        raw=raw, source="mailbox", policy=HALTON, clock=clock, acknowledge=True
    ).email
    assert email.threading == Threading.NEW_CASE
    assert email.case is not None
    assert OutboundEmail.objects.get().in_reply_to == email
    assert InboundEmail.objects.get().automatic == ""
