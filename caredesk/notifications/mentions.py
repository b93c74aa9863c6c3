"""Telling a colleague they were named in a note (`@name`, see cases.mentions).

One notice per mention: each note that names someone tells them, on the desk and by
email. A person has one mention notice per case (the unique constraint on a case's
notices), so a later note naming them again raises that notice afresh: unread, with
the new note's time, and its email to send again. The notice names the writer and the
case, not what the note says: the email leaves the building, the note stays on the desk.
"""

from __future__ import annotations

from collections.abc import Sequence

from caredesk.cases.models import CaseEvent
from caredesk.core.tasks import enqueue_after_commit
from caredesk.notifications.models import EmailStatus, Notification, NotificationKind
from caredesk.staff.models import StaffMember

EMAILS_TASK = "caredesk.notifications.tasks.send_notification_emails"


def mention_notices_create(note: CaseEvent, people: Sequence[StaffMember]) -> list[Notification]:
    """Tell `people` that `note` names them (in the note's transaction)."""
    writer = note.actor.get_full_name() or note.actor.username if note.actor else "Someone"
    message = f"{writer} mentioned you in a note on {note.case.reference}: {note.case.subject}"
    told = []
    for person in people:
        fresh = {
            "message": message,
            "created_at": note.at,
            "read_at": None,
            "email_status": EmailStatus.PENDING,
            "email_claimed_at": None,
            "email_sent_at": None,
            "email_attempts": 0,
            "email_error": "",
        }
        notice, _ = Notification.objects.update_or_create(
            kind=NotificationKind.MENTIONED,
            case=note.case,
            recipient=person,
            deadline=None,
            defaults=fresh,
        )
        told.append(notice)
    if told:
        enqueue_after_commit(EMAILS_TASK, [notice.pk for notice in told])
    return told
