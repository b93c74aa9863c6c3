"""Cases, contacts and their writing in PostgreSQL, for benchmarks/search.py.

    .venv/bin/python benchmarks/search_data.py [--cases 1000000] [--fresh] [--database-url URL]

Loads, into a database of its own (`caredesk_bench_search`, or `caredesk_bench_search_<N>`
for another size; created if missing, migrated with `caredesk migrate`): customers (one
for every 5 cases, from benchmarks/queue_data.py's loader), N cases with a subject and a
description, 5 contacts a case with a summary, a note on every case, an email received
on one case in 10 and a letter sent on one case in 20. Words come from a vocabulary of
housing words and common English words, drawn unevenly (a few words are everywhere, most
are rare), as in real case notes.

Rows go in with COPY. The search triggers are switched off while they do, and the
search index is then built in one statement, every source's writing in the order it was
written (caredesk.search.index_sql.rebuild, what the migration does), and its GIN index
after: the same entries the triggers would have written, in the same order (the newest
last, as in a database used for years), in a fraction of the time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from queue_data import (  # noqa: E402 - after the path is set
    MICROS,
    SERVER,
    _copy,
    _exists,
    _load_customers,
    _migrate,
    _recreate,
    _times,
    setup_django,
)

FULL_SIZE = 1_000_000
MARKER = "bench_search_data"
SEED = 20261207
CONTACTS_PER_CASE = 5

HOUSING_WORDS = [
    "repair",
    "boiler",
    "heating",
    "radiator",
    "leak",
    "damp",
    "mould",
    "condensation",
    "window",
    "door",
    "lock",
    "roof",
    "gutter",
    "drain",
    "toilet",
    "bath",
    "shower",
    "sink",
    "kitchen",
    "bedroom",
    "ceiling",
    "wall",
    "floor",
    "stairs",
    "garden",
    "fence",
    "gate",
    "lift",
    "communal",
    "lighting",
    "rubbish",
    "bins",
    "pest",
    "rats",
    "mice",
    "cockroaches",
    "noise",
    "neighbour",
    "antisocial",
    "parking",
    "rent",
    "arrears",
    "payment",
    "benefit",
    "universal",
    "credit",
    "housing",
    "tenancy",
    "transfer",
    "mutual",
    "exchange",
    "adaptation",
    "ramp",
    "handrail",
    "grab",
    "rail",
    "complaint",
    "compliment",
    "apology",
    "compensation",
    "contractor",
    "appointment",
    "missed",
    "visit",
    "inspection",
    "survey",
    "asbestos",
    "gas",
    "safety",
    "electrical",
    "smoke",
    "alarm",
    "carbon",
    "monoxide",
    "fire",
    "door",
    "cladding",
    "estate",
    "caretaker",
    "cleaning",
    "grass",
    "cutting",
    "trees",
    "hedge",
    "graffiti",
    "vandalism",
    "key",
    "fob",
    "entry",
    "intercom",
    "water",
    "pressure",
    "hot",
    "cold",
    "electricity",
    "meter",
    "decoration",
    "plaster",
    "tiles",
    "carpet",
    "flooring",
    "extractor",
    "fan",
    "ventilation",
    "insulation",
    "draught",
    "glazing",
    "letterbox",
    "doorbell",
    "balcony",
    "shed",
    "garage",
    "storage",
    "scooter",
    "wheelchair",
    "hoist",
    "bathroom",
    "wetroom",
    "rehousing",
    "overcrowding",
    "homeless",
    "succession",
    "lodger",
    "subletting",
]


def default_url(cases: int) -> str:
    name = "caredesk_bench_search" if cases == FULL_SIZE else f"caredesk_bench_search_{cases}"
    return f"{SERVER}/{name}"


def vocabulary() -> list[str]:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(SEED)
    common = sorted({w.lower() for w in fake.get_words_list() if w.isalpha() and len(w) > 2})
    return [*HOUSING_WORDS, *common]


class Words:
    """Text of random words, drawn Zipf-like over the vocabulary (word 1 the commonest)."""

    def __init__(self, rng: np.random.Generator, vocabulary: list[str]) -> None:
        self.rng = rng
        self.words = np.array(vocabulary, dtype=object)
        weights = 1.0 / np.arange(1, len(vocabulary) + 1) ** 0.9
        self.p = weights / weights.sum()

    def texts(self, count: int, low: int, high: int) -> list[str]:
        lengths = self.rng.integers(low, high + 1, count)
        picks = self.words[self.rng.choice(len(self.words), int(lengths.sum()), p=self.p)]
        ends = np.cumsum(lengths)
        return [
            " ".join(picks[e - n : e]) for e, n in zip(ends.tolist(), lengths.tolist(), strict=True)
        ]


def prepare(*, cases: int, url: str, fresh: bool) -> dict[str, Any]:
    """Make sure `url` holds `cases` cases and their writing; set up Django on it."""
    created = fresh or not _exists(url)
    if created:
        _recreate(url)
    _migrate(url)
    setup_django(url)
    marker = _marker(url)
    if marker is not None and marker["cases"] == cases:
        return marker
    if not created:  # another size, or a load that stopped part-way: start from nothing
        from django.db import connections

        connections.close_all()
        _recreate(url)
        _migrate(url)
    began = time.perf_counter()
    _load(url, cases=cases)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {MARKER} (cases int, loaded_at timestamptz, seconds float8)")
        conn.execute(
            f"INSERT INTO {MARKER} VALUES (%s, now(), %s)", [cases, time.perf_counter() - began]
        )
    marker = _marker(url)
    assert marker is not None
    return marker


def _marker(url: str) -> dict[str, Any] | None:
    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT to_regclass(%s)", [MARKER]).fetchone()
        if found is None or found[0] is None:
            return None
        row = conn.execute(f"SELECT cases, loaded_at, seconds FROM {MARKER}").fetchone()
    return None if row is None else dict(zip(("cases", "loaded_at", "seconds"), row, strict=True))


def _step(what: str, began: float) -> None:
    print(f"  {what}: {time.perf_counter() - began:.0f} s", flush=True)


def _load(url: str, *, cases: int) -> None:
    from caredesk.cases.models import Case, CaseEvent, Contact
    from caredesk.documents.models import CaseLetter
    from caredesk.mail.models import InboundEmail
    from caredesk.search import index_sql
    from caredesk.staff.models import StaffMember

    rng = np.random.default_rng(SEED)
    words = Words(rng, vocabulary())
    now = datetime.now(tz=UTC).replace(microsecond=0)
    officer = StaffMember(username="search_bench", first_name="Search", last_name="Bench")
    officer.set_unusable_password()
    officer.save()
    began = time.perf_counter()
    customers = max(1_000, cases // 5)
    with psycopg.connect(url) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET timezone = 'UTC'")
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("DROP INDEX search_entry_document")
        for source in index_sql.SOURCES:
            conn.execute(f"ALTER TABLE {source.table} DISABLE TRIGGER search_index_{source.kind}")
        _load_customers(conn, rng, customers, now)
        _step(f"{customers:,} customers", began)

        ids = np.arange(1, cases + 1, dtype=np.int64)
        start = int((now - timedelta(days=730)).timestamp()) * MICROS
        received = np.sort(rng.integers(start, int(now.timestamp()) * MICROS, cases))
        years = received.view("datetime64[us]").astype("datetime64[Y]").astype(int) + 1970
        references = [f"HHT-{y}-{i:06d}" for y, i in zip(years.tolist(), ids.tolist(), strict=True)]
        kinds = rng.choice(
            ["general_enquiry", "message", "information_request", "complaint"], cases
        )
        channels = rng.choice(["phone", "email", "letter", "web"], cases)
        _copy(
            conn,
            Case,
            {
                "id": [str(i) for i in ids.tolist()],
                "reference": references,
                "kind": list(kinds.tolist()),
                "customer_id": [str(c) for c in rng.integers(1, customers + 1, cases).tolist()],
                "channel": list(channels.tolist()),
                "received_at": _times(received),
                "created_at": _times(received),
                "subject": [s.capitalize() for s in words.texts(cases, 2, 6)],
                "description": words.texts(cases, 8, 30),
                "status": "resolved",
            },
        )
        _step(f"{cases:,} cases", began)

        for part in range(CONTACTS_PER_CASE):
            _copy(
                conn,
                Contact,
                {
                    "id": [str(i) for i in (ids + part * cases).tolist()],
                    "case_id": [str(i) for i in ids.tolist()],
                    "channel": list(channels.tolist()),
                    "direction": "inbound" if part % 2 == 0 else "outbound",
                    "at": _times(received + part * 3_600 * MICROS),
                    "summary": words.texts(cases, 5, 20),
                },
            )
            _step(f"contacts, part {part + 1} of {CONTACTS_PER_CASE}", began)
        _copy(
            conn,
            CaseEvent,
            {
                "id": [str(i) for i in ids.tolist()],
                "case_id": [str(i) for i in ids.tolist()],
                "kind": "note",
                "at": _times(received + 7_200 * MICROS),
                "data": [json.dumps({"text": t}) for t in words.texts(cases, 5, 25)],
            },
        )
        _step("notes", began)
        emailed = ids[::10]
        _copy(
            conn,
            InboundEmail,
            {
                "id": [str(i) for i in emailed.tolist()],
                "message_key": [f"bench-{i}@example.org" for i in emailed.tolist()],
                "case_id": [str(i) for i in emailed.tolist()],
                "threading": "new_case",
                "subject": words.texts(len(emailed), 2, 6),
                "text": words.texts(len(emailed), 20, 80),
                "received_at": _times(received[::10]),
                "raw_sha256": "0" * 64,
                "raw_size": "1000",
                "source": "benchmark",
            },
        )
        lettered = ids[::20]
        _copy(
            conn,
            CaseLetter,
            {
                "id": [str(i) for i in lettered.tolist()],
                "case_id": [str(i) for i in lettered.tolist()],
                "kind": "response",
                "subject": words.texts(len(lettered), 2, 6),
                "body": words.texts(len(lettered), 60, 200),
                "signed_by_id": str(officer.pk),
                "signed_name": "Search Bench",
                "signed_post_title": "Officer",
                "written_at": _times(received[::20] + 86_400 * MICROS),
            },
        )
        _step("emails and letters", began)
        conn.commit()  # the foreign keys are checked at commit: triggers change after
        for source in index_sql.SOURCES:
            conn.execute(f"ALTER TABLE {source.table} ENABLE TRIGGER search_index_{source.kind}")
        conn.execute(f"TRUNCATE {index_sql.ENTRIES}")
        for statement in index_sql.rebuild("postgresql"):
            conn.execute(statement)
        _step("search entries", began)
        conn.execute(
            f"CREATE INDEX search_entry_document ON {index_sql.ENTRIES} USING gin (document)"
        )
        _step("search indexes", began)
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        for table in (
            "customers_customer",
            "cases_case",
            "cases_contact",
            "cases_caseevent",
            "mail_inboundemail",
            "documents_caseletter",
            index_sql.ENTRIES,
        ):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
            )
        conn.execute("VACUUM ANALYZE")
        _step("vacuum analyze", began)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=FULL_SIZE)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or default_url(args.cases)
    print(prepare(cases=args.cases, url=url, fresh=args.fresh))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
