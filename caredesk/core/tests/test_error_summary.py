"""The GOV.UK error pattern on every page: "Error: " before the title whenever a form on
the page was refused, and the error summary ready to take focus when the page opens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from django import forms
from django.template import Context, Template
from django.urls import reverse

import caredesk
from caredesk.conftest import People


class Reason(forms.Form):
    reason = forms.CharField(error_messages={"required": "Enter the reason for the delay"})


def title_of(html: str) -> str:
    found = BeautifulSoup(html, "html.parser").title
    assert found is not None
    return found.text


TITLE = Template("{% load desk %}{% page_has_errors as e %}{{ e }}")


def test_a_refused_form_anywhere_in_the_context_puts_error_in_the_title() -> None:
    refused = Reason(data={})
    assert not refused.is_valid()
    assert TITLE.render(Context({"form": refused})) == "True"
    # the case page keeps its action forms in a dictionary
    assert TITLE.render(Context({"forms": {"note": Reason(), "delay": refused}})) == "True"
    assert TITLE.render(Context({"forms": [Reason(), refused]})) == "True"
    assert TITLE.render(Context({"has_errors": True})) == "True"


def test_a_form_not_sent_or_not_checked_is_not_an_error() -> None:
    unchecked = Reason(data={})
    assert TITLE.render(Context({"form": Reason(), "other": unchecked})) == "False"
    assert getattr(unchecked, "_errors", None) is None  # the title never runs its checks
    accepted = Reason(data={"reason": "Waiting for the contractor"})
    assert accepted.is_valid()
    assert TITLE.render(Context({"form": accepted})) == "False"


def test_a_page_whose_form_was_refused_says_error_first_in_its_title(client: Any) -> None:
    fine = client.get(reverse("policies:standards"))
    assert not title_of(fine.content.decode()).startswith("Error:")
    refused = client.get(reverse("policies:standards"), {"standard": "letter_email_response"})
    html = refused.content.decode()
    assert title_of(html).startswith("Error: ")
    summary = BeautifulSoup(html, "html.parser").find("div", class_="error-summary")
    assert summary is not None
    # focus moves to it as the page opens: autofocus without JavaScript, the script with
    assert summary.has_attr("autofocus")
    assert summary["tabindex"] == "-1"
    link = summary.find("a", href="#id_received")
    assert link is not None
    assert link.text == "Enter when it was received"


def test_a_refused_absence_says_error_in_the_title_and_which_field(
    client: Any, people: People
) -> None:
    client.force_login(people.line_manager)
    response = client.post(reverse("staff:absences"), {"kind": "annual_leave"})
    html = response.content.decode()
    assert title_of(html).startswith("Error: ")
    assert "Choose who is away" in html
    assert "Enter the first day away" in html
    assert "This field is required." not in html


SUMMARY = Template('{% include "core/error_summary.html" %}')
SUMMARY_OF = Template('{% include "core/error_summary.html" with errors_of=forms %}')


class Note(forms.Form):
    text = forms.CharField(error_messages={"required": "Enter the note"})


def summary_in(html: str) -> Any:
    return BeautifulSoup(html, "html.parser").find("div", class_="error-summary")


def test_the_summary_lists_each_refused_form_of_a_list_and_links_to_its_fields() -> None:
    refused, fine, unsent = Reason(data={}), Note(data={"text": "Rang back"}), Note()
    assert not refused.is_valid()
    summary = summary_in(SUMMARY_OF.render(Context({"forms": [fine, refused, unsent]})))
    assert summary is not None
    assert summary.has_attr("autofocus")
    assert summary.find(attrs={"role": "alert"}) is not None
    assert [a.text for a in summary.find_all("a")] == ["Enter the reason for the delay"]
    assert summary.find("a")["href"] == "#id_reason"
    # and a dictionary of forms, as the case page keeps them
    assert summary_in(SUMMARY_OF.render(Context({"forms": {"note": fine}}))) is None


def test_the_summary_says_problems_that_belong_to_no_field() -> None:
    one = Template(
        '{% include "core/error_summary.html" with summary_error=refused '
        'summary_heading="You cannot merge these cases" %}'
    )
    summary = summary_in(one.render(Context({"refused": "HHT-2025-000002 is closed."})))
    assert summary is not None
    assert summary.has_attr("autofocus")
    assert summary.find("h2").text == "You cannot merge these cases"
    assert [li.text for li in summary.find_all("li")] == ["HHT-2025-000002 is closed."]
    listed = Template('{% include "core/error_summary.html" with summary_errors=reasons %}')
    summary = summary_in(listed.render(Context({"reasons": ["First", "Second"]})))
    assert summary.find("h2").text == "There is a problem"
    assert [li.text for li in summary.find_all("li")] == ["First", "Second"]
    # nothing to say: no summary at all
    assert summary_in(one.render(Context({"refused": ""}))) is None
    assert summary_in(listed.render(Context({"reasons": []}))) is None


def test_the_summary_still_takes_the_pages_own_form() -> None:
    refused = Reason(data={})
    summary = summary_in(SUMMARY.render(Context({"form": refused})))
    assert summary is not None
    assert [a.text for a in summary.find_all("a")] == ["Enter the reason for the delay"]
    assert summary_in(SUMMARY.render(Context({"form": Reason()}))) is None


def test_no_page_says_error_twice_in_its_title() -> None:
    """The base template puts "Error: " before the title of a page with a refused form;
    a page's own title block that did so too read "Error: Error: Letters received"."""
    doubled = [
        str(path.relative_to(Path(caredesk.__file__).parent))
        for path in Path(caredesk.__file__).parent.rglob("templates/**/*.html")
        if "{% if form.errors %}Error: " in path.read_text()
    ]
    assert doubled == []
