"""Calls for the figures tests, built directly: each answered or abandoned call is
measured against the policy's phone standards with due times from the engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count

from caredesk.standards import due_at, load_policy
from caredesk.telephony.figures import phone_standards
from caredesk.telephony.models import Call, CallMeasure, CallOutcome, Line

HALTON = load_policy("halton")
_keys = count(1)


@dataclass(frozen=True)
class Spec:
    started_at: datetime  # UTC
    outcome: CallOutcome
    seconds: int | None  # to answer, or how long it rang
    line: Line | None = None


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def bst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Summer time (UTC+1) written as it shows on the office clock."""
    return utc(year, month, day, hour, minute) - timedelta(hours=1)


def make_calls(*specs: Spec) -> list[Call]:
    """The calls, and their measures against the policy's phone standards."""
    calls = Call.objects.bulk_create(
        Call(
            source="test",
            call_key=f"call-{next(_keys)}",
            line=spec.line,
            started_at=spec.started_at,
            answered_at=(
                spec.started_at + timedelta(seconds=spec.seconds)
                if spec.outcome is CallOutcome.ANSWERED and spec.seconds is not None
                else None
            ),
            seconds_to_answer=spec.seconds,
            outcome=spec.outcome,
        )
        for spec in specs
    )
    measures = []
    for call in calls:
        if call.outcome not in (CallOutcome.ANSWERED, CallOutcome.ABANDONED):
            continue
        for standard in phone_standards(HALTON):
            target = HALTON.deadline_standard(standard.key).target
            due = due_at(call.started_at, target, HALTON.working_calendar)
            measures.append(
                CallMeasure(
                    call=call,
                    standard_key=standard.key,
                    due_at=due,
                    met=call.answered_at is not None and call.answered_at <= due,
                )
            )
    CallMeasure.objects.bulk_create(measures)
    return calls
