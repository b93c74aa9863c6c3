"""A large organisation in PostgreSQL, for benchmarks/queues.py.

    .venv/bin/python benchmarks/queue_data.py [--cases 1000000] [--fresh] [--database-url URL]

Loads, into a database of its own (created if missing, migrated with `caredesk migrate`):
offices, 6 teams and 40 staff (one of them `bench_officer`, the officer whose My work
is measured); customers (one for every 5 cases); N cases received over the last 12
months; and their deadlines, with the policy's own rules choosing which standards start
(`cases.rules`: `events_on_receipt` and `starts`) and the engine's batch
(`due_at_batch`) giving every due time. Follow-on deadlines (a complaint's stage 1
response after its acknowledgement, stage 2 when the customer asks) start when the one
before is met. Most deadlines are met (some late); those not yet met, and a small
backlog nobody dealt with, are open, some of them overdue. Warning times of open
deadlines come from the engine too (`warning_time`).

Rows go in with COPY. A marker table records the size loaded: a second run with the
same --cases reuses the database; --fresh (or another size) drops it and loads again.
The default database is `caredesk_bench` for 1,000,000 cases and `caredesk_bench_<N>`
for any other size, so a short CI run never replaces the full-size data.

Not loaded: contacts, case events, pauses and holding replies (no queue reads them).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import numpy.typing as npt
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FULL_SIZE = 1_000_000
SERVER = "postgres://postgres@127.0.0.1:5432"
MARKER = "bench_queue_data"
BENCH_OFFICER = "bench_officer"
SEED = 20261122
MICROS = 1_000_000
DAY = 86_400 * MICROS
NULL = r"\N"

Ints = npt.NDArray[np.int64]

# The mix of cases a landlord's customer care team logs in a year: kind, share, and the
# channels it comes in on. Shares of a kind's channels add up to 1.
KINDS: list[tuple[str, float, dict[str, float]]] = [
    (
        "general_enquiry",
        0.35,
        {
            "phone": 0.40,
            "email": 0.25,
            "letter": 0.12,
            "web": 0.13,
            "visit": 0.07,
            "home_visit": 0.03,
        },
    ),
    ("message", 0.27, {"voicemail": 0.6, "message": 0.4}),
    (
        "information_request",
        0.13,
        {"phone": 0.35, "email": 0.3, "web": 0.2, "letter": 0.1, "visit": 0.05},
    ),
    ("complaint", 0.18, {"phone": 0.35, "email": 0.3, "letter": 0.15, "web": 0.15, "visit": 0.05}),
    ("compliment", 0.03, {"phone": 0.3, "email": 0.4, "letter": 0.2, "web": 0.1}),
    ("subject_access_request", 0.02, {"email": 0.5, "letter": 0.4, "web": 0.1}),
    ("foi_request", 0.02, {"email": 0.7, "letter": 0.2, "web": 0.1}),
]
# Dealt with while the customer was there (phone call or visit): the response is sent at once.
RESOLVED_AT_FIRST_CONTACT = {
    ("general_enquiry", "phone"): 0.30,
    ("general_enquiry", "visit"): 0.60,
    ("information_request", "phone"): 0.30,
    ("information_request", "visit"): 0.50,
    ("compliment", "phone"): 1.0,
    ("compliment", "visit"): 1.0,
}
SUBJECTS = {
    "general_enquiry": ["Rent account query", "Parking permit", "Communal cleaning", "Tenancy"],
    "message": ["Please call back", "Call back about repair", "Returned call"],
    "information_request": ["Garden waste form", "Rent statement", "Transfer application"],
    "complaint": ["Repair not done", "Noise from neighbour", "Damp and mould", "Staff attitude"],
    "compliment": ["Thanks to the repairs team", "Helpful officer"],
    "subject_access_request": ["Copy of my records"],
    "foi_request": ["Spending on void properties", "Number of complaints"],
}
LATE_SHARE = 0.07  # deadlines met after they were due
BACKLOG_SHARE = 0.006  # deadlines nobody dealt with: still open, long overdue
ENDED_UNMET_SHARE = 0.004  # case finished without the standard being met
STAGE_2_SHARE = 0.20  # complaints the customer takes to stage 2
ASSIGNED_SHARE = 0.7  # cases given to an officer (the rest wait in the team's queue)
MY_OPEN = 60  # open deadlines the benchmark officer has, roughly


@dataclass(frozen=True)
class Loaded:
    url: str
    cases: int
    deadlines: int
    open_deadlines: int
    overdue: int
    my_open: int
    loaded_at: datetime
    load_seconds: float
    reused: bool
    loader_peak_rss_mb: float | None  # this process, when it loaded the data


def default_url(cases: int) -> str:
    name = "caredesk_bench" if cases == FULL_SIZE else f"caredesk_bench_{cases}"
    return f"{SERVER}/{name}"


def _maintenance_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def _recreate(url: str) -> None:
    admin, name = _maintenance_url(url)
    if not name.startswith("caredesk_bench"):
        # It drops the database first: never one the benchmark did not make.
        raise SystemExit(
            f"benchmarks load only into databases named caredesk_bench...; not '{name}'."
        )
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _exists(url: str) -> bool:
    admin, name = _maintenance_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            is not None
        )


def _marker(url: str) -> dict[str, Any] | None:
    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT to_regclass(%s)", [MARKER]).fetchone()
        if found is None or found[0] is None:
            return None
        row = conn.execute(
            f"SELECT cases, deadlines, loaded_at, load_seconds, policy FROM {MARKER}"
        ).fetchone()
    if row is None:
        return None
    keys = ("cases", "deadlines", "loaded_at", "load_seconds", "policy")
    return dict(zip(keys, row, strict=True))


def _migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "caredesk", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def setup_django(url: str) -> None:
    """Point this process's Django at the benchmark database (before anything imports models)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
    import django

    django.setup()


def prepare(*, cases: int, url: str, fresh: bool, seed: int = SEED) -> Loaded:
    """Make sure `url` holds `cases` cases (loading them if not); set up Django on it."""
    if fresh or not _exists(url):
        _recreate(url)
    _migrate(url)
    setup_django(url)
    from caredesk.core.active_policy import active_policy

    policy_name = active_policy().organisation.name
    marker = _marker(url)
    if marker is not None and marker["cases"] == cases and marker["policy"] == policy_name:
        return _summary(url, marker, reused=True, peak=None)
    if marker is not None or _has_cases(url):
        # Another size, or a load that stopped part-way: start again from nothing.
        from django.db import connections

        connections.close_all()
        _recreate(url)
        _migrate(url)
    began = time.perf_counter()
    _load(url, cases=cases, seed=seed)
    seconds = time.perf_counter() - began
    with psycopg.connect(url, autocommit=True) as conn:
        deadlines = _count(conn, "SELECT count(*) FROM cases_deadline")
        conn.execute(
            f"CREATE TABLE {MARKER} (cases int, deadlines int, loaded_at timestamptz,"
            " load_seconds float8, policy text)"
        )
        conn.execute(
            f"INSERT INTO {MARKER} VALUES (%s, %s, now(), %s, %s)",
            [cases, deadlines, seconds, policy_name],
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    marker = _marker(url)
    assert marker is not None
    return _summary(url, marker, reused=False, peak=peak)


def _has_cases(url: str) -> bool:
    with psycopg.connect(url) as conn:
        found = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM cases_case) OR EXISTS (SELECT 1 FROM staff_office)"
        ).fetchone()
    return found == (True,)


def _count(conn: psycopg.Connection[Any], query: str, params: Sequence[Any] = ()) -> int:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return int(row[0])


def _summary(url: str, marker: dict[str, Any], *, reused: bool, peak: float | None) -> Loaded:
    with psycopg.connect(url) as conn:
        open_where = "status = 'open' AND due_at IS NOT NULL"
        opened = _count(conn, f"SELECT count(*) FROM cases_deadline WHERE {open_where}")
        overdue = _count(
            conn, f"SELECT count(*) FROM cases_deadline WHERE {open_where} AND due_at < now()"
        )
        mine = _count(
            conn,
            f"SELECT count(*) FROM cases_deadline d JOIN staff_staffmember s"
            f" ON s.id = d.assigned_to_id WHERE d.{open_where.replace(' AND ', ' AND d.')}"
            " AND s.username = %s",
            [BENCH_OFFICER],
        )
    return Loaded(
        url=url,
        cases=marker["cases"],
        deadlines=marker["deadlines"],
        open_deadlines=opened,
        overdue=overdue,
        my_open=mine,
        loaded_at=marker["loaded_at"],
        load_seconds=marker["load_seconds"],
        reused=reused,
        loader_peak_rss_mb=peak,
    )


# -- loading --------------------------------------------------------------------------------


def _load(url: str, *, cases: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    now = datetime.now(tz=UTC).replace(microsecond=0)
    staff = _organisation()
    with psycopg.connect(url) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET timezone = 'UTC'")  # timestamps below are written in UTC
        customers = max(1_000, cases // 5)
        _load_customers(conn, rng, customers, now)
        _load_cases(conn, rng, cases=cases, customers=customers, staff=staff, now=now)
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("customers_customer", "cases_case", "cases_deadline"):
            conn.execute(
                sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), max(id)) FROM {}").format(
                    sql.Literal(table), sql.Identifier(table)
                )
            )
        # What autovacuum would have done by the time anyone reads: statistics for the
        # planner, and the visibility map.
        conn.execute("VACUUM ANALYZE")


@dataclass(frozen=True)
class Staff:
    teams: list[int]
    officers_by_team: dict[int, list[int]]
    bench_officer: int
    bench_team: int


def _organisation() -> Staff:
    """2 offices, 6 teams of a line manager and 5 officers, the benchmark officer, 3 others."""
    from django.contrib.auth.models import Group

    from caredesk.staff.models import Office, Role, StaffMember, Team

    groups = {group.name: group for group in Group.objects.all()}
    offices = [
        Office.objects.create(name="Runcorn", address="Waterloo Road, Runcorn"),
        Office.objects.create(name="Widnes", address="Victoria Road, Widnes"),
    ]
    names = ["Income", "Lettings", "Neighbourhoods", "Repairs", "Customer Hub", "Complaints"]
    teams = [Team.objects.create(name=name, office=offices[i % 2]) for i, name in enumerate(names)]

    def member(username: str, role: Role, team: Team | None, **extra: Any) -> StaffMember:
        person = StaffMember(
            username=username,
            first_name=username.split("_")[0].title(),
            last_name="Bench",
            email=f"{username}@example.org",
            team=team,
            office=team.office if team else offices[0],
            **extra,
        )
        person.set_unusable_password()
        person.save()
        person.groups.add(groups[role.value])
        return person

    officers: dict[int, list[int]] = {}
    for number, team in enumerate(teams, start=1):
        manager = member(f"manager{number}", Role.LINE_MANAGER, team)
        officers[team.pk] = [
            member(f"officer{number}_{i}", Role.OFFICER, team, line_manager=manager).pk
            for i in range(1, 6)
        ]
    bench = member(BENCH_OFFICER, Role.OFFICER, teams[0], line_manager=None)
    member("admin_bench", Role.ADMINISTRATOR, teams[4])
    member("analyst_bench", Role.PERFORMANCE_ANALYST, None)
    member("dpo_bench", Role.DATA_PROTECTION_OFFICER, None)
    return Staff([t.pk for t in teams], officers, bench.pk, teams[0].pk)


def _copy(
    conn: psycopg.Connection[Any], model: Any, columns: dict[str, Sequence[str] | str]
) -> int:
    """COPY rows into the model's table. Each column is a list of COPY text values, or one
    value for every row. Fields not given: NULL if nullable, else their default."""
    given = dict(columns)
    for field in model._meta.concrete_fields:
        if field.column in given or field.null:
            continue
        if not (field.has_default() or field.empty_strings_allowed):
            raise ValueError(f"{model.__name__}.{field.name} needs a value")
        default = field.get_default()
        if isinstance(default, bool):
            given[field.column] = "t" if default else "f"
        elif isinstance(default, list | dict):
            given[field.column] = json.dumps(default)
        else:
            given[field.column] = str(default)
    lengths = {len(v) for v in given.values() if not isinstance(v, str)}
    assert len(lengths) == 1, f"columns of different lengths: {lengths}"
    rows = lengths.pop()
    values = [itertools.repeat(v, rows) if isinstance(v, str) else v for v in given.values()]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, given))
    )
    with conn.cursor() as cursor, cursor.copy(statement) as copy:
        lines = zip(*values, strict=False)
        while chunk := list(itertools.islice(lines, 50_000)):
            copy.write("".join("\t".join(line) + "\n" for line in chunk))
    return rows


def _text(values: npt.NDArray[Any]) -> list[str]:
    return [str(v) for v in values.tolist()]


def _times(micros: Ints, present: npt.NDArray[np.bool_] | None = None) -> list[str]:
    """COPY text of UTC instants (the session's time zone is UTC); NULL where not present."""
    text = micros.view("datetime64[us]").astype(str)
    if present is not None:
        text = np.where(present, text, NULL)
    return list(text.tolist())


def _load_customers(
    conn: psycopg.Connection[Any], rng: np.random.Generator, count: int, now: datetime
) -> None:
    from faker import Faker

    from caredesk.customers.models import Customer, phone_key, postcode_key

    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    firsts = [fake.first_name() for _ in range(500)]
    lasts = [fake.last_name() for _ in range(800)]
    postcodes = [fake.postcode() for _ in range(3_000)]
    streets = [fake.street_name() for _ in range(400)]
    first = rng.integers(0, len(firsts), count)
    last = rng.integers(0, len(lasts), count)
    where = rng.integers(0, len(postcodes), count)
    street = rng.integers(0, len(streets), count)
    house = rng.integers(1, 200, count)
    number = rng.integers(100_000, 999_999, count)
    types = rng.choice(
        ["tenant", "leaseholder", "applicant", "other"], count, p=[0.8, 0.1, 0.07, 0.03]
    )
    first_names = [firsts[i] for i in first.tolist()]
    last_names = [lasts[i] for i in last.tolist()]
    phones = [f"0151 {n // 1000:03d} {n % 1000:03d}{i % 10}" for i, n in enumerate(number.tolist())]
    post = [postcodes[i] for i in where.tolist()]
    created = int((now - timedelta(days=3 * 365)).timestamp()) * MICROS
    _copy(
        conn,
        Customer,
        {
            "id": [str(i) for i in range(1, count + 1)],
            "customer_type": list(types.tolist()),
            "first_name": first_names,
            "last_name": last_names,
            "email": [
                f"{f}.{s}{i}@example.org".lower().replace(" ", "").replace("'", "")
                for i, (f, s) in enumerate(zip(first_names, last_names, strict=True))
            ],
            "phone": phones,
            "phone_search": [phone_key(p) for p in phones],
            "address": [
                f"{h} {streets[s]}" for h, s in zip(house.tolist(), street.tolist(), strict=True)
            ],
            "postcode": post,
            "postcode_search": [postcode_key(p) for p in post],
            "created_at": _times(np.full(count, created, dtype=np.int64)),
        },
    )


def _received_times(rng: np.random.Generator, count: int, now_micros: int) -> Ints:
    """Times over the last 12 months, mostly on weekdays between 08:00 and 18:00."""
    chosen: list[Ints] = []
    wanted = count
    while wanted > 0:
        draws = rng.integers(now_micros - 365 * DAY, now_micros - 60 * MICROS, 3 * wanted)
        hour = (draws % DAY) // (3_600 * MICROS)  # UTC hour: only shapes the spread of times
        weekday = (draws // DAY + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
        busy = (weekday < 5) & (hour >= 8) & (hour < 18)
        kept = draws[busy | (rng.random(draws.size) < 0.1)][:wanted]
        chosen.append(kept)
        wanted -= kept.size
    return np.sort(np.concatenate(chosen)).astype(np.int64)


@dataclass
class Deadlines:
    """Deadline rows being built: parallel lists of arrays, one group per standard."""

    case: list[Ints]
    standard: list[str]
    starts: list[Ints]
    due: list[Ints]
    met: list[Ints]  # -1: not met
    ended: list[Ints]  # -1: not ended

    def add(
        self, case: Ints, standard: str, starts: Ints, due: Ints, met: Ints, ended: Ints
    ) -> None:
        self.case.append(case)
        self.standard.extend([standard] * case.size)
        self.starts.append(starts)
        self.due.append(due)
        self.met.append(met)
        self.ended.append(ended)


def _load_cases(
    conn: psycopg.Connection[Any],
    rng: np.random.Generator,
    *,
    cases: int,
    customers: int,
    staff: Staff,
    now: datetime,
) -> None:
    from caredesk.cases import rules
    from caredesk.cases.models import Case, Deadline, ReferenceCounter
    from caredesk.core.active_policy import active_policy
    from caredesk.standards import due_at_batch
    from caredesk.standards.policy import CaseKind as PolicyKind
    from caredesk.standards.policy import Channel as PolicyChannel
    from caredesk.standards.policy import ClockEvent, Rule
    from caredesk.standards.warnings import warning_time
    from caredesk.standards.zones import from_micros

    policy = active_policy()
    calendar = policy.working_calendar
    now_micros = int(now.timestamp()) * MICROS
    received = _received_times(rng, cases, now_micros)
    ids = np.arange(1, cases + 1, dtype=np.int64)

    kind_names = [k for k, _, _ in KINDS]
    kind_index = rng.choice(len(KINDS), cases, p=[share for _, share, _ in KINDS])
    kinds = np.array(kind_names, dtype=object)[kind_index]
    channels = np.empty(cases, dtype=object)
    first_contact = np.zeros(cases, dtype=bool)
    for i, (_, _, by_channel) in enumerate(KINDS):
        chosen = kind_index == i
        names = list(by_channel)
        channels[chosen] = rng.choice(names, int(chosen.sum()), p=list(by_channel.values()))
    for (kind, channel), share in RESOLVED_AT_FIRST_CONTACT.items():
        chosen = (kinds == kind) & (channels == channel)
        first_contact[chosen] = rng.random(int(chosen.sum())) < share

    # Which standards start on receipt: the services' own rules, once per kind, channel
    # and "resolved at first contact".
    standards = {s.key: s for s in policy.deadline_standards()}
    started_by: dict[tuple[str, str, bool], list[str]] = {}
    for kind in kind_names:
        for channel in {c for _, _, by in KINDS for c in by}:
            for resolved in (False, True):
                events = rules.events_on_receipt(
                    kind=kind, channel=channel, resolved_at_first_contact=resolved
                )
                started_by[kind, channel, resolved] = [
                    s.key
                    for s in standards.values()
                    if rules.starts(s, kind=kind, channel=channel, events=events)
                ]

    made = Deadlines([], [], [], [], [], [])
    # A generation of deadlines: (case indexes, standard key, start instants).
    pending: list[tuple[Ints, str, Ints]] = []
    combo_keys = np.char.add(np.char.add(kinds.astype(str), "|"), channels.astype(str))
    for (kind, channel, resolved), starting in started_by.items():
        chosen = np.flatnonzero((combo_keys == f"{kind}|{channel}") & (first_contact == resolved))
        for key in starting:
            if chosen.size:
                pending.append((chosen, key, received[chosen]))

    answered_at_once = {ClockEvent.RESPONSE_SENT, ClockEvent.CUSTOMER_CONTACTED}
    while pending:
        following: list[tuple[Ints, str, Ints]] = []
        for index, key, starts in pending:
            standard = standards[key]
            due_batch = due_at_batch(starts.view("datetime64[us]"), standard.target, calendar)
            due_micros = due_batch.astype("datetime64[us]").view(np.int64)
            span = due_micros - starts
            late = rng.random(index.size) < LATE_SHARE
            fraction = np.where(
                late, rng.uniform(1.0, 1.8, index.size), rng.uniform(0.05, 1.0, index.size)
            )
            met = starts + (span * fraction).astype(np.int64) // MICROS * MICROS
            if standard.stops in answered_at_once:
                met = np.where(first_contact[index], starts, met)
            never = rng.random(index.size) < BACKLOG_SHARE
            met = np.where(never | (met > now_micros), -1, met)
            unmet = (met >= 0) & (rng.random(index.size) < ENDED_UNMET_SHARE)
            ended = np.where(unmet, met, -1)
            met = np.where(unmet, -1, met)
            made.add(index, key, starts, due_micros, met, ended)

            done = met >= 0
            kind_codes = np.array([PolicyKind(k) for k in kinds[index[done]]], dtype=object)
            for next_standard in standards.values():
                if next_standard.starts == standard.stops and next_standard.key != key:
                    applies = np.array(
                        [
                            next_standard.applies_to(channel=PolicyChannel(c), kind=PolicyKind(k))
                            for k, c in zip(kind_codes, channels[index[done]], strict=True)
                        ],
                        dtype=bool,
                    )
                    if applies.any():
                        following.append(
                            (index[done][applies], next_standard.key, met[done][applies])
                        )
            if standard.starts == ClockEvent.STAGE_1_ACKNOWLEDGED:
                # The customer asks for stage 2, days or weeks after the stage 1 response.
                asks = done & (rng.random(index.size) < STAGE_2_SHARE)
                at = met[asks] + rng.integers(2 * DAY, 30 * DAY, int(asks.sum()))
                later = at < now_micros
                for next_standard in standards.values():
                    if next_standard.starts == ClockEvent.STAGE_2_REQUESTED:
                        following.append((index[asks][later], next_standard.key, at[later]))
        pending = [(i, k, s) for i, k, s in following if i.size]

    case_of = np.concatenate(made.case)
    starts = np.concatenate(made.starts)
    due = np.concatenate(made.due)
    met = np.concatenate(made.met)
    ended = np.concatenate(made.ended)
    keys = np.array(made.standard, dtype=object)
    is_open = (met < 0) & (ended < 0)
    count = case_of.size

    # Cases: an officer of a random team (or the team's queue); then the benchmark
    # officer takes a share of cases sized to leave them about `MY_OPEN` open deadlines.
    team_ids = np.array(staff.teams, dtype=np.int64)
    team = team_ids[rng.integers(0, team_ids.size, cases)]
    officer = np.full(cases, -1, dtype=np.int64)
    assigned = rng.random(cases) < ASSIGNED_SHARE
    for team_id, people in staff.officers_by_team.items():
        chosen = assigned & (team == team_id)
        officer[chosen] = np.array(people)[rng.integers(0, len(people), int(chosen.sum()))]
    open_cases = np.zeros(cases, dtype=bool)
    open_cases[case_of[is_open]] = True
    share = min(1.0, MY_OPEN / max(1, int(is_open.sum())))
    mine = rng.random(cases) < share
    officer[mine] = staff.bench_officer
    team[mine] = staff.bench_team

    status = np.where(
        open_cases, "open", np.where(received < now_micros - 60 * DAY, "closed", "resolved")
    )
    years = received.view("datetime64[us]").astype("datetime64[Y]").astype(np.int64) + 1970
    # London is on GMT at New Year, so the UTC year is the organisation's year.
    numbers = np.zeros(cases, dtype=np.int64)
    counters: dict[int, int] = {}
    for year in np.unique(years).tolist():
        chosen = years == year
        numbers[chosen] = np.arange(1, int(chosen.sum()) + 1)
        counters[year] = int(chosen.sum())
    prefix = policy.organisation.reference_prefix
    references = [
        f"{prefix}-{y}-{n:06d}" for y, n in zip(years.tolist(), numbers.tolist(), strict=True)
    ]
    subjects = [SUBJECTS[k][i % len(SUBJECTS[k])] for i, k in enumerate(kinds.tolist())]
    created = np.minimum(
        received + rng.integers(0, 300 * MICROS, cases) // MICROS * MICROS, now_micros
    )
    customer = np.where(rng.random(cases) < 0.08, -1, rng.integers(1, customers + 1, cases))
    urgent = (kinds == "message") & (rng.random(cases) < 0.03)
    case_columns: dict[str, Sequence[str] | str] = {
        "id": _text(ids),
        "reference": references,
        "kind": list(kinds.tolist()),
        "customer_id": [NULL if c < 0 else str(c) for c in customer.tolist()],
        "channel": list(channels.tolist()),
        "received_at": _times(received),
        "subject": subjects,
        "description": "",
        "assigned_to_id": [NULL if o < 0 else str(o) for o in officer.tolist()],
        "team_id": _text(team),
        "status": list(status.tolist()),
        "urgent": ["t" if u else "f" for u in urgent.tolist()],
        "resolved_at_first_contact": ["t" if r else "f" for r in first_contact.tolist()],
        "created_at": _times(created),
    }
    case_fields = {f.column for f in Case._meta.concrete_fields}
    if "urgent_escalated_at" in case_fields and policy.has_rule(
        Rule.URGENT_MESSAGES_TO_LINE_MANAGER
    ):
        # The worker passed each urgent message on a minute after it was logged.
        case_columns["urgent_escalated_at"] = _times(created + 60 * MICROS, urgent)
    _copy(conn, Case, case_columns)
    for year, last in counters.items():
        ReferenceCounter.objects.update_or_create(prefix=prefix, year=year, defaults={"last": last})

    status_of = np.where(is_open, "open", np.where(met >= 0, "met", "ended_unmet"))
    deadline_columns: dict[str, Sequence[str] | str] = {
        "id": [str(i) for i in range(1, count + 1)],
        "case_id": _text(case_of + 1),
        "standard_key": list(keys.tolist()),
        "starts_at": _times(starts),
        "due_at": _times(due),
        "standard_due_at": _times(due),
        "met_at": _times(met, met >= 0),
        "ended_at": _times(ended, ended >= 0),
        "status": list(status_of.tolist()),
        "assigned_to_id": [NULL if o < 0 else str(o) for o in officer[case_of].tolist()],
        "team_id": _text(team[case_of]),
    }
    deadline_fields = {f.column for f in Deadline._meta.concrete_fields}
    if {"warn_at", "warned_at", "escalated_at"} <= deadline_fields:
        # The worker's marks on open deadlines: when to warn (through the engine), and
        # the warnings and escalations already sent.
        warn = np.full(count, -1, dtype=np.int64)
        for i in np.flatnonzero(is_open).tolist():
            standard = standards[str(keys[i])]
            before = policy.warn_before(standard)
            if before is None:
                continue
            moment = warning_time(
                starts=from_micros(int(starts[i])),
                due=from_micros(int(due[i])),
                before=before,
                calendar=calendar,
            )
            if moment is not None:
                warn[i] = int(moment.timestamp() * MICROS)
        warned = is_open & (warn >= 0) & (warn < now_micros)
        escalated = is_open & (due + 15 * 60 * MICROS < now_micros)
        deadline_columns["warn_at"] = _times(warn, warn >= 0)
        deadline_columns["warned_at"] = _times(warn + 60 * MICROS, warned)
        deadline_columns["escalated_at"] = _times(due + 15 * 60 * MICROS, escalated)
    _copy(conn, Deadline, deadline_columns)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=FULL_SIZE)
    parser.add_argument("--database-url", help="default: caredesk_bench[_N] on 127.0.0.1")
    parser.add_argument("--fresh", action="store_true", help="drop the database and load again")
    options = parser.parse_args()
    url = options.database_url or default_url(options.cases)
    loaded = prepare(cases=options.cases, url=url, fresh=options.fresh)
    print(describe(loaded))
    return 0


def describe(loaded: Loaded) -> str:
    how = (
        f"reused (loaded {loaded.loaded_at:%Y-%m-%d %H:%M} UTC in {loaded.load_seconds:.0f} s)"
        if loaded.reused
        else f"loaded in {loaded.load_seconds:.1f} s, "
        f"loader peak RSS {loaded.loader_peak_rss_mb:.0f} MB"
    )
    return (
        f"{urlsplit(loaded.url).path.lstrip('/')}: {loaded.cases:,} cases, "
        f"{loaded.deadlines:,} deadlines ({loaded.open_deadlines:,} open, "
        f"{loaded.overdue:,} overdue; {BENCH_OFFICER} has {loaded.my_open}), {how}"
    )


if __name__ == "__main__":
    sys.exit(main())
