"""A member's own sign-in: the code after the password, setting up two-factor sign-in,
and changing their password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from caredesk.core.local_addresses import next_asked
from caredesk.staff.decorators import requires
from caredesk.staff.forms import AppCodeForm, CodeForm, OwnPasswordChangeForm
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can
from caredesk.staff.sign_in import step_done
from caredesk.staff.two_factor import (
    app_key_words,
    app_qr_svg,
    recovery_codes_left,
    recovery_codes_make,
    two_factor_app_check,
    two_factor_app_get,
    two_factor_check,
    two_factor_confirm,
    two_factor_required,
    two_factor_start,
)


@requires(Can.MANAGE_OWN_SIGN_IN)
def two_factor(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the member's app, or a recovery code."""
    me: StaffMember = request.user  # type: ignore[assignment]
    form = CodeForm(request.POST or None)
    has_app = two_factor_app_get(member=me) is not None
    if request.method == "POST" and has_app and form.is_valid():
        checked = two_factor_check(member=me, code=form.cleaned_data["code"])
        if checked.device is not None:
            request.session.cycle_key()
            otp_login(request, checked.device)
            step_done(request)
            if isinstance(checked.device, StaticDevice):
                left = recovery_codes_left(member=me)
                messages.warning(
                    request,
                    f"You used a recovery code. You have {left} left: each works once. "
                    "If you have lost your phone, ask an administrator to remove "
                    "two-factor sign-in so that you can set it up again.",
                )
            return redirect(_next(request))
        form.add_error(
            "code",
            "You have entered a wrong code too many times. Wait a minute, then try again."
            if checked.too_many_tries
            else "The code is not right. Enter the code your app shows now, or a recovery code.",
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "staff/two_factor.html",
        {"form": form, "has_app": has_app, "next": _next(request)},
        status=status,
    )


@requires(Can.MANAGE_OWN_SIGN_IN)
def two_factor_set_up(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (or, once set up, make new recovery codes)."""
    me: StaffMember = request.user  # type: ignore[assignment]
    app = two_factor_app_get(member=me)
    if app is not None:
        # New codes only with a code from the app now: someone at a computer left signed
        # in must not get codes that let them past two-factor sign-in for good.
        codes_form = AppCodeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and codes_form.is_valid():
            checked = two_factor_app_check(member=me, code=codes_form.cleaned_data["code"])
            if checked.device is not None:
                return _show_codes(request, recovery_codes_make(member=me), first=False)
            codes_form.add_error(
                "code",
                "You have entered a wrong code too many times. Wait a minute, then try again."
                if checked.too_many_tries
                else "The code is not right. Enter the 6-digit code your app shows now.",
            )
        return render(
            request,
            "staff/two_factor_on.html",
            {"codes_left": recovery_codes_left(member=me), "form": codes_form},
            status=400 if request.method == "POST" else 200,
        )
    device = two_factor_start(member=me)
    form: Form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        given = two_factor_confirm(device=device, code=form.cleaned_data["code"])
        if given is not None:
            request.session.cycle_key()
            otp_login(request, device)
            step_done(request)
            return _show_codes(request, given, first=True)
        form.add_error(
            "code",
            "The code is not right. Check that the app shows caredesk, then enter the code "
            "it shows now.",
        )
    return render(
        request,
        "staff/two_factor_set_up.html",
        {
            "form": form,
            "qr_svg": app_qr_svg(device),
            "key": app_key_words(device),
            "required": two_factor_required(member=me),
            "next": _next(request),
        },
        status=400 if request.method == "POST" else 200,
    )


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """What django-axes shows instead of the sign-in page once a username has failed too
    often from this address (settings.AXES_LOCKOUT_CALLABLE)."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(
        request,
        "staff/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )


def _show_codes(request: HttpRequest, codes: list[str], *, first: bool) -> HttpResponse:
    """The recovery codes, shown this once (never stored in a form anyone can read)."""
    return render(
        request,
        "staff/recovery_codes.html",
        {"codes": codes, "first": first, "next": _next(request)},
    )


def _next(request: HttpRequest) -> str:
    return next_asked(request) or str(reverse_lazy("staff:home"))


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "staff/password_change.html"
    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("staff:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        me: StaffMember = self.request.user  # type: ignore[assignment]
        if me.must_change_password:
            me.must_change_password = False
            me.save(update_fields=["must_change_password"])
        messages.success(self.request, "Your password has been changed.")
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


password_change = requires(Can.MANAGE_OWN_SIGN_IN)(PasswordChangeView.as_view())
