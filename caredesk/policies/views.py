from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.office_time import parse_received
from caredesk.errors import CaredeskError
from caredesk.policies.due import due_for
from caredesk.policies.forms import DueTimeForm
from caredesk.policies.tables import describe_standard, office_hours_lines, region_label


@login_not_required
def standards(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """The policy's service standards, and a calculator for when something is due.

    Open to anyone: the policy is a published document, and nothing here is personal.
    """
    policy = active_policy()
    now = clock.now().astimezone(policy.working_calendar.zone).replace(second=0, microsecond=0)
    form = DueTimeForm(request.GET or None, policy=policy, initial={"received": now})
    answer = None
    if form.is_valid():
        try:
            answer = due_for(
                policy=policy,
                received_at=parse_received(form.cleaned_data["received"].isoformat(), policy),
                standard_key=form.cleaned_data["standard"] or None,
                duration_text=form.cleaned_data["duration"] or None,
            )
        except CaredeskError as error:
            form.add_error("received", error.message)
    return render(
        request,
        "policies/standards.html",
        {
            "policy": policy,
            "office_hours": office_hours_lines(policy),
            "region": region_label(policy),
            "rows": [describe_standard(s) for s in policy.standards],
            "form": form,
            "answer": answer,
        },
    )
