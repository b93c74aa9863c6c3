"""The worker holds no customer's data (customers.holdings)."""

from __future__ import annotations

from caredesk.customers.holdings import NoCustomerData, declare
from caredesk.worker.models import SweepFailure

declare(
    NoCustomerData(
        SweepFailure,
        "A row a sweep could not deal with, by its id, and the error; deleted once the row "
        "goes through.",
    )
)
