"""Two merges of the same pair in opposite directions, at the same moment, on
PostgreSQL: both lock the lower id first, so one merges and the other is refused (the
case is merged already); neither waits for the other for ever."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from caredesk.cases.errors import CaseError
from caredesk.cases.merging import case_merge
from caredesk.cases.models import Case, Channel
from caredesk.cases.services import case_create
from caredesk.conftest import SettableClock, customer_case
from caredesk.core.clock import system_clock

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite lets one writer in at a time: the race needs PostgreSQL's row locks",
    ),
]

ROUNDS = 10
WAIT = 30


def test_opposite_merges_at_once_merge_once_and_never_deadlock(people):
    for _ in range(ROUNDS):
        one = customer_case(people, SettableClock(system_clock.now()))
        other = case_create(
            kind=one.kind,
            channel=Channel.PHONE,
            received_at=system_clock.now(),
            subject="The same",
            by=people.officer,
            customer=one.customer,
        )
        outcomes: list[str] = []
        barrier = threading.Barrier(2)

        def merge(
            kept_pk: int,
            merged_pk: int,
            barrier: threading.Barrier = barrier,
            outcomes: list[str] = outcomes,
        ) -> None:
            try:
                kept, merged = Case.objects.get(pk=kept_pk), Case.objects.get(pk=merged_pk)
                barrier.wait(timeout=WAIT)
                case_merge(kept=kept, merged=merged, by=people.officer)
                outcomes.append("merged")
            except CaseError as refusal:
                outcomes.append(refusal.message)
            except BaseException as error:
                outcomes.append(f"failed: {error!r}")
                barrier.abort()
            finally:
                connection.close()

        threads = [
            threading.Thread(target=merge, args=(one.pk, other.pk)),
            threading.Thread(target=merge, args=(other.pk, one.pk)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(WAIT)
            assert not thread.is_alive(), "a merge is stuck"
        assert sorted(outcomes)[1] == "merged", outcomes
        assert "has already been merged into another case" in sorted(outcomes)[0], outcomes
        merged_count = Case.objects.filter(
            pk__in=[one.pk, other.pk], merged_into__isnull=False
        ).count()
        assert merged_count == 1
