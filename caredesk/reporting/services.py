"""Writes of the reporting app (the figures themselves are written by rollups.py)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from caredesk.core.clock import Clock, system_clock
from caredesk.errors import CaredeskError
from caredesk.reporting.models import BoardCommentary
from caredesk.staff.models import StaffMember

LONGEST_COMMENTARY = 10_000


class CommentaryError(CaredeskError):
    """Board pack commentary that cannot be saved."""

    code = "commentary_invalid"


@transaction.atomic
def board_commentary_save(
    *, month: date, text: str, by: StaffMember, clock: Clock = system_clock
) -> BoardCommentary | None:
    """Keep the commentary for a month's board pack (empty text takes it out)."""
    text = text.strip()
    if len(text) > LONGEST_COMMENTARY:
        raise CommentaryError(
            f"The commentary is {len(text):,} characters long: keep it to "
            f"{LONGEST_COMMENTARY:,}, about two pages."
        )
    month = month.replace(day=1)
    if not text:
        BoardCommentary.objects.filter(month=month).delete()
        return None
    commentary, _ = BoardCommentary.objects.update_or_create(
        month=month, defaults={"text": text, "written_by": by, "written_at": clock.now()}
    )
    return commentary
