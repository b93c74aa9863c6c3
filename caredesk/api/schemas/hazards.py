"""The hazards API's shapes (the handlers are in api/hazards.py)."""

from ninja import Field, Schema

from caredesk.api.types import StorableStr, Time, TimeIn


class HazardStepOut(Schema):
    id: int
    standard: str
    due_at: Time | None
    done_at: Time | None
    done_source: str


class HazardOut(Schema):
    id: int
    case: str
    type: str
    severity: str
    where: str
    aware_at: Time
    covered_by_awaabs_law: bool
    investigated_at: Time | None
    closed_at: Time | None
    steps: list[HazardStepOut]


class StepDoneIn(Schema):
    at: TimeIn | None = Field(
        None,
        description="When it was done; now if left out. Not before the hazard was reported "
        "(no offset: Europe/London time).",
    )
    note: StorableStr = Field("", max_length=2000)
