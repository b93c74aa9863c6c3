"""Compliments: recorded on their case, passed on to the staff and team they name (and to
their line managers, who should hear of it too), and counted (complaints.figures).

Halton's policy is an "Enquiries, Complaints and Compliments Policy"; both policies ask
that customers' views are used to improve the service, and praise is part of that.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from caredesk.cases import events
from caredesk.cases.locks import case_lock
from caredesk.cases.models import Case, CaseKind
from caredesk.complaints.models import Compliment
from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.core.text import has_unstorable, unstorable_reason
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.notifications.models import Notification, NotificationKind
from caredesk.notifications.notices import notices_give
from caredesk.notifications.selectors import line_managers_list
from caredesk.staff.models import StaffMember, Team
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy

MAX_WORDS_CHARS = 5000


class ComplimentError(CaredeskError):
    """A compliment that cannot be recorded as asked."""

    code = "compliment_invalid"


def _told(staff: Sequence[StaffMember], team: Team | None) -> list[int]:
    """Those named, and the line managers of each and of the team, once each."""
    told = [person.pk for person in staff]
    for person in staff:
        told += [manager.pk for manager in line_managers_list(staff=person, team=person.team)]
    if team is not None:
        told += [manager.pk for manager in line_managers_list(staff=None, team=team)]
    return list(dict.fromkeys(told))


@write_transaction()
def compliment_record(
    *,
    case: Case,
    what_they_said: str,
    staff: Sequence[StaffMember],
    team: Team | None,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    service_area: str = "",
) -> Compliment:
    """Record what the customer praised and whom, and pass it on to them at once.
    Recording it again (a name added) passes it on to whoever is new to it."""
    if not allowed(by, Can.WORK_CASES):
        raise NotAllowed("Only staff who take casework can record compliments.")
    if case.kind != CaseKind.COMPLIMENT:
        raise ComplimentError("Only a compliment case records a compliment.")
    if has_unstorable(what_they_said):
        raise ComplimentError(unstorable_reason(what_they_said))
    said = what_they_said.strip()
    if not said:
        raise ComplimentError("Write what the customer said.")
    if len(said) > MAX_WORDS_CHARS:
        raise ComplimentError(f"Keep what they said to {MAX_WORDS_CHARS:,} characters.")
    areas = {area.key for area in policy.complaints.service_areas}
    if service_area and service_area not in areas:
        raise ComplimentError(f"“{service_area}” is not one of the policy's service areas.")
    clock = read_once(clock)
    now = clock.now()
    case_lock(case=case, now=now, policy=policy)
    compliment, _ = Compliment.objects.update_or_create(
        case=case,
        defaults={
            "what_they_said": said,
            "team": team,
            "service_area": service_area,
            "recorded_by": by,
            "recorded_at": now,
        },
    )
    compliment.staff.set(staff)
    already = set(
        Notification.objects.filter(kind=NotificationKind.COMPLIMENT, case=case).values_list(
            "recipient_id", flat=True
        )
    )
    told = [pk for pk in _told(staff, team) if pk not in already]
    if told:
        named = ", ".join(str(person) for person in staff) or str(team)
        notices_give(
            recipient_ids=told,
            kind=NotificationKind.COMPLIMENT,
            message=f"A compliment for {named} from a customer: “{said[:300]}”",
            at=now,
            case=case,
            links=[("The compliment", reverse("cases:case", args=[case.reference]))],
        )
        compliment.passed_on_at = now
        compliment.save(update_fields=["passed_on_at"])
    names = ", ".join(str(person) for person in staff)
    to = " and ".join(part for part in (names, str(team) if team else "") if part)
    events.record(
        events.complaint_step_recorded(
            case=case,
            by=by,
            at=now,
            step="compliment",
            stage=None,
            text=f"Compliment recorded{f' for {to}, and passed on' if told else ''}: {said}"[:4000],
        )
    )
    return compliment
