"""Log a contact: one form that adapts to the channel (phone, message, letter, email, visit).

The channel and the customer are chosen first, by links and a search that work without
JavaScript (htmx only makes the search answer as you type); the form then asks what
that channel needs and creates the case, which starts its deadlines.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caredesk.cases.customer_panel import customer_panel_get
from caredesk.cases.forms import CHANNEL_FORMS, LogContactForm
from caredesk.cases.intake import contact_receive
from caredesk.cases.models import Channel
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.htmx import is_htmx
from caredesk.core.query import id_or_none
from caredesk.customers.models import Customer
from caredesk.customers.selectors import customers_search
from caredesk.customers.services import customer_access_record
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can
from caredesk.staff.selectors import absences_away_map
from caredesk.standards.policy import Trigger

SEARCH_LIMIT = 20


@requires(Can.WORK_CASES)
def log_contact(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    policy = active_policy()
    params = request.POST if request.method == "POST" else request.GET
    channel = (
        Channel(params["channel"]) if params.get("channel") in Channel.values else Channel.PHONE
    )
    channel_form = CHANNEL_FORMS[channel]
    customer = _chosen_customer(params.get("customer"))
    query = request.GET.get("q", "").strip()
    found = list(customers_search(text=query)[:SEARCH_LIMIT]) if query else []
    customer_access_record(
        customers=[customer, *found],
        by=staff,
        what="log a contact: choosing the customer",
        clock=clock,
    )
    if is_htmx(request) and request.GET.get("q") is not None and request.method == "GET":
        return render(
            request,
            "cases/customer_choices.html",
            {"found": found, "query": query, "channel": channel},
        )

    now = clock.now().astimezone(policy.working_calendar.zone).replace(second=0, microsecond=0)
    # On the phone, the caller is told who is away (Stonewall 2.8: more than 24 hours).
    on_the_phone = channel in (Channel.PHONE, Channel.MESSAGE, Channel.VOICEMAIL)
    trigger = Trigger.TELL_CALLER_OFFICER_AWAY if on_the_phone else Trigger.OUT_OF_OFFICE_REPLY
    away = absences_away_map(on=now.date(), policy=policy, trigger=trigger)
    form = LogContactForm(
        request.POST if request.method == "POST" else None,
        channel_form=channel_form,
        policy=policy,
        away=away,
        initial={"received_at": now.replace(tzinfo=None)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assignee = form.chosen_staff("message_for") or form.chosen_staff("assign_to") or staff
        try:
            received = contact_receive(
                kind=data["kind"],
                channel=channel,
                received_at=data["received_at"],
                subject=data["subject"],
                summary=data["description"],
                customer=customer,
                assign_to=assignee,
                urgent=data.get("urgent", False),
                resolved_at_first_contact=data.get("resolved_at_first_contact", False),
                unhappy=data.get("unhappy", ""),
                by=staff,
                policy=policy,
                clock=clock,
            )
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            case = received.case
            said = _logged_message(case.reference, assignee, case.assigned_to)
            if received.complaint is not None:
                said += f" Their complaint about it is {received.complaint.reference}."
            messages.success(request, said)
            return redirect("cases:case", reference=case.reference)
    return render(
        request,
        "cases/log_contact.html",
        {
            "form": form,
            "channel_form": channel_form,
            "channels": CHANNEL_FORMS.values(),
            "customer": customer,
            "panel": customer_panel_get(customer=customer),
            "found": found,
            "query": query,
            "tell_caller_away": sorted(away.values(), key=str) if on_the_phone else [],
        },
        status=400 if request.method == "POST" else 200,
    )


def _chosen_customer(value: str | None) -> Customer | None:
    pk = id_or_none(value)
    return None if pk is None else Customer.objects.filter(pk=pk).first()


def _logged_message(reference: str, asked: StaffMember, taker: StaffMember | None) -> str:
    if taker is not None and taker.pk != asked.pk:
        return f"Logged as {reference}. {asked} is away, so it has gone to {taker}."
    return f"Logged as {reference}."
