"""Alerts for unusual reading of customers' records, raised by the worker to the data
protection officers (the `unusual_reading` sweep), and looked into on the read log page.

The policy's `[read_alerts]` (standards.policy_read_alerts) says when: in one window of
whole local days (`window`: blocks of that many days counted from Monday 1 January
2001, so "1 week" runs Monday to Sunday), a member of staff opened the records of
`many_customers` different customers with no reason (privacy.read_log: no case of
theirs or their team's), or of `no_case_at_all` different customers with no case with
anyone. A read in a list (search results, a queue) is not counted: names were seen,
no record opened.

**How the worker looks.** One row (`ReadsChecked`) says how far it has looked. A pass
claims the next span of reads, up to `LOOK_SPAN` long, by moving the row on with a
conditional UPDATE from the value it read (a second worker's UPDATE then changes
nothing, and it stops); span after span, each in its own transaction, up to
CASE_SOON_AFTER ago, so that a case logged just after a read is there to explain it
(an alert comes an hour after the reading at the soonest); a span shorter than
SHORTEST_SPAN waits for a later pass. It records each customer read with no reason
(`UnexplainedRead`, with the window), then counts, for each member of staff and window
the span touched, the different customers so far; one over a threshold raises ONE
`ReadingAlert` (unique per member of staff and window: a later span of the same window,
or a pass run again, finds it and raises nothing), told to every data protection officer
but the reader, on the desk and by email, in the span's transaction. The first pass
starts at the beginning of the window it is in: reads from before the worker first ran
are not looked at.

An alert about a data protection officer goes to the other officers; if there is none,
it is on the read log page only. Their own subject access and disclosure work has a
reason (privacy.read_log), so it is never counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from caredesk.core.clock import Clock
from caredesk.core.db import write_transaction
from caredesk.core.sweeps import Done
from caredesk.core.text import has_unstorable, unstorable_reason
from caredesk.customers.models import CustomerAccess
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.notifications.models import NotificationKind
from caredesk.notifications.notices import notices_give
from caredesk.privacy.models import ReadingAlert, ReadsChecked, UnexplainedRead
from caredesk.privacy.read_log import (
    CASE_SOON_AFTER,
    after_closing_of,
    day_start,
    in_a_list,
    no_case_at_all,
    officer_ids,
    reason,
)
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy

# The first day of the first window: a Monday, so windows of weeks run Monday to Sunday.
EPOCH = date(2001, 1, 1)
# The most of the read log, in time, one transaction looks at; and the most spans one
# pass looks at (a worker stopped for longer catches up over the next passes).
LOOK_SPAN = timedelta(hours=1)
SPANS_A_PASS = 24
# Less than this is left for a later pass, so a worker passing every minute writes at
# most every few minutes.
SHORTEST_SPAN = timedelta(minutes=5)
NOTE_MAX = 2000
MARK = 1  # ReadsChecked's one row


class ReadingAlertError(CaredeskError):
    """A note on an alert of unusual reading that cannot be kept: missing, too long, or
    with characters that cannot be stored."""

    code = "reading_alert_invalid"


class ReadingAlertLookedInto(CaredeskError):
    """An alert of unusual reading already marked as looked into, by someone else or in
    another tab."""

    code = "reading_alert_looked_into"


@dataclass(frozen=True)
class Window:
    starts: datetime  # UTC
    ends: datetime  # UTC, excluded
    first_day: date  # local
    last_day: date  # local, included


def window_of(at: datetime, *, days: int, zone: ZoneInfo) -> Window:
    """The window of `days` local days that `at` falls in."""
    local_day = at.astimezone(zone).date()
    first = EPOCH + timedelta(days=(local_day - EPOCH).days // days * days)
    after = first + timedelta(days=days)
    return Window(day_start(first, zone), day_start(after, zone), first, after - timedelta(1))


def alert_window(alert: ReadingAlert, zone: ZoneInfo) -> Window:
    """The window an alert is about, as it was raised (whatever the policy says now)."""
    first = alert.window_starts.astimezone(zone).date()
    last = alert.window_ends.astimezone(zone).date() - timedelta(days=1)
    return Window(alert.window_starts, alert.window_ends, first, last)


def window_words(first_day: date, last_day: date) -> str:
    """'on Tuesday 3 June 2025', or 'from Monday 2 June to Sunday 8 June 2025'."""

    def day(d: date, year: bool = True) -> str:
        return f"{d:%A} {d.day} {d:%B}" + (f" {d.year}" if year else "")

    if first_day == last_day:
        return f"on {day(first_day)}"
    return f"from {day(first_day, first_day.year != last_day.year)} to {day(last_day)}"


# -- the sweep ----------------------------------------------------------------------------


def reading_check(*, now: datetime, policy: Policy) -> Done:
    """Look at the read log span by span, each in its own transaction, up to an hour
    ago (at most SPANS_A_PASS spans), raising the alerts they call for."""
    done = Done()
    for _ in range(SPANS_A_PASS):
        span = _span_check(now, policy)
        if span is None:
            break
        done += span
    return done


def _span_check(now: datetime, policy: Policy) -> Done | None:
    """The next span of the read log; None if there is none to look at yet, or another
    worker took it."""
    settings = policy.read_alerts
    zone = policy.working_calendar.zone
    ready = now - CASE_SOON_AFTER
    looked = ReadsChecked.objects.filter(pk=MARK).values_list("up_to", flat=True).first()
    if looked is not None and ready - looked < SHORTEST_SPAN:
        return None  # a read, and no write transaction, on most passes
    with write_transaction():
        start = _mark(ready, settings.window_days, zone)
        end = min(ready, start + LOOK_SPAN)
        if end <= start:
            return None
        if not ReadsChecked.objects.filter(pk=MARK, up_to=start).update(up_to=end):
            return None  # another worker took this span
        found: list[UnexplainedRead] = []
        windows: dict[datetime, Window] = {}
        for piece_start, piece_end, window in _pieces(start, end, settings.window_days, zone):
            windows[window.starts] = window
            found += _unexplained(piece_start, piece_end, window, policy)
        UnexplainedRead.objects.bulk_create(found)
        touched = sorted({(row.staff_id, row.window_starts) for row in found})
        raised = [
            alert
            for staff_id, starts in touched
            if (alert := _alert_if_over(staff_id, windows[starts], policy, now))
        ]
    return Done(rows=len(found), counts={"alerts": len(raised)} if raised else {})


def _mark(ready: datetime, days: int, zone: ZoneInfo) -> datetime:
    """How far the log has been looked at; the first time, the start of the window."""
    ReadsChecked.objects.bulk_create(
        [ReadsChecked(pk=MARK, up_to=window_of(ready, days=days, zone=zone).starts)],
        ignore_conflicts=True,
    )
    return ReadsChecked.objects.get(pk=MARK).up_to


def _pieces(
    start: datetime, end: datetime, days: int, zone: ZoneInfo
) -> Iterator[tuple[datetime, datetime, Window]]:
    """The span (start, end] cut where a window ends: a read at the very start of a
    window is in that window."""
    tick = timedelta(microseconds=1)
    while start < end:
        window = window_of(start + tick, days=days, zone=zone)
        piece_end = min(end, window.ends - tick)
        yield start, piece_end, window
        start = piece_end


def _unexplained(
    start: datetime, end: datetime, window: Window, policy: Policy
) -> list[UnexplainedRead]:
    """Each (reader, customer) of the reads in (start, end] opened with no reason."""
    after_closing = after_closing_of(policy)
    reads = (
        CustomerAccess.objects.filter(at__gt=start, at__lte=end)
        .exclude(in_a_list())
        .exclude(reason(after_closing=after_closing, officers=officer_ids()))
        .annotate(nobody=no_case_at_all(after_closing=after_closing))
        .values_list("staff_id", "customer_id", "at", "nobody")
        .order_by("at", "pk")
    )
    first: dict[tuple[int, int], UnexplainedRead] = {}
    for staff_id, customer_id, at, nobody in reads:
        row = first.setdefault(
            (staff_id, customer_id),
            UnexplainedRead(
                staff_id=staff_id,
                customer_id=customer_id,
                window_starts=window.starts,
                first_read_at=at,
                no_case_at_all=bool(nobody),
            ),
        )
        row.no_case_at_all = row.no_case_at_all or bool(nobody)
    return list(first.values())


def _alert_if_over(
    staff_id: int, window: Window, policy: Policy, now: datetime
) -> ReadingAlert | None:
    settings = policy.read_alerts
    counted = UnexplainedRead.objects.filter(
        staff_id=staff_id, window_starts=window.starts
    ).aggregate(
        customers=Count("customer", distinct=True),
        nobody=Count("customer", distinct=True, filter=Q(no_case_at_all=True)),
    )
    customers, nobody = counted["customers"], counted["nobody"]
    many = settings.many_customers and customers >= settings.many_customers
    unworked = settings.no_case_at_all and nobody >= settings.no_case_at_all
    if not (many or unworked):
        return None
    if ReadingAlert.objects.filter(staff_id=staff_id, window_starts=window.starts).exists():
        return None  # once a window
    try:
        with transaction.atomic():
            alert = ReadingAlert.objects.create(
                staff_id=staff_id,
                window_starts=window.starts,
                window_ends=window.ends,
                raised_at=now,
                customers=customers,
                no_case_at_all=nobody,
            )
    except IntegrityError:
        return None  # raised meanwhile
    _tell(alert, window, now)
    return alert


def _tell(alert: ReadingAlert, window: Window, now: datetime) -> None:
    """Every data protection officer but the reader, on the desk and by email."""
    others = [pk for pk in officer_ids() if pk != alert.staff_id]
    if not others:
        return
    reader = StaffMember.objects.get(pk=alert.staff_id)
    notices_give(
        recipient_ids=others,
        kind=NotificationKind.UNUSUAL_READING,
        message=f"{alert_message(alert, reader, window)} Look into it on the read log.",
        at=now,
        links=[("Look into it", alert_link(alert, window))],
    )


def alert_message(alert: ReadingAlert, reader: StaffMember, window: Window) -> str:
    customers = f"{alert.customers:,} customer{'s' if alert.customers != 1 else ''}"
    nobody = (
        f" {alert.no_case_at_all:,} of them had no case with anyone."
        if alert.no_case_at_all
        else ""
    )
    return (
        f"{reader} opened the records of {customers} with no case of theirs or their "
        f"team's {window_words(window.first_day, window.last_day)}.{nobody}"
    )


def alert_link(alert: ReadingAlert, window: Window) -> str:
    """The read log filtered to the reader's reads in the window."""
    query = {
        "staff": alert.staff_id,
        "from_day": window.first_day.isoformat(),
        "to_day": window.last_day.isoformat(),
    }
    return f"{reverse('privacy:reads')}?{urlencode(query)}"


# -- looking into an alert --------------------------------------------------------------


def alerts_open() -> QuerySet[ReadingAlert]:
    """Alerts not yet looked into, the oldest window first."""
    return (
        ReadingAlert.objects.filter(looked_into_at__isnull=True)
        .select_related("staff__team")
        .order_by("window_starts", "pk")
    )


def alert_look_into(*, alert_id: int, note: str, by: StaffMember, clock: Clock) -> ReadingAlert:
    """Mark an alert as looked into, with what the officer found. Raises NotAllowed,
    ReadingAlertError (the note), ReadingAlertLookedInto; ReadingAlert.DoesNotExist."""
    if not allowed(by, Can.MANAGE_PRIVACY):
        raise NotAllowed("Only the data protection officer can look into unusual reading.")
    if has_unstorable(note):
        raise ReadingAlertError(f"What you found cannot be kept. {unstorable_reason(note)}")
    note = note.strip()
    if not note:
        raise ReadingAlertError("Enter what you found.")
    if len(note) > NOTE_MAX:
        raise ReadingAlertError(f"What you found must be {NOTE_MAX:,} characters or fewer.")
    now = clock.now()
    with write_transaction():
        alert = ReadingAlert.objects.select_related("looked_into_by").get(pk=alert_id)
        changed = ReadingAlert.objects.filter(pk=alert_id, looked_into_at__isnull=True).update(
            looked_into_at=now, looked_into_by=by, note=note
        )
        if not changed:
            alert.refresh_from_db()
            raise ReadingAlertLookedInto(
                f"{alert.looked_into_by} has already looked into this alert, and wrote: "
                f"“{alert.note}”"
            )
        alert.refresh_from_db()
    return alert
