"""The deadline engine and policy files. Plain Python: nothing here imports Django.

The pieces, in the order a newcomer might read them:

- `durations`: "10 working days" and the other ways a policy states a target;
- `bank_holidays`: UK bank holidays by region, for any year;
- `calendar`: an organisation's working days and office hours, laid out as tables;
- `engine`: due times, one at a time (`due_at`) or a million at once (`due_at_batch`);
- `deadlines`: holding replies and pauses;
- `taken`: how long something took, in the unit a report counts it in (`time_taken`);
- `policy` and `policy_files`: the policy file's schema, loading and error reports
  (`office_hours`, `policy_values`, `policy_checks`, `policy_problems`, `policy_lines`
  help them); `policy_complaints`: its `[complaints]` and `[hazards]` tables.
- `sizes`: a file's size as people read it, for every layer's messages.
"""

from caredesk.standards.deadlines import (
    DeadlineTimes,
    HoldingReply,
    Pause,
    deadline_times,
    revised_due,
)
from caredesk.standards.durations import Duration, Family, Unit, parse_duration
from caredesk.standards.engine import (
    as_utc_instants,
    due_at,
    due_at_batch,
    kept_since,
    to_datetimes,
)
from caredesk.standards.policy import Policy
from caredesk.standards.policy_files import load_policy, parse_policy
from caredesk.standards.taken import TakenUnit, taken_unit, time_taken, time_taken_batch

__all__ = [
    "DeadlineTimes",
    "Duration",
    "Family",
    "HoldingReply",
    "Pause",
    "Policy",
    "TakenUnit",
    "Unit",
    "as_utc_instants",
    "deadline_times",
    "due_at",
    "due_at_batch",
    "kept_since",
    "load_policy",
    "parse_duration",
    "parse_policy",
    "revised_due",
    "taken_unit",
    "time_taken",
    "time_taken_batch",
    "to_datetimes",
]
