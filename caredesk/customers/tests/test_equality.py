"""Equality monitoring answers: encrypted at rest, kept only with consent, shown only on
request with each showing logged, erased on request."""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.urls import reverse

from caredesk.conftest import make_staff
from caredesk.customers.equality import (
    ACCESS_WHAT,
    Characteristic,
    EqualityError,
    EqualityKeyMissing,
    EqualityUnreadable,
    equality_answers_show,
    equality_answers_stream,
    equality_erase,
    equality_keys_rotate,
    equality_record,
)
from caredesk.customers.models import Customer, CustomerAccess, CustomerType, EqualityProfile
from caredesk.customers.services import customer_create
from caredesk.env import env_keys
from caredesk.errors import NotAllowed
from caredesk.staff.models import Role

pytestmark = pytest.mark.django_db

ANSWERS = {
    "ethnicity": "mixed",
    "religion": "muslim",
    "sexual_orientation": "gay_or_lesbian",
    "disability": "yes",
    "age_band": "55_64",
    "financial_exclusion": "prefer_not_to_say",
}
WORDS = ["mixed", "muslim", "gay_or_lesbian", "55_64", "prefer_not_to_say", "religion"]


def tenant(name: str = "Khan") -> Customer:
    return customer_create(customer_type=CustomerType.TENANT, first_name="Amira", last_name=name)


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def raw_column(customer: Customer) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT answers_encrypted FROM {EqualityProfile._meta.db_table} "
            "WHERE customer_id = %s",
            [customer.pk],
        )
        return bytes(cursor.fetchone()[0])


# -- the services ---------------------------------------------------------------------------


def test_answers_read_back_as_they_were_recorded(people, clock):
    customer = tenant()
    equality_record(
        customer=customer, answers=ANSWERS, consent_given=True, by=people.officer, clock=clock
    )
    assert dict(equality_answers_stream()) == {customer.pk: ANSWERS}
    profile = EqualityProfile.objects.get(customer=customer)
    assert profile.consent_given
    assert profile.recorded_by == people.officer
    assert profile.recorded_at == clock.now()


def test_the_database_column_holds_no_answer_in_plain_text(people, clock):
    customer = tenant()
    equality_record(
        customer=customer, answers=ANSWERS, consent_given=True, by=people.officer, clock=clock
    )
    stored = raw_column(customer)
    assert stored.startswith(b"gAAAAA")  # a Fernet token
    decoded = base64.urlsafe_b64decode(stored)  # not merely base64 of the answers either
    for word in WORDS:
        assert word.encode() not in stored.lower()
        assert word.encode() not in decoded.lower()


def test_the_same_answers_for_two_customers_are_stored_differently(people, clock):
    first, second = tenant("Khan"), tenant("Okafor")
    for customer in (first, second):
        equality_record(
            customer=customer, answers=ANSWERS, consent_given=True, by=people.officer, clock=clock
        )
    assert raw_column(first) != raw_column(second)


def test_a_token_copied_onto_another_customer_does_not_read(people, clock):
    first, second = tenant("Khan"), tenant("Okafor")
    equality_record(
        customer=first, answers=ANSWERS, consent_given=True, by=people.officer, clock=clock
    )
    equality_record(customer=second, answers={"sex": "male"}, consent_given=True, by=people.officer)
    EqualityProfile.objects.filter(customer=second).update(answers_encrypted=raw_column(first))
    with pytest.raises(EqualityUnreadable, match="written for another customer"):
        dict(equality_answers_stream([second.pk]))


def test_a_new_key_put_first_encrypts_and_the_old_one_still_decrypts(people, clock, settings):
    old, new = new_key(), new_key()
    settings.CAREDESK_EQUALITY_KEYS = [old]
    before = tenant("Khan")
    equality_record(customer=before, answers=ANSWERS, consent_given=True, by=people.officer)

    settings.CAREDESK_EQUALITY_KEYS = [new, old]
    after = tenant("Okafor")
    equality_record(
        customer=after, answers={"sex": "female"}, consent_given=True, by=people.officer
    )
    assert dict(equality_answers_stream()) == {before.pk: ANSWERS, after.pk: {"sex": "female"}}

    # the new answers are the new key's alone
    assert Fernet(new.encode()).decrypt(raw_column(after))
    settings.CAREDESK_EQUALITY_KEYS = [new]
    with pytest.raises(EqualityUnreadable, match="key they were written with"):
        dict(equality_answers_stream([before.pk]))

    # rotating re-encrypts the old answers with the new key; then the old key can go
    settings.CAREDESK_EQUALITY_KEYS = [new, old]
    assert equality_keys_rotate() == 2
    settings.CAREDESK_EQUALITY_KEYS = [new]
    assert dict(equality_answers_stream()) == {before.pk: ANSWERS, after.pk: {"sex": "female"}}


def test_without_a_key_answers_can_be_neither_written_nor_read(people, clock, settings):
    customer = tenant()
    equality_record(customer=customer, answers=ANSWERS, consent_given=True, by=people.officer)
    key = settings.CAREDESK_EQUALITY_KEYS[0]
    settings.CAREDESK_EQUALITY_KEYS = []
    message = "Equality data cannot be read or written: CAREDESK_EQUALITY_KEY is not set."
    with pytest.raises(EqualityKeyMissing) as refused:
        equality_record(
            customer=tenant("Okafor"), answers=ANSWERS, consent_given=True, by=people.officer
        )
    assert refused.value.message == message
    assert key not in str(refused.value)
    with pytest.raises(EqualityKeyMissing, match="CAREDESK_EQUALITY_KEY is not set"):
        equality_answers_show(customer=customer, by=people.data_protection_officer, clock=clock)
    with pytest.raises(EqualityKeyMissing):
        dict(equality_answers_stream())
    assert not CustomerAccess.objects.filter(what=ACCESS_WHAT).exists()


def test_no_key_is_needed_while_there_are_no_answers(settings):
    settings.CAREDESK_EQUALITY_KEYS = []
    assert dict(equality_answers_stream()) == {}


def test_answers_are_not_kept_without_consent(people, clock):
    customer = tenant()
    with pytest.raises(EqualityError, match="has not agreed"):
        equality_record(customer=customer, answers=ANSWERS, consent_given=False, by=people.officer)
    assert not EqualityProfile.objects.exists()

    profile = equality_record(customer=customer, answers={}, consent_given=False, by=people.officer)
    assert not profile.consent_given
    assert raw_column(customer) == b""
    assert equality_answers_show(customer=customer, by=people.data_protection_officer) is None
    assert dict(equality_answers_stream()) == {}


def test_consent_with_no_answers_and_unknown_answers_are_refused(people):
    customer = tenant()
    with pytest.raises(EqualityError, match="at least one answer"):
        equality_record(customer=customer, answers={}, consent_given=True, by=people.officer)
    with pytest.raises(EqualityError, match="not one of the answers"):
        equality_record(
            customer=customer, answers={"sex": "unknown"}, consent_given=True, by=people.officer
        )
    with pytest.raises(EqualityError, match="no equality question"):
        equality_record(
            customer=customer, answers={"shoe_size": "9"}, consent_given=True, by=people.officer
        )
    assert not EqualityProfile.objects.exists()


def test_recording_again_replaces_the_answers(people):
    customer = tenant()
    equality_record(customer=customer, answers=ANSWERS, consent_given=True, by=people.officer)
    equality_record(
        customer=customer, answers={"sex": "male"}, consent_given=True, by=people.teammate
    )
    assert dict(equality_answers_stream()) == {customer.pk: {"sex": "male"}}
    assert EqualityProfile.objects.get().recorded_by == people.teammate


def test_erasing_removes_the_answers(people, clock):
    customer = tenant()
    equality_record(customer=customer, answers=ANSWERS, consent_given=True, by=people.officer)
    assert equality_erase(customer=customer, by=people.officer, clock=clock)
    assert not EqualityProfile.objects.exists()
    assert not equality_erase(customer=customer, by=people.officer, clock=clock)
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_showing_the_answers_logs_the_read(people, clock):
    customer = tenant()
    equality_record(customer=customer, answers=ANSWERS, consent_given=True, by=people.officer)
    lead = make_staff("ella_lead", Role.OFFICER, Role.EQUALITY_LEAD)
    shown = equality_answers_show(customer=customer, by=lead, clock=clock)
    assert shown is not None
    answers = {item.characteristic: item.answer for item in shown}
    assert answers[Characteristic.RELIGION] == "Muslim"
    assert answers[Characteristic.SEX] == "Not asked or not answered"
    assert answers[Characteristic.FINANCIAL_EXCLUSION] == "Prefer not to say"
    access = CustomerAccess.objects.get(what=ACCESS_WHAT)
    assert (access.customer, access.staff, access.at) == (customer, lead, clock.now())


@pytest.mark.parametrize(
    "persona", ["officer", "teammate", "line_manager", "administrator", "analyst"]
)
def test_caseworkers_and_analysts_cannot_read_a_customers_answers(people, clock, persona):
    customer = tenant()
    equality_record(customer=customer, answers=ANSWERS, consent_given=True, by=people.officer)
    with pytest.raises(NotAllowed, match="Only the data protection officer and equality"):
        equality_answers_show(customer=customer, by=getattr(people, persona), clock=clock)
    assert not CustomerAccess.objects.filter(what=ACCESS_WHAT).exists()


def test_only_the_dpo_and_equality_leads_open_the_answers_page_and_each_opening_is_logged(
    client, people
):
    customer = tenant()
    equality_record(customer=customer, answers=ANSWERS, consent_given=True, by=people.officer)
    url = reverse("customers:equality", args=[customer.pk])
    for persona in (people.officer, people.line_manager, people.administrator, people.analyst):
        client.force_login(persona)
        assert client.get(url).status_code == 403, persona
    lead = make_staff("ella_lead", Role.OFFICER, Role.EQUALITY_LEAD)
    for reader in (people.data_protection_officer, lead):
        client.force_login(reader)
        page = client.get(reverse("customers:customer", args=[customer.pk])).content.decode()
        assert "Show the answers" in page
        response = client.get(url)
        assert response.status_code == 200
        assert "Muslim" in response.content.decode()
    readers = CustomerAccess.objects.filter(what=ACCESS_WHAT).values_list("staff", flat=True)
    assert sorted(readers) == sorted([people.data_protection_officer.pk, lead.pk])


# -- the setting ------------------------------------------------------------------------------


def test_the_key_setting_takes_several_keys_and_names_a_bad_one_without_showing_it(
    monkeypatch: pytest.MonkeyPatch,
):
    good, other = new_key(), new_key()
    monkeypatch.setenv("CAREDESK_EQUALITY_KEY", f"{good}, {other}")
    assert env_keys("CAREDESK_EQUALITY_KEY") == [good, other]
    monkeypatch.setenv("CAREDESK_EQUALITY_KEY", f"{good},not-a-secret-key-at-all")
    with pytest.raises(ImproperlyConfigured, match="key 2 is not a key of 32 bytes") as bad:
        env_keys("CAREDESK_EQUALITY_KEY")
    assert "not-a-secret-key-at-all" not in str(bad.value)
    monkeypatch.setenv("CAREDESK_EQUALITY_KEY", "")
    assert env_keys("CAREDESK_EQUALITY_KEY") == []


def test_tests_run_with_a_key_from_the_environment_as_production_does():
    assert os.environ["CAREDESK_EQUALITY_KEY"]


# -- the customer page ------------------------------------------------------------------------


def form_data(**answers: str) -> dict[str, Any]:
    data: dict[str, Any] = {c.value: "" for c in Characteristic}
    return data | answers


def test_an_officer_records_answers_from_the_customer_page(client, people):
    customer = tenant()
    client.force_login(people.officer)
    page = client.get(reverse("customers:customer", args=[customer.pk])).content.decode()
    assert "Equality monitoring" in page
    assert "You do not have to answer. We use these answers only to check we treat" in page
    assert "No answers recorded." in page

    response = client.post(
        reverse("customers:equality_record", args=[customer.pk]),
        form_data(consent="yes", religion="sikh", disability="no"),
    )
    assert response.status_code == 302
    assert dict(equality_answers_stream()) == {
        customer.pk: {"religion": "sikh", "disability": "no"}
    }

    # the customer page says they are kept, but neither reads nor shows them
    page = client.get(reverse("customers:customer", args=[customer.pk])).content.decode()
    assert "Answers recorded on" in page
    assert "Sikh</dd>" not in page
    assert not CustomerAccess.objects.filter(what=ACCESS_WHAT).exists()

    # nor may the officer who recorded them read them back (special-category data)
    assert "Show the answers" not in page
    assert client.get(reverse("customers:equality", args=[customer.pk])).status_code == 403
    assert not CustomerAccess.objects.filter(what=ACCESS_WHAT).exists()

    client.force_login(people.data_protection_officer)
    shown = client.get(reverse("customers:equality", args=[customer.pk])).content.decode()
    assert "Sikh" in shown
    assert "Not disabled" in shown
    assert CustomerAccess.objects.filter(
        customer=customer, staff=people.data_protection_officer, what=ACCESS_WHAT
    ).exists()


def test_the_form_refuses_answers_without_consent_and_says_why(client, people):
    customer = tenant()
    client.force_login(people.officer)
    url = reverse("customers:equality_record", args=[customer.pk])
    response = client.post(url, form_data(consent="no", sex="female"))
    assert response.status_code == 400
    assert (
        "The customer has not agreed, so we cannot keep their answers" in response.content.decode()
    )
    response = client.post(url, form_data())
    assert response.status_code == 400
    assert "Say whether the customer agrees" in response.content.decode()
    assert not EqualityProfile.objects.exists()

    response = client.post(url, form_data(consent="no"))
    assert response.status_code == 302
    page = client.get(reverse("customers:customer", args=[customer.pk])).content.decode()
    assert "did not agree to us keeping answers" in page


def test_erasing_from_the_customer_page(client, people):
    customer = tenant()
    equality_record(customer=customer, answers=ANSWERS, consent_given=True, by=people.officer)
    client.force_login(people.officer)
    response = client.post(reverse("customers:equality_erase", args=[customer.pk]))
    assert response.status_code == 302
    assert not EqualityProfile.objects.exists()


def test_a_data_protection_officer_may_see_the_answers_but_not_record_them(client, people):
    customer = tenant()
    equality_record(customer=customer, answers=ANSWERS, consent_given=True, by=people.officer)
    officer = make_staff("dana_dpo", Role.DATA_PROTECTION_OFFICER)
    client.force_login(officer)
    page = client.get(reverse("customers:customer", args=[customer.pk])).content.decode()
    assert "Show the answers" in page
    assert "Record the customer's answers" not in page
    assert client.get(reverse("customers:equality", args=[customer.pk])).status_code == 200
    url = reverse("customers:equality_record", args=[customer.pk])
    assert client.post(url, form_data(consent="no")).status_code == 403
    assert client.post(reverse("customers:equality_erase", args=[customer.pk])).status_code == 403


def test_the_answers_page_says_plainly_when_there_is_no_key(client, people, settings):
    customer = tenant()
    equality_record(customer=customer, answers=ANSWERS, consent_given=True, by=people.officer)
    settings.CAREDESK_EQUALITY_KEYS = []
    client.force_login(people.data_protection_officer)
    response = client.get(reverse("customers:equality", args=[customer.pk]))
    assert response.status_code == 503
    assert "CAREDESK_EQUALITY_KEY is not set" in response.content.decode()
