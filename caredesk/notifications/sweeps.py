"""The notifications' sweeps, in the order the worker runs them (caredesk.worker).

- `deadlines_warn`: deadlines whose warning time has come; the officer is warned.
- `deadlines_escalate`: deadlines missed; each goes on its line managers' lists.
- `deadlines_missed_digests`: each line manager's new list becomes one digest (each
  manager on their own, so one that fails holds back no other).
- `urgent_escalate`: urgent messages whose task did not pass them on.
- `staff_emails`: notices' emails that no task has sent (pending, refused before, or
  claimed by a worker that died).

Thin: the work is in `notices` (claimed in sets) and `services` (each email claimed).
"""

from __future__ import annotations

from caredesk.core.sweeps import RowSweep, SetSweep, SweepRun, Wanted
from caredesk.notifications import notices
from caredesk.notifications.models import Notification
from caredesk.notifications.services import emails_to_send_ids, notification_email_send


def _emails_to_send(run: SweepRun, wanted: Wanted) -> list[int]:
    return emails_to_send_ids(
        Notification.objects.all(),
        now=run.now,
        resend_after=run.resend_after,
        skip=wanted.skip,
        limit=wanted.limit,
        order=("created_at", "pk"),
    )


def _email_send(run: SweepRun, notification_id: int) -> str | None:
    status = notification_email_send(
        notification_id=notification_id,
        clock=run.clock,
        policy=run.policy,
        resend_after=run.resend_after,
    )
    return None if status is None else status.value


def _digest(run: SweepRun, recipient_id: int) -> str | None:
    gathered = notices.digest_write(recipient_id=recipient_id, now=run.now)
    return "digest" if gathered else None


SWEEPS = [
    SetSweep(
        name="deadlines_warn",
        claim=lambda run, wanted: notices.warnings_claim(now=run.now, wanted=wanted),
        write=lambda run, ids: notices.warnings_write(
            deadline_ids=ids, now=run.now, policy=run.policy
        ),
        pending=lambda run: notices.deadlines_to_warn(now=run.now).exists(),
    ),
    SetSweep(
        name="deadlines_escalate",
        claim=lambda run, wanted: notices.escalations_claim(now=run.now, wanted=wanted),
        write=lambda run, ids: notices.escalations_write(deadline_ids=ids, now=run.now),
        pending=lambda run: notices.deadlines_to_escalate(now=run.now).exists(),
    ),
    RowSweep(
        name="deadlines_missed_digests",
        candidates=lambda run, wanted: notices.digest_recipients(wanted=wanted),
        process=_digest,
    ),
    SetSweep(
        name="urgent_escalate",
        claim=lambda run, wanted: notices.urgent_claim(
            now=run.now, policy=run.policy, wanted=wanted
        ),
        write=lambda run, ids: notices.urgent_write(case_ids=ids, now=run.now, policy=run.policy),
        pending=lambda run: notices.urgent_pending(policy=run.policy),
    ),
    RowSweep(name="staff_emails", candidates=_emails_to_send, process=_email_send),
]
