"""Checking a customer's details as they arrive from outside (an import, the API).

Each check takes the text as it came and gives the value to store, or raises
`DetailRefused` saying why in plain English (the caller names the field and the line).
The import and `PUT /api/v1/customers/{reference}` both use these, so a value refused by
one is refused by the other, with the same words.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from caredesk.core.text import unstorable_reason
from caredesk.customers.models import Customer

# The outward code, then the inward code (BS 7666), as Royal Mail and the ONS write them.
_POSTCODE = re.compile(
    r"(GIR0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]"
    r"|[A-HK-Y][0-9][ABEHMNPRV-Y])[0-9][ABD-HJLNP-UW-Z]{2})"
)
_PHONE_CHARACTERS = re.compile(r"[0-9 +()\-.]+")
_UPRN = re.compile(r"[0-9]{1,12}")
MAX_ADDRESS_LINES = 10
MAX_ADDRESS_LINE = 200
_email = EmailValidator()

# The details stored as text, and the longest each may be (the model's columns).
TEXT_DETAILS = (
    "external_reference",
    "title",
    "first_name",
    "last_name",
    "organisation",
    "email",
    "phone",
    "postcode",
    "uprn",
    "preferred_times",
    "language",
)
LIMITS: dict[str, int] = {
    name: int(getattr(Customer._meta.get_field(name), "max_length", 0) or 0)
    for name in TEXT_DETAILS
}
LIMITS["email"] = 254  # EmailField's own 254


class DetailRefused(ValueError):
    """A value that cannot be stored as the detail it was given for; the message says why."""


def storable_checked(value: str) -> str:
    """`value` without surrounding spaces, if a database can store it."""
    reason = unstorable_reason(value)
    if reason:
        raise DetailRefused(reason.removeprefix("It ").replace(" Remove it and try again.", ""))
    return value.strip()


def text_checked(name: str, value: str) -> str:
    """`value` without surrounding spaces, if it can be stored as `name`."""
    value = storable_checked(value)
    limit = LIMITS[name]
    if len(value) > limit:
        raise DetailRefused(f"is {len(value):,} characters long: the most it may be is {limit}")
    return value


def postcode_checked(value: str) -> str:
    """A UK postcode in capitals with one space before the inward code ("WA7 1AB"), or ""."""
    compact = re.sub(r"\s+", "", value).upper()
    if not compact:
        return ""
    if _POSTCODE.fullmatch(compact) is None:
        raise DetailRefused(f"{_quoted(value)} is not a UK postcode")
    return f"{compact[:-3]} {compact[-3:]}"


def phone_checked(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        return ""
    digits = sum(character.isdigit() for character in value)
    if _PHONE_CHARACTERS.fullmatch(value) is None or not 7 <= digits <= 15:
        raise DetailRefused(
            f"{_quoted(value)} is not a phone number (7 to 15 digits, with spaces, +, - "
            "or brackets if you like)"
        )
    return value


def email_checked(value: str) -> str:
    if not value:
        return ""
    try:
        _email(value)
    except ValidationError:
        raise DetailRefused(f"{_quoted(value)} is not an email address") from None
    return value


def uprn_checked(value: str) -> str:
    if value and _UPRN.fullmatch(value) is None:
        raise DetailRefused(f"{_quoted(value)} is not a UPRN (1 to 12 digits)")
    return value


def address_checked(lines: list[str]) -> str:
    """The address's lines, blank ones left out, one to a line."""
    kept = []
    for line in (part for value in lines for part in value.splitlines()):
        reason = unstorable_reason(line)
        if reason:
            raise DetailRefused(reason.removeprefix("It ").replace(" Remove it and try again.", ""))
        line = " ".join(line.split())
        if len(line) > MAX_ADDRESS_LINE:
            raise DetailRefused(
                f"has a line {len(line):,} characters long: the most a line may be is "
                f"{MAX_ADDRESS_LINE}"
            )
        if line:
            kept.append(line)
    if len(kept) > MAX_ADDRESS_LINES:
        raise DetailRefused(f"has {len(kept)} lines: the most it may have is {MAX_ADDRESS_LINES}")
    return "\n".join(kept)


CHECKS = {
    "postcode": postcode_checked,
    "phone": phone_checked,
    "email": email_checked,
    "uprn": uprn_checked,
}


def detail_checked(name: str, value: str) -> str:
    """A text detail checked for storing and for its own form (postcode, phone...)."""
    check = CHECKS.get(name)
    if check is None:
        return text_checked(name, value)
    # its own check first: "'123456789012345' is not a UPRN" says more than its length
    return text_checked(name, check(storable_checked(value)))


def _quoted(value: str) -> str:
    shown = value if len(value) <= 40 else value[:40] + "..."
    return f"'{shown}'"
