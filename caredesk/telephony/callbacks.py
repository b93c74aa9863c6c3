"""The callback rule: a voicemail an import stores opens a case to call the caller back.

Each new voicemail left after `since` (by default CALLBACK_WINDOW before the import
began: older ones are history, imported for the figures) opens a message case with the
policy's message deadline, for the customer whose phone number matches the caller's if
exactly one does (by the numbers' keys: `Customer.phone_search`, `ParsedCall.caller_key`),
on the line's team and assigned to nobody (the team shares it). The voicemails arrive
through the one way in, `cases.intake.contacts_receive`, which opens what
`contact_receive` would open one by one but writes them in bulk (a month's export can
hold thousands of voicemails), in the transaction of the batch that stored the calls.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from caredesk.cases.intake import Arrival, contacts_receive
from caredesk.cases.models import CaseKind, Channel
from caredesk.customers.models import Customer
from caredesk.staff.models import Team
from caredesk.standards import Policy
from caredesk.telephony.rows import ParsedCall
from caredesk.telephony.writing import Lines

# Voicemails left longer ago than this before an import are history: no callback.
CALLBACK_WINDOW = timedelta(days=31)  # about a month: a monthly export still gets its callbacks
LOOKUP_CHUNK = 5_000  # numbers a query: well under SQLite's limit of query parameters


class Callbacks:
    """Opens the callback cases of one import's voicemails, batch by batch."""

    def __init__(self, *, policy: Policy, since: datetime, file_name: str) -> None:
        self.policy = policy
        self.since = since
        self.file_name = file_name
        self.teams: dict[int, Team] = {}

    def open(self, voicemails: list[ParsedCall], *, lines: Lines, now: datetime) -> None:
        """A callback case for each voicemail left since `since`, through intake."""
        recent = [call for call in voicemails if call.started_at >= self.since]
        if not recent:
            return
        customers = customers_by_key([call.caller_key for call in recent])
        arrivals = []
        for call in recent:
            line = lines.get(call.line)
            arrivals.append(
                Arrival(
                    channel=Channel.VOICEMAIL,
                    kind=CaseKind.MESSAGE,
                    received_at=call.started_at,
                    subject=f"Voicemail from {_caller(call)}"[:200],
                    summary=self._description(call),
                    customer=customers.get(call.caller_key),
                    team=self._team(line[1] if line else None),
                )
            )
        contacts_receive(arrivals, policy=self.policy, now=now)

    def _team(self, team_id: int | None) -> Team | None:
        if team_id is None:
            return None
        if team_id not in self.teams:
            self.teams[team_id] = Team.objects.get(pk=team_id)
        return self.teams[team_id]

    def _description(self, call: ParsedCall) -> str:
        local = call.started_at.astimezone(self.policy.working_calendar.zone)
        on_line = f" on the {call.line} line" if call.line else ""
        return (
            f"Voicemail left{on_line} at {local:%H:%M on %d %B %Y}; "
            f"call {call.call_key} in {self.file_name}. "
            f"Caller: {call.caller or 'withheld'}."
        )


def _caller(call: ParsedCall) -> str:
    if call.caller_name and call.caller:
        return f"{call.caller_name} ({call.caller})"
    return call.caller_name or call.caller or "a withheld number"


def customers_by_key(caller_keys: list[str]) -> dict[str, Customer]:
    """The customer whose phone number has each key (the caller's, `ParsedCall.caller_key`:
    core.phones.phone_key, as customers' `phone_search` is), where exactly one has it."""
    keys = sorted({key for key in caller_keys if key})
    found: dict[str, list[Customer]] = {}
    for start in range(0, len(keys), LOOKUP_CHUNK):
        chunk = keys[start : start + LOOKUP_CHUNK]
        for customer in Customer.objects.filter(phone_search__in=chunk):
            found.setdefault(customer.phone_search, []).append(customer)
    return {key: matches[0] for key, matches in found.items() if len(matches) == 1}
