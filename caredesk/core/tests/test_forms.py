"""Every form in caredesk, held to the GOV.UK error pattern and to told limits.

The test finds every Form class in caredesk (it imports every product module), makes one
of each, and checks each field: a required field has its own message ("Enter the reason
for the delay"), never Django's "This field is required."; a text field has a limit, the
browser is told it (maxlength), a longer value is refused naming the field and the limit,
and a textarea's hint says the limit. A new form that falls short fails here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.forms import BaseForm
from django.http import QueryDict

import caredesk
from caredesk.conftest import People
from caredesk.core.active_policy import active_policy
from caredesk.core.forms import TEXT_LIMIT, TextLimits, limit_hint, too_long_message

DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])
SKIPPED_PACKAGES = (".tests", ".migrations", ".management")

# Forms in pages other engineers were changing while this test was written: each entry
# is a check the form does not pass yet. The test fails when an entry is fixed (so the
# list only shrinks) as well as when any other form falls short.
NOT_YET: dict[str, set[tuple[str, str]]] = {
    "caredesk.search.forms.SearchForm": {
        ("q", "Django's required message"),
        ("q", "the limit is not in the too-long message"),
    },
}


def product_modules() -> Iterator[str]:
    for module in pkgutil.walk_packages(caredesk.__path__, prefix="caredesk."):
        if any(part in module.name for part in SKIPPED_PACKAGES):
            continue
        if module.name.endswith(("conftest", "pytest_plugin", "__main__", "wsgi")):
            continue
        yield module.name


def form_classes() -> list[type[BaseForm]]:
    for name in product_modules():
        importlib.import_module(name)
    found: dict[str, type[BaseForm]] = {}
    pending: list[type] = [BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("caredesk.") and ".tests" not in cls.__module__:
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[name] for name in sorted(found)]


def samples(people: People) -> dict[str, Any]:
    """A value for each keyword a form's constructor needs, by the parameter's name."""
    from caredesk.cases.forms import CHANNEL_FORMS
    from caredesk.cases.models import Case, Channel
    from caredesk.cases.services import case_create
    from caredesk.complaints.models import ComplaintPoint
    from caredesk.core.clock import system_clock
    from caredesk.privacy.models import Breach

    case = Case.objects.first() or case_create(
        kind="general_enquiry",
        channel=Channel.PHONE,
        received_at=system_clock.now(),
        subject="Damp in the bedroom",
        by=people.officer,
    )

    breach = Breach(
        case=case, became_aware_at=case.received_at, what_happened="Letter to the wrong address"
    )

    return {
        "breach": breach,  # privacy's breach pages
        "policy": active_policy(),
        "by": people.line_manager,
        "user": people.officer,
        "kind": "acknowledgement",
        "standard_keys": set(),
        "data": QueryDict(),
        "deadlines": [],
        "email_to": "grace.nwosu@example.org",
        "channel_form": CHANNEL_FORMS[Channel.MESSAGE],  # the one that asks the most
        "case": case,
        "years": [2026, 2025],  # the TSM returns page
        "stage": 2,  # a complaint's stage 2 asks the most
        "points": [ComplaintPoint(stage=1, number=1, text="Nobody came to the repair.")],
        "customer": customer_with_a_representative(people),  # a disclosure request's form
    }


def customer_with_a_representative(people: People) -> Any:
    from datetime import UTC, datetime

    from caredesk.customers.models import CustomerType
    from caredesk.customers.representatives import representative_record
    from caredesk.customers.services import customer_create

    customer = customer_create(customer_type=CustomerType.TENANT, last_name="Okafor")
    representative_record(
        customer=customer,
        name="Ada Okafor",
        kind="family",
        covers_everything=True,
        given_how="written",
        starts_at=datetime(2025, 1, 1, tzinfo=UTC),
        by=people.officer,
    )
    return customer


def make(cls: type[BaseForm], people: People) -> BaseForm:
    values = samples(people)
    arguments: dict[str, Any] = {}
    for parameter in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if parameter.kind in {parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD}:
            continue
        if parameter.default is not parameter.empty:
            continue
        assert parameter.name in values, (
            f"{cls.__qualname__} needs {parameter.name}=: add a sample value to samples()"
        )
        arguments[parameter.name] = values[parameter.name]
    if issubclass(cls, PasswordChangeForm):  # Django's: the member comes first
        return cls(values["user"], **arguments)
    return cls(**arguments)


def shortfalls(form: BaseForm) -> set[tuple[str, str]]:
    """(field, what is wrong) for each way the form falls short."""
    found: set[tuple[str, str]] = set()
    for name, field in form.fields.items():
        if field.widget.is_hidden:
            continue
        if field.required and str(field.error_messages.get("required")) == DJANGO_REQUIRED:
            found.add((name, "Django's required message"))
        if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
            continue
        if field.max_length is None:
            found.add((name, "no max_length"))
            continue
        if f'maxlength="{field.max_length}"' not in str(form[name]):
            found.add((name, "no maxlength in the HTML"))
        message = str(field.error_messages.get("max_length", ""))
        if f"{field.max_length:,} characters" not in message:
            found.add((name, "the limit is not in the too-long message"))
        if isinstance(field.widget, forms.Textarea) and limit_hint(field.max_length) not in str(
            field.help_text
        ):
            found.add((name, "a textarea whose hint does not say the limit"))
    return found


def test_the_walk_finds_the_forms_of_every_app() -> None:
    names = [f"{cls.__module__}.{cls.__qualname__}" for cls in form_classes()]
    assert "caredesk.staff.forms.AbsenceForm" in names
    assert "caredesk.reporting.forms.CommentaryForm" in names
    assert "caredesk.telephony.upload_forms.CallFileForm" in names
    assert len(names) >= 25


def every_form(people: People) -> dict[str, set[tuple[str, str]]]:
    return {
        f"{cls.__module__}.{cls.__qualname__}": shortfalls(make(cls, people))
        for cls in form_classes()
    }


@pytest.mark.django_db
def test_every_form_has_specific_messages_and_told_limits(people: People) -> None:
    problems = {
        name: new
        for name, found in every_form(people).items()
        if (new := found - NOT_YET.get(name, set()))
    }
    assert problems == {}, "\n".join(
        f"{name}: {sorted(found)}" for name, found in sorted(problems.items())
    )


@pytest.mark.django_db
def test_the_forms_not_yet_converted_are_listed_only_while_they_fall_short(
    people: People,
) -> None:
    found = every_form(people)
    fixed = {
        name: fixed
        for name, expected in NOT_YET.items()
        if (fixed := expected - found.get(name, set()))
    }
    assert fixed == {}, f"Fixed: take these out of NOT_YET: {fixed}"


class Sample(TextLimits, forms.Form):
    summary = forms.CharField(
        max_length=2_000,
        widget=forms.Textarea,
        error_messages={"required": "Enter a summary of the call"},
    )
    reference = forms.CharField(label="Case reference", max_length=20, required=False)


def test_a_value_over_the_limit_is_refused_naming_the_field_and_the_limit() -> None:
    form = Sample(data={"summary": "x" * 2_001, "reference": "HHT-" + "9" * 17})
    assert not form.is_valid()
    assert form.errors["summary"] == ["Summary must be 2,000 characters or fewer"]
    assert form.errors["reference"] == [too_long_message("Case reference", 20)]
    html = str(form["summary"])
    assert 'maxlength="2000"' in html
    assert form.fields["summary"].help_text == "You can enter up to 2,000 characters."
    # nothing is cut: the value sent is shown back whole, to be shortened by its writer
    assert "x" * 2_001 in html


def test_a_value_at_the_limit_is_taken() -> None:
    assert Sample(data={"summary": "x" * 2_000}).is_valid()


def test_the_cap_for_free_text_is_ten_thousand_characters() -> None:
    assert limit_hint(TEXT_LIMIT) == "You can enter up to 10,000 characters."
