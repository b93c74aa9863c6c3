"""Visit and appointment figures: who came to the offices, and what became of appointments.

Counted in the database with GROUP BY queries over a period of local days (start and
end both included) in the policy's zone, as the call figures are
(`caredesk.telephony.figures`): a period runs from local midnight at its first day to
local midnight after its last, so a visitor at 00:30 BST belongs to the day they came.
Three queries, whatever the number of visits: visitors by office, appointments booked,
appointments due.

What each figure means:

- **came**: visitors who arrived in the period (`Visit.arrived_at`), by office;
- **seen**, **left**, **asked to book**, **still waiting**: of those, what became of
  them: seen by a member of staff; left before being seen; asked to phone to arrange an
  appointment (an office open by appointment only, such as Stonewall's main office);
  not yet seen nor gone;
- **seen as an exception**: seen without an appointment at an office open by
  appointment only, with the reason recorded;
- **private room**, **help with forms**, **interpreter** (visits): how many visitors
  asked for each, and of those how many were given it, and how many were not (a
  visitor who left before being seen was neither);
- **booked**: appointments made in the period (`Appointment.booked_at`), by kind. A
  new time given by moving an appointment is not a new booking: it is the moved one's;
- of those booked, **officer asked for** (the customer asked for that officer by
  name), **same-sex interview asked for**, **interpreter booked**, and home visits by
  reason (`HomeVisitWhy`);
- **due**: appointments whose time fell in the period (`Appointment.starts_at`), by
  kind, and what became of them: **kept**; **moved** to another time; **cancelled**;
  **missed** (the customer did not come); **nobody in** (a home visit); **not
  recorded** (still booked: nobody has said what happened yet);
- **kept rate**: kept, of those that came to their time as booked and whose outcome
  is recorded: kept / (kept + missed + nobody in). Moved and cancelled appointments are
  left out (they never came to their time), and so are those not yet recorded.

How fast visitors were seen is not counted here: those waits are the policy's visitor
standards (Halton's "attended to within 5 minutes"), deadlines of the cases, which the
performance indicators already count (`caredesk.reporting.indicators`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet

from caredesk.standards import Policy
from caredesk.standards.policy import Channel
from caredesk.visits.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    HomeVisitWhy,
    Visit,
    VisitStatus,
)

VISIT_CHANNELS = frozenset({Channel.VISIT, Channel.HOME_VISIT})


def _percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


@dataclass(frozen=True)
class AskedGiven:
    """Something visitors may ask for: how many asked, were given it, or were not."""

    asked: int = 0
    given: int = 0
    not_given: int = 0

    def __add__(self, other: AskedGiven) -> AskedGiven:
        return AskedGiven(
            self.asked + other.asked,
            self.given + other.given,
            self.not_given + other.not_given,
        )


@dataclass(frozen=True)
class VisitCounts:
    """Visitors who came to one office (or all of them) in the period."""

    came: int = 0
    seen: int = 0
    left: int = 0
    asked_to_book: int = 0
    waiting: int = 0
    exceptions: int = 0
    private_room: AskedGiven = AskedGiven()
    forms_help: AskedGiven = AskedGiven()
    interpreter: AskedGiven = AskedGiven()

    def __add__(self, other: VisitCounts) -> VisitCounts:
        return VisitCounts(
            came=self.came + other.came,
            seen=self.seen + other.seen,
            left=self.left + other.left,
            asked_to_book=self.asked_to_book + other.asked_to_book,
            waiting=self.waiting + other.waiting,
            exceptions=self.exceptions + other.exceptions,
            private_room=self.private_room + other.private_room,
            forms_help=self.forms_help + other.forms_help,
            interpreter=self.interpreter + other.interpreter,
        )

    @property
    def percent_seen(self) -> float | None:
        return _percent(self.seen, self.came)


@dataclass(frozen=True)
class OfficeVisits:
    office_id: int
    office: str
    counts: VisitCounts


@dataclass(frozen=True)
class Booked:
    """Appointments of one kind booked in the period."""

    booked: int = 0
    officer_asked_for: int = 0
    same_sex_asked: int = 0
    interpreter: int = 0
    home_visit_why: Mapping[str, int] = field(default_factory=dict)  # reason: how many


@dataclass(frozen=True)
class Due:
    """Appointments of one kind whose time fell in the period, and what became of them."""

    due: int = 0
    kept: int = 0
    moved: int = 0
    cancelled: int = 0
    missed: int = 0
    no_access: int = 0
    not_recorded: int = 0

    def __add__(self, other: Due) -> Due:
        return Due(
            self.due + other.due,
            self.kept + other.kept,
            self.moved + other.moved,
            self.cancelled + other.cancelled,
            self.missed + other.missed,
            self.no_access + other.no_access,
            self.not_recorded + other.not_recorded,
        )

    @property
    def went_ahead(self) -> int:
        """Came to their time as booked, with what happened recorded: the kept rate's base."""
        return self.kept + self.missed + self.no_access

    @property
    def kept_rate(self) -> float | None:
        return _percent(self.kept, self.went_ahead)

    @property
    def missed_rate(self) -> float | None:
        return _percent(self.missed, self.went_ahead)

    @property
    def no_access_rate(self) -> float | None:
        return _percent(self.no_access, self.went_ahead)


@dataclass(frozen=True)
class VisitFigures:
    start: date
    end: date  # inclusive
    offices: list[OfficeVisits]  # offices where visitors came, by name
    visits: VisitCounts  # every office together
    booked: dict[str, Booked]  # by AppointmentKind, each kind present
    due: dict[str, Due]  # by AppointmentKind, each kind present

    @property
    def booked_total(self) -> int:
        return sum(b.booked for b in self.booked.values())

    @property
    def officer_asked_for(self) -> int:
        return sum(b.officer_asked_for for b in self.booked.values())

    @property
    def same_sex_asked(self) -> int:
        return sum(b.same_sex_asked for b in self.booked.values())

    @property
    def interpreters_booked(self) -> int:
        return sum(b.interpreter for b in self.booked.values())

    @property
    def home_visit_why(self) -> list[tuple[str, int]]:
        """(reason in words, how many) for home visits booked, in HomeVisitWhy's order."""
        found = self.booked.get(AppointmentKind.HOME_VISIT, Booked()).home_visit_why
        named = [(str(why.label), found.get(why.value, 0)) for why in HomeVisitWhy]
        unknown = sum(n for why, n in found.items() if why not in HomeVisitWhy.values)
        return named + ([("Not recorded", unknown)] if unknown else [])

    @property
    def due_total(self) -> Due:
        return sum(self.due.values(), Due())

    @property
    def empty(self) -> bool:
        return not (self.visits.came or self.booked or self.due)


def policy_has_visits(policy: Policy) -> bool:
    """Whether the policy says anything of office visits or home visits: a standard (a
    wait, a rule) on either channel."""
    return any(VISIT_CHANNELS & set(s.channels) for s in policy.standards)


def visits_recorded() -> bool:
    """Whether any visit or appointment was ever recorded (two EXISTS queries at most)."""
    return Visit.objects.exists() or Appointment.objects.exists()


# -- the queries ----------------------------------------------------------------------


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _span(start: date, end: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return _local_midnight(start, zone), _local_midnight(end + timedelta(days=1), zone)


def _asked_given(prefix: str, asked: Q) -> dict[str, Any]:
    given = f"{prefix}_given"
    return {
        f"n_{prefix}_asked": Count("pk", filter=asked),
        f"n_{prefix}_yes": Count("pk", filter=asked & Q(**{given: True})),
        f"n_{prefix}_no": Count("pk", filter=asked & Q(**{given: False})),
    }


def _visits_by_office(low: datetime, high: datetime) -> list[OfficeVisits]:
    visits: QuerySet[Visit] = Visit.objects.filter(arrived_at__gte=low, arrived_at__lt=high)
    rows = (
        visits.order_by()
        .values("office_id", "office__name")
        .annotate(
            came=Count("pk"),
            seen=Count("pk", filter=Q(status=VisitStatus.SEEN)),
            left=Count("pk", filter=Q(status=VisitStatus.LEFT)),
            asked_to_book=Count("pk", filter=Q(status=VisitStatus.ASKED_TO_BOOK)),
            waiting=Count("pk", filter=Q(status=VisitStatus.WAITING)),
            exceptions=Count("pk", filter=Q(status=VisitStatus.SEEN) & ~Q(exception="")),
            **_asked_given("private_room", Q(private_room_asked=True)),
            **_asked_given("forms_help", Q(forms_help_asked=True)),
            **_asked_given("interpreter", ~Q(interpreter_language="")),
        )
    )
    found = [
        OfficeVisits(
            office_id=row["office_id"],
            office=row["office__name"],
            counts=VisitCounts(
                came=row["came"],
                seen=row["seen"],
                left=row["left"],
                asked_to_book=row["asked_to_book"],
                waiting=row["waiting"],
                exceptions=row["exceptions"],
                private_room=_asked_given_of(row, "private_room"),
                forms_help=_asked_given_of(row, "forms_help"),
                interpreter=_asked_given_of(row, "interpreter"),
            ),
        )
        for row in rows
    ]
    return sorted(found, key=lambda o: (o.office.casefold(), o.office_id))


def _asked_given_of(row: Mapping[str, int], prefix: str) -> AskedGiven:
    return AskedGiven(row[f"n_{prefix}_asked"], row[f"n_{prefix}_yes"], row[f"n_{prefix}_no"])


def _booked(low: datetime, high: datetime) -> dict[str, Booked]:
    """New bookings in the period by kind and home visit reason. One made by moving
    another (`moved_from`: the old one points at it) is left out."""
    rows = (
        Appointment.objects.filter(booked_at__gte=low, booked_at__lt=high, moved_from__isnull=True)
        .order_by()
        .values("kind", "home_visit_why")
        .annotate(
            booked=Count("pk"),
            n_officer=Count("pk", filter=Q(officer_asked_for=True)),
            n_same_sex=Count("pk", filter=Q(same_sex_asked=True)),
            n_interpreter=Count("pk", filter=~Q(interpreter_language="")),
        )
    )
    sums: dict[str, dict[str, int]] = {}
    reasons: dict[str, dict[str, int]] = {}
    for row in rows:
        kind = row["kind"]
        into = sums.setdefault(kind, dict.fromkeys(("booked", "officer", "same_sex", "interp"), 0))
        into["booked"] += row["booked"]
        into["officer"] += row["n_officer"]
        into["same_sex"] += row["n_same_sex"]
        into["interp"] += row["n_interpreter"]
        if kind == AppointmentKind.HOME_VISIT:
            reasons.setdefault(kind, {})[row["home_visit_why"]] = row["booked"]
    return {
        kind: Booked(
            booked=n["booked"],
            officer_asked_for=n["officer"],
            same_sex_asked=n["same_sex"],
            interpreter=n["interp"],
            home_visit_why=reasons.get(kind, {}),
        )
        for kind, n in _in_kind_order(sums)
    }


def _due(low: datetime, high: datetime) -> dict[str, Due]:
    def status(value: str) -> Count:
        return Count("pk", filter=Q(status=value))

    rows = (
        Appointment.objects.filter(starts_at__gte=low, starts_at__lt=high)
        .order_by()
        .values("kind")
        .annotate(
            due=Count("pk"),
            kept=status(AppointmentStatus.KEPT),
            moved=status(AppointmentStatus.MOVED),
            cancelled=status(AppointmentStatus.CANCELLED),
            missed=status(AppointmentStatus.MISSED),
            no_access=status(AppointmentStatus.NO_ACCESS),
            not_recorded=status(AppointmentStatus.BOOKED),
        )
    )
    by_kind = {row.pop("kind"): Due(**row) for row in rows}
    return dict(_in_kind_order(by_kind))


def _in_kind_order(found: Mapping[str, Any]) -> list[tuple[str, Any]]:
    order = {kind: index for index, kind in enumerate(AppointmentKind.values)}
    return sorted(found.items(), key=lambda item: order.get(item[0], len(order)))


def visit_figures(*, start: date, end: date, policy: Policy) -> VisitFigures:
    """Every visit and appointment figure from `start` to `end` (local days, both
    included): three queries, however many visits and appointments there were."""
    low, high = _span(start, end, policy.working_calendar.zone)
    offices = _visits_by_office(low, high)
    return VisitFigures(
        start=start,
        end=end,
        offices=offices,
        visits=sum((o.counts for o in offices), VisitCounts()),
        booked=_booked(low, high),
        due=_due(low, high),
    )
