"""Finding cases: by reference, and by the words of everything written on them."""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

from django.db import connection
from django.utils.safestring import SafeString

from caredesk.cases.models import Case
from caredesk.core.text import storable_text
from caredesk.customers.models import Customer
from caredesk.customers.selectors import customers_search
from caredesk.search.excerpts import WORD, excerpt_marked
from caredesk.search.index_sql import ENTRIES, SQLITE_FTS
from caredesk.search.models import SearchEntry, SourceKind

REFERENCE = re.compile(r"^[A-Z]{2,5}-\d{4}-\d{1,6}$")
PARTIAL_REFERENCE = re.compile(r"^[A-Z]{2,5}-[\d-]*$")
# Ranking looks at no more than this many matching pieces of writing: a word written on
# half a million cases answers in time, ranked within those, with "refine your search"
# when there are more to show.
CANDIDATES = 300
# PostgreSQL, words found in many pieces: the newest RECENT pieces are read back from the
# newest, each checked, until CANDIDATES have the words, or fewer but from enough cases to
# fill the page (if not, the text index adds the rest); those ranked are then the newest
# with the words. Whether to is told by the statistics ANALYZE keeps of the text index
# (the share of pieces each word is in): if the newest RECENT are expected to have the
# words in as many pieces as cases are shown. Through the text index, such words mean
# reading every entry they are in (two words in 2% and 20% of the pieces, at 1M cases:
# 34,000 entries, 45 ms) to rank a few hundred. Rarer words go through the text index:
# the newest of all their matches if the statistics expect at most SORTED, otherwise the
# first CANDIDATES it gives.
RECENT = 30_000
SORTED = 500  # each fetched to be sorted: 4,000 of them took 80 to 300 ms at 1M cases
# Unless the text index would cost less: at 20,000 cases, a word in 2% of the pieces is
# in fewer entries than the RECENT that might be read back. Finding an entry through the
# text index costs about 0.4 of reading one back from the newest (1 µs), at 1M cases.
INDEXED_COST = 0.4
# How long a process keeps the statistics (they change with ANALYZE, not with a search).
STATISTICS_KEPT_SECONDS = 600.0
MAX_WORDS = 12


@dataclass(frozen=True)
class CaseHit:
    case: Case
    found_in: str  # where the words are: "Note", "Email received", ...
    excerpt: SafeString


@dataclass(frozen=True)
class Found:
    """What the search page shows: up to `shown` of each, and whether there were more."""

    words: list[str]
    customers: list[Customer]
    more_customers: bool
    by_reference: list[Case]
    hits: list[CaseHit]
    more_cases: bool

    def customers_seen(self) -> list[Customer | None]:
        """Every customer whose details the page shows (for the access log)."""
        return [
            *self.customers,
            *(case.customer for case in self.by_reference),
            *(hit.case.customer for hit in self.hits),
        ]


def search_everything(*, text: str, shown: int) -> Found:
    """Customers, cases by reference, and cases by their words, for one search box."""
    customers = list(customers_search(text=text)[: shown + 1])
    exact = case_by_reference(text=text)
    by_reference = [exact] if exact else cases_by_reference_start(text=text, limit=shown + 1)
    # A reference, whole or begun, is looked up as one: its parts are not words to find.
    hits = (
        []
        if PARTIAL_REFERENCE.match(text.strip().upper())
        else cases_search(text=text, limit=shown + 1)
    )
    return Found(
        words=search_words(text),
        customers=customers[:shown],
        more_customers=len(customers) > shown,
        by_reference=by_reference[:shown],
        hits=hits[:shown],
        more_cases=len(by_reference) > shown or len(hits) > shown,
    )


def case_by_reference(*, text: str) -> Case | None:
    """The case whose whole reference this is ("hht-2025-000123" too), if there is one."""
    reference = text.strip().upper()
    if not REFERENCE.match(reference):
        return None
    return Case.objects.filter(reference=reference).first()


def cases_by_reference_start(*, text: str, limit: int) -> list[Case]:
    """Cases whose reference starts with the text ("HHT-2025-00"), newest first."""
    reference = text.strip().upper()
    if not PARTIAL_REFERENCE.match(reference):
        return []
    return list(
        Case.objects.filter(reference__startswith=reference)
        .select_related("customer")
        .order_by("-reference")[:limit]
    )


def search_words(text: str) -> list[str]:
    return [word.lower() for word in WORD.findall(storable_text(text))][:MAX_WORDS]


def cases_search(*, text: str, limit: int) -> list[CaseHit]:
    """Cases with every word of the text in one piece of their writing (subject and
    description, a note, a contact, an email either way, a letter either way), best
    first, each with the piece that matched. Stemmed: "repairs" finds "repaired"."""
    words = search_words(text)
    if not words:
        return []
    if connection.vendor == "postgresql":
        rows = _postgresql_candidates(" ".join(words), cases=limit)
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT e.id, e.case_id, -bm25({SQLITE_FTS}) AS rank
                    FROM {SQLITE_FTS} JOIN {ENTRIES} e ON e.id = {SQLITE_FTS}.rowid
                    WHERE {SQLITE_FTS} MATCH %s ORDER BY bm25({SQLITE_FTS}) LIMIT %s""",
                [" ".join(f'"{word}"' for word in words), CANDIDATES],
            )
            rows = cursor.fetchall()
    best: dict[int, tuple[float, int]] = {}
    for entry_id, case_id, rank in rows:
        if case_id not in best or rank > best[case_id][0]:
            best[case_id] = (rank, entry_id)
    chosen = sorted(best.items(), key=lambda item: (-item[1][0], -item[0]))[:limit]
    entries = SearchEntry.objects.select_related("case__customer").in_bulk(
        [entry_id for _, (_, entry_id) in chosen]
    )
    hits = []
    for _, (_, entry_id) in chosen:
        entry = entries.get(entry_id)
        if entry is not None:
            hits.append(
                CaseHit(
                    case=entry.case,
                    found_in=SourceKind(entry.kind).label,
                    excerpt=excerpt_marked(entry.text, words),
                )
            )
    return hits


# (entry id, case id, rank) of the pieces of writing ranked
Candidate = tuple[int, int, float]

_RANKED = "id, case_id, ts_rank(document, query) AS rank"
_QUERY = "plainto_tsquery('english', %s) AS query"


def _postgresql_candidates(text: str, *, cases: int) -> list[Candidate]:
    """Up to CANDIDATES entries with every word of the text, the newest when that can be
    had in time (see RECENT): read back from the newest if the words are common, else
    through the text index. From `cases` cases at least, if there are so many."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(array_agg(lexeme), '{}') FROM unnest(to_tsvector('english', %s))",
            [text],
        )
        lexemes: list[str] = cursor.fetchone()[0]
        share, rarest, entries = words_share(lexemes)
        rows: list[Candidate] = []
        # The entries read back from the newest, against those the text index reads (the
        # rarest word's).
        walked = min(RECENT, CANDIDATES / share) if share else RECENT
        if share * RECENT >= cases and walked <= INDEXED_COST * rarest * entries:
            cursor.execute(
                f"""SELECT {_RANKED} FROM (
                      SELECT id, case_id, document, at FROM {ENTRIES}
                      ORDER BY at DESC LIMIT %s) AS recent, {_QUERY}
                    WHERE document @@ query ORDER BY at DESC LIMIT %s""",
                [RECENT, text, CANDIDATES],
            )
            rows = cursor.fetchall()
            if len(rows) >= CANDIDATES or len({case for _, case, _ in rows}) >= cases:
                return rows
        newest = "ORDER BY at DESC" if share * entries <= SORTED else ""
        cursor.execute(
            f"SELECT {_RANKED} FROM {ENTRIES}, {_QUERY} WHERE document @@ query {newest} LIMIT %s",
            [text, CANDIDATES],
        )
        seen = {row[0] for row in rows}
        return [*rows, *(row for row in cursor.fetchall() if row[0] not in seen)][:CANDIDATES]


_statistics: tuple[float, dict[str, float], float, float] | None = None


def words_share(lexemes: list[str]) -> tuple[float, float, float]:
    """The share of entries expected to hold all these (stemmed) words together, and the
    share that holds the rarest of them, from the statistics of the text index that
    ANALYZE keeps (pg_stats' most common elements, as the planner estimates them: a word
    not among them is in fewer than the least common of them); and the number of
    entries. Shares of 0 before the first ANALYZE."""
    global _statistics
    now = time.monotonic()
    if _statistics is None or now - _statistics[0] > STATISTICS_KEPT_SECONDS:
        _statistics = (now, *_read_statistics())
    _, shares, rarest, entries = _statistics
    if not shares or not lexemes:
        return 0.0, 0.0, entries
    each = [shares.get(lexeme, rarest / 2) for lexeme in lexemes]
    return math.prod(each), min(each), entries


def _read_statistics() -> tuple[dict[str, float], float, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs, "
            "(SELECT reltuples FROM pg_class WHERE oid = %s::regclass) "
            "FROM pg_stats WHERE schemaname = current_schema() AND tablename = %s "
            "AND attname = 'document'",
            [ENTRIES, ENTRIES],
        )
        row = cursor.fetchone()
    if row is None or not row[0] or not row[1]:
        return {}, 0.0, 0.0
    lexemes, frequencies, entries = row
    # After the elements' frequencies: the least and the most of them, and the share of
    # empty vectors.
    shares = dict(zip(lexemes, frequencies, strict=False))
    return shares, float(frequencies[len(lexemes)]), max(0.0, float(entries))
