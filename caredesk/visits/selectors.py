"""What the reception page reads: who is waiting at an office, and who came today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest

from caredesk.cases.models import UNFINISHED, Case, Deadline
from caredesk.staff.models import Office
from caredesk.standards import Policy
from caredesk.visits.models import Appointment, Interview, OfficeDetails, Visit, VisitStatus
from caredesk.visits.offices import offices_times

# The board warns when a visitor's wait is this close to its time (or when the policy's
# own warning time for it has come, if that is sooner).
WARN_WITHIN = timedelta(minutes=2)


@dataclass(frozen=True)
class Waiting:
    """A visitor on the board: how long they have waited and how long is left."""

    visit: Visit
    now: datetime
    due_at: datetime | None  # the soonest time a wait of theirs the policy measures is due
    standard: str  # that wait's standard, in words

    @property
    def waited(self) -> timedelta:
        return max(self.now - self.visit.arrived_at, timedelta(0))

    @property
    def left(self) -> timedelta | None:
        return None if self.due_at is None else self.due_at - self.now

    @property
    def state(self) -> str:
        """ "late" (past its time), "soon" (within the warning) or "" (in time, or unmeasured)."""
        left = self.left
        if left is None:
            return ""
        if left <= timedelta(0):
            return "late"
        return "soon" if left <= WARN_WITHIN else ""


def visitors_waiting_list(*, office: Office, now: datetime, policy: Policy) -> list[Waiting]:
    """The visitors waiting at `office`, who came first first: two queries."""
    open_waits = Prefetch(
        "deadlines",
        queryset=Deadline.objects.filter(status__in=UNFINISHED).only(
            "pk", "standard_key", "due_at", "status"
        ),
        to_attr="open_waits",
    )
    visits = (
        Visit.objects.filter(office=office, status=VisitStatus.WAITING)
        .select_related("case", "case__customer", "appointment_with", "acknowledged_by")
        .prefetch_related(open_waits)
        .order_by("arrived_at", "pk")
    )
    rows = []
    for visit in visits:
        open_waits_of: list[Deadline] = visit.open_waits
        dues = [(wait.due_at, wait.standard_key) for wait in open_waits_of if wait.due_at]
        soonest = min(dues, default=None)
        rows.append(
            Waiting(
                visit=visit,
                now=now,
                due_at=soonest[0] if soonest else None,
                standard=policy.standard_name(soonest[1]) if soonest else "",
            )
        )
    return rows


def visits_today_list(*, office: Office, since: datetime, limit: int = 30) -> list[Visit]:
    """The visitors seen or gone at `office` since `since` (the start of the day), the
    latest first."""
    return list(
        Visit.objects.filter(office=office, arrived_at__gte=since)
        .exclude(status=VisitStatus.WAITING)
        .select_related("case", "seen_by")
        .order_by("-arrived_at", "-pk")[:limit]
    )


def office_details_get(*, office: Office) -> OfficeDetails | None:
    return OfficeDetails.objects.filter(office=office).select_related("duty_officer").first()


def offices_list() -> list[Office]:
    return list(Office.objects.order_by("name"))


def case_visits_panel(*, case: Case, request: HttpRequest) -> dict[str, Any]:
    """The case page's visits panel (visits/case_visits.html): its appointments, its
    visits to an office, and its interviews with their actions, in six queries."""
    return {
        "appointments": Appointment.objects.filter(case=case)
        .select_related("officer", "office")
        .order_by("-starts_at", "-pk"),
        "visits": Visit.objects.filter(case=case)
        .select_related("office", "seen_by")
        .order_by("-arrived_at", "-pk"),
        "interviews": Interview.objects.filter(case=case)
        .select_related("office", "summary_sent_by")
        .prefetch_related("officers", "actions__owner")
        .order_by("-held_at", "-pk"),
    }


@dataclass(frozen=True)
class OfficeRow:
    """An office in the list of offices: whether it is open now, and what it lacks."""

    office: Office
    details: OfficeDetails | None  # None: no public page yet
    open_now: bool
    has_hours: bool


def offices_overview_list(*, policy: Policy, now: datetime) -> list[OfficeRow]:
    """Every office, by name, for those who manage them: four queries, however many."""
    offices = list(Office.objects.order_by("name"))
    details = {row.pk: row for row in OfficeDetails.objects.all()}
    times = offices_times(offices, policy)
    return [
        OfficeRow(
            office=office,
            details=details.get(office.pk),
            open_now=times[office.pk].is_open(now),
            has_hours=bool(times[office.pk].week),
        )
        for office in offices
    ]


def offices_public_list() -> list[OfficeDetails]:
    """The offices with a public page (their details kept), by name."""
    return list(OfficeDetails.objects.select_related("office").order_by("office__name"))


def office_public_get(*, slug: str) -> OfficeDetails | None:
    return OfficeDetails.objects.filter(slug=slug).select_related("office").first()
