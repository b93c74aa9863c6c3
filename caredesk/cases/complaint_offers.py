"""A customer unhappy with a service is offered a complaint (the Housing Ombudsman's
Complaint Handling Code 2024, 1.2 and 1.3: "an expression of dissatisfaction, however
made" is a complaint, and a landlord must give the customer the choice of making one).

Whoever logs the contact says if the customer was unhappy, and what they chose (`Unhappy`,
given to `cases.intake.contact_receive`). Either way the choice is kept on the case's
timeline. A customer who chooses to complain has a complaint case opened by intake,
raised from the case (`Case.raised_from`): the service request stays open, and each
shows the other. The complaints app takes it from there.
"""

from __future__ import annotations

from django.db import models

from caredesk.cases import errors, events
from caredesk.cases.models import Case, CaseKind
from caredesk.core.clock import Clock
from caredesk.core.db import write_transaction
from caredesk.staff.models import StaffMember


class Unhappy(models.TextChoices):
    """What the customer chose when offered a complaint."""

    COMPLAINT = "complaint", "Yes, and they want to make a complaint"
    NO_COMPLAINT = "no_complaint", "Yes, but they do not want to make a complaint"


NOT_OFFERED = (CaseKind.COMPLAINT, CaseKind.COMPLIMENT)  # already one, or praise


@write_transaction()
def case_raised_from_set(
    *, case: Case, raised_from: Case | None, by: StaffMember, clock: Clock
) -> None:
    """Say which case `case` is about (a complaint about a service request), or none."""
    if raised_from is not None and raised_from.pk == case.pk:
        raise errors.RaisedFromItself("A case cannot be about itself: choose the case it is about.")
    if case.raised_from_id == (raised_from.pk if raised_from else None):
        return
    case.raised_from = raised_from
    case.save(update_fields=["raised_from"])
    said = f"About {raised_from.reference}." if raised_from else "About no other case."
    events.record(
        events.complaint_step_recorded(
            case=case, by=by, at=clock.now(), step="about", stage=None, text=said
        )
    )
