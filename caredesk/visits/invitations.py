"""Appointments as iCalendar (RFC 5545): the customer's invitation, and officers' feeds.

The customer's email carries an invitation (iTIP, RFC 5546: METHOD:REQUEST, or CANCEL
when we cancel it) whose UID is that of the first appointment of its chain of moves, so a
moved appointment updates the event already in their calendar rather than adding a
second; its SEQUENCE counts the moves (and one more for a cancellation), as iTIP asks.

An officer's feed (visits.calendar_feeds) is a whole calendar their calendar program
reads again every so often: each booked appointment is an event with a UID of its own.
Times are written in UTC: every calendar program shows them in its own zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress

from caredesk.visits.models import Appointment

PRODUCT = "-//caredesk//Appointments//EN"
MOST_MOVES = 100  # a chain of moves longer than this is not followed further


def site_domain() -> str:
    """The desk's host name, which makes UIDs unique to this installation."""
    return urlsplit(settings.CAREDESK_SITE_URL).hostname or "caredesk.invalid"


def first_of_chain(appointment: Appointment) -> tuple[int, int]:
    """The id of the first appointment of `appointment`'s chain of moves, and how many
    moves led here (one query a move: moves are few)."""
    first, moves = appointment.pk, 0
    while moves < MOST_MOVES:
        earlier = Appointment.objects.filter(moved_to_id=first).values_list("pk", flat=True).first()
        if earlier is None:
            break
        first, moves = earlier, moves + 1
    return first, moves


def invitation_uid(first_id: int) -> str:
    return f"appointment-{first_id}@{site_domain()}"


@dataclass(frozen=True)
class Invitation:
    """What the customer's calendar is told of their appointment."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str  # "Appointment with Halton Housing Trust"
    location: str  # the office's name and address, or "Your home"
    description: str  # the email's own words
    organiser_name: str
    organiser_email: str
    attendee_email: str
    cancelled: bool = False


def invitation_ical(invitation: Invitation, *, now: datetime) -> str:
    """The iTIP message: METHOD:REQUEST (or CANCEL) with its one event."""
    calendar = _calendar()
    calendar.add("method", "CANCEL" if invitation.cancelled else "REQUEST")
    event = Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", invitation.starts_at)
    event.add("dtend", invitation.ends_at)
    event.add("summary", invitation.summary)
    if invitation.location:
        event.add("location", invitation.location)
    event.add("description", invitation.description)
    event.add("status", "CANCELLED" if invitation.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organiser = vCalAddress(f"mailto:{invitation.organiser_email}")
    organiser.params["cn"] = invitation.organiser_name
    event.add("organizer", organiser)
    attendee = vCalAddress(f"mailto:{invitation.attendee_email}")
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["rsvp"] = "FALSE"  # nobody reads replies: they call to change it
    event.add("attendee", attendee)
    calendar.add_component(event)
    text: bytes = calendar.to_ical()
    return text.decode()


@dataclass(frozen=True)
class FeedEvent:
    """One appointment in an officer's feed: nothing about the customer but what the
    officer needs to find the case (see visits.calendar_feeds)."""

    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str
    url: str


def feed_ical(events: Iterable[FeedEvent], *, name: str, now: datetime) -> bytes:
    """A whole calendar (METHOD:PUBLISH) of `events`."""
    calendar = _calendar()
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("dtstart", item.starts_at)
        event.add("dtend", item.ends_at)
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        event.add("url", item.url)
        event.add("description", item.url)
        calendar.add_component(event)
    text: bytes = calendar.to_ical()
    return text


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    return calendar
