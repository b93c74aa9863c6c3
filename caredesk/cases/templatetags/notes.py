"""How a note reads in the timeline: its @mentions of colleagues in bold."""

from __future__ import annotations

from django import template
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

from caredesk.cases import event_reading
from caredesk.cases.mentions import MENTION

register = template.Library()


@register.filter
def note_html(details: event_reading.Details) -> SafeString:
    """The note's text, escaped, with line breaks, and each @name that named a colleague
    in <strong> (the names are on the event: no query)."""
    text = getattr(details, "text", "")
    named = set(getattr(details, "mentioned", ()))

    def shown(part: str, *, mention: str = "") -> str:
        if mention.lower() in named:
            return f'<strong class="mention">{escape(part)}</strong>'
        return escape(part)

    pieces: list[str] = []
    last = 0
    for match in MENTION.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(shown(match.group(0), mention=match.group(1)))
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe(linebreaks("".join(pieces), autoescape=False))
