"""@mentions in notes: who a note names, and telling them.

A colleague is named in a note by `@` and either their username (`@okeefe`) or their
first and last names joined by a dot, lower or upper case, spaces in a name written as
hyphens and other punctuation left out (`@olu.adeyemi`, `@mary-jane.okeefe` for Mary
Jane O'Keefe). A name ends at a space or at punctuation other than a dot, hyphen or
underscore inside it, so "Ask @olu.adeyemi." names olu.adeyemi; an email address
(sam@example.org) names nobody. Only active staff who can read cases (Can.READ_CASES)
are found; a username wins over a first.last name, and a first.last name two people share
names nobody (their usernames tell them apart).

Telling belongs to notifications, which is above cases: it registers a listener here
from its AppConfig.ready() (`mention_listener_register`), as apps register panels, and
`cases.services.note_add` calls the listeners with the note and the people it names,
in the note's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from caredesk.cases import events
from caredesk.cases.models import Case, CaseEvent
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can

MENTION = re.compile(r"(?<![\w@.-])@(\w(?:[\w.-]*\w)?)")

MentionListener = Callable[[CaseEvent, Sequence[StaffMember]], None]
_listeners: list[MentionListener] = []


def mentions_find(text: str) -> list[str]:
    """The @names in `text`, lower case, each once, in the order they first appear."""
    names: dict[str, None] = {}
    for match in MENTION.finditer(text):
        names.setdefault(match.group(1).lower(), None)
    return list(names)


def mention_handle(person: StaffMember) -> str:
    """The first.last name `person` may be mentioned by (empty if they have no names)."""
    first, last = _handle_part(person.first_name), _handle_part(person.last_name)
    return f"{first}.{last}" if first and last else ""


def _handle_part(name: str) -> str:
    """A name as a mention writes it: lower case, spaces as hyphens, and no other
    punctuation (O'Keefe is okeefe)."""
    return re.sub(r"[^\w-]", "", "-".join(name.lower().split()))


@dataclass(frozen=True)
class Named:
    found: dict[str, StaffMember]  # name as written (lower case) -> the colleague
    unknown: tuple[str, ...]  # names that named nobody
    shared: tuple[str, ...]  # first.last names more than one person has


def mentions_resolve(names: Iterable[str]) -> Named:
    """Who each name names, in one query."""
    names = list(dict.fromkeys(name.lower() for name in names))
    if not names:
        return Named({}, (), ())
    wanted = Q()
    for name in names:
        wanted |= Q(username__iexact=name)
        first, _, last = name.partition(".")
        if first and last:
            wanted |= Q(first_name__iexact=first) | Q(first_name__iexact=first.replace("-", " "))
    # Only colleagues who may read the case are told of it (its subject goes in the
    # email): not the tenants' scrutiny panel, not analysts who see only figures.
    readers = [role.value for role in Can.READ_CASES.roles]
    candidates = list(
        StaffMember.objects.filter(wanted, is_active=True, groups__name__in=readers).distinct()
    )
    found: dict[str, StaffMember] = {}
    unknown: list[str] = []
    shared: list[str] = []
    for name in names:
        by_username = [p for p in candidates if p.username.lower() == name]
        by_names = [p for p in candidates if mention_handle(p) == name]
        if by_username:
            found[name] = by_username[0]
        elif len(by_names) == 1:
            found[name] = by_names[0]
        elif by_names:
            shared.append(name)
        else:
            unknown.append(name)
    return Named(found, tuple(unknown), tuple(shared))


def mention_listener_register(listener: MentionListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def mentions_tell(note: CaseEvent, people: Sequence[StaffMember]) -> None:
    """Give the listeners a note and the colleagues it names (not its writer)."""
    if not people:
        return
    for listener in _listeners:
        listener(note, people)


def note_record(*, case: Case, by: StaffMember, at: datetime, text: str) -> CaseEvent:
    """Record the note (for `cases.services.note_add`, under the case's lock) and tell
    the colleagues it names, but not its writer."""
    names = mentions_find(text)
    if not names:
        return events.record(events.note_added(case=case, by=by, at=at, text=text))
    named = mentions_resolve(names)
    note = events.record(
        events.note_with_mentions(
            case=case,
            by=by,
            at=at,
            text=text,
            mentioned=list(named.found),
            unknown=named.unknown,
            shared=named.shared,
        )
    )
    told = {person.pk: person for person in named.found.values() if person.pk != by.pk}
    mentions_tell(note, list(told.values()))
    return note
