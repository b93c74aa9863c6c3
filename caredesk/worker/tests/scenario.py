"""Seed a database for the worker process tests, and report what the workers did.

Run in a child process against the database in DATABASE_URL (with the Stonewall policy):

    python -m caredesk.worker.tests.scenario seed NEAR BREACHED URGENT [BACKLOG]
    python -m caredesk.worker.tests.scenario report      # prints JSON

Times are chosen hours away from any warning or due time, so what is due is certain:
- NEAR voicemail messages received 22 hours ago: due in 2 hours, warned 2 hours ago
  (Stonewall 2.8, 24 hours, warned 4 hours before) -> the officer is warned;
- BREACHED letters received 60 days ago (10 working days) -> on the line manager's
  digest (one per worker's pass);
- URGENT voicemail messages received an hour ago -> the line manager is told at once
  (each also queues its task when logged, so tasks and sweeps race for it);
- BACKLOG urgent-message notifications whose emails were never queued (a worker died
  between its claim and queueing the email): only the email sweeps send them.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from datetime import timedelta
from typing import Any


def seed(near: int, breached: int, urgent: int, backlog: int = 0) -> None:
    from caredesk.cases.models import CaseKind, Channel
    from caredesk.cases.services import case_create
    from caredesk.conftest import make_staff
    from caredesk.core.active_policy import active_policy
    from caredesk.core.clock import system_clock
    from caredesk.notifications.models import Notification, NotificationKind
    from caredesk.staff.models import Office, Role, Team

    policy = active_policy()
    team = Team.objects.create(name="Tenancy", office=Office.objects.create(name="Head office"))
    manager = make_staff("lena_manager", Role.OFFICER, Role.LINE_MANAGER, team=team)
    officer = make_staff("olu_officer", Role.OFFICER, team=team, line_manager=manager)
    now = system_clock.now()
    plan = (
        [(CaseKind.MESSAGE, Channel.VOICEMAIL, now - timedelta(hours=22), False)] * near
        + [(CaseKind.GENERAL_ENQUIRY, Channel.LETTER, now - timedelta(days=60), False)] * breached
        + [(CaseKind.MESSAGE, Channel.VOICEMAIL, now - timedelta(hours=1), True)] * urgent
        + [(CaseKind.GENERAL_ENQUIRY, Channel.LETTER, now - timedelta(hours=1), False)] * backlog
    )
    for number, (kind, channel, received, is_urgent) in enumerate(plan):
        case = case_create(
            kind=kind,
            channel=channel,
            received_at=received,
            subject=f"Scenario case {number}",
            by=officer,
            assign_to=officer,
            urgent=is_urgent,
            policy=policy,
        )
        if number >= near + breached + urgent:  # the backlog
            Notification.objects.create(
                recipient=manager,
                kind=NotificationKind.URGENT_MESSAGE,
                case=case,
                message=f"Backlog {number}",
                created_at=now,
            )


def report() -> dict[str, object]:
    from django.db.models import Count

    from caredesk.cases.models import Case, CaseEvent, Deadline, EventKind
    from caredesk.notifications.models import MissedDeadline, Notification, NotificationKind

    def counts(rows: Iterable[tuple[Any, Any]]) -> dict[str, int]:
        return {str(key): int(value) for key, value in rows}

    notifications = Notification.objects.all()
    digests = notifications.filter(kind=NotificationKind.DEADLINES_MISSED)
    lines = MissedDeadline.objects.all()
    per_pass = digests.values("recipient", "created_at").annotate(n=Count("pk"))
    escalations = CaseEvent.objects.filter(kind=EventKind.ESCALATION)
    return {
        "notifications": counts(notifications.values_list("kind").annotate(n=Count("pk"))),
        # digests carry no case or deadline, so two (one per worker's pass) would
        # look like one here: count the per-case notices only
        "distinct_notices": notifications.exclude(kind=NotificationKind.DEADLINES_MISSED)
        .values("kind", "case", "deadline", "recipient")
        .distinct()
        .count(),
        "to": counts(notifications.values_list("recipient__username").annotate(n=Count("pk"))),
        "email": counts(notifications.values_list("email_status").annotate(n=Count("pk"))),
        "events": counts(
            CaseEvent.objects.filter(kind__in=[EventKind.DEADLINE_WARNING, EventKind.ESCALATION])
            .values_list("kind")
            .annotate(n=Count("pk"))
        ),
        "warned": Deadline.objects.filter(warned_at__isnull=False).count(),
        "escalated": Deadline.objects.filter(escalated_at__isnull=False).count(),
        "urgent_escalated": Case.objects.filter(urgent_escalated_at__isnull=False).count(),
        "missed_lines": lines.count(),
        "missed_distinct": lines.values("deadline", "due_at", "recipient").distinct().count(),
        "missed_not_in_a_digest": lines.filter(digest__isnull=True).count(),
        "missed_in_digests": sum(digest.missed.count() for digest in digests),
        "most_digests_of_a_pass": max((row["n"] for row in per_pass), default=0),
        "most_escalations_of_a_case": max(
            (row["n"] for row in escalations.values("case").annotate(n=Count("pk"))),
            default=0,
        ),
    }


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
    import django

    django.setup()
    if argv[0] == "seed":
        seed(*(int(value) for value in argv[1:]))
    else:
        print(json.dumps(report()))


if __name__ == "__main__":
    main(sys.argv[1:])
