from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.forms import AbsenceForm
from caredesk.staff.models import Absence, AbsenceKind, StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.staff.selectors import absence_is_long
from caredesk.staff.services import absence_record, may_manage_absences_of


@requires(Can.SEE_NOTIFICATIONS)
def home(request: HttpRequest) -> HttpResponse:
    """Where signing in lands: each role's own starting page."""
    if allowed(request.user, Can.READ_CASES):
        return redirect("cases:my_work")
    if allowed(request.user, Can.SEE_PERFORMANCE):
        return redirect("reporting:dashboard")
    if allowed(request.user, Can.SEE_SCRUTINY_FIGURES):
        return redirect("reporting:scrutiny")
    return redirect("notifications:list")


@requires(Can.RECORD_ABSENCES)
def absences(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """Absences now and to come, and a form to record one (Stonewall 2.10)."""
    me: StaffMember = request.user  # type: ignore[assignment]
    policy = active_policy()
    today = clock.now().astimezone(policy.working_calendar.zone).date()
    form = AbsenceForm(request.POST or None, by=me, initial={"staff": me.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = form.person("staff")
        assert person is not None  # a required field
        try:
            absence_record(
                staff=person,
                kind=AbsenceKind(data["kind"]),
                first_day=data["first_day"],
                last_day=data["last_day"],
                cover=form.person("cover"),
                out_of_office_message=data["out_of_office_message"],
                by=me,
                clock=clock,
            )
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Absence recorded for {person}.")
            return redirect("staff:absences")
    upcoming = (
        Absence.objects.filter(last_day__gte=today)
        .select_related("staff", "cover", "staff__line_manager")
        .order_by("first_day", "staff__last_name")
    )
    # Why someone is away (sickness, say) is theirs, their manager's and the
    # administrators' to know; everyone else sees only that they are away.
    rows = [
        (
            absence,
            absence_is_long(absence=absence, policy=policy),
            may_manage_absences_of(by=me, staff=absence.staff),
        )
        for absence in upcoming[:200]
    ]
    return render(
        request,
        "staff/absences.html",
        {"form": form, "rows": rows, "today": today},
        status=400 if request.method == "POST" else 200,
    )
