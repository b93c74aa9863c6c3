"""What the complaints app holds about a customer (customers.holdings): their complaints
and compliments, and hazards in their home."""

from __future__ import annotations

from caredesk.complaints.models import (
    AnnualComplaintsReport,
    AnnualReportChange,
    CodeSelfAssessment,
    Complaint,
    ComplaintPoint,
    ComplaintPromise,
    Compliment,
    Hazard,
    HazardAccessAttempt,
    HazardEvidence,
    HazardStep,
    HazardWebhook,
)
from caredesk.customers.holdings import Holding, NoCustomerData, StoredFile, declare

declare(
    Holding(
        Complaint,
        "Your complaints",
        path="case__customer",
        personal=("outcome_wanted", "same_handler_reason", "refusal_explanation"),
        not_personal=("service_area", "root_cause", "refusal_reason"),  # the policy's keys
    ),
    Holding(
        ComplaintPoint,
        "The points of your complaints, and our decisions",
        path="complaint__case__customer",
        personal=("text", "reasons"),
    ),
    Holding(
        ComplaintPromise,
        "What we promised to put right",
        path="complaint__case__customer",
        personal=("what",),
    ),
    Holding(
        Compliment,
        "Your compliments",
        path="case__customer",
        personal=("what_they_said",),
        not_personal=("service_area",),
    ),
    Holding(
        Hazard,
        "Hazards in your home",
        path="case__customer",
        personal=("where", "description", "findings", "decant_details", "closed_reason"),
        not_personal=("hazard_type",),
    ),
    Holding(
        HazardStep,
        "What was done about each hazard, and when",
        path="hazard__case__customer",
        personal=("note",),
        not_personal=("standard_key", "done_source"),
    ),
    Holding(
        HazardAccessAttempt,
        "Our visits to get into your home about a hazard",
        path="hazard__case__customer",
        personal=("note",),
    ),
    Holding(
        HazardEvidence,
        "Photos and evidence of hazards",
        path="hazard__case__customer",
        personal=("file_name", "sha256"),
        not_personal=("content_type",),
        files=(StoredFile("sha256", name="file_name"),),
        withheld=("sha256",),
    ),
    Holding(
        HazardWebhook,
        "What we told our repairs system about hazards in your home",
        path="hazard__case__customer",
        personal=("payload",),
        not_personal=("event", "error"),  # the repairs system's answer
        withheld=("claimed_at", "attempts", "error"),
    ),
    NoCustomerData(AnnualComplaintsReport, "The year's complaints report: figures, no people."),
    NoCustomerData(CodeSelfAssessment, "The landlord's self-assessment against the Code."),
    NoCustomerData(AnnualReportChange, "Who changed the annual report, and when."),
)
