"""The Housing Ombudsman in what we write about complaints: the policy's
`[complaints] ombudsman` as a template's values, and the check that a letter which must
tell the customer how to reach them does (the Complaint Handling Code: a refusal, an
extension and every response)."""

from __future__ import annotations

from typing import Any

from caredesk.standards import Policy


def ombudsman_values(policy: Policy) -> dict[str, Any]:
    ombudsman = policy.complaints.ombudsman
    return {
        "name": ombudsman.name,
        "phone": ombudsman.phone,
        "email": ombudsman.email,
        "website": ombudsman.website,
        "address": ", ".join(ombudsman.address),
    }


def ombudsman_problem(text: str, policy: Policy) -> str:
    """Why `text` does not tell the customer how to reach the Ombudsman ("" if it does:
    their phone number, website or email is in it)."""
    ombudsman = policy.complaints.ombudsman
    ways = [way for way in (ombudsman.phone, ombudsman.website, ombudsman.email) if way]
    folded = " ".join(text.split()).casefold()
    if not ways or any(way.casefold() in folded for way in ways):
        return ""
    return (
        "It must tell the customer they can go to the Housing Ombudsman, and how to reach "
        f"them: {' or '.join(ways)}."
    )
