"""A phone number's key: the one way two written forms of a number are found equal.

"01632 960001", "(01632) 960-001", "+44 1632 960001" and "441632960001" all have the key
"01632960001": the number's ASCII digits, a leading 44 (the UK's country code) made 0.
Customers are found by it (`Customer.phone_search`), and so are calls from their number
(`telephony.models.Call.caller_key`), so both must be made by this function alone (the
fast lane's polars expression and the calls migration's SQL are tested against it).

Only the ASCII digits 0 to 9 count. A phone number is written with them; Python's `\\d`
also matches the digits of other scripts (Arabic-Indic, full-width), which no phone
system or customer record here writes, and which PostgreSQL's and polars' patterns read
differently. Other characters, digits of other scripts included, are left out.
"""

from __future__ import annotations

import re

_NOT_DIGITS = re.compile("[^0-9]+")


def phone_key(phone: str) -> str:
    """The number's ASCII digits, a leading 44 made 0 ("" if it has no digits)."""
    digits = phone if phone.isascii() and phone.isdigit() else _NOT_DIGITS.sub("", phone)
    return "0" + digits[2:] if digits.startswith("44") else digits
