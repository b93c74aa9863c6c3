"""Importing call records: 1,000,000 Asterisk rows into PostgreSQL and SQLite.

    .venv/bin/python benchmarks/calls.py                        # 1M rows, both databases
    .venv/bin/python benchmarks/calls.py --rows 20000 --sample 2000   # CI size
    .venv/bin/python benchmarks/calls.py --databases postgres --keep --gzip

Writes a year of realistic Asterisk call records (benchmarks/call_records.py: office-hours
peaks, Monday mornings, 80-95% answered, abandoned, voicemail and transferred calls, 40
staff extensions, about 2% awkward or bad rows) to a temporary folder, then for each
database:

1. makes it afresh: PostgreSQL `caredesk_bench_calls` (`caredesk_bench_calls_<N>` for
   other sizes; only databases with that prefix are ever dropped) or a new SQLite file,
   migrated with `caredesk migrate`, with 40 staff and their extensions;
2. the baseline: a naive import of the first --sample rows, in the same parser, with
   one `Call.objects.create` per row, its measures one `CallMeasure.objects.create`
   (and one scalar `due_at`) at a time, and the same callback case per voicemail;
3. `caredesk calls import` of the same sample, then of the whole file, then the whole
   file again (every call already here: the cost of idempotency), and last the import's
   Python work alone, with no database (reading, parsing and measures; for PostgreSQL
   through the fast lane, with the COPY text), which shows how much of the import's
   time that is on this machine. Each runs in its own
   process; its peak RSS counts that process and any processes it starts,
   summed (see run_child), so a flat line between the sample and the whole file shows
   memory does not grow with the file.

Budgets (DESIGN.md section 6): 1M rows into PostgreSQL in under 30 s (measured only at
1,000,000 rows); every import process under 300 MB peak RSS (at any size). Each budget
that applies is printed as met or MISSED; the exit status is 1 when one is missed, or
when importing the file again adds calls.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from call_records import EXTENSIONS, generate, take  # noqa: E402

FULL_SIZE = 1_000_000
SERVER = "postgres://postgres@127.0.0.1:5432"
PREFIX = "caredesk_bench_calls"
BUDGET_SECONDS = 30.0
BUDGET_RSS_MB = 300.0


@dataclass
class Run:
    what: str
    rows: int
    seconds: float
    peak_rss_mb: float | None
    new_calls: int
    calls_after: int

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


# -- databases ---------------------------------------------------------------------------


def postgres_url(rows: int, server: str) -> str:
    name = PREFIX if rows == FULL_SIZE else f"{PREFIX}_{rows}"
    return f"{server}/{name}"


def _maintenance(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def recreate_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _maintenance(url)
    if not name.startswith(PREFIX):
        raise SystemExit(f"benchmarks/calls.py drops only databases named {PREFIX}...: not {name}")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _maintenance(url)
    assert name.startswith(PREFIX)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def counts(url: str) -> dict[str, int]:
    tables = {
        "calls": "telephony_call",
        "measures": "telephony_callmeasure",
        "cases": "cases_case",
        "imports": "telephony_callimport",
    }
    found: dict[str, int] = {}
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            for key, table in tables.items():
                found[key] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        return found
    import psycopg

    with psycopg.connect(url) as conn:
        for key, table in tables.items():
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            found[key] = int(row[0]) if row else 0
    return found


def environment(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "caredesk.settings",
        "CAREDESK_POLICY": "halton",
    }


def run_child(command: list[str], url: str, log: Path) -> tuple[float, float, int]:
    """Run `command`; (seconds, peak RSS in MB, exit status). Output goes to `log`.

    The peak RSS is the larger of the kernel's figure for the process (`os.wait4`) and
    the highest sum, sampled every 50 ms, over the process and its descendants (the
    processes the import may start): the memory the whole import holds at once.
    """
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(command)}\n".encode())
        out.flush()
        began = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, env=environment(url), stdout=out, stderr=out)
        tree_peak = 0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            tree_peak = max(tree_peak, tree_rss_kb(child.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
    return seconds, max(usage.ru_maxrss, tree_peak) / 1024, child.returncode


def tree_rss_kb(root: int) -> int:
    """The resident memory (kB) of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def must(command: list[str], url: str, log: Path) -> tuple[float, float]:
    seconds, rss, code = run_child(command, url, log)
    if code != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        raise SystemExit(f"{' '.join(command[:4])} failed ({code}):\n{tail}")
    return seconds, rss


def me(mode: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), mode, *args]


def caredesk(*args: str) -> list[str]:
    return [sys.executable, "-m", "caredesk", *args]


# -- in a child, with Django set up on the benchmark database ------------------------------


def _django() -> None:
    import django

    django.setup()


def child_setup() -> None:
    """40 staff with desk phones (2001-2040), so answered calls find who answered."""
    _django()
    from caredesk.staff.models import Office, StaffMember, Team
    from caredesk.telephony.models import Extension

    office = Office.objects.create(name="Runcorn")
    team = Team.objects.create(name="Customer Services", office=office)
    staff = StaffMember.objects.bulk_create(
        [
            StaffMember(
                username=f"agent_{number}",
                first_name="Agent",
                last_name=number,
                email=f"agent_{number}@example.org",
                password="!",
                team=team,
            )
            for number in EXTENSIONS
        ]
    )
    Extension.objects.bulk_create(
        [
            Extension(number=number, staff=person)
            for number, person in zip(EXTENSIONS, staff, strict=True)
        ]
    )


def child_naive(path: str) -> None:
    """One ORM save per row: the way anyone would write it first. Prints JSON figures."""
    _django()
    from django.db import IntegrityError, transaction

    from caredesk.cases.models import Case
    from caredesk.cases.services import case_create
    from caredesk.core.active_policy import active_policy
    from caredesk.core.clock import system_clock
    from caredesk.standards import due_at
    from caredesk.telephony.asterisk import asterisk_rows
    from caredesk.telephony.call_file import CallFile
    from caredesk.telephony.models import Call, CallImport, CallMeasure, Extension, Line
    from caredesk.telephony.preparing import phone_standards, rings_for
    from caredesk.telephony.rows import Outcome, ParsedCall

    policy = active_policy()
    calendar = policy.working_calendar
    standards = phone_standards(policy)
    ring = policy.calendar.ring_seconds
    began = time.perf_counter()
    rows = new = 0
    with CallFile(path) as call_file:
        record = CallImport.objects.create(
            file_name=Path(path).name, file_format="asterisk", started_at=system_clock.now()
        )
        for row in asterisk_rows(call_file.lines()):
            rows += 1
            if not isinstance(row, ParsedCall):
                continue  # a refused row (the real import writes it to the rejects file)
            line = Line.objects.get_or_create(name=row.line)[0] if row.line else None
            extension = Extension.objects.filter(number=row.extension).first()
            answered = row.outcome in (Outcome.ANSWERED, Outcome.TRANSFERRED)
            try:
                with transaction.atomic():
                    call = Call.objects.create(
                        source="asterisk",
                        call_key=row.call_key,
                        line=line,
                        caller=row.caller,
                        caller_name=row.caller_name,
                        dialled=row.dialled,
                        started_at=row.started_at,
                        answered_at=row.answered_at,
                        ended_at=row.ended_at,
                        seconds_to_answer=row.seconds_to_answer,
                        rings=rings_for(row.seconds_to_answer, ring),
                        talk_seconds=row.talk_seconds,
                        outcome=row.outcome.value,
                        extension=row.extension,
                        answered_by_id=extension.staff_id if extension and answered else None,
                        imported_by=record,
                    )
            except IntegrityError:
                continue  # already here
            new += 1
            if row.outcome is Outcome.VOICEMAIL:
                case_create(
                    kind="message",
                    channel="voicemail",
                    received_at=row.started_at,
                    subject=f"Voicemail from {row.caller_name or row.caller or 'withheld'}",
                    by=None,
                    policy=policy,
                    clock=system_clock,
                )
                continue
            for standard in standards:
                due = due_at(row.started_at, standard.target, calendar)
                met = row.answered_at is not None and row.answered_at <= due
                CallMeasure.objects.create(
                    call=call, standard_key=standard.key, due_at=due, met=met
                )
    seconds = time.perf_counter() - began
    # Leave the database as it was for the real import.
    Case.objects.all().delete()
    CallMeasure.objects.all().delete()
    Call.objects.all().delete()
    CallImport.objects.all().delete()
    print(json.dumps({"rows": rows, "new": new, "seconds": seconds}))


def child_parse(path: str) -> None:
    """What the import does in Python, without the database: read, parse, measure and
    (for PostgreSQL, through the fast lane) write the COPY text of every batch, in this
    thread rather than the reader's."""
    _django()
    from django.db import connection

    from caredesk.core.active_policy import active_policy
    from caredesk.telephony.call_file import CallFile
    from caredesk.telephony.importing import prepared_batches
    from caredesk.telephony.preparing import Preparer

    policy = active_policy()
    preparer = Preparer.for_policy(
        policy,
        staff_by_extension={number: index for index, number in enumerate(EXTENSIONS, 1)},
        copy_text=connection.vendor == "postgresql",
    )
    with CallFile(Path(path)) as call_file:
        for _ in prepared_batches(
            call_file,
            file_format="asterisk",
            zone=policy.calendar.timezone,
            mapping=None,
            not_after=None,
            size=20_000,
            preparer=preparer,
        ):
            pass


def child_wipe() -> None:
    """Remove the calls, their measures and the voicemail cases an import added."""
    _django()
    from django.db import connection

    from caredesk.cases.models import Case

    with connection.cursor() as cursor:
        for table in ("telephony_callmeasure", "telephony_call", "telephony_callimport"):
            cursor.execute(f"DELETE FROM {table}")
    Case.objects.all().delete()


# -- the run -----------------------------------------------------------------------------


def bench_database(
    kind: str, url: str, *, full: Path, sample: Path, sample_rows: int, rows: int, log: Path
) -> list[Run]:
    runs: list[Run] = []
    if kind == "postgres":
        recreate_postgres(url)
    must(caredesk("migrate", "--verbosity", "0"), url, log)
    must(me("_setup"), url, log)

    # the baseline: one ORM save per row
    naive_log = log.with_suffix(".naive.json")
    with naive_log.open("wb") as out:
        began = time.perf_counter()
        child = subprocess.Popen(
            me("_naive", str(sample)), cwd=ROOT, env=environment(url), stdout=out
        )
        _, status, usage = os.wait4(child.pid, 0)
        total = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the naive import failed: {naive_log.read_text()[-2000:]}")
    naive = json.loads(naive_log.read_text().strip().splitlines()[-1])
    runs.append(
        Run(
            "naive, one ORM save per row (sample)",
            naive["rows"],
            naive["seconds"],
            usage.ru_maxrss / 1024,
            naive["new"],
            0,
        )
    )
    del total

    before = counts(url)["calls"]
    for what, path, row_count in (
        ("caredesk calls import (sample)", sample, sample_rows),
        ("caredesk calls import (whole file)", full, rows),
        ("the same file again (all already here)", full, rows),
    ):
        if what.endswith("(whole file)"):
            must(me("_wipe"), url, log)
            before = counts(url)["calls"]
        seconds, rss = must(caredesk("calls", "import", str(path)), url, log)
        after = counts(url)["calls"]
        runs.append(Run(what, row_count, seconds, rss, after - before, after))
        before = after
    # the import's Python work without the database: where its time goes
    seconds, rss = must(me("_parse", str(full)), url, log)
    runs.append(Run("reading and preparing alone (no database)", rows, seconds, rss, 0, before))
    return runs


def report(kind: str, runs: list[Run], extra: dict[str, int]) -> None:
    print(f"\n{kind}")
    print(
        f"  {'run':<42} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'peak RSS':>9} {'new calls':>10}"
    )
    for run in runs:
        rss = f"{run.peak_rss_mb:.0f} MB" if run.peak_rss_mb is not None else "-"
        print(
            f"  {run.what:<42} {run.rows:>10,} {run.seconds:>8.2f} {run.rate:>9,.0f} "
            f"{rss:>9} {run.new_calls:>10,}"
        )
    naive, full = runs[0], runs[2]
    print(
        f"  whole file against the naive baseline: {full.rate / naive.rate:.1f}x the rows per "
        f"second (naive would take {full.rows / naive.rate:,.0f} s for the whole file)"
    )
    print(
        f"  in the database: {extra['calls']:,} calls, {extra['measures']:,} measures, "
        f"{extra['cases']:,} callback cases (voicemail)"
    )


def budgets(kind: str, runs: list[Run], *, rows: int) -> list[tuple[str, bool, str]]:
    """(budget, met, the figure) for each budget that applies to this run: peak RSS at
    any size, the time only for the whole 1M-row file into PostgreSQL."""
    peak = max(run.peak_rss_mb or 0 for run in runs[1:])
    found = [
        (
            f"every import process under {BUDGET_RSS_MB:.0f} MB peak RSS",
            peak < BUDGET_RSS_MB,
            f"{peak:.0f} MB at most",
        )
    ]
    if kind == "postgres" and rows == FULL_SIZE:
        seconds = runs[2].seconds
        found.append(
            (
                f"1M rows into PostgreSQL under {BUDGET_SECONDS:.0f} s",
                seconds < BUDGET_SECONDS,
                f"{seconds:.1f} s",
            )
        )
    return found


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        {"_setup": child_setup, "_wipe": child_wipe}.get(sys.argv[1], lambda: None)()
        if sys.argv[1] == "_naive":
            child_naive(sys.argv[2])
        if sys.argv[1] == "_parse":
            child_parse(sys.argv[2])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=FULL_SIZE)
    parser.add_argument("--sample", type=int, default=20_000, help="rows for the naive baseline")
    parser.add_argument("--databases", default="postgres,sqlite")
    parser.add_argument("--gzip", action="store_true", help="write the file gzipped")
    parser.add_argument("--keep", action="store_true", help="keep the file and the databases")
    parser.add_argument("--server", default=SERVER, help="PostgreSQL server (no database)")
    args = parser.parse_args()
    kinds = [kind.strip() for kind in args.databases.split(",") if kind.strip()]
    if not kinds or any(kind not in ("postgres", "sqlite") for kind in kinds):
        parser.error("--databases takes postgres, sqlite or both")
    if not 0 < args.sample <= args.rows:
        parser.error("--sample must be between 1 and --rows")

    folder = Path(tempfile.mkdtemp(prefix="caredesk-bench-calls-"))
    name = "Master.csv.gz" if args.gzip else "Master.csv"
    made = generate(folder / name, rows=args.rows, compress=args.gzip)
    sample = folder / f"sample-{name}"
    take(made.path, sample, args.sample)
    packed = ", gzip" if args.gzip else ""
    print(
        f"Generated {made.rows:,} Asterisk rows ({made.bytes / 1e6:.0f} MB{packed}) "
        f"in {made.seconds:.1f} s: {made.outcomes['answered']:,} answered, "
        f"{made.outcomes['transferred']:,} transferred, {made.outcomes['abandoned']:,} abandoned, "
        f"{made.outcomes['voicemail']:,} voicemail; {made.awkward:,} awkward, {made.bad:,} bad, "
        f"{made.repeated:,} written twice. In {folder}"
    )
    failed = False
    urls: list[str] = []
    try:
        for kind in kinds:
            url = (
                postgres_url(args.rows, args.server)
                if kind == "postgres"
                else f"sqlite:///{folder / 'calls.sqlite3'}"
            )
            urls.append(url)
            log = folder / f"{kind}.log"
            runs = bench_database(
                kind,
                url,
                full=made.path,
                sample=sample,
                sample_rows=args.sample,
                rows=args.rows,
                log=log,
            )
            report(f"{kind} ({url})", runs, counts(url))
            again = runs[3]
            if again.new_calls != 0:
                print(f"  FAILED: importing the file again added {again.new_calls} calls")
                failed = True
            for label, met, figure in budgets(kind, runs, rows=args.rows):
                print(f"  budget: {label}: {'met' if met else 'MISSED'} ({figure})")
                failed = failed or not met
            if kind == "postgres" and args.rows != FULL_SIZE:
                print(f"  (the {BUDGET_SECONDS:.0f} s budget is for {FULL_SIZE:,} rows only)")
    finally:
        if not args.keep:
            for url in urls:
                if url.startswith("postgres"):
                    drop_postgres(url)
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"\nKept: {folder} and {', '.join(urls)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
