"""How fast are the free appointment times offered, with 200 officers over 3 months?

    .venv/bin/python benchmarks/slots.py [--officers 200] [--runs 50] [--fresh]
        [--database-url URL] [--check-budget]

A PostgreSQL database of its own (`caredesk_bench_slots_<N>`, loaded once and reused;
`--fresh` loads it again): one office open 09:00 to 17:00 on weekdays, N officers based
there who take casework (a fifth with their own part-time hours, some available for
same-sex interviews), each with appointments booked over the next 3 months (about 70% of
their time this fortnight, thinning out to 20% by the third month, 30 to 90 minutes
long), and a fortnight's absence for a tenth of them. Booked through bulk inserts of
what the booking service would write (the booking service itself checks each time again,
which is what is measured here, not the load).

Measured in this process, after 5 to warm: `visits.appointments.slots_offer` for the
next 10 free times (issue 17's budget: under 100 ms), for the questions a booking asks:

- anyone at the office, 30 minutes (the usual question);
- a home visit of an hour with anyone;
- a same-sex interview (only those available for one as a woman);
- one officer asked for by name, who is booked solid for 6 weeks (the search goes far);
- one officer booked solid for the whole 3 months (no time found: the whole horizon read).

Printed: median and p95 (ms), queries, and the ratio to the floor: the same answer
found by the pure slot finder (`visits.slots.free_slots`) over values already in memory,
so the ratio is what reading the records costs on top of finding the times.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from queue_data import SERVER, _exists, _migrate, _recreate, setup_django

BUDGET_MS = 100.0
SEED = 17
COUNT = 10


def default_url(officers: int) -> str:
    return f"{SERVER}/caredesk_bench_slots_{officers}"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def load(officers: int, now: datetime) -> None:
    """The office, the officers, their hours, absences and appointments."""
    from datetime import time as clock_time

    from django.contrib.auth.models import Group

    from caredesk.cases.models import CaseKind, Channel
    from caredesk.cases.services import case_create
    from caredesk.core.clock import FixedClock
    from caredesk.staff.models import Absence, Office, Role, StaffMember
    from caredesk.standards import load_policy
    from caredesk.visits.models import Appointment, OfficerHours, OpeningHours

    rng = random.Random(SEED)
    office = Office.objects.create(name="Halton Lea", address="Halton Lea, Runcorn")
    OpeningHours.objects.bulk_create(
        OpeningHours(office=office, weekday=day, opens=clock_time(9), closes=clock_time(17))
        for day in range(5)
    )
    officer_group = Group.objects.get(name=Role.OFFICER.value)
    people = StaffMember.objects.bulk_create(
        StaffMember(
            username=f"officer_{number}",
            first_name=f"Officer{number}",
            last_name="Bench",
            office=office,
            same_sex_interviews=number % 7 == 0,
            interviews_as="woman" if number % 2 else "man",
            password="!",
        )
        for number in range(officers)
    )
    officer_group.user_set.add(*people)
    OfficerHours.objects.bulk_create(
        OfficerHours(staff=person, weekday=day, starts=clock_time(9), ends=clock_time(13))
        for person in people[::5]
        for day in range(4)
    )
    policy = load_policy("halton")
    case = case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.PHONE,
        received_at=now,
        subject="Benchmark appointments",
        by=people[0],
        policy=policy,
        clock=FixedClock(now),
    )
    zone = policy.working_calendar.zone
    first_day = now.astimezone(zone).date()
    rows = []
    for index, person in enumerate(people):
        solid_until = 92 if index == 1 else (42 if index == 0 else 0)
        day = first_day
        for offset in range(92):
            day = first_day + timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            busy = 1.0 if offset < solid_until else max(0.2, 0.7 - offset / 150)
            minute = 9 * 60
            while minute < 17 * 60:
                length = rng.choice((30, 60, 90)) if offset >= solid_until else 60
                if minute + length > 17 * 60:
                    break
                if rng.random() < busy:
                    starts = datetime.combine(day, clock_time(), tzinfo=zone) + timedelta(
                        minutes=minute
                    )
                    rows.append(
                        Appointment(
                            case=case,
                            officer=person,
                            kind="office",
                            office=office,
                            starts_at=starts,
                            ends_at=starts + timedelta(minutes=length),
                            booked_by=people[0],
                            booked_at=now,
                        )
                    )
                minute += length
        if index % 10 == 3:
            Absence.objects.create(
                staff=person,
                kind="annual_leave",
                first_day=first_day + timedelta(days=rng.randrange(0, 60)),
                last_day=first_day + timedelta(days=rng.randrange(60, 75)),
                recorded_by=person,
                recorded_at=now,
            )
    Appointment.objects.bulk_create(rows, batch_size=5000)
    print(f"loaded {officers} officers and {len(rows):,} appointments")


def measure(runs: int, now: datetime) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from caredesk.staff.models import Office, StaffMember
    from caredesk.standards import load_policy
    from caredesk.visits import appointments
    from caredesk.visits.appointments import Wanted

    policy = load_policy("halton")
    office = Office.objects.get(name="Halton Lea")
    busy = StaffMember.objects.get(username="officer_0")
    solid = StaffMember.objects.get(username="officer_1")
    # each question, and how many times it must find (the script fails on a wrong answer)
    questions = [
        ("anyone at the office, 30 min", Wanted("office", 30, office), COUNT),
        ("a home visit, 60 min", Wanted("home_visit", 60), COUNT),
        ("a same-sex interview", Wanted("office", 30, office, same_sex_as="woman"), COUNT),
        ("one officer, booked 6 weeks", Wanted("office", 30, office, busy), COUNT),
        ("one officer, booked 3 months", Wanted("office", 30, office, solid), 0),
    ]
    results = []
    for label, wanted, expected in questions:
        for _ in range(5):
            appointments.slots_offer(wanted=wanted, policy=policy, now=now, count=COUNT)
        timings = []
        queries = 0
        found: list[Any] = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                found = appointments.slots_offer(wanted=wanted, policy=policy, now=now, count=COUNT)
                timings.append((time.perf_counter() - began) * 1000)
            queries = len(captured.captured_queries)
        if len(found) != expected:
            raise SystemExit(f"{label}: found {len(found)} times, expected {expected}")
        results.append(
            {
                "label": label,
                "median": statistics.median(timings),
                "p95": percentile(timings, 95),
                "queries": queries,
                "found": len(found),
                "first": found[0].starts if found else None,
                "floor": _floor(wanted, policy, now, runs),
            }
        )
    return results


def _floor(wanted: Any, policy: Any, now: datetime, runs: int) -> float:
    """The pure finder over the same values, read once beforehand: its median (ms)."""
    from caredesk.visits import appointments
    from caredesk.visits.offices import office_times
    from caredesk.visits.slots import free_slots

    people = list(appointments.candidates_list(wanted=wanted).only("pk", "office_id"))
    weeks = appointments._working_weeks(people, policy)
    until = now + appointments.HORIZON
    officers = appointments._officers(people, weeks, now, until)
    opening = None
    if wanted.kind == "office":
        times = office_times(wanted.office, policy)

        def opening(day):  # type: ignore[no-untyped-def]
            return [appointments._minutes(a, b) for a, b in times.intervals_on(day)]

    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        free_slots(
            officers=officers,
            start=now,
            until=until,
            length=wanted.minutes,
            count=COUNT,
            zone=policy.working_calendar.zone,
            opening=opening,
        )
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database-url")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--check-budget", action="store_true")
    options = parser.parse_args()
    os.environ.update(
        CAREDESK_SECRET_KEY=secrets.token_urlsafe(48),
        CAREDESK_DEBUG="false",
        CAREDESK_LOG_LEVEL="WARNING",
        CAREDESK_STATIC_ROOT=tempfile.mkdtemp(prefix="caredesk-bench-static-"),
    )
    url = options.database_url or default_url(options.officers)
    # a fixed Monday morning, so the data and the answers are the same on every run
    now = datetime(2026, 6, 22, 7, 30, tzinfo=UTC)
    fresh = options.fresh or not _exists(url)
    if fresh:
        _recreate(url)
    _migrate(url)
    setup_django(url)
    from caredesk.visits.models import Appointment

    if fresh or not Appointment.objects.exists():
        began = time.perf_counter()
        load(options.officers, now)
        print(f"loaded in {time.perf_counter() - began:.1f} s")
    results = measure(options.runs, now)
    print(
        f"slots benchmark, {datetime.now(tz=UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"{options.officers} officers, {Appointment.objects.count():,} appointments, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    missed = []
    for row in results:
        print(
            f"{row['label']:<30} median {row['median']:6.1f} ms, p95 {row['p95']:6.1f} ms,"
            f" {row['queries']:2d} queries, {row['found']} times found"
            + (f" (the first {row['first']:%a %d %b %H:%M})" if row["first"] else "")
            + f"; floor (the finder alone) {row['floor']:.1f} ms,"
            f" ratio {row['median'] / max(row['floor'], 0.001):.1f}x"
        )
        if row["p95"] >= BUDGET_MS:
            missed.append(row["label"])
    verdict = f"MISSED for {', '.join(missed)}" if missed else "met"
    print(f"budget (the next {COUNT} free times in under {BUDGET_MS:.0f} ms at p95): {verdict}")
    return 1 if missed and options.check_budget else 0


if __name__ == "__main__":
    sys.exit(main())
