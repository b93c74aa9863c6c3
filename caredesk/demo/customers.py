"""Customers with Faker (en_GB) names and realistic preferences; kept in memory until saved.
Then equality monitoring answers for about 60% of them (`equality_profiles_save`).

Saved with bulk_create, which skips Customer.save(): the search keys are set here with
the model's own functions.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from caredesk.customers.equality import (
    PREFER_NOT_TO_SAY,
    AgeBand,
    Characteristic,
    Disability,
    Ethnicity,
    FinancialExclusion,
    GenderIdentity,
    Religion,
    Sex,
    SexualOrientation,
    equality_cipher,
    profile_for_new,
)
from caredesk.customers.models import (
    AccessibleFormat,
    ContactChannel,
    Customer,
    CustomerType,
    EqualityProfile,
    HomeVisitReason,
    phone_key,
    postcode_key,
)
from caredesk.demo.landlords import Landlord
from caredesk.demo.organisation import Organisation
from caredesk.staff.models import StaffMember

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


# -- equality monitoring ----------------------------------------------------------------

ANSWERED = 0.6  # of the customers who are people (not organisations)
DECLINED = 0.05  # asked, and did not agree to us keeping answers
SKIPPED = 0.08  # a question left unanswered by someone who answered the others

# Shares as the customers of each landlord might give them: Halton (Runcorn and Widnes,
# ONS 2021 figures for the area, social renters older and more often disabled) and
# Stonewall Housing (London; LGBTQ+ people in housing need).
EQUALITY_SHARES: dict[str, dict[Characteristic, dict[str, float]]] = {
    "halton": {
        Characteristic.ETHNICITY: {
            Ethnicity.WHITE: 95,
            Ethnicity.MIXED: 1.3,
            Ethnicity.ASIAN: 1.0,
            Ethnicity.BLACK: 0.8,
            Ethnicity.OTHER: 0.4,
            PREFER_NOT_TO_SAY: 1.5,
        },
        Characteristic.RELIGION: {
            Religion.CHRISTIAN: 60,
            Religion.NONE: 33,
            Religion.MUSLIM: 0.8,
            Religion.BUDDHIST: 0.3,
            Religion.HINDU: 0.3,
            Religion.JEWISH: 0.1,
            Religion.SIKH: 0.1,
            Religion.OTHER: 0.6,
            PREFER_NOT_TO_SAY: 4.8,
        },
        Characteristic.SEXUAL_ORIENTATION: {
            SexualOrientation.STRAIGHT: 89,
            SexualOrientation.GAY_OR_LESBIAN: 1.8,
            SexualOrientation.BISEXUAL: 1.3,
            SexualOrientation.OTHER: 0.4,
            PREFER_NOT_TO_SAY: 7.5,
        },
        Characteristic.GENDER_IDENTITY: {
            GenderIdentity.SAME: 94,
            GenderIdentity.DIFFERENT: 0.5,
            PREFER_NOT_TO_SAY: 5.5,
        },
    },
    "stonewall": {
        Characteristic.ETHNICITY: {
            Ethnicity.WHITE: 52,
            Ethnicity.BLACK: 20,
            Ethnicity.MIXED: 11,
            Ethnicity.ASIAN: 9,
            Ethnicity.OTHER: 5,
            PREFER_NOT_TO_SAY: 3,
        },
        Characteristic.RELIGION: {
            Religion.NONE: 55,
            Religion.CHRISTIAN: 24,
            Religion.MUSLIM: 5,
            Religion.JEWISH: 2,
            Religion.BUDDHIST: 2,
            Religion.HINDU: 1,
            Religion.SIKH: 0.5,
            Religion.OTHER: 3.5,
            PREFER_NOT_TO_SAY: 7,
        },
        Characteristic.SEXUAL_ORIENTATION: {
            SexualOrientation.GAY_OR_LESBIAN: 42,
            SexualOrientation.BISEXUAL: 22,
            SexualOrientation.STRAIGHT: 14,
            SexualOrientation.OTHER: 12,
            PREFER_NOT_TO_SAY: 10,
        },
        Characteristic.GENDER_IDENTITY: {
            GenderIdentity.SAME: 70,
            GenderIdentity.DIFFERENT: 24,
            PREFER_NOT_TO_SAY: 6,
        },
    },
}
COMMON_SHARES: dict[Characteristic, dict[str, float]] = {
    Characteristic.AGE_BAND: {
        AgeBand.UNDER_25: 8,
        AgeBand.FROM_25: 16,
        AgeBand.FROM_35: 18,
        AgeBand.FROM_45: 18,
        AgeBand.FROM_55: 17,
        AgeBand.FROM_65: 12,
        AgeBand.FROM_75: 9,
        PREFER_NOT_TO_SAY: 2,
    },
    Characteristic.DISABILITY: {Disability.YES: 33, Disability.NO: 61, PREFER_NOT_TO_SAY: 6},
    Characteristic.FINANCIAL_EXCLUSION: {
        FinancialExclusion.YES: 12,
        FinancialExclusion.NO: 82,
        PREFER_NOT_TO_SAY: 6,
    },
}
SEX_BY_TITLE = {"Mr": Sex.MALE, "Mrs": Sex.FEMALE, "Ms": Sex.FEMALE, "Miss": Sex.FEMALE}


def build_equality_profiles(
    *,
    landlord: Landlord,
    customers: list[Customer],
    recorders: list[StaffMember],
    rng: random.Random,
    now: datetime,
) -> list[EqualityProfile]:
    """Equality monitoring for about 60% of the customers who are people, with their
    consent, and a few who did not agree; unsaved. The customers must be saved (the
    answers are encrypted with the customer's id)."""
    cipher = equality_cipher()
    shares = {**COMMON_SHARES, **EQUALITY_SHARES[landlord.policy_name]}
    profiles = []
    for customer in customers:
        if customer.organisation:
            continue
        draw = rng.random()
        if draw >= ANSWERED + DECLINED:
            continue
        recorded_at = customer.created_at + (now - customer.created_at) * rng.random()
        by = rng.choice(recorders)
        if draw >= ANSWERED:
            profiles.append(
                EqualityProfile(
                    customer=customer, consent_given=False, recorded_at=recorded_at, recorded_by=by
                )
            )
            continue
        answers: dict[str, str] = {}
        for characteristic in Characteristic:
            if rng.random() < SKIPPED:
                continue
            if characteristic is Characteristic.SEX:
                known = SEX_BY_TITLE.get(customer.title)
                if known is not None and rng.random() < 0.97:
                    answers[characteristic.value] = known.value
                else:
                    answers[characteristic.value] = _pick(
                        rng, {Sex.FEMALE: 55, Sex.MALE: 40, PREFER_NOT_TO_SAY: 5}
                    )
                continue
            answers[characteristic.value] = str(_pick(rng, shares[characteristic]))
        profiles.append(
            profile_for_new(
                customer=customer, answers=answers, by=by, recorded_at=recorded_at, cipher=cipher
            )
        )
    return profiles


def equality_profiles_save(
    *,
    landlord: Landlord,
    customers: list[Customer],
    organisation: Organisation,
    seed: int,
    now: datetime,
) -> int:
    """Build and save the demo's equality monitoring (after the customers are saved).
    Its own random numbers, so the rest of the demo is the same with it or without it."""
    recorders = sorted(
        {
            person.pk: person for team in organisation.caseworkers.values() for person in team
        }.values(),
        key=lambda person: person.pk,
    ) or [organisation.officer]
    profiles = build_equality_profiles(
        landlord=landlord,
        customers=customers,
        recorders=recorders,
        rng=random.Random(f"equality monitoring {seed}"),
        now=now,
    )
    EqualityProfile.objects.bulk_create(profiles, batch_size=2000)
    return len(profiles)
