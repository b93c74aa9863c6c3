"""The demo's equality monitoring: answers for about 60% of the customers who are people,
kept with consent and encrypted, so that the equality report has something to show."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime

import pytest

from caredesk.conftest import SettableClock
from caredesk.customers.equality import Characteristic, equality_answers_stream
from caredesk.customers.models import Customer, EqualityProfile
from caredesk.demo.build import DemoSize, build_demo
from caredesk.demo.customers import build_customers, build_equality_profiles
from caredesk.demo.landlords import STONEWALL
from caredesk.reporting.equality import Measure, equality_report
from caredesk.standards import load_policy

NOW = datetime(2025, 6, 18, 10, 30, tzinfo=UTC)
SMALL = DemoSize(cases=400, customers=150)


@pytest.mark.django_db
def test_the_demo_gives_about_60_percent_of_people_answers_with_consent():
    build_demo(policy="halton", seed=7, clock=SettableClock(NOW), size=SMALL)
    people = Customer.objects.filter(organisation="")
    answers = dict(equality_answers_stream())
    assert 0.45 <= len(answers) / people.count() <= 0.75
    assert not EqualityProfile.objects.filter(customer__organisation__gt="").exists()
    assert EqualityProfile.objects.filter(consent_given=False).exists()
    given = {question for found in answers.values() for question in found}
    assert given == {c.value for c in Characteristic}

    report = equality_report(
        policy=load_policy("halton"), first=datetime(2024, 6, 18).date(), last=NOW.date(), now=NOW
    )
    sex = next(s for s in report.sections if s.characteristic is Characteristic.SEX)
    shown = [row for table in sex.tables for row in table.rows if row.hidden is None]
    assert any(row.answer == "female" and row.measure is Measure.IN_TIME for row in shown)


def test_encrypting_5000_customers_answers_is_quick(people):
    """The full demo's 5,000 customers, in memory: encrypting them must not slow it. About
    half a second on the 2-core machine; the bound is loose for a loaded CI runner, and
    still catches a slow key derivation per customer (minutes)."""
    customers = build_customers(
        landlord=STONEWALL, count=5000, fake=_Fake(), rng=random.Random(1), now=NOW
    )
    for number, customer in enumerate(customers, start=1):
        customer.pk = number  # as if saved
    started = time.perf_counter()
    profiles = build_equality_profiles(
        landlord=STONEWALL,
        customers=customers,
        recorders=[people.officer],
        rng=random.Random(1),
        now=NOW,
    )
    assert time.perf_counter() - started < 10.0
    assert 2500 <= len(profiles) <= 3500


class _Fake:
    """Enough of Faker for build_customers, quicker."""

    def first_name(self) -> str:
        return "Sam"

    first_name_male = first_name_female = first_name

    def last_name(self) -> str:
        return "Jones"

    def building_number(self) -> str:
        return "1"

    def street_name(self) -> str:
        return "High Street"
