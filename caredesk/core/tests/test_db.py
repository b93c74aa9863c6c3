"""Claiming rows in one statement (core.db.rows_claim), as every set sweep does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from caredesk.cases.models import Deadline
from caredesk.cases.services import case_create
from caredesk.core.db import rows_claim, write_transaction

NOW = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)


def letters(people, clock, count: int) -> list[Deadline]:
    made = []
    for n in range(count):
        case = case_create(
            kind="general_enquiry",
            channel="letter",
            received_at=clock.now() - timedelta(days=30 - n),
            subject=f"Letter {n}",
            by=people.officer,
            assign_to=people.officer,
            clock=clock,
        )
        made.append(case.deadlines.get())
    return made


def test_a_claim_takes_the_first_in_order_up_to_the_limit_and_marks_them(people, clock):
    deadlines = letters(people, clock, 5)
    candidates = Deadline.objects.filter(escalated_at__isnull=True)
    with write_transaction():
        first = rows_claim(
            candidates, order=("due_at", "pk"), limit=2, values={"escalated_at": NOW}
        )
    earliest = sorted(deadlines, key=lambda d: (d.due_at, d.pk))[:2]
    assert first == sorted(d.pk for d in earliest)
    assert set(Deadline.objects.filter(escalated_at=NOW).values_list("pk", flat=True)) == set(first)
    # the claimed rows left the candidates: the next claim takes the rest, once each
    with write_transaction():
        rest = rows_claim(
            candidates, order=("due_at", "pk"), limit=None, values={"escalated_at": NOW}
        )
    assert sorted(first + rest) == sorted(d.pk for d in deadlines)
    with write_transaction():
        assert rows_claim(candidates, order=("pk",), limit=None, values={"escalated_at": NOW}) == []


def test_a_claim_leaves_rows_outside_the_candidates_alone(people, clock):
    deadlines = letters(people, clock, 3)
    Deadline.objects.filter(pk=deadlines[0].pk).update(escalated_at=NOW - timedelta(days=1))
    with write_transaction():
        claimed = rows_claim(
            Deadline.objects.filter(escalated_at__isnull=True),
            order=("pk",),
            limit=10,
            values={"escalated_at": NOW},
        )
    assert claimed == [deadlines[1].pk, deadlines[2].pk]
    deadlines[0].refresh_from_db()
    assert deadlines[0].escalated_at == NOW - timedelta(days=1)
