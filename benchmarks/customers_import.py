"""Importing customers from a housing management system: 200,000 into PostgreSQL and SQLite.

    .venv/bin/python benchmarks/customers_import.py                  # 200,000, both databases
    .venv/bin/python benchmarks/customers_import.py --customers 5000 # CI size
    .venv/bin/python benchmarks/customers_import.py --databases postgres --keep

Writes a realistic export (seeded: names, titles, organisations, tenures, addresses of one
to four lines, postcodes, UPRNs, phones and emails, some blank, and a mix of contact
preferences, formats and needs) in the shipped `housing` mapping's columns, and a copy
with 1% of the rows changed (a new phone, surname, email or postcode). Then for each
database, made afresh (PostgreSQL `caredesk_bench_customers` or
`caredesk_bench_customers_<N>`: only databases with that prefix are ever dropped; SQLite
a new file), migrated with `caredesk migrate`, it runs, each in a process of its own:

1. the import of the whole file (every customer new);
2. the same file again: it must write nothing (no customer changed, no event);
3. the file with 1% changed: exactly those customers changed, one event each.

Each line gives rows/s, seconds, the process's peak RSS, the queries the import sent,
and the ratio to a baseline measured in this process on the same file: reading it with
the csv module alone (`csv.reader` over every row, nothing checked or stored).

Budgets (DESIGN.md section 6): every import process under 300 MB peak RSS. Printed as met
or MISSED; the exit status is 1 when it is missed, or when an import writes what it
should not (anything on the second run, more or fewer changes than 1% on the third).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from calls import must  # noqa: E402  (running a child, its peak RSS)

FULL_SIZE = 200_000
SERVER = "postgres://postgres@127.0.0.1:5432"
PREFIX = "caredesk_bench_customers"
BUDGET_RSS_MB = 300.0
HEADINGS = [
    "Person Ref", "Tenure", "Title", "Forename", "Surname", "Organisation", "Email", "Phone",
    "Address 1", "Address 2", "Address 3", "Town", "Postcode", "UPRN", "Contact Method",
    "Best Time", "Language", "Format", "Interpreter", "Home Visits", "Same Sex Officer",
]  # fmt: skip


def _words(text: str) -> list[str]:
    return text.split()


FORENAMES = _words("""Amira Olu Tia Grace Tomasz Mohammed Sophie Jack Aisha Liam Chloe Noah Priya
Oliver Fatima George Zofia Ethan Hannah Daniel Kwame Ewa Siobhan Connor Mei Rhys Nadia Harry Leah
Samuel Joanne Kevin Margaret Paul Sandra David Irene Brian Dorothy Carl""")
SURNAMES = _words("""Khan Adeyemi Smith Jones Williams Brown Taylor Davies Evans Wilson Thomas
Roberts
Johnson Lewis Walker Robinson Wood Thompson White Watson Jackson Wright Green Harris Cooper King
Lee Martin Clarke James Morgan Hughes Edwards Hill Moore Clark Harrison Scott Young Morris Hall
Ward Turner Carter Phillips Mitchell Patel Nowak Kowalski Okafor O'Brien Murphy Kelly McDonald
Ahmed Ali Begum Singh Chen Nguyen""")
STREETS = """High Street|Church Road|Station Road|Halton Road|Victoria Road|Park Lane|Castle Street
|Brook Lane|Mersey Road|Main Street|Queen's Drive|Albert Road|Mill Lane|Grosvenor Avenue|Derby Road
|Widnes Road|Vicarage Close|The Maltings""".replace("\n", "").split("|")
ESTATES = ["", "", "", "Castlefields", "Halton Brook", "Palace Fields", "Hough Green", "Ditton"]
BLOCKS = ["Derby House", "Mersey View", "Coronation Court", "Riverside Court", "Halton Heights"]
TOWNS = ["Runcorn", "Widnes", "Halton", "Warrington", "St Helens"]
DISTRICTS = ["WA7", "WA8", "WA1", "WA2", "WA4", "WA5", "WA9", "L24", "L26", "CH64"]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
TITLES = ["Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", ""]
TENURES = ["T"] * 80 + ["L"] * 9 + ["SO"] * 3 + ["LIC"] * 3 + ["APP"] * 4 + ["AG"]
METHODS = ["TEL"] * 40 + ["EML"] * 20 + ["LET"] * 15 + ["SMS"] * 15 + ["VIS"] * 2 + [""] * 8
FORMATS = ["STD"] * 90 + ["LP"] * 5 + ["BR"] + ["AUD"] * 2 + ["ER"] * 2
LANGUAGES = (
    [""] * 92 + ["Polish", "Urdu", "Arabic", "Bengali", "Romanian", "BSL", "Somali"] + ["Welsh"]
)
TIMES = [""] * 85 + ["Mornings", "After 5pm", "Not Fridays", "Weekdays 10-12", "Any time"] * 3


# -- the files ---------------------------------------------------------------------------


def customer_rows(count: int, seed: int = 16) -> list[list[str]]:
    import numpy as np

    generator = np.random.default_rng(seed)
    rows: list[list[str]] = []
    pick = generator.integers
    for number in range(count):
        tenure = TENURES[pick(len(TENURES))]
        agency = tenure == "AG"
        forename = "" if agency else FORENAMES[pick(len(FORENAMES))]
        surname = "" if agency else SURNAMES[pick(len(SURNAMES))]
        house = str(pick(1, 240))
        street = STREETS[pick(len(STREETS))]
        flat = pick(4) == 0
        address = (
            [f"Flat {pick(1, 40)}", BLOCKS[pick(len(BLOCKS))], ESTATES[pick(len(ESTATES))]]
            if flat
            else [f"{house} {street}", ESTATES[pick(len(ESTATES))], ""]
        )
        district = DISTRICTS[pick(len(DISTRICTS))]
        letters = INWARD_LETTERS[pick(20)] + INWARD_LETTERS[pick(20)]
        postcode = f"{district} {pick(10)}{letters}"
        postcode = postcode.lower() if pick(20) == 0 else postcode  # typed as it came
        mobile = pick(10) < 7
        phone = (
            f"07{pick(100, 1000)} {pick(100000, 1000000)}"
            if mobile
            else f"0151 {pick(100, 1000)} {pick(1000, 10000)}"
        )
        if pick(12) == 0:
            phone = ""
        email = ""
        if pick(10) < 6:
            name = f"{forename}.{surname}".lower().replace("'", "") if not agency else "office"
            email = f"{name}{pick(1, 100)}@example.{'org' if pick(2) else 'co.uk'}"
        needs = pick(100)
        rows.append(
            [
                f"{'AG' if agency else 'P'}{number + 1:07d}",
                tenure,
                "" if agency else TITLES[pick(len(TITLES))],
                forename,
                surname,
                f"{TOWNS[pick(len(TOWNS))]} Advice Centre" if agency else "",
                email,
                phone,
                *address,
                TOWNS[pick(len(TOWNS))],
                postcode,
                str(pick(10_000_000, 100_099_999_999)) if pick(10) < 8 else "",
                METHODS[pick(len(METHODS))],
                TIMES[pick(len(TIMES))],
                LANGUAGES[pick(len(LANGUAGES))],
                FORMATS[pick(len(FORMATS))],
                "Y" if needs < 4 else "N",
                "Y" if needs % 25 == 3 else "N",
                "Y" if needs % 50 == 7 else "N",
            ]
        )
    return rows


def changed_rows(
    rows: list[list[str]], share: float = 0.01, seed: int = 17
) -> tuple[list[list[str]], int]:
    """A copy of `rows` with `share` of them changed in one detail each."""
    import numpy as np

    generator = np.random.default_rng(seed)
    chosen = generator.choice(len(rows), size=int(len(rows) * share), replace=False)
    changed = [list(row) for row in rows]
    for index in chosen:
        row = changed[int(index)]
        what = int(generator.integers(4))
        if what == 0:
            row[7] = f"07{generator.integers(100, 1000)} {generator.integers(100000, 1000000)}"
        elif what == 1:
            row[4] = (row[4] or "Smith") + "-Jones"
        elif what == 2:
            row[6] = f"moved{index}@example.org"
        else:
            row[12] = "WA7 1AB" if row[12] != "WA7 1AB" else "WA8 6QX"
    return changed, len(chosen)


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADINGS)
        writer.writerows(rows)


def csv_baseline(path: Path) -> float:
    """Seconds to read every row of the file with the csv module, nothing more."""
    began = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as file:
        for _ in csv.reader(file):
            pass
    return time.perf_counter() - began


# -- databases ---------------------------------------------------------------------------


def postgres_url(count: int, server: str) -> str:
    return f"{server}/{PREFIX if count == FULL_SIZE else f'{PREFIX}_{count}'}"


def _postgres(url: str, *, create: bool) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith(PREFIX):
        raise SystemExit(f"this benchmark drops only databases named {PREFIX}...: not {name}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def counts(url: str) -> tuple[int, int]:
    """(customers, customer events) in the database."""
    query = (
        "SELECT (SELECT count(*) FROM customers_customer),"
        " (SELECT count(*) FROM customers_customerevent)"
    )
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            found = conn.execute(query).fetchone()
    else:
        import psycopg

        with psycopg.connect(url) as conn:
            found = conn.execute(query).fetchone()
    assert found is not None
    return int(found[0]), int(found[1])


# -- in a child, with Django set up on the benchmark database ------------------------------


def child_import(path: str) -> None:
    """The import the command runs, with its queries counted. Prints JSON figures."""
    import django

    django.setup()
    from django.db import connection

    from caredesk.core.clock import system_clock
    from caredesk.customers.importing import customers_import

    queries = 0

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        summary = customers_import(path=path, mapping="housing", clock=system_clock)
    print(
        json.dumps(
            {
                "read": summary.rows_read,
                "created": summary.created,
                "changed": summary.changed,
                "unchanged": summary.unchanged,
                "refused": summary.refused,
                "seconds": summary.seconds,
                "queries": queries,
            }
        )
    )


# -- the run -----------------------------------------------------------------------------


@dataclass
class Step:
    what: str
    rows: int
    seconds: float  # the whole process (start-up included)
    import_seconds: float  # the import alone
    peak_rss_mb: float
    queries: int
    figures: dict[str, int]
    customers: int
    events: int


def run_step(what: str, path: Path, url: str, log: Path) -> Step:
    out = log.with_suffix(".json")
    out.unlink(missing_ok=True)
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "_import",
        str(path),
        str(out),
    ]
    seconds, rss = must(command, url, log)
    figures = json.loads(out.read_text())
    customers, events = counts(url)
    return Step(
        what,
        figures["read"],
        seconds,
        figures["seconds"],
        rss,
        figures.pop("queries"),
        figures,
        customers,
        events,
    )


def bench(kind: str, url: str, files: dict[str, Path], changes: int, log: Path) -> list[Step]:
    if kind == "postgres":
        _postgres(url, create=True)
    must([sys.executable, "-m", "caredesk", "migrate", "--verbosity", "0"], url, log)
    steps = [run_step("first import (every customer new)", files["full"], url, log)]
    steps.append(run_step("the same file again (nothing to change)", files["full"], url, log))
    steps.append(run_step(f"1% changed ({changes:,} rows)", files["changed"], url, log))
    return steps


def report(kind: str, steps: list[Step], baseline: float, changes: int) -> list[str]:
    problems = []
    print(f"\n{kind}")
    print(
        f"  {'step':<42}{'rows/s':>10}{'import s':>10}{'process s':>11}{'peak MB':>9}"
        f"{'queries':>9}{'x csv':>8}  new/changed/unchanged/refused"
    )
    for step in steps:
        rate = step.rows / step.import_seconds if step.import_seconds else 0.0
        figures = step.figures
        print(
            f"  {step.what:<42}{rate:>10,.0f}{step.import_seconds:>10.2f}{step.seconds:>11.2f}"
            f"{step.peak_rss_mb:>9.0f}{step.queries:>9,}{step.import_seconds / baseline:>8.1f}"
            f"  {figures['created']:,}/{figures['changed']:,}/{figures['unchanged']:,}/"
            f"{figures['refused']:,}"
        )
        if step.peak_rss_mb >= BUDGET_RSS_MB:
            problems.append(f"{kind}: {step.what}: peak RSS {step.peak_rss_mb:.0f} MB")
    first, again, changed = steps
    if again.figures["created"] or again.figures["changed"] or again.events != first.events:
        problems.append(f"{kind}: the same file again wrote something")
    if changed.figures["changed"] != changes or changed.events != first.events + changes:
        problems.append(
            f"{kind}: 1% changed gave {changed.figures['changed']:,} changes and "
            f"{changed.events - first.events:,} events, not {changes:,}"
        )
    return problems


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "_import":
        import contextlib
        import io

        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            child_import(sys.argv[2])
        Path(sys.argv[3]).write_text(buffer.getvalue().strip().splitlines()[-1])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=FULL_SIZE)
    parser.add_argument("--databases", default="postgres,sqlite")
    parser.add_argument("--keep", action="store_true", help="keep the files and the databases")
    parser.add_argument("--server", default=SERVER, help="PostgreSQL server (no database)")
    options = parser.parse_args()
    kinds = [kind.strip() for kind in options.databases.split(",") if kind.strip()]
    if not kinds or any(kind not in ("postgres", "sqlite") for kind in kinds):
        parser.error("--databases takes postgres, sqlite or both")
    folder = Path(tempfile.mkdtemp(prefix="caredesk-bench-customers-"))
    problems: list[str] = []
    try:
        began = time.perf_counter()
        rows = customer_rows(options.customers)
        changed, changes = changed_rows(rows)
        files = {"full": folder / "customers.csv", "changed": folder / "customers-changed.csv"}
        write_csv(files["full"], rows)
        write_csv(files["changed"], changed)
        del rows, changed
        size = files["full"].stat().st_size / 1e6
        print(
            f"{options.customers:,} customers ({size:.0f} MB) written in "
            f"{time.perf_counter() - began:.1f} s; {date.today()}"
        )
        baseline = min(csv_baseline(files["full"]) for _ in range(3))
        print(
            f"baseline: csv.reader over the file, nothing checked or stored: {baseline:.2f} s "
            f"({options.customers / baseline:,.0f} rows/s)"
        )
        for kind in kinds:
            url = (
                postgres_url(options.customers, options.server)
                if kind == "postgres"
                else f"sqlite:///{folder / 'customers.sqlite3'}"
            )
            steps = bench(kind, url, files, changes, folder / f"{kind}.log")
            problems += report(kind, steps, baseline, changes)
            if kind == "postgres" and not options.keep:
                _postgres(url, create=False)
    finally:
        if options.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print(
        f"budget: every import under {BUDGET_RSS_MB:.0f} MB peak RSS: "
        f"{'MISSED' if any('RSS' in p for p in problems) else 'met'}"
    )
    for problem in problems:
        print(f"MISSED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
