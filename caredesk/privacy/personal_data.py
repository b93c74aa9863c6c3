"""What the privacy app holds about a customer (customers.holdings)."""

from __future__ import annotations

from caredesk.customers.holdings import Holding, NoCustomerData, declare
from caredesk.privacy.models import (
    Breach,
    DisclosureRequest,
    Erasure,
    RetentionRun,
    SubjectAccess,
    WithheldItem,
)

declare(
    Holding(
        SubjectAccess,
        "Your requests for your personal information",
        path="case__customer",
        personal=("export_sha256",),  # the ZIP of their data: erased with them
        not_personal=("export_error",),
        in_store=("export_sha256",),
        withheld=("export_sha256",),
    ),
    Holding(
        WithheldItem,
        "What we left out of your personal information, and why",
        path="subject_access__case__customer",
        personal=("reason",),
        not_personal=("holding",),
    ),
    Holding(
        DisclosureRequest,
        "Requests from others for your information, and what we gave them",
        path="customer",
        personal=("asked", "reason", "disclosed"),
        not_personal=("requester_name", "requester_organisation"),  # the third party's
        order_by=("received_at", "pk"),
    ),
    NoCustomerData(
        Breach,
        "A personal data breach: what happened, the kinds of data and how many people, not "
        "who they were; its case names no customer.",
    ),
    Holding(
        Erasure,
        "When your personal data was erased",
        path="customer",
        not_personal=("basis", "rows"),  # counts of rows, by kind
    ),
    NoCustomerData(RetentionRun, "A run of the retention schedule: how many records of each kind."),
)
