"""Snippets: administrators keep them; officers insert one, filled in, into a reply."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from caredesk.conftest import customer_case
from caredesk.core.active_policy import active_policy
from caredesk.documents.models import Snippet
from caredesk.documents.snippets import (
    draft_with_snippet,
    post_with_snippet,
    snippet_fill,
    snippet_save,
)
from caredesk.documents.template_engine import TemplateProblem
from caredesk.errors import NotAllowed


def saved(people, clock, text="Dear {{ customer.name }}, your case is {{ case.reference }}."):
    return snippet_save(
        snippet=None, title="Case number", text=text, by=people.administrator, clock=clock
    )


def test_a_snippet_is_filled_in_with_the_values_templates_use(people, clock):
    case = customer_case(people, clock)
    snippet = saved(people, clock)
    filled = snippet_fill(
        snippet=snippet, case=case, officer=people.officer, policy=active_policy()
    )
    assert filled == f"Dear Ms Jo Jones, your case is {case.reference}."


def test_only_administrators_keep_snippets_and_only_safe_ones(people, clock):
    with pytest.raises(NotAllowed):
        snippet_save(snippet=None, title="x", text="y", by=people.officer, clock=clock)
    with pytest.raises(TemplateProblem, match="secret"):
        saved(people, clock, text="{{ secret.password }}")
    with pytest.raises(TemplateProblem, match="load"):
        saved(people, clock, text="{% load static %}")
    saved(people, clock)
    with pytest.raises(Exception, match="already a snippet called “Case number”"):
        saved(people, clock)


@given(typed=st.text(max_size=50), filled=st.text(min_size=1, max_size=50))
def test_inserting_keeps_what_was_typed_and_puts_the_snippet_after_it(typed, filled):
    draft = draft_with_snippet(typed, filled)
    assert draft.startswith(typed.rstrip())
    assert draft.endswith(filled)


def test_without_javascript_insert_resends_the_form_with_the_snippet_after_the_draft(
    client, people, clock
):
    case = customer_case(people, clock)
    snippet = saved(people, clock)
    client.force_login(people.officer)
    url = reverse("mail:reply", args=[case.reference])
    page = client.get(url).content.decode()
    assert "Insert a snippet" in page
    assert f'<option value="{snippet.pk}">Case number</option>' in page
    shown = client.post(
        url,
        {
            "draft": "Thank you for your letter.",
            "medium": "letter",
            "snippet": snippet.pk,
            "action": "insert_snippet",
        },
    ).content.decode()
    assert (
        f"Thank you for your letter.\n\nDear Ms Jo Jones, your case is {case.reference}.</textarea>"
        in shown
    )


def test_an_unknown_snippet_leaves_the_form_as_it_was(people, clock):
    case = customer_case(people, clock)
    post = QueryDict(mutable=True)
    post.update({"draft": "Hello", "action": "insert_snippet", "snippet": "99999999999999999999"})
    assert (
        post_with_snippet(post, case=case, officer=people.officer, policy=active_policy()) is post
    )


def test_the_filled_text_for_the_script_and_the_admin_pages(client, people, clock):
    case = customer_case(people, clock)
    snippet = saved(people, clock)
    client.force_login(people.officer)
    filled = client.get(
        reverse("documents:snippet_filled", args=[case.reference]), {"snippet": snippet.pk}
    )
    assert filled["Content-Type"] == "text/plain; charset=utf-8"
    assert filled.content.decode() == f"Dear Ms Jo Jones, your case is {case.reference}."
    assert client.get(reverse("documents:snippets")).status_code == 403

    client.force_login(people.administrator)
    assert "Case number" in client.get(reverse("documents:snippets")).content.decode()
    bad = client.post(reverse("documents:snippet_new"), {"title": "Bad", "text": "{{ nope }}"})
    assert bad.status_code == 400
    assert "uses values that are not there: nope" in bad.content.decode()
    client.post(reverse("documents:snippet", args=[snippet.pk]), {"action": "delete"})
    assert not Snippet.objects.exists()
