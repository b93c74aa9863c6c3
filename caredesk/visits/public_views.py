"""The offices as the public meets them, with no sign-in: a list of offices, a page per
office (its hours in words, open now or not, closures ahead, the emergency number, how
to make an appointment, access) and its poster to print.

Open to anyone, like the standards page: nothing here is personal or for staff only (the
duty officer, the visitors and the reception log stay on the desk).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.visits.models import OfficeDetails
from caredesk.visits.notices import office_notice
from caredesk.visits.offices import offices_times
from caredesk.visits.posters import office_poster_file_name, office_poster_pdf
from caredesk.visits.selectors import office_public_get, offices_public_list


@login_not_required
@require_GET
def offices_public(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    policy, now = active_policy(), clock.now()
    listed = offices_public_list()
    times = offices_times([details.office for details in listed], policy)
    rows = [(details, times[details.pk].is_open(now)) for details in listed]
    return render(request, "visits/public_offices.html", {"rows": rows})


def _published(slug: str) -> OfficeDetails:
    details = office_public_get(slug=slug)
    if details is None:
        raise Http404("There is no office at this address.")
    return details


@login_not_required
@require_GET
def office_public(request: HttpRequest, slug: str, clock: Clock = system_clock) -> HttpResponse:
    details = _published(slug)
    notice = office_notice(details=details, policy=active_policy(), now=clock.now())
    return render(request, "visits/public_office.html", {"notice": notice, "details": details})


@login_not_required
@require_GET
def office_public_poster(
    request: HttpRequest, slug: str, clock: Clock = system_clock
) -> HttpResponse:
    return poster_response(request, _published(slug), clock=clock)


def poster_response(request: HttpRequest, details: OfficeDetails, *, clock: Clock) -> HttpResponse:
    """The office's poster as a PDF to open and print: large print if `?print=large`."""
    policy, now = active_policy(), clock.now()
    large = request.GET.get("print") == "large"
    notice = office_notice(details=details, policy=policy, now=now)
    pdf = office_poster_pdf(
        notice,
        printed=now.astimezone(policy.working_calendar.zone),
        large_print=large,
        large_print_pt=policy.correspondence.large_print_pt,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = office_poster_file_name(notice, large_print=large)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
