"""Who in a customer's household is more at risk from a hazard in the home: recorded
from the customer page, shown there and on the hazard pages (complaints.hazard_views).

Health data, so every change is on the record's history like any other detail, and the
pages that show it log the read (customers.services.customer_access_record)."""

from __future__ import annotations

from collections.abc import Iterable

from caredesk.core.clock import Clock, system_clock
from caredesk.core.db import write_transaction
from caredesk.core.text import typed_text_check
from caredesk.customers.models import (
    Customer,
    HouseholdVulnerabilities,
    Vulnerability,
)
from caredesk.customers.services import customer_note_change, refuse_if_merged
from caredesk.errors import CaredeskError
from caredesk.staff.models import StaffMember

NOTES_MAX = 1000
HISTORY_NAME = "household_vulnerabilities"


class VulnerabilitiesRefused(CaredeskError):
    """Household vulnerabilities that cannot be kept as given."""

    code = "vulnerabilities_invalid"


def household_vulnerabilities_of(customer: Customer | None) -> HouseholdVulnerabilities | None:
    if customer is None:
        return None
    return HouseholdVulnerabilities.objects.filter(customer=customer).first()


def vulnerability_words(record: HouseholdVulnerabilities | None) -> list[str]:
    """Each vulnerability in words, in the order of the list, then the notes."""
    if record is None:
        return []
    chosen = set(record.kinds)
    words = [label for value, label in Vulnerability.choices if value in chosen]
    return [*words, record.notes] if record.notes else words


def _history_words(record: HouseholdVulnerabilities | None) -> str:
    return "; ".join(vulnerability_words(record))


@write_transaction()
def household_vulnerabilities_record(
    *,
    customer: Customer,
    kinds: Iterable[str],
    notes: str,
    by: StaffMember,
    clock: Clock = system_clock,
) -> HouseholdVulnerabilities | None:
    """Set what is known of the household's vulnerabilities (replacing what was kept);
    none at all removes the record. Returns the record, or None when there is none now.
    Raises VulnerabilitiesRefused for an unknown kind or notes that cannot be kept."""
    refuse_if_merged(customer)
    wanted = sorted(set(kinds))
    unknown = [kind for kind in wanted if kind not in Vulnerability.values]
    if unknown:
        raise VulnerabilitiesRefused(f"Not a vulnerability caredesk knows: {', '.join(unknown)}.")
    notes = typed_text_check(
        notes, label="The notes", error=VulnerabilitiesRefused, limit=NOTES_MAX, required=False
    )
    record = HouseholdVulnerabilities.objects.select_for_update().filter(customer=customer).first()
    before = _history_words(record)
    now = clock.now()
    if not wanted and not notes:
        if record is not None:
            record.delete()
        record = None
    else:
        record = record or HouseholdVulnerabilities(customer=customer)
        record.kinds, record.notes = wanted, notes
        record.recorded_at, record.recorded_by = now, by
        record.save()
    after = _history_words(record)
    if before != after:
        customer_note_change(
            customer_id=customer.pk,
            name=HISTORY_NAME,
            before=before or None,
            after=after or None,
            by=by,
            at=now,
        )
    return record
