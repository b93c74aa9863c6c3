"""What the privacy app holds about a customer (customers.holdings)."""

from __future__ import annotations

from caredesk.customers.holdings import Holding, NoCustomerData, declare
from caredesk.privacy.models import (
    Breach,
    DisclosureRequest,
    Erasure,
    InformationRequest,
    ReadingAlert,
    ReadsChecked,
    RetentionRun,
    RightsAnswer,
    SubjectAccess,
    UnexplainedRead,
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
    Holding(
        RightsAnswer,
        "Our answers to your requests to correct your information or restrict its use",
        path="case__customer",
        personal=("said",),
    ),
    Holding(
        InformationRequest,
        "Your requests for information, our decisions and their reviews",
        path="case__customer",
        personal=("given", "reason", "review_grounds", "review_given", "review_reason"),
        not_personal=("refused_under",),  # the exemption or exception relied on
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
    Holding(
        UnexplainedRead,
        "Times a member of staff looked at your record with no case of theirs behind it",
        path="customer",
        order_by=("first_read_at", "pk"),
    ),
    NoCustomerData(
        ReadingAlert,
        "Unusual reading by a member of staff in one window: how many customers, never "
        "which; the note is about the member of staff.",
    ),
    NoCustomerData(
        ReadsChecked,
        "How far the worker has looked through the read log: a time and nothing else.",
    ),
)
