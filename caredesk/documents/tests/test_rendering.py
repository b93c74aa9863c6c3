"""Templates: the shipped wording, administrators' edits, and refusing unsigned responses."""

import pytest

from caredesk.documents.models import DocumentKind, DocumentTemplate, Medium
from caredesk.documents.rendering import (
    EXAMPLE_VALUES,
    Signatory,
    TemplateProblem,
    UnsignedDocument,
    default_templates,
    document_render,
    example_values,
    signed_check,
    template_check,
    text_render,
)

SAM = Signatory(name="Sam Patel", post_title="Housing Officer", phone="0151 510 5000", email="")


@pytest.mark.parametrize(("kind", "medium"), sorted(default_templates()))
def test_every_shipped_template_renders_with_the_values_its_kind_is_given(db, kind, medium):
    rendered = document_render(kind, medium, example_values(kind))
    assert rendered.subject
    assert rendered.body
    assert "\n\n\n" not in rendered.body
    assert "{" not in rendered.body + rendered.subject


def test_every_kind_has_an_email_or_letter_template():
    kinds = {kind for kind, _ in default_templates()}
    assert kinds == {kind.value for kind in DocumentKind}


def test_an_administrators_edit_takes_the_place_of_the_shipped_wording(db, clock):
    DocumentTemplate.objects.create(
        kind=DocumentKind.ACKNOWLEDGEMENT,
        medium=Medium.EMAIL,
        subject="Thanks: {{ case.reference }}",
        body="Got it, {{ customer.name }}.",
        updated_at=clock.now(),
    )
    rendered = document_render(DocumentKind.ACKNOWLEDGEMENT, Medium.EMAIL, EXAMPLE_VALUES)
    assert (rendered.subject, rendered.body) == ("Thanks: HHT-2025-000123", "Got it, Jo Jones.")


def test_a_value_that_is_not_there_is_an_error_not_a_blank():
    with pytest.raises(TemplateProblem, match=r"values that are not there: customer\.nmae"):
        text_render("Dear {{ customer.nmae }},", EXAMPLE_VALUES)


def test_a_template_that_does_not_parse_says_so():
    with pytest.raises(TemplateProblem, match="cannot be read"):
        text_render("{% if case.reference %}no end", EXAMPLE_VALUES)


@pytest.mark.parametrize(
    "source", ['{% include "/etc/passwd" %}', "{% load humanize %}", '{% extends "base.html" %}']
)
def test_templates_reach_no_files_and_no_other_tags(source):
    with pytest.raises(TemplateProblem):
        text_render(source, EXAMPLE_VALUES)


def test_values_are_not_html_escaped_in_text():
    assert text_render("{{ draft }}", {"draft": "Fish & chips <3"}) == "Fish & chips <3"


def test_template_check_lists_the_problems_of_an_edit():
    problems = template_check("acknowledgement", "Re {{ case.referance }}", "{% if %}")
    assert len(problems) == 2
    assert "case.referance" in problems[0]
    assert problems[1].startswith("The body cannot be read")


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("acknowledgement", "{{ away.name }} is away"),  # only out-of-office replies have it
        ("acknowledgement", "{{ draft }}"),
        ("out_of_office", "{{ holding.reason }}"),
    ],
)
def test_a_value_another_kind_is_given_is_refused(kind, body):
    (problem,) = template_check(kind, "Subject", body)
    assert "values that are not there" in problem


@pytest.mark.parametrize("body", ["{% for x in 5 %}{{ x }}{% endfor %}"])
def test_a_tag_that_fails_when_filled_in_is_a_template_problem(body):
    (problem,) = template_check("acknowledgement", "Subject", body)
    assert "cannot be filled in" in problem


def test_a_signed_response_passes():
    signed_check("Yours,\nSam Patel\nHousing Officer\nPhone: 0151 510 5000", SAM)


@pytest.mark.parametrize(
    ("text", "signatory", "says"),
    [
        ("Yours,\nHousing Officer\n0151 510 5000", SAM, "officer's name"),
        ("Yours,\nSam Patel\n0151 510 5000", SAM, "post title"),
        ("Yours,\nSam Patel\nHousing Officer", SAM, "how to reach"),
        ("Yours", None, "No one is dealing"),
        ("Sam", Signatory("Sam", "", "1", ""), "no post title"),
        ("Sam X", Signatory("Sam", "X", "", ""), "no phone number or email"),
    ],
)
def test_an_unsigned_response_is_refused(text, signatory, says):
    with pytest.raises(UnsignedDocument, match=says):
        signed_check(text, signatory)
