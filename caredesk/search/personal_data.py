"""What the search app holds about a customer (customers.holdings): copies of their
cases' text, for searching. Not exported (everything in it is in the other holdings);
cleared with the rest when they are erased."""

from __future__ import annotations

from caredesk.customers.holdings import Holding, declare
from caredesk.search.models import SearchEntry

declare(
    Holding(
        SearchEntry,
        "Search index entries for your cases (copies of the text above)",
        path="case__customer",
        personal=("text",),
        withheld=("text",),
    ),
)
