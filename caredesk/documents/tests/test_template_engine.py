"""Editable templates against a hostile administrator (or a stolen administrator's
account): only the allowed tags and filters, refused on save with the tag and its line,
and limits on length, time and output when a template is filled in."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from caredesk.documents.models import DocumentTemplate
from caredesk.documents.rendering import (
    EXAMPLE_VALUES,
    TemplateProblem,
    document_render,
    template_check,
    text_render,
)
from caredesk.documents.services import template_save
from caredesk.documents.template_engine import (
    MAX_OUTPUT_CHARS,
    MAX_RENDER_SECONDS,
    MAX_SOURCE_CHARS,
)

NESTED = "{% for a in draft %}{% for b in draft %}{% for c in draft %}{% for d in draft %}"
NESTED_END = "{% endfor %}" * 4
# Five deep: more work than any machine does in the time limit (four deep finished in
# under 2 seconds on a fast one, so the limit was never reached).
FIVE_DEEP = NESTED + "{% for e in draft %}" + "{% endfor %}" * 5


@pytest.mark.parametrize(
    ("source", "refused", "line"),
    [
        ("{% debug %}", "the tag {% debug %}", 1),
        ("Dear customer,\n\n{% lorem 9 w random %}", "the tag {% lorem %}", 3),
        ("{% load humanize %}{{ 3|intcomma }}", "the tag {% load %}", 1),
        ('{% include "core/base.html" %}', "the tag {% include %}", 1),
        ('{% extends "core/base.html" %}', "the tag {% extends %}", 1),
        ("{% ssi '/etc/passwd' %}", "the tag {% ssi %}", 1),
        ("Today is {% now 'j F Y' %}", "the tag {% now %}", 1),
        ("{% url 'cases:case' 'x' %}", "the tag {% url %}", 1),
        ("{% csrf_token %}", "the tag {% csrf_token %}", 1),
        ("{% templatetag openblock %}", "the tag {% templatetag %}", 1),
        ("{% widthratio 1 1 999999999 %}", "the tag {% widthratio %}", 1),
        ("a\nb\n{{ customer.name|center:'999999999' }}", "the filter |center", 3),
        ("{{ customer.name|ljust:'999999999' }}", "the filter |ljust", 1),
        ("{{ customer.name|stringformat:'999999999s' }}", "the filter |stringformat", 1),
        ("{{ customer.name|safe }}", "the filter |safe", 1),
        ("{% if customer.name|pprint %}x{% endif %}", "the filter |pprint", 1),
        ("{% with x=customer.name|add:customer.name %}{{ x }}{% endwith %}", "the filter |add", 1),
    ],
)
def test_a_tag_or_filter_not_on_the_list_is_refused_naming_it_and_its_line(source, refused, line):
    with pytest.raises(TemplateProblem) as problem:
        text_render(source, EXAMPLE_VALUES, name="The body")
    assert problem.value.message.startswith(f"The body uses {refused} on line {line}.")
    assert "Templates can use only these" in problem.value.message


def test_the_allowed_tags_and_filters_still_work():
    source = (
        "{% comment %}{% debug %} is never run in a comment{% endcomment %}"
        "{% if customer.name|length > 3 %}{{ customer.name|upper }}{% else %}x{% endif %} "
        "{% with ref=case.reference %}{{ ref|lower|truncatechars:7 }}{% endwith %} "
        "{% firstof away.name 'nobody' %} {{ 'a|b'|default:'c' }} "
        "{% for letter in 'ab' %}{{ letter|capfirst }}{% empty %}none{% endfor %}"
    )
    assert text_render(source, EXAMPLE_VALUES) == "JO JONES hht-20… Alex Smith a|b AB"


def test_saving_a_template_with_a_refused_tag_says_which_and_where(people, clock):
    with pytest.raises(TemplateProblem, match=r"The body uses the tag \{% debug %\} on line 2"):
        template_save(
            kind="acknowledgement",
            medium="email",
            subject="We have your message",
            body="Dear {{ customer.name }},\n{% debug %}",
            by=people.administrator,
            clock=clock,
        )
    assert not DocumentTemplate.objects.exists()


def test_the_template_page_refuses_lorem_with_the_reason(client, people):
    client.force_login(people.administrator)
    url = reverse("documents:template", args=["acknowledgement", "email"])
    response = client.post(url, {"subject": "Hello", "body": "Hello\n\n{% lorem %}"})
    assert response.status_code == 400
    assert "The body uses the tag {% lorem %} on line 3." in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_a_template_saved_before_the_list_is_still_refused_when_filled_in(db, clock):
    DocumentTemplate.objects.create(
        kind="acknowledgement",
        medium="email",
        subject="Hi",
        body="{% debug %}",
        updated_at=clock.now(),
    )
    with pytest.raises(TemplateProblem, match=r"uses the tag \{% debug %\}"):
        document_render("acknowledgement", "email", EXAMPLE_VALUES)


def test_a_template_too_long_is_refused_with_its_length():
    with pytest.raises(TemplateProblem, match=f"at most {MAX_SOURCE_CHARS:,} characters"):
        text_render("x" * (MAX_SOURCE_CHARS + 1), EXAMPLE_VALUES, name="The body")


def test_loops_inside_loops_are_stopped_at_the_time_limit():
    began = time.monotonic()
    problems = template_check("response", "Subject", FIVE_DEEP)
    took = time.monotonic() - began
    assert problems == [
        f"The body took more than {MAX_RENDER_SECONDS:g} seconds to fill in: take out the "
        "loops inside loops."
    ]
    assert took < MAX_RENDER_SECONDS + 2


def test_a_loop_that_writes_too_much_is_stopped_while_it_writes():
    source = NESTED + "{{ officer.signature }}" + NESTED_END
    began = time.monotonic()
    with pytest.raises(TemplateProblem, match=f"more than {MAX_OUTPUT_CHARS:,} characters"):
        text_render(source, EXAMPLE_VALUES, name="The body")
    assert time.monotonic() - began < 1  # stopped at the limit, not at the end


def test_a_long_value_written_once_is_over_the_output_limit_too():
    values = {**EXAMPLE_VALUES, "draft": "x" * (MAX_OUTPUT_CHARS + 1)}
    with pytest.raises(TemplateProblem, match="more than"):
        text_render("{{ draft }}", values, name="The body")
