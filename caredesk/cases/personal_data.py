"""What the cases app holds about a customer (customers.holdings)."""

from __future__ import annotations

from caredesk.cases.models import (
    Case,
    CaseEvent,
    Contact,
    Deadline,
    DeadlinePause,
    HoldingReply,
    ReferenceCounter,
)
from caredesk.customers.holdings import Holding, NoCustomerData, declare

declare(
    Holding(
        Case,
        "Your cases",
        path="customer",
        personal=("subject", "description", "outcome"),
        not_personal=("reference",),
        order_by=("received_at", "pk"),
    ),
    Holding(
        Contact,
        "Each time you contacted us, or we contacted you",
        path="case__customer",
        personal=("summary",),
        order_by=("at", "pk"),
    ),
    Holding(
        CaseEvent,
        "What happened on your cases",
        path="case__customer",
        personal=("data",),
        order_by=("at", "pk"),
    ),
    Holding(
        Deadline,
        "When we promised to answer",
        path="case__customer",
        not_personal=("standard_key",),
    ),
    Holding(DeadlinePause, "When the clock stopped", path="deadline__case__customer"),
    Holding(
        HoldingReply,
        "Holding replies we sent you",
        path="deadline__case__customer",
        personal=("reason",),
    ),
    NoCustomerData(ReferenceCounter, "The last case reference used each year."),
)
