"""The offices, for those who manage them: the list, and a page per office with what
visitors are told (its details), its weekly hours and its closures, and its poster.

Each form on the office's page is sent to an address of its own; a form refused comes
back on the page, drawn with its mistakes, the others as they are.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.documents.letters import long_date
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import Office, StaffMember
from caredesk.staff.permissions import Can
from caredesk.visits import offices
from caredesk.visits.models import OfficeClosure, OfficeDetails
from caredesk.visits.office_forms import ClosureForm, OfficeDetailsForm, OfficeHoursForm
from caredesk.visits.public_views import poster_response
from caredesk.visits.reception import office_slug
from caredesk.visits.selectors import office_details_get, offices_overview_list


def _staff(request: HttpRequest) -> StaffMember:
    assert isinstance(request.user, StaffMember)
    return request.user


@requires(Can.MANAGE_OFFICES)
def office_list(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    rows = offices_overview_list(policy=active_policy(), now=clock.now())
    return render(request, "visits/offices.html", {"rows": rows})


def _details_initial(office: Office, details: OfficeDetails | None) -> dict[str, Any]:
    if details is None:
        return {"kind": "office", "slug": office_slug(office)}
    fields = ["kind", "slug", "emergency_phone", "how_to_book", "step_free", "hearing_loop"]
    fields += ["private_room", "access_notes"]
    return {name: getattr(details, name) for name in fields}


def _office_page(
    request: HttpRequest,
    office: Office,
    *,
    details_form: OfficeDetailsForm | None = None,
    hours_form: OfficeHoursForm | None = None,
    closure_form: ClosureForm | None = None,
) -> HttpResponse:
    """The office's page, with any form sent and refused in place of its empty one."""
    policy = active_policy()
    details = office_details_get(office=office)
    times = offices.office_times(office, policy)
    forms = {
        "details_form": details_form
        or OfficeDetailsForm(initial=_details_initial(office, details)),
        "hours_form": hours_form
        or OfficeHoursForm(
            initial=OfficeHoursForm.initial_from(offices.week_as_entered(times.week))
        ),
        "closure_form": closure_form or ClosureForm(),
    }
    refused = any(form.is_bound for form in forms.values())
    return render(
        request,
        "visits/office.html",
        {
            "office": office,
            "details": details,
            "hours": offices.week_in_words(times.week),
            "closures": OfficeClosure.objects.filter(office=office).order_by("first_day"),
            "forms": list(forms.values()),
            **forms,
        },
        status=400 if refused else 200,
    )


@requires(Can.MANAGE_OFFICES)
def office_edit(request: HttpRequest, office_id: int) -> HttpResponse:
    """The office's page; sent, its details (the row made if it has none)."""
    office = get_object_or_404(Office, pk=office_id)
    if request.method != "POST":
        return _office_page(request, office)
    form = OfficeDetailsForm(request.POST)
    if form.is_valid():
        try:
            offices.office_details_save(office=office, by=_staff(request), **form.cleaned_data)
        except offices.OfficeDetailsError as error:
            form.add_error("slug", error.message)
        else:
            messages.success(request, f"{office.name}'s details are saved.")
            return redirect("visits:office", office_id=office.pk)
    return _office_page(request, office, details_form=form)


@requires(Can.MANAGE_OFFICES)
@require_POST
def office_hours(request: HttpRequest, office_id: int) -> HttpResponse:
    office = get_object_or_404(Office, pk=office_id)
    form = OfficeHoursForm(request.POST)
    if not form.is_valid():
        return _office_page(request, office, hours_form=form)
    offices.opening_hours_set(office=office, week=form.week(), by=_staff(request))
    messages.success(request, f"{office.name}'s opening hours are saved.")
    return redirect("visits:office", office_id=office.pk)


@requires(Can.MANAGE_OFFICES)
@require_POST
def office_closure_add(request: HttpRequest, office_id: int) -> HttpResponse:
    office = get_object_or_404(Office, pk=office_id)
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            closure = offices.office_closure_add(
                office=office, by=_staff(request), **form.cleaned_data
            )
        except CaredeskError as error:
            form.add_error("last_day", error.message)
        else:
            messages.success(request, f"{office.name} is closed {closure_words(closure)}.")
            return redirect("visits:office", office_id=office.pk)
    return _office_page(request, office, closure_form=form)


@requires(Can.MANAGE_OFFICES)
@require_POST
def office_closure_remove(request: HttpRequest, office_id: int, closure_id: int) -> HttpResponse:
    closure = get_object_or_404(OfficeClosure, pk=closure_id, office_id=office_id)
    said = closure_words(closure)
    offices.office_closure_remove(closure=closure, by=_staff(request))
    messages.success(request, f"The closure {said} is removed.")
    return redirect("visits:office", office_id=office_id)


def closure_words(closure: OfficeClosure) -> str:
    """ "from 24 December 2025 to 2 January 2026 (Christmas)", "on 9 July 2025"."""
    first, last = long_date(closure.first_day), long_date(closure.last_day)
    days = f"on {first}" if first == last else f"from {first} to {last}"
    return f"{days} ({closure.reason})" if closure.reason else days


@requires(Can.MANAGE_OFFICES)
@require_GET
def office_poster(
    request: HttpRequest, office_id: int, clock: Clock = system_clock
) -> HttpResponse:
    """The office's poster, as its public page offers it (the office needs its details)."""
    details = get_object_or_404(OfficeDetails.objects.select_related("office"), pk=office_id)
    return poster_response(request, details, clock=clock)
