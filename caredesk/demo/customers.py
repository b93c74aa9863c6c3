"""Customers with Faker (en_GB) names and realistic preferences; kept in memory until saved.

Saved with bulk_create, which skips Customer.save(): the search keys are set here with
the model's own functions.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from caredesk.customers.models import (
    AccessibleFormat,
    ContactChannel,
    Customer,
    CustomerType,
    HomeVisitReason,
    phone_key,
    postcode_key,
)
from caredesk.demo.landlords import Landlord

T = TypeVar("T")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a postcode's inward part may use

FORMATS = {
    AccessibleFormat.STANDARD: 950,
    AccessibleFormat.LARGE_PRINT: 28,
    AccessibleFormat.EASY_READ: 12,
    AccessibleFormat.AUDIO: 6,
    AccessibleFormat.BRAILLE: 4,
}
CHANNELS = {
    ContactChannel.PHONE: 45,
    ContactChannel.EMAIL: 25,
    ContactChannel.TEXT_MESSAGE: 13,
    ContactChannel.LETTER: 12,
    ContactChannel.VISIT: 5,
}
TIMES = (
    "Mornings",
    "After 3pm (school run)",
    "Not on Fridays",
    "Evenings after 6pm, by text first",
    "Between 10am and 2pm",
    "Any time; mobile preferred",
)
HOME_VISIT_REASONS = {
    HomeVisitReason.DISABILITY: 45,
    HomeVisitReason.ILLNESS: 35,
    HomeVisitReason.PREFERENCE: 20,
}


def _pick(rng: random.Random, weights: Mapping[T, float]) -> T:
    return rng.choices(list(weights), list(weights.values()))[0]


def build_customers(
    *, landlord: Landlord, count: int, fake: Any, rng: random.Random, now: datetime
) -> list[Customer]:
    """`count` customers, unsaved; created_at is set again once their cases are known."""
    london = landlord.policy_name == "stonewall"
    titles = {"Mr": 34, "Mrs": 18, "Ms": 16, "Miss": 10, "Mx": 25 if london else 3, "Dr": 1, "": 14}
    customers = []
    for _ in range(count):
        kind: CustomerType = _pick(rng, landlord.customer_types)
        title = _pick(rng, titles)
        if title == "Mr":
            first = fake.first_name_male()
        elif title in {"Mrs", "Ms", "Miss"}:
            first = fake.first_name_female()
        else:
            first = fake.first_name()
        last = fake.last_name()
        organisation = ""
        if kind in {CustomerType.EXTERNAL_AGENCY, CustomerType.PARTNER}:
            organisation = rng.choice(landlord.agencies)
        town, district = rng.choice(landlord.towns)
        inward = "".join(rng.choice(INWARD_LETTERS) for _ in range(2))
        postcode = f"{district} {rng.randint(1, 9)}{inward}"
        address = f"{fake.building_number()} {fake.street_name()}\n{town}"
        phone = ""
        if rng.random() < 0.9:
            if rng.random() < 0.75:
                phone = f"07700 900{rng.randint(0, 999):03d}"
            else:
                phone = f"{landlord.area_phone}{rng.randint(0, 999):03d}"
        email = ""
        if rng.random() < (0.9 if organisation else 0.68):
            if organisation:
                slug = "".join(ch for ch in organisation.lower() if ch.isalnum())[:24]
                email = f"{first}.{last}@{slug}.example".lower().replace("'", "")
            else:
                suffix = rng.randint(1, 99)
                domain = rng.choice(["example.com", "example.org", "example.net"])
                email = f"{first}.{last}{suffix}@{domain}".lower().replace("'", "")
        language = ""
        if rng.random() < (0.12 if london else 0.05):
            language = _pick(rng, landlord.languages)
        interpreter = bool(language) and (language == "British Sign Language" or rng.random() < 0.6)
        home_visits = rng.random() < 0.04
        customers.append(
            Customer(
                customer_type=kind,
                title="" if organisation and rng.random() < 0.5 else title,
                first_name=first,
                last_name=last,
                organisation=organisation,
                email=email,
                phone=phone,
                address="" if organisation else address,
                postcode="" if organisation else postcode,
                postcode_search="" if organisation else postcode_key(postcode),
                phone_search=phone_key(phone),
                preferred_channel=_pick(rng, CHANNELS) if rng.random() < 0.85 else "",
                preferred_times=rng.choice(TIMES) if rng.random() < 0.1 else "",
                language=language,
                accessible_format=_pick(rng, FORMATS),
                interpreter_needed=interpreter,
                home_visits_needed=home_visits,
                home_visit_reason=_pick(rng, HOME_VISIT_REASONS) if home_visits else "",
                same_sex_interviewer=rng.random() < (0.06 if london else 0.03),
                created_at=now
                - timedelta(days=rng.randint(400, 4000), minutes=rng.randint(0, 600)),
            )
        )
    return customers
