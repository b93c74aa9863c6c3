"""Staff accounts: an administrator helps another member sign in."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caredesk.core.clock import Clock, system_clock
from caredesk.errors import CaredeskError
from caredesk.staff.accounts import (
    account_events_list,
    account_id_card_set,
    account_locked_out,
    account_may_manage,
    account_password_reset,
    account_two_factor_reset,
    account_unlock,
    accounts_list,
    id_card_may_set,
)
from caredesk.staff.decorators import requires
from caredesk.staff.forms import IdCardForm
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can
from caredesk.staff.two_factor import recovery_codes_left, two_factor_app_get, two_factor_required

ACTIONS = {
    "password": account_password_reset,
    "two-factor": account_two_factor_reset,
    "unlock": account_unlock,
}
DONE = {
    "two-factor": "Two-factor sign-in removed. {name} will set it up again when they next sign in.",
    "unlock": "{name} can sign in again now.",
}
# What was just done for a member, kept in the administrator's session from the POST to
# the page it redirects to, and shown there once (a refresh re-posts nothing).
JUST_DONE = "caredesk_account_done"


@requires(Can.MANAGE_ACCOUNTS)
def accounts(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """Every active member of staff: two-factor sign-in, and whether they are locked out."""
    query = request.GET.get("q", "").strip()[:100]
    people = accounts_list(clock=clock)
    if query:
        people = people.filter(username__icontains=query) | people.filter(
            last_name__icontains=query
        )
    return render(request, "staff/accounts.html", {"people": people[:300], "query": query})


@requires(Can.MANAGE_ACCOUNTS)
def account(request: HttpRequest, username: str, clock: Clock = system_clock) -> HttpResponse:
    """One member's sign-in, and what an administrator can do for them."""
    me: StaffMember = request.user  # type: ignore[assignment]
    member = StaffMember.objects.filter(username=username, is_active=True).first()
    if member is None:
        raise Http404("There is no member of staff with that username.")
    problem, status = "", 200
    action = request.POST.get("action", "") if request.method == "POST" else ""
    id_card = IdCardForm(
        request.POST if action == "id-card" else None,
        initial={
            "id_card_number": member.id_card_number,
            "id_card_expires": member.id_card_expires,
        },
        prefix="id-card",
    )
    if action == "id-card":
        done = _id_card_set(request, id_card, member, me)
        if done is not None:
            return done
        status = 400 if id_card_may_set(by=me, member=member) else 403
    elif request.method == "POST":
        if action not in ACTIONS:
            problem, status = "Choose what to do.", 400
        else:
            try:
                result = ACTIONS[action](member=member, by=me, clock=clock)
            except CaredeskError as error:
                problem, status = error.message, 403
            else:
                request.session[JUST_DONE] = {
                    "username": member.username,
                    "password": str(result) if action == "password" else "",
                    "done": "" if action == "password" else DONE[action].format(name=member),
                }
                return redirect("staff:account", username=member.username)
    just_done: dict[str, str] = {}
    kept = request.session.get(JUST_DONE)
    if request.method == "GET" and kept and kept.get("username") == member.username:
        just_done = request.session.pop(JUST_DONE)
    return render(
        request,
        "staff/account.html",
        {
            "member": member,
            "may_manage": account_may_manage(by=me, member=member),
            "has_app": two_factor_app_get(member=member) is not None,
            "codes_left": recovery_codes_left(member=member),
            "required": two_factor_required(member=member),
            "locked_out": account_locked_out(member=member, clock=clock),
            "events": account_events_list(member=member)[:20],
            "done": just_done.get("done", ""),
            "temporary_password": just_done.get("password", ""),
            "problem": problem,
            "id_card": id_card if id_card_may_set(by=me, member=member) else None,
            "errors_of": [id_card],
        },
        status=status,
    )


def _id_card_set(
    request: HttpRequest, form: IdCardForm, member: StaffMember, me: StaffMember
) -> HttpResponse | None:
    """Record the member's identity card; None (the form told why) if it was refused."""
    if not form.is_valid():
        return None
    try:
        account_id_card_set(
            member=member,
            number=form.cleaned_data["id_card_number"],
            expires=form.cleaned_data["id_card_expires"],
            by=me,
        )
    except CaredeskError as error:
        form.add_error(None, error.message)
        return None
    request.session[JUST_DONE] = {
        "username": member.username,
        "password": "",
        "done": f"{member}'s identity card is recorded.",
    }
    return redirect("staff:account", username=member.username)
