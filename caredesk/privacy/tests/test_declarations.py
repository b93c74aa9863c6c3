"""Every model says what it holds about customers (customers.holdings), so that subject
access exports and erasure cannot miss one: a new model, or a new free-text field on a
model that holds customers' data, fails here until it is declared."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from caredesk.customers.holdings import Holding, NoCustomerData, declarations, store_fields
from caredesk.customers.models import Customer
from caredesk.privacy.erasure import erased_value

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


def test_erasure_can_clear_every_personal_field() -> None:
    """A personal field that cannot be emptied (a date that must be set) would stop
    every erasure: it fails here instead, saying which."""
    for declaration in declarations().values():
        if isinstance(declaration, Holding):
            for name in declaration.personal:
                erased_value(declaration.model, name)  # raises NotErasable


# Fields named like a digest that are not files of the store, and why.
NOT_IN_STORE = {
    "telephony.callimport.file_sha256": "the digest of an imported file, to spot it again",
    "visits.calendarfeed.secret_sha256": "a digest of a calendar feed's secret address",
}


def test_every_field_naming_a_stored_file_is_declared() -> None:
    """The store keeps a file while a declared field names it (privacy.store_sweep): an
    undeclared one would see its files removed as unused."""
    declared = {f"{model._meta.label_lower}.{name}" for model, name in store_fields()}
    digests = {
        f"{model._meta.label_lower}.{field.name}"
        for model in caredesk_models()
        for field in model._meta.concrete_fields
        if field.name.endswith("sha256")
    }
    assert digests - set(NOT_IN_STORE) == declared


def test_the_named_fields_exist() -> None:
    for declaration in declarations().values():
        if not isinstance(declaration, Holding):
            continue
        names = {f.name for f in declaration.model._meta.concrete_fields}
        named = {*declaration.personal, *declaration.not_personal, *declaration.withheld}
        named |= {f.sha for f in declaration.files} | {f.name for f in declaration.files if f.name}
        named |= set(declaration.in_store)
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
