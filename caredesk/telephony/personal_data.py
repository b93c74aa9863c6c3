"""What the telephony app holds about a customer (customers.holdings): the calls from
their phone number. Calls are not linked to customers; they are found by the number's
key (`Call.caller_key`, `core.phones.phone_key`), however either was written."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q

from caredesk.customers.holdings import Holding, NoCustomerData, declare
from caredesk.customers.models import Customer, phone_key
from caredesk.telephony.models import Call as PhoneCall
from caredesk.telephony.models import CallImport, CallMeasure, Extension, Line


def _from_their_numbers(customers: Sequence[Customer]) -> Q:
    keys = sorted({key for key in (phone_key(c.phone) for c in customers) if key})
    return Q(caller_key__in=keys)


declare(
    Holding(
        PhoneCall,
        "Calls from your phone number",
        path=None,
        also=_from_their_numbers,
        personal=("caller", "caller_key", "caller_name", "notes"),
        not_personal=("source", "call_key", "dialled", "extension"),  # the landlord's side
        # caller_key: a search key, a copy of the caller's number
        withheld=("call_key", "caller_key", "imported_by", "source"),
        order_by=("started_at", "pk"),
    ),
    NoCustomerData(CallMeasure, "Whether a call met a standard; the call itself is declared."),
    NoCustomerData(Line, "The landlord's phone lines."),
    NoCustomerData(Extension, "Staff extension numbers."),
    NoCustomerData(
        CallImport,
        "An import of the phone system's records. Its file of refused rows can hold callers' "
        "numbers, linked to nobody: it is removed by the retention schedule.",
    ),
)
