"""The complaint measures of the Regulator of Social Housing's Tenant Satisfaction
Measures (TSMs), CH01 and CH02, counted from the records for a TSM year (1 April to
31 March, named by the year it ends in: "the year ending 31 March 2026").

What we count, and the choices made where the records or the definitions left room
(the Regulator's "Tenant Satisfaction Measures: technical requirements", as updated in
March 2024 for the Housing Ombudsman's Complaint Handling Code 2024; the definitions
below should be checked against the current edition before a return is made):

- **CH01 (1)**: stage 1 complaints received in the year per 1,000 homes. The numerator
  is the complaints received in the year (the case's `received_at`), whatever became of
  them later, *except* those not accepted under the complaints procedure (declined for
  one of the Code's exclusions: `Complaint.refused_at`) and duplicates merged into
  another case: a complaint the landlord declined to take through its procedure was
  never a stage 1 complaint. How many were left out is shown beside the measure, so the
  performance team can see the difference.
- **CH01 (2)**: stage 2 complaints received in the year per 1,000 homes: the complaints
  whose request for stage 2 was received in the year (the start of their stage 2
  acknowledgement deadline), each complaint once, whenever it was received at stage 1.
- **Denominator of CH01**: the homes owned at the end of the year, from the policy's
  `[complaints] homes`: the count dated on the year's last day, or the latest before it.
  With no count by then there is no figure, and the page says so instead of dividing.
- **CH02 (1) and (2)**: the share of stage 1 (stage 2) responses sent in the year that
  were sent within the Code's timescale. Numerator: the stage's response deadlines met
  in the year by their due date, where a response extended by a holding reply counts as
  within the timescale if it met the new date (the policy's `max_extension` keeps an
  extension within the Code's limit: 10 working days at stage 1, 20 at stage 2).
  Denominator: the stage's responses sent in the year (response deadlines met in it). A
  complaint not accepted has no response, so it is in neither.
- **Tenure**: the TSMs report low-cost rental accommodation (LCRA) and low-cost home
  ownership (LCHO) separately, each against its own homes. The tenure is read from the
  customer's type (`customers.CustomerType`): a tenant or a licensee is counted as LCRA,
  a shared owner as LCHO. Leaseholders who bought outright are not in the TSMs, nor is
  anyone else (an applicant, an agency, no customer recorded): their complaints are in
  neither measure, and how many there were is shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q

from caredesk.cases.models import Case, CaseKind, Deadline, DeadlineStatus
from caredesk.customers.models import CustomerType
from caredesk.standards import Policy
from caredesk.standards.policy_complaints import HomesCount

FIRST_TSM_YEAR = 2024  # the TSMs began on 1 April 2023: the first year ended on 31 March 2024
PER = 1000
STAGES = (1, 2)


@dataclass(frozen=True)
class Tenure:
    key: str
    name: str
    short: str
    customer_types: frozenset[str]

    def homes(self, count: HomesCount) -> int:
        return count.low_cost_rental if self.key == "lcra" else count.low_cost_home_ownership


LCRA = Tenure(
    "lcra",
    "Low-cost rental accommodation",
    "LCRA",
    frozenset({CustomerType.TENANT, CustomerType.LICENSEE}),
)
LCHO = Tenure("lcho", "Low-cost home ownership", "LCHO", frozenset({CustomerType.SHARED_OWNER}))
TENURES = (LCRA, LCHO)


def tenure_of(customer_type: str | None) -> Tenure | None:
    return next((t for t in TENURES if customer_type in t.customer_types), None)


def one_place(value: Decimal) -> float:
    """To one decimal place, a half rounded up (0.25 is 0.3), as people round."""
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class PerThousand:
    """CH01 for one stage and tenure: complaints received per 1,000 homes."""

    stage: int
    tenure: Tenure
    complaints: int
    homes: int | None  # None: no count of homes by the year's end

    @property
    def measure(self) -> str:
        return f"CH01 ({self.stage})"

    @property
    def value(self) -> float | None:
        """To one decimal place, as the Regulator asks; None without homes to divide by."""
        if not self.homes:
            return None
        return one_place(Decimal(self.complaints * PER) / self.homes)


@dataclass(frozen=True)
class WithinTime:
    """CH02 for one stage and tenure: responses sent within the Code's timescale."""

    stage: int
    tenure: Tenure
    within: int
    responded: int

    @property
    def measure(self) -> str:
        return f"CH02 ({self.stage})"

    @property
    def percent(self) -> float | None:
        if not self.responded:
            return None
        return one_place(Decimal(self.within * 100) / self.responded)


@dataclass
class ComplaintReturns:
    year_ending: int
    first: date
    last: date  # the year's last day, or the last day counted if it has not ended
    homes: HomesCount | None
    ch01: list[PerThousand] = field(default_factory=list)
    ch02: list[WithinTime] = field(default_factory=list)
    not_accepted: int = 0  # received in the year, declined: in no measure
    others: dict[int, int] = field(default_factory=dict)  # stage -> received, not a tenure
    others_responded: dict[int, int] = field(default_factory=dict)

    @property
    def year_end(self) -> date:
        return date(self.year_ending, 3, 31)

    @property
    def complete(self) -> bool:
        return self.last >= self.year_end

    @property
    def name(self) -> str:
        return f"{self.year_ending - 1} to {self.year_ending}"


def tsm_year_ending(day: date) -> int:
    """The TSM year `day` falls in, by the year it ends in."""
    return day.year + 1 if day.month >= 4 else day.year


def latest_year_ended(today: date) -> int:
    return tsm_year_ending(today) - 1


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def complaint_returns(
    *, year_ending: int, policy: Policy, through: date | None = None
) -> ComplaintReturns:
    """CH01 and CH02 for the TSM year ending 31 March `year_ending`, counted to the
    year's end, or to `through` if that comes first (a year to date)."""
    first, year_end = date(year_ending - 1, 4, 1), date(year_ending, 3, 31)
    last = min(year_end, through) if through is not None else year_end
    zone = policy.working_calendar.zone
    start, end = _midnight(first, zone), _midnight(last + timedelta(days=1), zone)
    homes = policy.complaints.homes_on(year_end)
    found = ComplaintReturns(year_ending=year_ending, first=first, last=last, homes=homes)

    complaints = Case.objects.filter(
        kind=CaseKind.COMPLAINT,
        merged_into__isnull=True,
        received_at__gte=start,
        received_at__lt=end,
    )
    found.not_accepted = complaints.filter(complaint__refused_at__isnull=False).count()
    accepted = complaints.filter(Q(complaint__isnull=True) | Q(complaint__refused_at__isnull=True))
    escalations = Deadline.objects.filter(
        standard_key="complaint_stage_2_acknowledge",
        starts_at__gte=start,
        starts_at__lt=end,
        case__merged_into__isnull=True,
    ).filter(Q(case__complaint__isnull=True) | Q(case__complaint__refused_at__isnull=True))
    received = {
        1: _by_type(accepted.values("customer__customer_type").annotate(n=Count("pk"))),
        2: _by_type(
            escalations.values("case__customer__customer_type").annotate(
                n=Count("case", distinct=True)
            ),
            column="case__customer__customer_type",
        ),
    }
    for stage in STAGES:
        counts = received[stage]
        found.others[stage] = counts.get(None, 0)
        for tenure in TENURES:
            found.ch01.append(
                PerThousand(
                    stage=stage,
                    tenure=tenure,
                    complaints=counts.get(tenure.key, 0),
                    homes=tenure.homes(homes) if homes is not None else None,
                )
            )
    for stage in STAGES:
        met = Deadline.objects.filter(
            standard_key=f"complaint_stage_{stage}_response",
            status=DeadlineStatus.MET,
            met_at__gte=start,
            met_at__lt=end,
        )
        responded = _by_type(
            met.values("case__customer__customer_type").annotate(n=Count("pk")),
            column="case__customer__customer_type",
        )
        within = _by_type(
            met.filter(met_at__lte=F("due_at"))
            .values("case__customer__customer_type")
            .annotate(n=Count("pk")),
            column="case__customer__customer_type",
        )
        found.others_responded[stage] = responded.get(None, 0)
        for tenure in TENURES:
            found.ch02.append(
                WithinTime(
                    stage=stage,
                    tenure=tenure,
                    within=within.get(tenure.key, 0),
                    responded=responded.get(tenure.key, 0),
                )
            )
    return found


def _by_type(rows: object, column: str = "customer__customer_type") -> dict[str | None, int]:
    """Counts grouped by customer type, as counts by tenure (None: in neither)."""
    counted: Counter[str | None] = Counter()
    for row in rows:  # type: ignore[attr-defined]
        tenure = tenure_of(row[column])
        counted[tenure.key if tenure is not None else None] += row["n"]
    return dict(counted)
