"""The keyboard shortcuts page: what each key does, and turning them off or on for
oneself (WCAG 2.1.4: single-key shortcuts can be turned off)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can
from caredesk.staff.saved_views import keyboard_shortcuts_set


@requires(Can.SET_OWN_PREFERENCES)
def shortcuts(request: HttpRequest) -> HttpResponse:
    me: StaffMember = request.user  # type: ignore[assignment]
    if request.method == "POST":
        on = request.POST.get("shortcuts") == "on"
        keyboard_shortcuts_set(staff=me, on=on)
        messages.success(
            request, "Keyboard shortcuts are on." if on else "Keyboard shortcuts are off."
        )
        return redirect("staff:shortcuts")
    return render(request, "staff/shortcuts.html", {})
