"""Snippets: canned replies administrators keep and officers insert into a reply.

A snippet's text is filled in like a template (documents.template_engine's small, safe
language), with the values every template is given: the case, the customer, the officer,
how to reach us and the organisation (`documents.values.case_values`). It is checked
when it is saved, with example values, so a snippet that cannot be filled in is never
offered. Inserting one appends its filled-in text to what the officer has typed, which
is kept.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import QueryDict

from caredesk.cases.models import Case
from caredesk.core.clock import Clock
from caredesk.core.db import write_transaction
from caredesk.documents.models import Snippet
from caredesk.documents.rendering import EXAMPLE_VALUES, text_render
from caredesk.documents.template_engine import TemplateProblem
from caredesk.documents.values import case_values
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import Policy

# What every template is given, and so every snippet (documents.rendering).
SNIPPET_VALUES = ("case", "customer", "officer", "contact", "organisation")


class SnippetTitleTaken(CaredeskError):
    """Two snippets with one title: officers choose them by title."""

    code = "snippet_title_taken"


def snippets_list() -> QuerySet[Snippet]:
    return Snippet.objects.order_by("title")


def snippet_check(text: str) -> list[str]:
    """What is wrong with a snippet's text, tried with example values."""
    examples = {name: EXAMPLE_VALUES[name] for name in SNIPPET_VALUES}
    try:
        text_render(text, examples, name="The snippet")
    except TemplateProblem as problem:
        return [problem.message]
    return []


@write_transaction()
def snippet_save(
    *, snippet: Snippet | None, title: str, text: str, by: StaffMember, clock: Clock
) -> Snippet:
    """Add a snippet (`snippet` None) or change one, if it can be filled in."""
    if not allowed(by, Can.EDIT_TEMPLATES):
        raise NotAllowed("Only administrators can change snippets.")
    problems = snippet_check(text)
    if problems:
        raise TemplateProblem(" ".join(problems))
    title = " ".join(title.split())
    same_title = Snippet.objects.filter(title__iexact=title)
    if snippet is not None:
        same_title = same_title.exclude(pk=snippet.pk)
    if same_title.exists():
        raise SnippetTitleTaken(
            f"There is already a snippet called “{title}”: give this one another title."
        )
    snippet = snippet or Snippet()
    snippet.title, snippet.text = title, text
    snippet.updated_at, snippet.updated_by = clock.now(), by
    snippet.save()
    return snippet


def snippet_delete(*, snippet: Snippet, by: StaffMember) -> None:
    if not allowed(by, Can.EDIT_TEMPLATES):
        raise NotAllowed("Only administrators can change snippets.")
    snippet.delete()


def snippet_fill(*, snippet: Snippet, case: Case, officer: StaffMember, policy: Policy) -> str:
    """The snippet's text filled in for the case, by `officer`."""
    values = case_values(case, policy, officer=officer)
    return text_render(snippet.text, values, name=f"The snippet “{snippet.title}”")


def draft_with_snippet(draft: str, filled: str) -> str:
    """What was typed, kept, with the snippet after it (a blank line between)."""
    typed = draft.rstrip()
    return f"{typed}\n\n{filled}" if typed else filled


def post_with_snippet(
    post: QueryDict, *, case: Case, officer: StaffMember, policy: Policy
) -> QueryDict:
    """A reply form's data, with the chosen snippet after the draft when the officer
    pressed "Insert" (action=insert_snippet); as it was otherwise, or if there is no
    such snippet. For the reply page: without JavaScript, inserting sends the form."""
    if post.get("action") != "insert_snippet":
        return post
    chosen = post.get("snippet", "")
    wanted = chosen.isascii() and chosen.isdigit() and len(chosen) < 19
    snippet = Snippet.objects.filter(pk=int(chosen)).first() if wanted else None
    if snippet is None:
        return post
    filled = snippet_fill(snippet=snippet, case=case, officer=officer, policy=policy)
    changed = post.copy()
    changed["draft"] = draft_with_snippet(post.get("draft", ""), filled)
    return changed
