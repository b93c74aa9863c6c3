"""How a deadline reads to a person: "Overdue by 2 days", "Due today at 17:00".

Text, not only colour: each state has words a screen reader says and a printout shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.urls import reverse

from caredesk.cases.models import (
    CaseKind,
    Channel,
    Deadline,
    DeadlinePause,
    DeadlineStatus,
    PauseReason,
)
from caredesk.cases.queue_filters import (
    OPEN_CASE_STATUSES,
    DueWindow,
    Facet,
    FacetCounts,
    QueueFilters,
)
from caredesk.standards import Policy


@dataclass(frozen=True)
class DueStatus:
    state: str  # overdue, today, soon, later, paused, met, ended
    label: str  # the words shown in the tag
    detail: str  # the due time, in full


def due_status(deadline: Deadline, *, now: datetime, zone: ZoneInfo) -> DueStatus:
    if deadline.status == DeadlineStatus.MET and deadline.met_at is not None:
        if deadline.met_standard:
            label = "Met on time"
        elif deadline.met_revised_date:
            label = "Met by the revised date"
        else:
            label = "Met late"
        return DueStatus("met", label, f"Met {_when(deadline.met_at, zone)}")
    if deadline.status == DeadlineStatus.ENDED_UNMET:
        return DueStatus("ended", "Ended unmet", "Closed before it was met")
    if deadline.status == DeadlineStatus.PAUSED or deadline.due_at is None:
        return _paused(deadline, now=now, zone=zone)
    due = deadline.due_at
    detail = f"Due {_when(due, zone)}"
    if due < now:
        return DueStatus("overdue", f"Overdue by {_span(now - due)}", detail)
    local_due, local_now = due.astimezone(zone), now.astimezone(zone)
    if local_due.date() == local_now.date():
        return DueStatus("today", f"Due today at {local_due:%H:%M}", detail)
    if local_due.date() == local_now.date() + timedelta(days=1):
        return DueStatus("soon", f"Due tomorrow at {local_due:%H:%M}", detail)
    return DueStatus("later", f"Due in {_span(due - now)}", detail)


def _paused(deadline: Deadline, *, now: datetime, zone: ZoneInfo) -> DueStatus:
    """ "Paused since 3 March: waiting for the customer", from the open pause (the
    queue prefetches it as `open_pauses`; one query otherwise, for paused rows only)."""
    stopped = "The clock has stopped: it runs again when the case is restarted"
    pause: DeadlinePause | None = None
    if hasattr(deadline, "open_pauses"):
        pause = deadline.open_pauses[0] if deadline.open_pauses else None
    elif deadline.pk is not None:
        pause = deadline.pauses.filter(ends_at__isnull=True).order_by("-starts_at").first()
    if pause is None:
        return DueStatus("paused", "Paused", stopped)
    since = pause.starts_at.astimezone(zone)
    day = f"{since.day} {since:%B}" + (f" {since.year}" if since.year != now.year else "")
    reason = PauseReason(pause.reason).label
    label = f"Paused since {day}: {reason[0].lower()}{reason[1:]}"
    return DueStatus("paused", label, stopped)


def _when(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M}"


def _span(gap: timedelta) -> str:
    """A rough, readable length of time: '3 days', '5 hours', '20 minutes'."""
    minutes = int(gap.total_seconds() // 60)
    for size, name in ((1440, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size:
            count = minutes // size
            return f"{count} {name}{'s' if count != 1 else ''}"
    return "less than a minute"


@dataclass(frozen=True)
class QueueRow:
    """One line of a queue, worked out once in Python so the template only prints."""

    reference: str
    url: str
    subject: str
    urgent: bool
    status: DueStatus
    due_at: datetime | None
    due_text: str  # "Fri 20 Jun, 17:00", in the organisation's zone
    standard: str
    customer: str
    assigned_to: str
    assigned_to_id: int | None
    was_with: str  # assigned_to_id as the forms send it back ("" for nobody)
    theirs: bool  # with someone other than the person looking (they may take it)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _short(moment: datetime | None, zone: ZoneInfo) -> str:
    """ "Fri 20 Jun, 17:00" (the date filter's "D j M, H:i", without its cost per row)."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    return f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}, {local:%H:%M}"


def queue_signature(rows: Iterable[QueueRow]) -> str:
    """What the list shows, in short: the page's script compares it before and after a
    refresh, to say the list has changed."""
    return "".join(f"{row.reference}:{row.status.label}:{row.assigned_to_id};" for row in rows)


def queue_rows(
    deadlines: list[Deadline], *, now: datetime, policy: Policy, viewer: int | None = None
) -> list[QueueRow]:
    """The rows of a queue as `viewer` (a staff member's id) sees them."""
    zone = policy.working_calendar.zone
    # The case page's address, reversed once: a reference is letters, digits and hyphens
    # (a path segment as it is), and 50 reverse() calls cost a millisecond a page.
    case_url = reverse("cases:case", args=["-"]).removesuffix("-/")
    rows = []
    for deadline in deadlines:
        case = deadline.case
        rows.append(
            QueueRow(
                reference=case.reference,
                url=f"{case_url}{quote(case.reference, safe='')}/",
                subject=case.subject,
                urgent=case.urgent,
                status=due_status(deadline, now=now, zone=zone),
                due_at=deadline.due_at,
                due_text=_short(deadline.due_at, zone),
                standard=policy.standard_name(deadline.standard_key),
                customer=case.customer.name if case.customer else "No name given",
                assigned_to=str(deadline.assigned_to) if deadline.assigned_to else "Nobody yet",
                assigned_to_id=deadline.assigned_to_id,
                was_with="" if deadline.assigned_to_id is None else str(deadline.assigned_to_id),
                theirs=deadline.assigned_to_id != viewer,
            )
        )
    return rows


# -- the filter panel of a queue ---------------------------------------------------------


@dataclass(frozen=True)
class FilterOption:
    value: str
    label: str  # with its count: "Letter (12)"
    chosen: bool


@dataclass(frozen=True)
class FilterGroup:
    name: str  # the query-string name
    legend: str
    widget: str  # "checkboxes", "select" or "radios"
    options: list[FilterOption]

    @property
    def chosen_count(self) -> int:
        return sum(1 for option in self.options if option.chosen and option.value)


def _counted(label: str, count: int | None) -> str:
    return label if count is None else f"{label} ({count:,})"


def filter_groups(
    filters: QueueFilters,
    counts: FacetCounts | None,
    *,
    facets: Sequence[Facet],
    policy: Policy,
    officers: Iterable[tuple[int, str]],
    teams: Iterable[tuple[int, str]],
    offices: Iterable[tuple[int, str]],
) -> list[FilterGroup]:
    """The filter panel's groups, in the order shown, each option with its count (none
    when `counts` is None: they are read when the panel opens).

    Checkboxes list every value, counted or not, so a filter is always there to choose
    (a value with no deadlines says "(0)"); selects list the people and places (ids and
    names)."""
    groups: list[FilterGroup] = []

    def count(facet: Facet, value: str) -> int | None:
        return None if counts is None else counts.counts.get(facet, {}).get(value, 0)

    def boxes(
        facet: Facet, name: str, choices: Iterable[tuple[str, str]], chosen: Sequence[str]
    ) -> None:
        if facet not in facets:
            return
        options = [
            FilterOption(value, _counted(label, count(facet, value)), value in chosen)
            for value, label in choices
        ]
        groups.append(FilterGroup(name, facet.label, "checkboxes", options))

    def select(
        facet: Facet, everyone: str, choices: Iterable[tuple[int, str]], chosen: int | None
    ) -> None:
        if facet not in facets:
            return
        options = [FilterOption("", everyone, chosen is None)] + [
            FilterOption(str(pk), _counted(label, count(facet, str(pk))), pk == chosen)
            for pk, label in choices
        ]
        groups.append(FilterGroup(facet.value, facet.label, "select", options))

    boxes(
        Facet.STANDARD,
        "standard",
        [(s.key, s.name) for s in policy.deadline_standards()],
        filters.standards,
    )
    boxes(Facet.KIND, "kind", CaseKind.choices, filters.kinds)
    boxes(Facet.CHANNEL, "channel", Channel.choices, filters.channels)
    boxes(
        Facet.STATUS,
        "status",
        [(s.value, s.label) for s in OPEN_CASE_STATUSES],
        filters.statuses,
    )
    select(Facet.OFFICER, "Anyone", officers, filters.officer)
    select(Facet.TEAM, "Any team", teams, filters.team)
    select(Facet.OFFICE, "Any office", offices, filters.office)
    groups.append(
        FilterGroup(
            "due",
            "Due",
            "radios",
            [FilterOption(w.value, w.label, w == filters.due) for w in DueWindow],
        )
    )
    if Facet.URGENT in facets:
        urgent = count(Facet.URGENT, "yes")
        groups.append(
            FilterGroup(
                "urgent",
                "Urgent",
                "checkboxes",
                [FilterOption("yes", _counted("Urgent only", urgent), filters.urgent)],
            )
        )
    return groups
