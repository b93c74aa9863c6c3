"""Every model says what it holds about customers (customers.holdings), so that subject
access exports and erasure cannot miss one: a new model, or a new free-text field on a
model that holds customers' data, fails here until it is declared."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from caredesk.customers.holdings import Holding, NoCustomerData, declarations
from caredesk.customers.models import Customer

FREE_TEXT = (models.CharField, models.TextField, models.JSONField, models.BinaryField)


def caredesk_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("caredesk.")]


def test_every_model_is_declared_once() -> None:
    declared = declarations()
    missing = [
        m._meta.label_lower for m in caredesk_models() if m._meta.label_lower not in declared
    ]
    assert missing == [], (
        "Declare these in their app's personal_data.py, as a Holding (rows about a customer) "
        "or NoCustomerData (with the reason): " + ", ".join(missing)
    )
    assert all(d.model._meta.label_lower == key for key, d in declared.items())


def test_each_free_text_field_of_a_holding_is_called_personal_or_not() -> None:
    undecided = []
    for declaration in declarations().values():
        if not isinstance(declaration, Holding):
            continue
        for field in declaration.model._meta.concrete_fields:
            free_text = isinstance(field, FREE_TEXT) and not field.choices
            said = field.name in declaration.personal or field.name in declaration.not_personal
            if free_text and not said:
                undecided.append(f"{declaration.key}.{field.name}")
    assert undecided == [], (
        "Say whether these are about the person (Holding.personal: cleared on erasure) or "
        "not (Holding.not_personal): " + ", ".join(undecided)
    )


def test_the_named_fields_exist() -> None:
    for declaration in declarations().values():
        if not isinstance(declaration, Holding):
            continue
        names = {f.name for f in declaration.model._meta.concrete_fields}
        named = {*declaration.personal, *declaration.not_personal, *declaration.withheld}
        named |= {f.sha for f in declaration.files} | {f.name for f in declaration.files if f.name}
        assert named <= names, f"{declaration.key}: no field {sorted(named - names)}"
        assert not set(declaration.personal) & set(declaration.not_personal), declaration.key


@pytest.mark.django_db
def test_each_holding_finds_rows_by_its_path() -> None:
    customer = Customer.objects.create(
        customer_type="tenant",
        last_name="Jones",
        email="jo@example.com",
        phone="01632 960001",
        created_at="2026-01-01T00:00:00Z",
    )
    for declaration in declarations().values():
        if isinstance(declaration, Holding):
            assert declaration.rows(customer).count() >= 0  # the query is valid SQL


def test_no_customer_data_says_why() -> None:
    for declaration in declarations().values():
        if isinstance(declaration, NoCustomerData):
            assert declaration.why.strip().endswith("."), declaration.key
