"""A customer's two records merged (customers.merging): each case of the record merged
says so on its timeline, as it moves to the record kept."""

from __future__ import annotations

from datetime import datetime

from caredesk.cases import events
from caredesk.cases.models import Case
from caredesk.customers.models import Customer
from caredesk.staff.models import StaffMember


def customer_merge_record(kept: Customer, merged: Customer, by: StaffMember, at: datetime) -> None:
    """An event on every case of `merged` (open or not): the audit trail of each case
    shows when and by whom its customer's record changed."""
    events.record_all(
        events.customer_merged(case=case, by=by, at=at, merged=merged.pk, kept=kept.pk)
        for case in Case.objects.filter(customer=merged).only("pk")
    )
