"""What the privacy app holds about a customer (customers.holdings)."""

from __future__ import annotations

from caredesk.customers.holdings import Holding, NoCustomerData, declare
from caredesk.privacy.models import (
    Breach,
    DisclosureRequest,
    InformationRequest,
    RightsAnswer,
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
)
