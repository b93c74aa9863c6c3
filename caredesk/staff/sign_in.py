"""What happens between the password and the first page, and when a session ends.

`SignInMiddleware`, after authentication and messages (settings.MIDDLEWARE):

1. A session unused for CAREDESK_SESSION_IDLE_MINUTES, or signed in more than
   CAREDESK_SESSION_MAX_HOURS ago, is signed out; the sign-in page says why. A page's own
   polling (htmx elements that send POLL_HEADER) is not use: a page left open on a
   running import still times out.
2. A session just signed in with a password learns its next step once: a code, for a
   member with an authenticator app; setting up the app, for a role that must have one
   (staff.two_factor). Until it is done, every page but that step's (and signing out)
   leads there.
3. A member given a temporary password by an administrator chooses their own first.

Public pages (the API, the standards page) are left alone: they check what they need.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from caredesk.core.clock import Clock, system_clock
from caredesk.staff.models import StaffMember
from caredesk.staff.two_factor import two_factor_is_set_up, two_factor_required

SIGNED_IN_AT = "caredesk_signed_in_at"
LAST_SEEN = "caredesk_last_seen"
NEXT_STEP = "caredesk_next_step"
CODE, SET_UP, DONE = "code", "set_up", ""
# The last-seen time is written at most this often, so that most pages save no session.
SEEN_EVERY_SECONDS = 60
# Sent by an element that asks again by itself (hx-headers='{"X-Caredesk-Poll": "1"}'
# beside hx-trigger="every ..."): not someone using caredesk, so not counted as use.
POLL_HEADER = "X-Caredesk-Poll"

STEP_PAGES = {CODE: "staff:two_factor", SET_UP: "staff:two_factor_set_up"}
PASSWORD_PAGE = "staff:password_change"
ALWAYS_OPEN = {"staff:logout"}


def next_step_for(member: StaffMember) -> str:
    """What a member signed in with a password must do before any page."""
    if two_factor_is_set_up(member=member):
        return CODE
    if two_factor_required(member=member):
        return SET_UP
    return DONE


def session_begun(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Signed in with a password (user_logged_in): the session's times and its next step
    start afresh, whatever the session held before."""
    if request is not None and hasattr(request, "session"):
        for key in (SIGNED_IN_AT, LAST_SEEN, NEXT_STEP):
            request.session.pop(key, None)


def step_done(request: HttpRequest) -> None:
    """The session's second step is done (a right code, or the app set up)."""
    request.session[NEXT_STEP] = DONE


def sign_in_pending(request: HttpRequest) -> bool:
    """Signed in with a password, with a code, the app's set-up or a new password to go."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(request.session.get(NEXT_STEP)) or bool(user.must_change_password)


def client_address(request: HttpRequest) -> str:
    """The visitor's address, for counting failed sign-ins: REMOTE_ADDR, or behind
    CAREDESK_PROXY_COUNT proxies the X-Forwarded-For entry the outermost one added (the
    entries before it are whatever the visitor sent, so never trusted)."""
    count = settings.CAREDESK_PROXY_COUNT
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= count:
            return str(hops[-count])
    return str(request.META.get("REMOTE_ADDR", ""))


def session_expired(*, session: Any, now: datetime) -> str | None:
    """Why a session must end now ('idle' or 'lifetime'), or None."""
    moment = now.timestamp()
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen = session.get(LAST_SEEN)
    lifetime = settings.CAREDESK_SESSION_MAX_HOURS * 3600
    idle = settings.CAREDESK_SESSION_IDLE_MINUTES * 60
    if signed_in_at is not None and moment - signed_in_at > lifetime:
        return "lifetime"
    if last_seen is not None and moment - last_seen > idle:
        return "idle"
    return None


def signed_out_message(reason: str) -> str:
    if reason == "idle":
        minutes = settings.CAREDESK_SESSION_IDLE_MINUTES
        return (
            f"You have been signed out because you had not used caredesk for {minutes} "
            "minutes. Sign in again to carry on."
        )
    hours = settings.CAREDESK_SESSION_MAX_HOURS
    return (
        f"You have been signed out because you signed in more than {hours} hours ago. "
        "Sign in again to carry on."
    )


class SignInMiddleware:
    # The time, for tests to set (a SettableClock): the session's times are this clock's.
    clock: Clock = system_clock

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            now = self.clock.now()
            reason = session_expired(session=request.session, now=now)
            if reason is not None:
                logout(request)
                messages.info(request, signed_out_message(reason))
                return _redirect(request, _sign_in_url(request))
            self._note(request, now)
        response = self.get_response(request)
        if request.user.is_authenticated and SIGNED_IN_AT not in request.session:
            # just signed in (the sign-in page's answer): the lifetime starts now
            moment = self.clock.now().timestamp()
            request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = moment
        return response

    def _note(self, request: HttpRequest, now: datetime) -> None:
        session, moment = request.session, now.timestamp()
        session.setdefault(SIGNED_IN_AT, moment)
        polled = bool(request.headers.get(POLL_HEADER))
        if not polled and moment - session.get(LAST_SEEN, 0) >= SEEN_EVERY_SECONDS:
            session[LAST_SEEN] = moment
        if NEXT_STEP not in session:
            member: StaffMember = request.user  # type: ignore[assignment]
            session[NEXT_STEP] = next_step_for(member)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if not request.user.is_authenticated or not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        here = match.view_name if match else ""
        if here in ALWAYS_OPEN:
            return None
        step = request.session.get(NEXT_STEP, DONE)
        if step:
            page = STEP_PAGES[step]
            return None if here == page else _redirect(request, _to(page, request))
        member: StaffMember = request.user
        if member.must_change_password and here != PASSWORD_PAGE:
            return _redirect(request, _to(PASSWORD_PAGE, request))
        return None


def _to(page: str, request: HttpRequest) -> str:
    if request.method == "GET" and not request.htmx:  # type: ignore[attr-defined]
        return f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}"
    return reverse(page)


def _sign_in_url(request: HttpRequest) -> str:
    page = request.get_full_path() if request.method == "GET" else "/"
    if request.htmx:  # type: ignore[attr-defined]
        page = request.htmx.current_url_abs_path or "/"  # type: ignore[attr-defined]
    return f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': page})}"


def _redirect(request: HttpRequest, url: str) -> HttpResponseBase:
    """A redirect; for htmx, one the whole page follows (not one swapped into a panel)."""
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)
