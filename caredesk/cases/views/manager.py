"""The line manager's page: breached deadlines of their people and team, and who is away
with work falling due before they are back (at /staff/manager/, beside the absences).

It is cases' (not staff's) because what it shows is cases' deadlines; staff knows who
manages whom and who is away, and cases reads that from below.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from caredesk.cases.selectors import deadlines_due_while_away_list, deadlines_overdue_list
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.customers.services import customer_access_record
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can
from caredesk.staff.selectors import absences_away_list

BREACHES_SHOWN = 200


@requires(Can.MANAGE_TEAMS)
def manager(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """A line manager's view: breached deadlines of their people, and who is away."""
    me: StaffMember = request.user  # type: ignore[assignment]
    policy = active_policy()
    zone = policy.working_calendar.zone
    now = clock.now()
    mine = (
        Q(assigned_to__line_manager=me) | Q(team=me.team)
        if me.team_id
        else Q(assigned_to__line_manager=me)
    )
    breaches = list(deadlines_overdue_list(now=now).filter(mine)[:BREACHES_SHOWN])
    away = []
    for absence in absences_away_list(on=now.astimezone(zone).date(), policy=policy):
        person = absence.staff
        if person.line_manager_id != me.pk and (not me.team_id or person.team_id != me.team_id):
            continue
        back = datetime.combine(absence.last_day + timedelta(days=1), time.min, tzinfo=zone)
        away.append((absence, list(deadlines_due_while_away_list(staff=person, until=back))))
    customer_access_record(
        customers=[d.case.customer for d in breaches]
        + [d.case.customer for _, due in away for d in due],
        by=me,
        what="breaches and absences",
        clock=clock,
    )
    return render(
        request,
        "cases/manager.html",
        {"breaches": breaches, "away": away, "now": now, "limit": BREACHES_SHOWN},
    )
