"""Reading notifications, and who a breach or an urgent message goes to."""

from __future__ import annotations

from django.db.models import QuerySet

from caredesk.notifications.models import Notification
from caredesk.staff.models import Role, StaffMember, Team


def notifications_for(*, staff: StaffMember) -> QuerySet[Notification]:
    """A person's notifications, newest first."""
    return (
        Notification.objects.filter(recipient=staff)
        .select_related("case", "deadline")
        .order_by("-created_at", "-pk")
    )


def unread_for(*, staff: StaffMember) -> QuerySet[Notification]:
    return notifications_for(staff=staff).filter(read_at__isnull=True)


def unread_count(staff: StaffMember) -> int:
    """How many notifications `staff` has not read (one index count; for the page header)."""
    return Notification.objects.filter(recipient=staff, read_at__isnull=True).count()


def line_managers_for(*, staff: StaffMember | None, team: Team | None) -> list[StaffMember]:
    """Who a breach or an urgent message goes to.

    The officer's own line manager; failing that (no officer, or none recorded), the
    line managers of the team, other than the officer. Empty if there is nobody.
    """
    if staff is not None and staff.line_manager is not None and staff.line_manager.is_active:
        return [staff.line_manager]
    if team is None:
        return []
    managers = StaffMember.objects.filter(
        team=team, is_active=True, groups__name=Role.LINE_MANAGER.value
    )
    if staff is not None:
        managers = managers.exclude(pk=staff.pk)
    return list(managers.distinct().order_by("pk"))
