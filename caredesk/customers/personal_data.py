"""What the customers app holds about a customer (customers.holdings); and, as the staff
app sits below customers and cannot declare its own, that staff's models hold none."""

from __future__ import annotations

from caredesk.customers.equality import (
    Characteristic,
    EqualityKeyMissing,
    EqualityUnreadable,
    answer_label,
    equality_cipher,
)
from caredesk.customers.holdings import Holding, NoCustomerData, RowWords, declare
from caredesk.customers.models import (
    Consent,
    Customer,
    CustomerAccess,
    CustomerEvent,
    EqualityProfile,
    HouseholdVulnerabilities,
    Representative,
    Restriction,
)
from caredesk.customers.vulnerabilities import vulnerability_words
from caredesk.staff.models import Absence, AccountEvent, Office, SavedView, StaffMember, Team


def _equality_words(profile: EqualityProfile) -> RowWords:
    """The answers decrypted, in words; or why they cannot be read here."""
    words: RowWords = {
        "consent_given": profile.consent_given,
        "recorded_at": profile.recorded_at.isoformat(),
        "recorded_by": str(profile.recorded_by),
        "answers": {},
    }
    if not profile.answers_encrypted:
        return words
    try:
        answers = equality_cipher().decrypt(profile.customer_id, profile.answers_encrypted)
    except (EqualityKeyMissing, EqualityUnreadable) as error:
        return words | {"answers": None, "answers_unreadable": error.message}
    return words | {
        "answers": {
            Characteristic(key).label: answer_label(Characteristic(key), value)
            for key, value in answers.items()
        }
    }


def _vulnerabilities_words(record: HouseholdVulnerabilities) -> RowWords:
    return {
        "vulnerabilities": vulnerability_words(record),
        "recorded_at": record.recorded_at.isoformat(),
        "recorded_by": str(record.recorded_by),
    }


declare(
    Holding(
        Customer,
        "Your details",
        path="pk",
        personal=(
            "title",
            "first_name",
            "last_name",
            "organisation",
            "email",
            "phone",
            "address",
            "postcode",
            "uprn",
            "external_reference",
            "postcode_search",
            "phone_search",
            "preferred_times",
            "language",
        ),
        withheld=("postcode_search", "phone_search"),  # search keys: copies of the above
    ),
    Holding(
        CustomerEvent,
        "Changes to your details",
        path="customer",
        personal=("changes",),
        not_personal=("request_reference",),  # a case's reference
        order_by=("at", "pk"),
    ),
    Holding(
        CustomerAccess,
        "Who has looked at your record",
        path="customer",
        not_personal=("what",),  # what was seen: "case HHT-2026-000123"
        order_by=("at", "pk"),
    ),
    Holding(
        EqualityProfile,
        "Your equality monitoring answers",
        path="customer",
        personal=("answers_encrypted",),
        withheld=("answers_encrypted",),
        export=_equality_words,
    ),
    Holding(
        HouseholdVulnerabilities,
        "Who in your household is more at risk from a hazard in the home",
        path="customer",
        personal=("kinds", "notes"),
        export=_vulnerabilities_words,
    ),
    Holding(
        Consent,
        "What you have agreed to",
        path="customer",
        personal=("details", "evidence", "withdrawal_evidence"),
    ),
    Holding(
        Restriction,
        "When we restricted the use of your information, and why",
        path="customer",
        personal=("reason", "told_how", "lift_reason"),
        not_personal=("request_reference",),  # a case's reference
        order_by=("starts_at", "pk"),
    ),
    Holding(
        Representative,
        "People you have said may act for you",
        path="customer",
        personal=("name", "relationship", "evidence", "revocation_evidence"),
        not_personal=("matters",),  # keys of customers.Matter
    ),
)

declare(
    NoCustomerData(StaffMember, "A member of staff's account."),
    NoCustomerData(Office, "An office of the landlord."),
    NoCustomerData(Team, "A team of staff."),
    NoCustomerData(Absence, "A member of staff's leave or absence."),
    NoCustomerData(AccountEvent, "A change to a member of staff's sign-in."),
    NoCustomerData(SavedView, "A member of staff's saved filters for their queue."),
)
