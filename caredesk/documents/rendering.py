"""Filling in a document's template with the case's values, and checking it is signed.

Templates are Django templates run by an engine of their own, with no access to files or
to the database: they see only the plain values below, so an administrator's edit can
say anything but reach nothing. Only the tags and filters of `template_engine` exist
for them, and filling one in has limits of size and time. A value a template names that
does not exist is an error, not a blank: "Dear ," must never reach a customer.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.template import TemplateDoesNotExist, TemplateSyntaxError

from caredesk.documents.models import DocumentKind, DocumentTemplate, Medium
from caredesk.documents.template_engine import (
    MAX_OUTPUT_CHARS,
    LimitedContext,
    TemplateProblem,
    limited_engine,
    source_check,
)
from caredesk.errors import CaredeskError

__all__ = ["TemplateProblem"]  # it lives in template_engine; callers know it from here

DEFAULTS = Path(__file__).with_name("default_templates.toml")
_MISSING = "\x00missing:%s\x00"
_MISSING_FOUND = re.compile("\x00missing:(.*?)\x00")

# The values a template may use, and what they hold: shown to administrators.
TEMPLATE_VALUES: dict[str, str] = {
    "case.reference": "The case reference, such as HHT-2025-000123",
    "case.subject": "What the case is about",
    "case.received": "The day it was received, such as Monday 2 June 2025",
    "case.due": "The day a reply is due",
    "customer.name": "The customer's name",
    "customer.salutation": "Dear Ms Jones, (or Dear customer, when there is no name)",
    "officer.name": "The officer dealing with it (blank if no one yet)",
    "officer.post_title": "Their post title",
    "officer.signature": "Their name, post title, phone and email, a line each",
    "contact.phone": "The phone number to call: the officer's, else the organisation's",
    "contact.email": "The email address to write to",
    "organisation.name": "The landlord's name",
    "away.name": "Out-of-office replies: the officer who is away",
    "away.back": "Out-of-office replies: the day they are back",
    "away.message": "Out-of-office replies: their own away message, if they wrote one",
    "holding.reason": "Holding replies: why the reply will take longer",
    "holding.revised": "Holding replies: the new date",
    "visit.date": "Calling cards: the day of the visit",
    "visit.time": "Calling cards: the time of the visit, such as 10:30am",
    "draft": "Responses and complaint acknowledgements: the text the officer wrote",
    "appointment.date": "Appointments: the day, such as Tuesday 23 June 2026",
    "appointment.time": "Appointments: the time it starts, such as 10am or 2:30pm",
    "appointment.length": "Appointments: how long it takes, such as 30 minutes or 1 hour",
    "appointment.officer": "Appointments: who the customer will see",
    "appointment.home_visit": "Appointments: 'yes' for a home visit, blank at an office",
    "appointment.place": "Appointments: the office's name (blank for a home visit)",
    "appointment.address": "Appointments: the office's address on one line (blank at home)",
    "appointment.interpreter": "Appointments: the interpreter's language, if one is booked",
    "appointment.moved": "Appointments: 'yes' when the appointment was moved to this time",
    "appointment.sorry": "Appointments: 'yes' when we moved or cancelled it (an apology)",
    "appointment.reason": "Appointments: why it was moved or cancelled",
}


class UnsignedDocument(CaredeskError):
    """A response that does not say who wrote it and how to reach them."""

    code = "document_unsigned"


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


@cache
def default_templates() -> dict[tuple[str, str], tuple[str, str]]:
    """The shipped wording, by (kind, medium)."""
    data = tomllib.loads(DEFAULTS.read_text(encoding="utf-8"))
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for kind, media in data.items():
        for medium, fields in media.items():
            found[(DocumentKind(kind).value, Medium(medium).value)] = (
                fields["subject"],
                fields["body"].strip("\n"),
            )
    return found


def template_text(kind: str, medium: str) -> tuple[str, str]:
    """The subject and body in use: the administrator's, else the shipped default."""
    edited = DocumentTemplate.objects.filter(kind=kind, medium=medium).first()
    if edited is not None:
        return edited.subject, edited.body
    try:
        return default_templates()[(kind, medium)]
    except KeyError:
        raise TemplateProblem(
            f"There is no {DocumentKind(kind).label.lower()} template for {medium}s."
        ) from None


def document_render(kind: str, medium: str, values: Mapping[str, Any]) -> Rendered:
    """The document of `kind` for `medium`, filled in with `values`."""
    subject, body = template_text(kind, medium)
    name = f"The {DocumentKind(kind).label.lower()} {Medium(medium).label.lower()} template"
    return Rendered(
        subject=" ".join(text_render(subject, values, name=f"{name}'s subject").split()),
        body=text_render(body, values, name=name),
    )


def text_render(source: str, values: Mapping[str, Any], *, name: str = "The template") -> str:
    """Fill in one template. Raises TemplateProblem naming the template and the fault."""
    source_check(source, name=name)
    try:
        template = limited_engine(_MISSING).from_string(source)
    except TemplateSyntaxError as error:
        raise TemplateProblem(f"{name} cannot be read: {error}") from None
    try:
        text = template.render(LimitedContext(dict(values), name=name))
    except TemplateProblem:  # over the limits of size or time
        raise
    except TemplateDoesNotExist as error:  # {% include %}: templates reach no files
        raise TemplateProblem(f"{name} cannot include other files ({error}).") from None
    except Exception as error:  # {% url %}, a loop over a number: whatever a tag raises
        raise TemplateProblem(f"{name} cannot be filled in: {error}") from None
    if len(text) > MAX_OUTPUT_CHARS:
        raise TemplateProblem(
            f"{name} writes more than {MAX_OUTPUT_CHARS:,} characters when it is filled in."
        )
    missing = sorted(set(_MISSING_FOUND.findall(text)))
    if missing:
        listed = ", ".join(missing)
        raise TemplateProblem(f"{name} uses values that are not there: {listed}.")
    return _tidy(text)


def template_check(kind: str, subject: str, body: str) -> list[str]:
    """What is wrong with an edited template, tried with example values of exactly what
    a template of its kind is given."""
    problems = []
    values = example_values(kind)
    for source, part in ((subject, "subject"), (body, "body")):
        try:
            text_render(source, values, name=f"The {part}")
        except TemplateProblem as problem:
            problems.append(problem.message)
    return problems


def _tidy(text: str) -> str:
    """Trailing spaces off, no more than one blank line in a row (an `if` that printed
    nothing leaves one), and no blank lines at either end."""
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


# -- signing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Signatory:
    name: str
    post_title: str
    phone: str
    email: str

    @property
    def signature(self) -> str:
        lines = [self.name, self.post_title]
        lines += [f"Phone: {self.phone}"] if self.phone else []
        lines += [f"Email: {self.email}"] if self.email else []
        return "\n".join(lines)


def signatory_problems(signatory: Signatory | None) -> list[str]:
    """Why this officer cannot sign a response (the policies: signed in the officer's own
    name with their post title, saying how to reach them)."""
    if signatory is None:
        return ["No one is dealing with this case: give it to an officer, who signs it."]
    problems = []
    if not signatory.name.strip():
        problems.append("The officer has no name on their staff record.")
    if not signatory.post_title.strip():
        problems.append(f"{signatory.name or 'The officer'} has no post title on their record.")
    if not (signatory.phone.strip() or signatory.email.strip()):
        problems.append(
            f"{signatory.name or 'The officer'} has no phone number or email address on their "
            "record, so the customer could not reach them."
        )
    return problems


def signed_check(text: str, signatory: Signatory | None) -> None:
    """Refuse a response that is not signed: the officer's name and post title, and a way
    to reach them, must all appear in it."""
    problems = signatory_problems(signatory)
    if signatory is not None and not problems:
        for part, what in (
            (signatory.name, "the officer's name"),
            (signatory.post_title, "their post title"),
        ):
            if part.casefold() not in text.casefold():
                problems.append(f"It does not give {what} ({part}).")
        ways = [way for way in (signatory.phone, signatory.email) if way]
        if not any(way.casefold() in text.casefold() for way in ways):
            problems.append("It does not say how to reach the officer (phone or email).")
    if problems:
        raise UnsignedDocument("This cannot be sent unsigned. " + " ".join(problems))


# What each kind of document is given besides the values every template gets.
KIND_VALUES: dict[str, tuple[str, ...]] = {
    DocumentKind.ACKNOWLEDGEMENT: ("complaint",),
    DocumentKind.OUT_OF_OFFICE: ("away",),
    DocumentKind.HOLDING_REPLY: ("holding", "ombudsman"),
    DocumentKind.RESPONSE: ("draft",),
    DocumentKind.CALLING_CARD: ("visit",),
    DocumentKind.COMPLAINT_ACKNOWLEDGEMENT: ("draft",),
    DocumentKind.APPOINTMENT_CONFIRMATION: ("appointment",),
    DocumentKind.APPOINTMENT_REMINDER: ("appointment",),
    DocumentKind.APPOINTMENT_CANCELLATION: ("appointment",),
    DocumentKind.INTERVIEW_SUMMARY: ("interview",),
    DocumentKind.COMPLAINT_REFUSAL: ("draft",),
    DocumentKind.COMPLAINT_RESPONSE: ("draft", "complaint", "ombudsman"),
    DocumentKind.HAZARD_SUMMARY: ("hazard",),
}
_EVERY_TEMPLATE = ("case", "customer", "officer", "contact", "organisation")


def example_values(kind: str) -> dict[str, Any]:
    """Example values of what a template of `kind` is given, and nothing more."""
    names = (*_EVERY_TEMPLATE, *KIND_VALUES[DocumentKind(kind)])
    return {name: EXAMPLE_VALUES[name] for name in names}


EXAMPLE_VALUES: dict[str, Any] = {
    "case": {
        "reference": "HHT-2025-000123",
        "subject": "Broken fence",
        "received": "Monday 2 June 2025",
        "due": "Monday 16 June 2025",
    },
    "customer": {"name": "Jo Jones", "salutation": "Dear Ms Jones,"},
    "officer": {
        "name": "Sam Patel",
        "post_title": "Housing Officer",
        "signature": "Sam Patel\nHousing Officer\nPhone: 0151 510 5000",
    },
    "contact": {"phone": "0151 510 5000", "email": "info@example.org"},
    "organisation": {"name": "Halton Housing Trust"},
    "away": {
        "name": "Alex Smith",
        "back": "Tuesday 10 June 2025",
        "message": "I am on leave. Please contact Sam Patel.",
    },
    "holding": {"reason": "We are waiting for a contractor's report.", "revised": "30 June 2025"},
    "visit": {"date": "Tuesday 3 June 2025", "time": "10:30am"},
    "draft": "We will replace the fence panel on 10 June.",
    "appointment": {
        "date": "Tuesday 23 June 2026",
        "time": "10am",
        "length": "30 minutes",
        "officer": "Olu Adeyemi",
        "home_visit": "",
        "place": "Halton Lea",
        "address": "Halton Lea, Runcorn, WA7 2ES",
        "interpreter": "",
        "moved": "",
        "sorry": "",
        "reason": "",
    },
    "complaint": {
        "stage": 1,
        "points": ["The repair to the back door was booked three times and nobody came."],
        "outcome_wanted": "Fix the door and pay for the day off work.",
        "response_by": "Friday 3 July 2026",
        # in a response: each point with our decision, and what we promise
        "decisions": [
            {
                "text": "The repair to the back door was booked three times and nobody came.",
                "decision": "upheld",
                "reasons": "Our contractor missed all three appointments.",
            }
        ],
        "outcome": "upheld",
        "remedies": [{"what": "Pay you £50 for the days off work", "by": "Friday 10 July 2026"}],
        "actions": [{"what": "Replace the back door", "by": "Friday 17 July 2026"}],
    },
    "hazard": {
        "kind": "Damp and mould growth",
        "where": "back bedroom",
        "told": "Monday 22 June 2026",
        "investigated": "Thursday 25 June 2026",
        "found": "Condensation from a blocked extractor fan; mould over 2 square metres.",
        "significant": "yes",
        "next": [
            {"what": "begin the work to make your home safe", "by": "Thursday 2 July 2026"},
            {"what": "begin the work to stop it coming back", "by": "Thursday 2 July 2026"},
        ],
    },
    "ombudsman": {
        "name": "Housing Ombudsman Service",
        "phone": "0300 111 3000",
        "email": "info@housing-ombudsman.org.uk",
        "website": "www.housing-ombudsman.org.uk",
    },
    "interview": {
        "date": "Tuesday 23 June 2026",
        "place": "at Halton Lea",
        "officers": "Olu Adeyemi",
        "interpreter": "",
        "issues": "Damp in the back bedroom, and a rent statement that is hard to follow.",
        "recommendations": "Keep the window vent open while we find the cause.",
        "timescales": "We will tell you what we found within 10 working days.",
        "actions": [
            {"what": "Inspect the damp", "owner": "Olu Adeyemi", "by": "Friday 26 June 2026"},
            {
                "what": "Send a clear rent statement",
                "owner": "Sam Patel",
                "by": "Monday 29 June 2026",
            },
        ],
    },
}
