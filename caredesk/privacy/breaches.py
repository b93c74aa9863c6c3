"""The personal data breach log (UK GDPR Articles 33 and 34).

A breach is a case of kind personal_data_breach, opened through intake like any other
(`cases.intake.contact_receive`), received when the landlord became aware of it: the
policy's `breach_report` standard (72 hours, elapsed) starts then, and is met when the
breach is reported to the ICO or the decision not to report it is recorded (the clock
event `breach_decided`, fired through `cases.breach_clock`). So its deadline is one
like any other: queues, warnings, missed deadlines, notifications, reports.

The case is the data protection officer's. The officer does not take casework
(WORK_CASES) and is not given it: `cases.rules.owner_capability` says a breach is owned
by those who MANAGE_PRIVACY, and only by them. The deadline's warning goes to whoever
the case is given to (`notifications.notices`), so to the officer.

- `breach_report`: anyone on the staff tells the data protection officer of a
  suspected breach (REPORT_BREACHES); the case opens, given to the officer (the one
  who reports it, if they are one; else one not away), and the officers are told.
- `breach_assess`, `breach_decide`, `breach_people_told`, `breach_close`: the data
  protection officer's (MANAGE_PRIVACY).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial

from django.db import models
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.urls import reverse

from caredesk.cases import events
from caredesk.cases.breach_clock import breach_case_close, breach_decision_fire
from caredesk.cases.intake import contact_receive
from caredesk.cases.locks import case_lock
from caredesk.cases.models import CaseKind, CaseStatus, Channel, Deadline
from caredesk.core.clock import Clock, read_once
from caredesk.core.db import write_transaction
from caredesk.core.text import typed_text_check
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.notifications.models import NotificationKind
from caredesk.notifications.notices import notices_give
from caredesk.notifications.wording import when
from caredesk.privacy.models import (
    Breach,
    BreachData,
    BreachDecision,
    BreachLikelihood,
    BreachRisk,
    BreachSeverity,
)
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.staff.selectors import cover_get, staff_with_capability_list
from caredesk.standards import Policy

STANDARD = "breach_report"
HOURS_TO_REPORT = timedelta(hours=72)  # Article 33(1), if the policy has no standard
MAX_TEXT = 5000
SUBJECT = "Personal data breach"


class BreachError(CaredeskError):
    """A personal data breach, or a step of one, that cannot be recorded as written: a
    text missing, too long, or with characters that cannot be kept."""

    code = "breach_invalid"


class BreachAwareInFuture(BreachError):
    """A breach the landlord became aware of later than now."""

    code = "breach_aware_in_future"


class BreachTimeOutOfRange(BreachError):
    """A time for a breach's step (reported, decided, people told) before the landlord
    became aware of it, or later than now."""

    code = "breach_time_out_of_range"


class BreachNotAssessed(BreachError):
    """Deciding whether to report a breach before its risk to people is assessed."""

    code = "breach_not_assessed"


class BreachMustBeReported(BreachError):
    """Deciding not to report a breach assessed as a risk, or a high risk, to people's
    rights and freedoms: Article 33(1) says such a breach is reported to the ICO."""

    code = "breach_must_be_reported"


class BreachReasonMissing(BreachError):
    """The decision not to report a breach, without the reason (Article 33(5))."""

    code = "breach_not_reported_reason_missing"


class BreachDelayUnexplained(BreachError):
    """A breach reported, or decided on, after the 72 hours without the reasons for the
    delay (Article 33(1))."""

    code = "breach_delay_reason_missing"


class BreachAlreadyDecided(BreachError):
    """A second decision on a breach already reported, or decided not to report."""

    code = "breach_already_decided"


class BreachPeopleNotRecorded(BreachError):
    """Closing a breach assessed as a high risk without recording whether the people
    affected were told, and when, or why not (Article 34); or recording that they were
    not told without the reason."""

    code = "breach_people_told_missing"


class BreachUndecided(BreachError):
    """Closing a breach before it is reported to the ICO or decided not to report."""

    code = "breach_undecided"


class BreachClosed(BreachError):
    """A change to a breach that is closed."""

    code = "breach_closed"


# -- helpers ------------------------------------------------------------------------------


def _lower_first(label: str) -> str:
    """ "Reported to the ICO" as "reported to the ICO" (not "the ico")."""
    return label[:1].lower() + label[1:]


def _may_manage(by: StaffMember, what: str) -> None:
    if not allowed(by, Can.MANAGE_PRIVACY):
        raise NotAllowed(f"Only the data protection officer can {what}.")


# What a person typed: trimmed, refused with the field named (core.text).
_text = partial(typed_text_check, error=BreachError, limit=MAX_TEXT, required=True)


def _note(breach: Breach, by: StaffMember | None, at: datetime, step: str, text: str) -> None:
    """The case's timeline: what was done, without the breach's details (those are for
    the data protection officer's eyes; anyone who reads cases reads the timeline)."""
    events.record(events.breach_step_recorded(case=breach.case, by=by, at=at, step=step, text=text))


def _locked(breach: Breach, policy: Policy, now: datetime) -> Breach:
    case_lock(case=breach.case, now=now, policy=policy)
    current = Breach.objects.select_related("case").get(pk=breach.pk)
    if current.closed_at is not None:
        raise BreachClosed("This breach is closed.")
    return current


def breach_deadline(breach: Breach) -> Deadline | None:
    """The breach's 72 hours, if the policy times them."""
    return breach.case.deadlines.filter(standard_key=STANDARD).order_by("pk").first()


def breach_due_at(breach: Breach) -> datetime:
    """When the ICO must be told, or the decision not to tell it recorded: the
    deadline's due time (72 elapsed hours from awareness)."""
    deadline = breach_deadline(breach)
    if deadline is not None and deadline.due_at is not None:
        return deadline.due_at
    return breach.became_aware_at + HOURS_TO_REPORT


def data_protection_officer_for(
    *, by: StaffMember, policy: Policy, at: datetime
) -> StaffMember | None:
    """Who the breach goes to: `by` if they are a data protection officer; else the first
    officer not away today (their cover, who could not decide it, never takes it); else
    the first officer; None if there is none."""
    if allowed(by, Can.MANAGE_PRIVACY):
        return by
    officers = list(staff_with_capability_list(capability=Can.MANAGE_PRIVACY).order_by("pk"))
    today = at.astimezone(policy.working_calendar.zone).date()
    for officer in officers:
        if cover_get(staff=officer, on=today, policy=policy).pk == officer.pk:
            return officer
    return officers[0] if officers else None


# -- reporting ---------------------------------------------------------------------------


@write_transaction()
def breach_report(
    *,
    became_aware_at: datetime,
    what_happened: str,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    how_discovered: str = "",
) -> Breach:
    """A suspected personal data breach, told to the data protection officer by anyone
    on the staff: its case opens, received when we became aware (the 72 hours run from
    then), and is given to the officer; the officers are told at once."""
    if not allowed(by, Can.REPORT_BREACHES):
        raise NotAllowed("Only members of staff can report a data breach.")
    said = _text(what_happened, label="What happened")
    how = _text(how_discovered, label="How it came to light", required=False)
    clock = read_once(clock)
    now = clock.now()
    if became_aware_at > now:
        raise BreachAwareInFuture("We cannot have become aware of it later than now.")
    officer = data_protection_officer_for(by=by, policy=policy, at=now)
    received = contact_receive(
        channel=Channel.WEB,  # the desk's form
        kind=CaseKind.PERSONAL_DATA_BREACH,
        received_at=became_aware_at,
        subject=SUBJECT,
        by=by,
        assign_to=officer,
        clock=clock,
        policy=policy,
    )
    breach = Breach.objects.create(
        case=received.case,
        became_aware_at=became_aware_at,
        reported_by=by,
        reported_at=now,
        what_happened=said,
        how_discovered=how,
    )
    _note(breach, by, now, "reported", f"Suspected personal data breach reported by {by}.")
    _officers_tell(breach, by, policy, now)
    return breach


def _officers_tell(breach: Breach, by: StaffMember, policy: Policy, now: datetime) -> None:
    """Tell the data protection officers (but the one who reported it) at once: the
    warning would come only when 24 hours are left."""
    others = [
        pk
        for pk in staff_with_capability_list(capability=Can.MANAGE_PRIVACY).values_list(
            "pk", flat=True
        )
        if pk != by.pk
    ]
    if not others:
        return
    due = breach_due_at(breach)
    notices_give(
        recipient_ids=others,
        kind=NotificationKind.BREACH_REPORTED,
        message=(
            f"{by} reported a suspected personal data breach ({breach.case.reference}). "
            f"Report it to the ICO, or record the decision not to, by {when(due, policy)}."
        ),
        at=now,
        case=breach.case,
        links=[("Open the breach", reverse("privacy:breach", args=[breach.pk]))],
    )


# -- the data protection officer's steps --------------------------------------------------


@write_transaction()
def breach_assess(
    *,
    breach: Breach,
    what_happened: str,
    how_discovered: str,
    data_categories: Sequence[str],
    data_affected: str,
    people_affected_count: int | None,
    people_affected: str,
    risk_likelihood: str,
    risk_severity: str,
    risk: str,
    risk_reasoning: str,
    containment: str,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
) -> Breach:
    """Record, or correct, what happened, the data and the people affected, what was
    done to contain it, and the risk to people's rights and freedoms, with the reasons."""
    _may_manage(by, "assess a data breach")
    unknown = set(data_categories) - set(BreachData.values)
    if unknown or not data_categories:
        raise BreachError("Choose the kinds of personal data affected.")
    if risk_likelihood not in BreachLikelihood.values:
        raise BreachError("Say how likely harm to the people affected is.")
    if risk_severity not in BreachSeverity.values:
        raise BreachError("Say how severe the harm to the people affected would be.")
    if risk not in BreachRisk.values:
        raise BreachError("Say what the risk to people's rights and freedoms is.")
    if people_affected_count is not None and people_affected_count < 0:
        raise BreachError("Give the number of people affected as 0 or more.")
    clock = read_once(clock)
    now = clock.now()
    breach = _locked(breach, policy, now)
    if breach.decision == BreachDecision.NOT_REPORTED and risk != BreachRisk.UNLIKELY:
        raise BreachMustBeReported(
            "It was decided not to report this breach. A breach that is a risk to people "
            "must be reported to the ICO: tell the ICO, and write down the new assessment."
        )
    breach.what_happened = _text(what_happened, label="What happened")
    breach.how_discovered = _text(how_discovered, label="How it came to light", required=False)
    breach.data_categories = [value for value in BreachData.values if value in data_categories]
    breach.data_affected = _text(data_affected, label="The personal data affected")
    breach.people_affected_count = people_affected_count
    breach.people_affected = _text(people_affected, label="Who is affected")
    breach.risk_likelihood, breach.risk_severity, breach.risk = (
        risk_likelihood,
        risk_severity,
        risk,
    )
    breach.risk_reasoning = _text(risk_reasoning, label="The reasons for the risk assessment")
    breach.containment = _text(containment, label="What was done to contain it", required=False)
    breach.assessed_at, breach.assessed_by = now, by
    breach.save()
    _note(breach, by, now, "assessed", f"Assessed: {BreachRisk(risk).label.lower()}.")
    return breach


@write_transaction()
def breach_decide(
    *,
    breach: Breach,
    report: bool,
    at: datetime,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    ico_reference: str = "",
    reason: str = "",
    delay_reason: str = "",
) -> Breach:
    """Record that the breach was reported to the ICO at `at` (with the ICO's
    reference, once given), or that it was decided then not to report it, and why.
    The 72 hours are met at `at`: late, as any deadline, if after them, and then the
    reasons for the delay are required."""
    _may_manage(by, "decide whether to report a data breach")
    clock = read_once(clock)
    now = clock.now()
    breach = _locked(breach, policy, now)
    if breach.decision:
        raise BreachAlreadyDecided(
            f"This breach was {BreachDecision(breach.decision).label.lower()} already."
        )
    if not breach.risk:
        raise BreachNotAssessed("Assess the risk to people first: it decides whether to report.")
    if at > now or at < breach.became_aware_at:
        raise BreachTimeOutOfRange("Give a time between when we became aware of it and now.")
    late = at > breach_due_at(breach)
    delay = _text(delay_reason, label="The reasons for the delay", required=False)
    if late and not delay:
        raise BreachDelayUnexplained(
            "This is after the 72 hours: write the reasons for the delay (Article 33(1))."
        )
    if report:
        breach.decision = BreachDecision.REPORTED
        breach.reported_to_ico_at = at
        breach.ico_reference = _text(
            ico_reference, label="The ICO's reference", required=False, limit=50
        )
        reference = breach.ico_reference
        said = f"Reported to the ICO{f' (reference {reference})' if reference else ''}."
    else:
        if breach.risk != BreachRisk.UNLIKELY:
            raise BreachMustBeReported(
                "A breach assessed as a risk to people's rights and freedoms must be "
                "reported to the ICO. If it is unlikely to be one, change the assessment first."
            )
        if not reason.strip():
            raise BreachReasonMissing("Write why it is not reported to the ICO.")
        breach.decision = BreachDecision.NOT_REPORTED
        breach.decided_not_to_report_at = at
        breach.not_reported_reason = _text(reason, label="Why it is not reported to the ICO")
        said = "Decided not to report it to the ICO: unlikely to result in a risk to people."
    breach.decided_at, breach.decided_by, breach.delay_reason = at, by, delay
    breach.save()
    breach_decision_fire(case=breach.case, at=at, by=by, policy=policy, clock=clock)
    _note(breach, by, now, "decided", said + (" After the 72 hours." if late else ""))
    return breach


@write_transaction()
def breach_people_told(
    *,
    breach: Breach,
    told: bool,
    by: StaffMember,
    policy: Policy,
    clock: Clock,
    at: datetime | None = None,
    how: str = "",
    reason: str = "",
) -> Breach:
    """Record that the people affected were told (when, and how), or why not (Article
    34(3): the data made unintelligible, the risk since removed, or telling each would
    take disproportionate effort and a public notice was given instead)."""
    _may_manage(by, "record whether the people affected were told")
    clock = read_once(clock)
    now = clock.now()
    breach = _locked(breach, policy, now)
    if told:
        if at is None or at > now or at < breach.became_aware_at:
            raise BreachTimeOutOfRange(
                "Give when they were told: between when we became aware of it and now."
            )
        breach.people_told_at = at
        breach.people_told_how = _text(how, label="How they were told")
        breach.people_not_told_reason = ""
        said = "The people affected were told."
    else:
        if not reason.strip():
            raise BreachPeopleNotRecorded("Write why the people affected are not told.")
        breach.people_told_at, breach.people_told_how = None, ""
        breach.people_not_told_reason = _text(reason, label="Why the people affected are not told")
        said = "The people affected are not told: the reason is recorded."
    breach.people_recorded_at = now
    breach.save()
    _note(breach, by, now, "people_told", said)
    return breach


@write_transaction()
def breach_close(
    *, breach: Breach, note: str, by: StaffMember, policy: Policy, clock: Clock
) -> Breach:
    """Close the breach once it is decided (and, for a high risk, once it is recorded
    whether the people affected were told): its case is closed with it."""
    _may_manage(by, "close a data breach")
    clock = read_once(clock)
    now = clock.now()
    breach = _locked(breach, policy, now)
    if not breach.decision:
        raise BreachUndecided("Report it to the ICO, or record the decision not to, first.")
    if breach.risk == BreachRisk.HIGH and not breach.people_told_recorded:
        raise BreachPeopleNotRecorded(
            "It is a high risk to people: record whether they were told, and when, or why not."
        )
    breach.closing_note = _text(note, label="What was learned, and what changes", required=False)
    breach.closed_at, breach.closed_by = now, by
    breach.save(update_fields=["closing_note", "closed_at", "closed_by"])
    if breach.case.status in (CaseStatus.OPEN, CaseStatus.WAITING_FOR_CUSTOMER):
        breach_case_close(
            case=breach.case,
            outcome=f"Breach {_lower_first(BreachDecision(breach.decision).label)}.",
            by=by,
            clock=clock,
        )
    _note(breach, by, now, "closed", "Breach closed.")
    return breach


# -- reading -------------------------------------------------------------------------------


def breaches_log_list() -> QuerySet[Breach]:
    """The breach log: breaches not yet decided first, the soonest due first (overdue
    ones before all); then those decided and still open; then the closed, latest first.
    Each with its 72 hours' deadline as `due_at`."""
    due = Deadline.objects.filter(case=OuterRef("case"), standard_key=STANDARD).order_by("pk")
    return (
        Breach.objects.select_related("case", "case__assigned_to", "reported_by")
        .annotate(
            due_at=Subquery(due.values("due_at")[:1]),
            rank=models.Case(
                models.When(closed_at__isnull=False, then=2),
                models.When(decision="", then=0),
                default=1,
            ),
        )
        .order_by("rank", F("due_at").asc(nulls_last=True), "-closed_at", "-pk")
    )
