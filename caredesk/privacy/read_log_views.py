"""The read log page (`/privacy/reads/`): the data protection officer's view of who read
which customer's record (privacy.read_log), filtered by customer, member of staff and
period, with the alerts of unusual reading still to look into at the top
(privacy.reading_alerts).

Showing the log is itself reading personal data. As on the officer's other lists (open
requests, the disclosure log), the names in the list are not each logged; when the log
is filtered to a customer, the page is a look at that customer's record, and is logged
as a read of each customer the filter found (`READ_LOG_WHAT`), which the officer has a
reason for (privacy.read_log).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.pagination import BadCursor
from caredesk.customers.services import customer_access_record
from caredesk.errors import CaredeskError
from caredesk.privacy import reading_alerts
from caredesk.privacy.models import ReadingAlert
from caredesk.privacy.read_log import (
    MATCHES_MAX,
    READ_LOG_WHAT,
    ReadFilters,
    customers_matching,
    reads_page,
)
from caredesk.privacy.read_log_forms import ReadingAlertForm, ReadLogForm
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can
from caredesk.standards import Policy

FILTERS = ("customer", "staff", "from_day", "to_day")


def _staff(request: HttpRequest) -> StaffMember:
    return request.user  # type: ignore[return-value]


def _prefix(alert: ReadingAlert) -> str:
    return f"alert{alert.pk}"


@requires(Can.MANAGE_PRIVACY)
def reads_log(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    return _page(request, clock=clock)


@requires(Can.MANAGE_PRIVACY)
@require_POST
def reading_alert_look_into(
    request: HttpRequest, alert_id: int, clock: Clock = system_clock
) -> HttpResponse:
    """Mark an alert as looked into, with what was found."""
    alert = get_object_or_404(ReadingAlert, pk=alert_id)
    form = ReadingAlertForm(request.POST, prefix=_prefix(alert))
    if form.is_valid():
        try:
            reading_alerts.alert_look_into(
                alert_id=alert.pk, note=form.cleaned_data["note"], by=_staff(request), clock=clock
            )
        except CaredeskError as error:
            form.add_error("note", error.message)
        else:
            messages.success(request, f"The alert about {alert.staff} is marked as looked into.")
            return redirect("privacy:reads")
    return _page(request, clock=clock, refused=form, refused_alert=alert.pk)


def _page(
    request: HttpRequest,
    *,
    clock: Clock,
    refused: ReadingAlertForm | None = None,
    refused_alert: int | None = None,
) -> HttpResponse:
    policy = active_policy()
    query = request.GET
    form = ReadLogForm({name: query.get(name, "") for name in FILTERS})
    context: dict[str, Any] = {
        "form": form,
        "searched": any(query.get(n) for n in FILTERS),
        "after_closing_days": policy.read_alerts.after_closing_days,
    }
    context["alerts"] = _alerts(policy, refused, refused_alert)
    context["refused"] = refused
    status = 400 if refused is not None else 200
    if not form.is_valid():
        return render(request, "privacy/reads.html", context, status=400)
    filters, customers = _filters(form)
    if form.errors:
        return render(request, "privacy/reads.html", context, status=400)
    try:
        page = reads_page(filters=filters, policy=policy, cursor=query.get("after") or None)
    except BadCursor as error:
        context["cursor_error"] = error.message
        return render(request, "privacy/reads.html", context, status=400)
    if customers:
        customer_access_record(
            customers=customers, by=_staff(request), what=READ_LOG_WHAT, clock=clock
        )
    context |= {
        "page": page,
        "first_page": not query.get("after"),
        "query": _query(query),
        "customers": customers,
    }
    return render(request, "privacy/reads.html", context, status=status)


def _filters(form: ReadLogForm) -> tuple[ReadFilters, list[Any]]:
    """The filters the form asks for, and the customers its customer filter found (an
    error on the form if none, or too many)."""
    data = form.cleaned_data
    customers: list[Any] = []
    customer_ids: tuple[int, ...] | None = None
    if data["customer"].strip():
        match = customers_matching(data["customer"])
        if not match.customers:
            form.add_error("customer", f"No customer matches “{data['customer'].strip()}”")
        elif match.more:
            form.add_error(
                "customer",
                f"More than {MATCHES_MAX} customers match “{data['customer'].strip()}”: "
                "add more of their name, or give their customer number",
            )
        customers = match.customers
        customer_ids = tuple(customer.pk for customer in customers)
    staff = data["staff"]
    return (
        ReadFilters(
            customer_ids=customer_ids,
            staff_id=staff.pk if staff is not None else None,
            first_day=data["from_day"],
            last_day=data["to_day"],
        ),
        customers,
    )


def _alerts(
    policy: Policy, refused: ReadingAlertForm | None, refused_alert: int | None
) -> list[dict[str, Any]]:
    zone = policy.working_calendar.zone
    shown = []
    for alert in reading_alerts.alerts_open():
        window = reading_alerts.alert_window(alert, zone)
        form = refused if refused_alert == alert.pk and refused is not None else None
        shown.append(
            {
                "alert": alert,
                "message": reading_alerts.alert_message(alert, alert.staff, window),
                "link": reading_alerts.alert_link(alert, window),
                "form": form or ReadingAlertForm(prefix=_prefix(alert)),
            }
        )
    return shown


def _query(query: QueryDict) -> str:
    """The filters as a query string, for the pages' links."""
    kept = QueryDict(mutable=True)
    for name in FILTERS:
        if query.get(name):
            kept[name] = str(query.get(name))
    return kept.urlencode()
