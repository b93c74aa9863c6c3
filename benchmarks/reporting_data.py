"""Years of deadlines in PostgreSQL, for benchmarks/reporting.py.

    .venv/bin/python benchmarks/reporting_data.py [--deadlines 10000000] [--years 3]
        [--fresh] [--database-url URL]

Loads, into a database of its own (created if missing, migrated): the organisation of
benchmarks/queue_data.py (2 offices, 6 teams, 40 staff), customers (one for every 20
cases), and cases received over the last N years with the deadlines their kind and
channel start on receipt by the policy's own rules (`cases.rules.events_on_receipt`
and `applies_to`). Due times come from the engine's batch path (`due_at_batch`), time
taken from `time_taken_batch`. About 93% are met in time, 5% late, 1% by a revised date
a holding reply gave, 0.4% ended unmet; the last fortnight's are partly still open.

Rows go in with COPY, a million cases at a time, so memory stays flat. The triggers
that mark days for the figures fire as in production (once per COPY statement). A
marker table records the size loaded: a second run with the same size reuses it.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from queue_data import (  # noqa: E402
    DAY,
    KINDS,
    MICROS,
    NULL,
    RESOLVED_AT_FIRST_CONTACT,
    SERVER,
    _copy,
    _exists,
    _load_customers,
    _migrate,
    _organisation,
    _recreate,
    _text,
    _times,
    setup_django,
)

FULL_SIZE = 10_000_000
MARKER = "bench_reporting_data"
SEED = 20261123
CHUNK_CASES = 1_000_000
LATE_SHARE = 0.05
REVISED_SHARE = 0.015  # holding replies that gave a new date, mostly kept
ENDED_UNMET_SHARE = 0.004


@dataclass(frozen=True)
class Loaded:
    url: str
    deadlines: int
    cases: int
    years: int
    load_seconds: float
    reused: bool
    first_day: datetime
    last_day: datetime


def default_url(deadlines: int) -> str:
    name = (
        "caredesk_bench_reporting"
        if deadlines == FULL_SIZE
        else (f"caredesk_bench_reporting_{deadlines}")
    )
    return f"{SERVER}/{name}"


def _marker(url: str) -> dict[str, Any] | None:
    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT to_regclass(%s)", [MARKER]).fetchone()
        if found is None or found[0] is None:
            return None
        row = conn.execute(
            f"SELECT deadlines, cases, years, load_seconds, first_day, last_day FROM {MARKER}"
        ).fetchone()
    if row is None:
        return None
    keys = ("deadlines", "cases", "years", "load_seconds", "first_day", "last_day")
    return dict(zip(keys, row, strict=True))


def prepare(*, deadlines: int, years: int, url: str, fresh: bool) -> Loaded:
    """Make sure `url` holds about `deadlines` deadlines over `years`; set up Django on it."""
    if fresh or not _exists(url):
        _recreate(url)
    _migrate(url)
    marker = _marker(url)
    if marker is not None and marker["deadlines"] >= deadlines * 0.95 and marker["years"] == years:
        setup_django(url)
        return Loaded(url=url, reused=True, **marker)
    _recreate(url)
    _migrate(url)
    setup_django(url)
    began = time.perf_counter()
    cases, made, first, last = _load(url, deadlines=deadlines, years=years)
    seconds = time.perf_counter() - began
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            f"CREATE TABLE {MARKER} (deadlines bigint, cases bigint, years int,"
            " load_seconds float8, first_day timestamptz, last_day timestamptz)"
        )
        conn.execute(
            f"INSERT INTO {MARKER} VALUES (%s, %s, %s, %s, %s, %s)",
            [made, cases, years, seconds, first, last],
        )
    return Loaded(
        url=url,
        deadlines=made,
        cases=cases,
        years=years,
        load_seconds=seconds,
        reused=False,
        first_day=first,
        last_day=last,
    )


def _load(url: str, *, deadlines: int, years: int) -> tuple[int, int, datetime, datetime]:
    from caredesk.cases import rules
    from caredesk.core.active_policy import active_policy

    policy = active_policy()
    rng = np.random.default_rng(SEED)
    now = datetime.now(tz=UTC).replace(microsecond=0)
    staff = _organisation()
    standards = {s.key: s for s in policy.deadline_standards()}
    channels_all = sorted({c for _, _, by in KINDS for c in by})
    started_by: dict[tuple[str, str, bool], list[str]] = {}
    for kind, _, _ in KINDS:
        for channel in channels_all:
            for resolved in (False, True):
                events = rules.events_on_receipt(
                    kind=kind, channel=channel, resolved_at_first_contact=resolved
                )
                started_by[kind, channel, resolved] = [
                    s.key
                    for s in standards.values()
                    if rules.starts(s, kind=kind, channel=channel, events=events)
                ]
    # Deadlines per case, on average, for this mix: how many cases make the total.
    per_case = 0.0
    for kind, share, by_channel in KINDS:
        for channel, channel_share in by_channel.items():
            at_once = RESOLVED_AT_FIRST_CONTACT.get((kind, channel), 0.0)
            per_case += (
                share
                * channel_share
                * (
                    (1 - at_once) * len(started_by[kind, channel, False])
                    + at_once * len(started_by[kind, channel, True])
                )
            )
    cases = int(deadlines / per_case)
    customers = max(1_000, cases // 20)
    now_micros = int(now.timestamp()) * MICROS
    span = (now_micros - years * 365 * DAY, now_micros - 60 * MICROS)
    made = 0
    with psycopg.connect(url) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET timezone = 'UTC'")
        _load_customers(conn, rng, customers, now)
        conn.commit()
        for first_id in range(1, cases + 1, CHUNK_CASES):
            count = min(CHUNK_CASES, cases + 1 - first_id)
            made += _load_chunk(
                conn,
                rng,
                first_id=first_id,
                count=count,
                span=span,
                now_micros=now_micros,
                customers=customers,
                staff=staff,
                started_by=started_by,
                policy=policy,
                first_deadline_id=made + 1,
            )
            conn.commit()
            print(f"  loaded {first_id + count - 1:,} of {cases:,} cases, {made:,} deadlines")
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("customers_customer", "cases_case", "cases_deadline"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
            )
        conn.execute("VACUUM ANALYZE")
    first = datetime.fromtimestamp(span[0] / MICROS, tz=UTC)
    return cases, made, first, now


def _load_chunk(
    conn: psycopg.Connection[Any],
    rng: np.random.Generator,
    *,
    first_id: int,
    count: int,
    span: tuple[int, int],
    now_micros: int,
    customers: int,
    staff: Any,
    started_by: dict[tuple[str, str, bool], list[str]],
    policy: Any,
    first_deadline_id: int,
) -> int:
    from caredesk.cases.models import Case, Deadline
    from caredesk.standards import due_at_batch, taken_unit, time_taken_batch

    calendar = policy.working_calendar
    ids = np.arange(first_id, first_id + count, dtype=np.int64)
    received = np.sort(rng.integers(span[0], span[1], count)).astype(np.int64)
    received -= received % MICROS
    kind_names = [k for k, _, _ in KINDS]
    kind_index = rng.choice(len(KINDS), count, p=[share for _, share, _ in KINDS])
    kinds = np.array(kind_names, dtype=object)[kind_index]
    channels = np.empty(count, dtype=object)
    for i, (_, _, by_channel) in enumerate(KINDS):
        chosen = kind_index == i
        channels[chosen] = rng.choice(
            list(by_channel), int(chosen.sum()), p=list(by_channel.values())
        )
    first_contact = np.zeros(count, dtype=bool)
    for (kind, channel), share in RESOLVED_AT_FIRST_CONTACT.items():
        chosen = (kinds == kind) & (channels == channel)
        first_contact[chosen] = rng.random(int(chosen.sum())) < share
    team_ids = np.array(staff.teams, dtype=np.int64)
    team = team_ids[rng.integers(0, team_ids.size, count)]
    officer = np.full(count, -1, dtype=np.int64)
    assigned = rng.random(count) < 0.85
    for team_id, people in staff.officers_by_team.items():
        chosen = assigned & (team == team_id)
        officer[chosen] = np.array(people)[rng.integers(0, len(people), int(chosen.sum()))]
    customer = np.where(rng.random(count) < 0.08, -1, rng.integers(1, customers + 1, count))

    rows: dict[str, list[Any]] = {
        name: []
        for name in ("case", "key", "starts", "due", "standard_due", "revised", "met", "ended")
    }
    rows["taken"] = []
    combo = np.char.add(np.char.add(kinds.astype(str), "|"), channels.astype(str))
    for (kind, channel, resolved), keys in started_by.items():
        chosen = np.flatnonzero((combo == f"{kind}|{channel}") & (first_contact == resolved))
        if not chosen.size:
            continue
        for key in keys:
            standard = policy.deadline_standard(key)
            starts = received[chosen]
            due = due_at_batch(starts.view("datetime64[us]"), standard.target, calendar)
            due_micros = due.astype("datetime64[us]").view(np.int64)
            length = due_micros - starts
            draw = rng.random(chosen.size)
            late = draw < LATE_SHARE
            revised_kept = (draw >= LATE_SHARE) & (draw < LATE_SHARE + REVISED_SHARE)
            fraction = np.where(
                late | revised_kept,
                rng.uniform(1.02, 1.6, chosen.size),
                rng.uniform(0.05, 1.0, chosen.size),
            )
            met = starts + (length * fraction).astype(np.int64) // MICROS * MICROS
            if resolved:
                met = starts.copy()
            revised = np.where(revised_kept, met + rng.integers(1, 5, chosen.size) * DAY, -1)
            unmet = rng.random(chosen.size) < ENDED_UNMET_SHARE
            ended = np.where(unmet, met, -1)
            met = np.where(unmet | (met > now_micros), -1, met)
            ended = np.where(ended > now_micros, -1, ended)
            taken = np.full(chosen.size, -1, dtype=np.int64)
            done = met >= 0
            if done.any():
                taken[done] = time_taken_batch(
                    starts[done].view("datetime64[us]"),
                    met[done].view("datetime64[us]"),
                    taken_unit(standard.target.unit),
                    calendar,
                )
            rows["case"].append(chosen)
            rows["key"].extend([key] * chosen.size)
            rows["starts"].append(starts)
            rows["standard_due"].append(due_micros)
            rows["revised"].append(revised)
            rows["due"].append(np.where(revised >= 0, revised, due_micros))
            rows["met"].append(met)
            rows["ended"].append(ended)
            rows["taken"].append(taken)

    case_index = np.concatenate(rows["case"])
    met = np.concatenate(rows["met"])
    ended = np.concatenate(rows["ended"])
    revised = np.concatenate(rows["revised"])
    taken = np.concatenate(rows["taken"])
    is_open = (met < 0) & (ended < 0)
    open_cases = np.zeros(count, dtype=bool)
    open_cases[case_index[is_open]] = True
    status = np.where(open_cases, "open", "closed")
    _copy(
        conn,
        Case,
        {
            "id": _text(ids),
            "reference": [f"R-{i}" for i in ids.tolist()],
            "kind": list(kinds.tolist()),
            "channel": list(channels.tolist()),
            "customer_id": [NULL if c < 0 else str(c) for c in customer.tolist()],
            "received_at": _times(received),
            "subject": "A benchmark case",
            "assigned_to_id": [NULL if o < 0 else str(o) for o in officer.tolist()],
            "team_id": _text(team),
            "status": list(status.tolist()),
            "resolved_at_first_contact": ["t" if f else "f" for f in first_contact.tolist()],
            "created_at": _times(received),
        },
    )
    total = case_index.size
    deadline_status = np.where(met >= 0, "met", np.where(ended >= 0, "ended_unmet", "open"))
    _copy(
        conn,
        Deadline,
        {
            "id": _text(np.arange(first_deadline_id, first_deadline_id + total, dtype=np.int64)),
            "case_id": _text(ids[case_index]),
            "standard_key": rows["key"],
            "starts_at": _times(np.concatenate(rows["starts"])),
            "due_at": _times(np.concatenate(rows["due"])),
            "standard_due_at": _times(np.concatenate(rows["standard_due"])),
            "revised_due_at": _times(np.maximum(revised, 0), revised >= 0),
            "met_at": _times(np.maximum(met, 0), met >= 0),
            "ended_at": _times(np.maximum(ended, 0), ended >= 0),
            "status": list(deadline_status.tolist()),
            "assigned_to_id": [NULL if o < 0 else str(o) for o in officer[case_index].tolist()],
            "team_id": _text(team[case_index]),
            "time_taken": [NULL if t < 0 else str(t) for t in taken.tolist()],
        },
    )
    return int(total)


def describe(loaded: Loaded) -> str:
    how = "reused" if loaded.reused else "loaded"
    return (
        f"{loaded.deadlines:,} deadlines on {loaded.cases:,} cases over {loaded.years} years, "
        f"{how} ({loaded.load_seconds:.0f} s to load)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deadlines", type=int, default=FULL_SIZE)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or default_url(args.deadlines)
    loaded = prepare(deadlines=args.deadlines, years=args.years, url=url, fresh=args.fresh)
    print(describe(loaded))
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
