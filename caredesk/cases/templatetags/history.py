"""The rows of a case's history on its page: a contact, and what an event on the
timeline says beyond its kind, time and who did it.

Written in Python rather than as templates because the page repeats them on every row
(20 contacts and 30 events a page): through the template engine they took three to four
times as long.
"""

from __future__ import annotations

from django import template
from django.db.models import TextChoices
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from caredesk.cases.models import Channel, Contact, Direction, EventKind
from caredesk.cases.selectors import TimelineEntry
from caredesk.cases.templatetags.notes import note_html
from caredesk.core.local_time import when
from caredesk.standards import Policy

register = template.Library()

_COMPLAINT_DECISIONS = {"upheld": "upheld", "partly_upheld": "partly upheld"}


def _label(choices: type[TextChoices], value: str) -> str:
    """The choice's label (what get_FOO_display says, without building its table)."""
    try:
        return str(choices(value).label)
    except ValueError:  # a value no longer among the choices reads as itself
        return value


def _lines(text: str) -> SafeString:
    return SafeString(linebreaksbr(text, autoescape=True))


def _standards(keys: tuple[str, ...], policy: Policy) -> SafeString:
    return format_html_join(", ", "{}", ((policy.standard_name(key),) for key in keys))


def _case_link(reference: str) -> SafeString:
    return format_html('<a href="{}">{}</a>', reverse("cases:case", args=[reference]), reference)


@register.simple_tag
def timeline_details(entry: TimelineEntry, policy: Policy) -> SafeString:
    """The event's own details: a note's text (marked as internal), an outcome, the
    reason for reopening, what a merge did, the standard a deadline event is about."""
    kind, details = entry.event.kind, entry.details
    parts: list[SafeString] = []
    if kind == EventKind.NOTE:
        parts.append(
            format_html(
                '<div class="internal-note"><p class="internal-note__label">'
                "Internal note — not sent to the customer</p>{}</div>",
                note_html(details),
            )
        )
    elif text := getattr(details, "text", ""):
        parts.append(format_html("<br>{}", _lines(text)))
    if outcome := getattr(details, "outcome", ""):
        parts.append(format_html("<br>Outcome: {}", _lines(outcome)))
    if decision := getattr(details, "complaint_outcome", ""):
        said = _COMPLAINT_DECISIONS.get(decision, "not upheld")
        parts.append(format_html("<br>Decision on the complaint: {}", said))
    if kind == EventKind.REOPENED:
        parts.append(format_html("<br>Reason: {}", _lines(getattr(details, "reason", ""))))
        if restarted := getattr(details, "restarted", ()):
            parts.append(format_html("<br>Started again: {}", _standards(restarted, policy)))
    if kind == EventKind.MERGED:
        other = getattr(details, "other", "")
        if getattr(details, "kept", False):
            parts.append(format_html("<br>{} was merged into this case.", _case_link(other)))
            if ended := getattr(details, "ended", ()):
                parts.append(
                    format_html(
                        " Its deadlines this case already had running ended: {}.",
                        _standards(ended, policy),
                    )
                )
        else:
            parts.append(format_html("<br>Merged into {}.", _case_link(other)))
    if kind == EventKind.CUSTOMER_MERGED and (kept := getattr(details, "kept", None)):
        parts.append(
            format_html(
                '<br>Two records of the customer were merged: this case is now with <a href="{}">'
                "the record kept</a>.",
                reverse("customers:customer", args=[kept]),
            )
        )
    if kind == EventKind.DEADLINE_ENDED and (reason := getattr(details, "reason", "")):
        parts.append(format_html("<br>{}", reason))
    if kind == EventKind.HOLDING_REPLY and (reason := getattr(details, "reason", "")):
        parts.append(format_html("<br>Reason: {}", reason))
    if standard := getattr(details, "standard", ""):
        parts.append(
            format_html('<br><span class="note">{}</span>', policy.standard_name(standard))
        )
    return mark_safe("".join(parts))


@register.simple_tag
def contact_line(contact: Contact) -> SafeString:
    """ "From the customer, by phone, Mon 7 Dec 2026, 14:05, Jo Bloggs", and the summary."""
    said = format_html(
        "<strong>{}, by {}</strong>, {}",
        _label(Direction, contact.direction),
        _label(Channel, contact.channel).lower(),
        when(contact.at),
    )
    if contact.staff_id:
        said += format_html(", {}", contact.staff)
    if contact.summary:
        said += format_html("<br>{}", _lines(contact.summary))
    return said
