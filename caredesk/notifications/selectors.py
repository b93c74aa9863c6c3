"""Reading notifications, and who a breach or an urgent message goes to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber

from caredesk.notifications.models import MissedDeadline, Notification
from caredesk.notifications.wording import when
from caredesk.staff.models import Role, StaffMember, Team
from caredesk.standards import Policy


def notifications_list(*, staff: StaffMember) -> QuerySet[Notification]:
    """A person's notifications, newest first."""
    return (
        Notification.objects.filter(recipient=staff)
        .select_related("case", "deadline")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class MissedLine:
    """One missed deadline of a digest, as the page and the email show it."""

    reference: str
    subject: str
    standard: str
    due_at: datetime
    due: str  # 5:00pm on Monday 16 June 2025
    had_it: str  # who had it when it was missed

    def __str__(self) -> str:
        return (
            f"{self.reference} “{self.subject}”: {self.standard}, due by {self.due}; {self.had_it}."
        )


def digest_lines_list(
    *, digest: Notification, policy: Policy, limit: int | None = None
) -> list[MissedLine]:
    """The missed deadlines of a digest, earliest due first."""
    lines = _missed().filter(digest=digest).order_by("due_at", "pk")
    return [_line(line, policy) for line in (lines[:limit] if limit is not None else lines)]


def digests_first_lines_list(
    *, digests: Iterable[Notification], policy: Policy, size: int = 10
) -> dict[int, list[MissedLine]]:
    """The first `size` lines of each digest, in one query (for the notifications page)."""
    ids = [digest.pk for digest in digests]
    if not ids:
        return {}
    numbered = (
        _missed()
        .filter(digest__in=ids)
        .annotate(
            number=Window(RowNumber(), partition_by=F("digest"), order_by=[F("due_at"), F("pk")])
        )
    )
    found: dict[int, list[MissedLine]] = {}
    for line in numbered.filter(number__lte=size).order_by("digest", "due_at", "pk"):
        assert line.digest_id is not None
        found.setdefault(line.digest_id, []).append(_line(line, policy))
    return found


def _missed() -> QuerySet[MissedDeadline]:
    return MissedDeadline.objects.select_related("deadline__case", "assigned_to").only(
        "due_at",
        "digest",
        "deadline__standard_key",
        "deadline__case__reference",
        "deadline__case__subject",
        "assigned_to__first_name",
        "assigned_to__last_name",
        "assigned_to__username",
    )


def _line(line: MissedDeadline, policy: Policy) -> MissedLine:
    case = line.deadline.case
    return MissedLine(
        reference=case.reference,
        subject=case.subject,
        standard=policy.standard_name(line.deadline.standard_key),
        due_at=line.due_at,
        due=when(line.due_at, policy),
        had_it=f"with {line.assigned_to}" if line.assigned_to else "nobody had been given it",
    )


def notifications_unread_list(*, staff: StaffMember) -> QuerySet[Notification]:
    return notifications_list(staff=staff).filter(read_at__isnull=True)


def notifications_unread_count(*, staff: StaffMember) -> int:
    """How many notifications `staff` has not read (one index count; for the page header)."""
    return Notification.objects.filter(recipient=staff, read_at__isnull=True).count()


def unread_count_of_user() -> Coalesce:
    """notifications_unread_count as a subquery of the signed-in member's row
    (staff.backends reads it with them: no query of its own on each page)."""
    unread = Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
    counted = unread.order_by().values("recipient").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


@dataclass(frozen=True)
class Holder:
    """Who has a deadline or a case, as far as telling a line manager goes."""

    staff_id: int | None  # the officer, if anyone has it
    line_manager_id: int | None = None  # the officer's line manager, if one is recorded
    line_manager_active: bool = False
    team_id: int | None = None


def line_managers_list(*, staff: StaffMember | None, team: Team | None) -> list[StaffMember]:
    """Who a breach or an urgent message goes to.

    The officer's own line manager; failing that (no officer, or none recorded), the
    line managers of the team, other than the officer. Empty if there is nobody.
    """
    manager = staff.line_manager if staff is not None else None
    holder = Holder(
        staff_id=staff.pk if staff is not None else None,
        line_manager_id=manager.pk if manager is not None else None,
        line_manager_active=manager is not None and manager.is_active,
        team_id=team.pk if team is not None else None,
    )
    ids = line_manager_ids_list([holder])[0]
    return list(StaffMember.objects.filter(pk__in=ids).order_by("pk"))


def line_manager_ids_list(holders: Sequence[Holder]) -> list[list[int]]:
    """`line_managers_list` each holder of a batch, as ids, in one query at most."""
    teams = {
        holder.team_id
        for holder in holders
        if not holder.line_manager_active and holder.team_id is not None
    }
    by_team: dict[int, list[int]] = {}
    if teams:
        managers = StaffMember.objects.filter(
            team__in=teams, is_active=True, groups__name=Role.LINE_MANAGER.value
        )
        for team_id, manager_id in managers.distinct().order_by("pk").values_list("team", "pk"):
            by_team.setdefault(team_id, []).append(manager_id)
    told: list[list[int]] = []
    for holder in holders:
        if holder.line_manager_active and holder.line_manager_id is not None:
            told.append([holder.line_manager_id])
        else:
            team = by_team.get(holder.team_id, []) if holder.team_id is not None else []
            told.append([manager for manager in team if manager != holder.staff_id])
    return told
