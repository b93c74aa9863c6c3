"""Two people, one case: pairs of actions fired at the same moment, on PostgreSQL.

For each pair, 50 times over, a fresh case; two officers, each in a thread with its
own database connection, press their buttons together (a barrier starts them), both
chosen from the case as it was before either pressed. Assign against resolve goes
through the case page (django's test Client, one browser each): it deadlocked there,
a server error. The other pairs go through the services as the page calls them, which
is quicker. Whatever order the database lets them in, one action is done and kept and
the other is refused naming who changed the case and when; nothing fails with a
deadlock, and no customer who was answered has a breach recorded. The services alone
(as the API calls them, with no page to be stale) take turns and lose nothing, and the
worker's sweep of missed deadlines is raced against an officer resolving the case.

SQLite has no row locks: there writers take turns on the whole database
(`core.db.write_transaction`, tested in test_sqlite_turns.py), so these run on
PostgreSQL only, where row locks decide who goes first.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caredesk.cases.errors import CaseError
from caredesk.cases.intake import Arrival, contacts_receive
from caredesk.cases.locks import case_lock
from caredesk.cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Channel,
    Deadline,
    DeadlineStatus,
    Direction,
    EventKind,
    PauseReason,
)
from caredesk.cases.selectors import case_seen_get
from caredesk.cases.services import (
    case_assign,
    case_finish,
    case_resume,
    case_wait_for_customer,
    response_send,
)
from caredesk.conftest import People
from caredesk.core.active_policy import active_policy
from caredesk.core.db import write_transaction
from caredesk.core.sweeps import Wanted
from caredesk.notifications.notices import escalations_claim, escalations_write
from caredesk.staff.models import StaffMember

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite lets one writer in at a time: the races need PostgreSQL's row locks",
    ),
]

ROUNDS = 50
WAIT = 30  # seconds a press may take before the test calls it stuck
TIME = r"\d\d:\d\d"


@dataclass(frozen=True)
class Action:
    """A button on the case page: where it posts and what it sends; the service it
    calls; how a refusal of the other officer's action names it; and whether its
    effect is on the case."""

    name: str
    url: str
    data: dict[str, str]
    do: Callable[[Case, StaffMember], object]
    told: str  # the refusal's words for it, before "by <who> at HH:MM"
    kept: Callable[[Case, StaffMember], bool]


def _actions(people: People) -> dict[str, Action]:
    outsider = people.outsider
    found = [
        Action(
            "resolve",
            "cases:finish",
            {"status": "resolved", "outcome": "Fence repaired", "confirmed": "True"},
            lambda case, by: case_finish(case=case, status=CaseStatus.RESOLVED, by=by),
            "This case was resolved",
            lambda case, by: case.status == CaseStatus.RESOLVED,
        ),
        Action(
            "close",
            "cases:finish",
            {"status": "closed", "outcome": "Fence repaired", "confirmed": "True"},
            lambda case, by: case_finish(case=case, status=CaseStatus.CLOSED, by=by),
            "This case was closed",
            lambda case, by: case.status == CaseStatus.CLOSED,
        ),
        Action(
            "wait",
            "cases:wait",
            {"reason": "waiting_for_customer"},
            lambda case, by: case_wait_for_customer(
                case=case, reason=PauseReason.WAITING_FOR_CUSTOMER, by=by
            ),
            "This case was marked as waiting for the customer",
            lambda case, by: case.status == CaseStatus.WAITING_FOR_CUSTOMER,
        ),
        Action(
            "resume",
            "cases:resume",
            {},
            lambda case, by: case_resume(case=case, by=by),
            "The clocks on this case were restarted",
            lambda case, by: case.status == CaseStatus.OPEN,
        ),
        Action(
            "respond",
            "cases:respond",
            {"channel": "letter", "summary": "We will mend the fence on Monday."},
            lambda case, by: response_send(
                case=case, channel=Channel.LETTER, summary="We will mend the fence.", by=by
            ),
            "A response to this case was recorded",
            lambda case, by: case.contacts.filter(direction=Direction.OUTBOUND, staff=by).exists(),
        ),
        Action(
            "assign",
            "cases:assign",
            {"officer": str(outsider.pk)},
            lambda case, by: case_assign(case=case, officer=outsider, by=by),
            f"This case was given to {outsider}",
            lambda case, by: case.assigned_to_id == outsider.pk,
        ),
    ]
    return {action.name: action for action in found}


@dataclass
class Press:
    """One officer's press of a button, and what it came to."""

    by: StaffMember
    action: Action
    done: bool = False
    refused: str = ""  # the page, or the refusal's message
    error: BaseException | None = None


def _press_on_page(
    client: Client, reference: str, seen: int, press: Press, barrier: threading.Barrier
) -> None:
    """Wait for the other officer, then press the button on the page. In a thread: its
    own database connection, closed at the end."""
    try:
        barrier.wait(timeout=WAIT)
        url = reverse(press.action.url, args=[reference])
        answer = client.post(url, press.action.data | {"seen": str(seen)})
        if answer.status_code == 302:
            press.done = True
        elif answer.status_code == 400:
            press.refused = html.unescape(answer.content.decode())
        else:
            press.error = AssertionError(f"the page answered {answer.status_code}")
    except BaseException as error:  # a deadlock, a server error: the test reports it
        press.error = error
        barrier.abort()  # the other need not wait for this one
    finally:
        connection.close()


def _press_in_service(
    case_pk: int, seen: int | None, press: Press, barrier: threading.Barrier
) -> None:
    """The same through the service, as the case page calls it (`case_action`: the
    case locked and checked against what the page showed, then the service); with
    `seen` None, as the API calls it (the service alone)."""
    try:
        case = Case.objects.get(pk=case_pk)
        barrier.wait(timeout=WAIT)
        with transaction.atomic():
            if seen is not None:
                case_lock(case=case, now=timezone.now(), seen=seen)
            press.action.do(case, press.by)
        press.done = True
    except CaseError as refusal:
        press.refused = refusal.message
    except BaseException as error:
        press.error = error
        barrier.abort()
    finally:
        connection.close()


def _together(*jobs: Callable[[threading.Barrier], None]) -> None:
    """Run the jobs in threads started together at a barrier, and wait for them all."""
    barrier = threading.Barrier(len(jobs))
    threads = [threading.Thread(target=job, args=(barrier,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
        assert not thread.is_alive(), "a thread is stuck (waiting for a lock for ever?)"


def _signed_in(person: StaffMember) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _cases(count: int, *, received: datetime) -> list[Case]:
    """`count` letters received at `received`, each a new case with its deadlines
    running, written at once (cases.drafts)."""
    arrival = Arrival(channel=Channel.LETTER, received_at=received, subject="Fence blown down")
    with transaction.atomic():
        drafts = contacts_receive([arrival] * count, policy=active_policy(), now=timezone.now())
    return [draft.case for draft in drafts]


# Through the pages (assign against resolve deadlocked there), and through the services
# as the pages call them (quicker: 50 rounds of each pair in well under a minute).
ON_PAGES = [("assign", "resolve")]
IN_SERVICES = [
    ("resolve", "close"),
    ("wait", "resolve"),
    ("respond", "resolve"),
    ("respond", "wait"),
    ("resume", "close"),
    ("respond", "respond"),
    ("assign", "assign"),
]


def test_two_officers_pressing_at_once_one_wins_and_the_other_is_told_who(
    people: People,
) -> None:
    actions = _actions(people)
    clients = {person.pk: _signed_in(person) for person in (people.officer, people.teammate)}
    problems: list[str] = []
    for (first, second), on_pages in [(p, True) for p in ON_PAGES] + [
        (p, False) for p in IN_SERVICES
    ]:
        pair = f"{first}+{second}" + (" on the pages" if on_pages else "")
        cases = _cases(ROUNDS, received=timezone.now() - timedelta(days=1))
        if first == "resume":
            for case in cases:
                case_wait_for_customer(case=case, reason="waiting_for_customer", by=people.officer)
        # The page sends the last event it showed; the rounds read it as the page does.
        url = reverse("cases:case", args=[cases[0].reference]) + "?actions=all"
        page = clients[people.officer.pk].get(url)
        seen_first = case_seen_get(reference=cases[0].reference)
        wrong: list[str] = []
        if f'name="seen" value="{seen_first}"' not in page.content.decode():
            wrong.append(f"{pair}: the case page does not send the last event it showed")
        for round_, case in enumerate(cases):
            officers = [people.officer, people.teammate][:: 1 if round_ % 2 else -1]
            presses = [Press(officers[0], actions[first]), Press(officers[1], actions[second])]
            seen = case_seen_get(reference=case.reference)
            _together(
                *[
                    partial(_press_on_page, clients[p.by.pk], case.reference, seen, p)
                    if on_pages
                    else partial(_press_in_service, case.pk, seen, p)
                    for p in presses
                ]
            )
            wrong.extend(f"{pair}, round {round_}: {p}" for p in _check(case, presses, seen))
            if len(wrong) >= 3:
                break
        problems.extend(wrong)
    assert not problems, "\n".join(problems)


def _check(case: Case, presses: list[Press], seen: int) -> list[str]:
    """What went wrong in one round, in words: nothing, when one press was done and
    kept and the other refused naming who did the first, and when."""
    case.refresh_from_db()
    wrong = [f"{p.action.name} by {p.by} failed: {p.error!r}" for p in presses if p.error]
    done = [p for p in presses if p.done]
    wrong.extend(
        f"{p.action.name} by {p.by} was done, then lost (the case is {case.status})"
        for p in done
        if not p.action.kept(case, p.by)
    )
    answered = case.contacts.filter(direction=Direction.OUTBOUND).exists()
    if answered and case.deadlines.filter(status=DeadlineStatus.ENDED_UNMET).exists():
        wrong.append("the customer was answered, yet a deadline ended unmet (a breach)")
    if wrong:
        return wrong
    if len(done) != 1:
        names = " and ".join(f"{p.action.name} by {p.by}" for p in done) or "neither"
        return [f"expected one done and the other refused; done: {names}"]
    winner, loser = done[0], next(p for p in presses if p is not done[0])
    told = rf"{re.escape(winner.action.told)} by {re.escape(str(winner.by))} at {TIME}"
    if not re.search(told, loser.refused):
        wrong.append(f"{loser.action.name} refused without saying who: {_shown(loser.refused)}")
    left = CaseEvent.objects.filter(case=case, pk__gt=seen, actor=loser.by)
    if left.exists():
        wrong.append(f"the refused {loser.action.name} left {list(left.values_list('kind'))}")
    return wrong


# The API sends no `seen`: both may be done, one after the other; what the case's
# status no longer allows is refused. Nothing is lost, no answered customer is breached.
UNSEEN = [("respond", "resolve"), ("assign", "resolve")]


def test_two_api_calls_at_once_take_turns_and_lose_nothing(people: People) -> None:
    actions = _actions(people)
    problems: list[str] = []
    for first, second in UNSEEN:
        for round_, case in enumerate(_cases(ROUNDS, received=timezone.now() - timedelta(days=1))):
            officers = [people.officer, people.teammate][:: 1 if round_ % 2 else -1]
            presses = [Press(officers[0], actions[first]), Press(officers[1], actions[second])]
            _together(*[partial(_press_in_service, case.pk, None, p) for p in presses])
            case.refresh_from_db()
            wrong = [f"{p.action.name} failed: {p.error!r}" for p in presses if p.error]
            wrong += [
                f"{p.action.name} lost" for p in presses if p.done and not p.action.kept(case, p.by)
            ]
            answered = case.contacts.filter(direction=Direction.OUTBOUND).exists()
            if answered and case.deadlines.filter(status=DeadlineStatus.ENDED_UNMET).exists():
                wrong.append("the customer was answered, yet a deadline ended unmet (a breach)")
            for loser in (p for p in presses if p.refused):
                winner = next(p for p in presses if p is not loser)
                told = f"{winner.action.told} by {winner.by} at "
                if not winner.done or told not in loser.refused:
                    wrong.append(f"{loser.action.name} refused: {loser.refused}")
            problems.extend(f"{first}+{second}, round {round_}: {w}" for w in wrong)
    assert not problems, "\n".join(problems[:10])


def _shown(refused: str) -> str:
    found = re.search(r"There is a problem.*?<li>(.*?)</li>", refused, re.S)
    return found.group(1).strip() if found else refused[:300]


@dataclass
class Sweep:
    """The worker's pass over missed deadlines, as the worker runs it."""

    now: datetime
    claimed: list[int] = field(default_factory=list)
    error: BaseException | None = None

    def run(self, barrier: threading.Barrier) -> None:
        try:
            barrier.wait(timeout=WAIT)
            with write_transaction():
                ids = escalations_claim(now=self.now, wanted=Wanted(limit=100))
                escalations_write(deadline_ids=ids, now=self.now)
            self.claimed = ids
        except BaseException as error:
            self.error = error
            barrier.abort()
        finally:
            connection.close()


def test_the_worker_escalating_a_breach_while_an_officer_resolves_never_deadlocks(
    people: People,
) -> None:
    """The worker's sweeps take the case before its deadlines, as the desk does: a
    missed deadline escalated while its case is resolved neither waits for ever nor is
    lost, and the resolution is kept."""
    resolve = _actions(people)["resolve"]
    problems: list[str] = []
    for round_ in range(ROUNDS):  # a case a round: the sweep takes every missed deadline
        [case] = _cases(1, received=timezone.now() - timedelta(days=60))
        assert case.deadlines.filter(status=DeadlineStatus.OPEN, due_at__lt=timezone.now())
        press, sweep = Press(people.officer, resolve), Sweep(timezone.now())
        seen = case_seen_get(reference=case.reference)
        _together(partial(_press_in_service, case.pk, seen, press), sweep.run)
        case.refresh_from_db()
        if sweep.error is not None or press.error is not None or not press.done:
            problems.append(f"round {round_}: {sweep.error!r} {press.error!r} {press.refused}")
        if case.status != CaseStatus.RESOLVED:
            problems.append(f"round {round_}: the resolution was lost ({case.status})")
        escalated = case.events.filter(kind=EventKind.ESCALATION).count()
        claimed = Deadline.objects.filter(pk__in=sweep.claimed, case=case).count()
        if escalated != claimed:
            problems.append(f"round {round_}: {escalated} escalations for {claimed} claimed")
        if len(problems) >= 5:
            break
    assert not problems, "\n".join(problems)


def test_the_worker_passes_over_a_case_an_officer_is_changing(people: People) -> None:
    """An officer has the case (writing the reply that answers it, say) when the worker
    looks for missed deadlines: the worker leaves the case for its next pass, so the
    answer meets the deadline and no breach is passed to the line manager for it."""
    [case] = _cases(1, received=timezone.now() - timedelta(days=60))
    assert case.deadlines.filter(status=DeadlineStatus.OPEN, due_at__lt=timezone.now())
    has_it, done_looking = threading.Event(), threading.Event()
    press = Press(people.officer, _actions(people)["respond"])

    def reply() -> None:
        try:
            mine = Case.objects.get(pk=case.pk)
            with transaction.atomic():
                case_lock(case=mine, now=timezone.now())  # as the reply's writing does
                has_it.set()
                done_looking.wait(WAIT)
                press.action.do(mine, press.by)
            press.done = True
        except BaseException as error:
            press.error = error
        finally:
            has_it.set()
            connection.close()

    officer = threading.Thread(target=reply)
    officer.start()
    try:
        assert has_it.wait(WAIT)
        with write_transaction():
            claimed = escalations_claim(now=timezone.now(), wanted=Wanted(limit=100))
            escalations_write(deadline_ids=claimed, now=timezone.now())
    finally:
        done_looking.set()
        officer.join(WAIT)
    assert press.error is None
    assert press.done
    assert claimed == []
    assert not case.deadlines.exclude(status=DeadlineStatus.MET).exists()
    assert not case.events.filter(kind=EventKind.ESCALATION).exists()
