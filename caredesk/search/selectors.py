"""Finding cases: by reference, and by the words of everything written on them."""

from __future__ import annotations

import re
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
# Ranking looks at no more than the first this many matching pieces found: a word
# written on half a million cases answers in time (PostgreSQL stops reading once it has
# them), ranked within those, with "refine your search" when there are more to show.
CANDIDATES = 300
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
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""WITH hits AS (
                      SELECT id, case_id, ts_rank(document, query) AS rank
                      FROM {ENTRIES}, plainto_tsquery('english', %s) AS query
                      WHERE document @@ query LIMIT %s)
                    SELECT DISTINCT ON (case_id) id, case_id, rank FROM hits
                    ORDER BY case_id, rank DESC""",
                [" ".join(words), CANDIDATES],
            )
        else:
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
