"""Snippets' pages: administrators keep them (like the templates' wording); officers
get one filled in for a case (the reply page's "Insert a snippet", with htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from caredesk.cases.models import Case
from caredesk.cases.selectors import case_page_get
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.customers.services import customer_access_record
from caredesk.documents import snippets
from caredesk.documents.forms import SnippetForm
from caredesk.documents.models import Snippet
from caredesk.documents.rendering import TEMPLATE_VALUES
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can


@requires(Can.EDIT_TEMPLATES)
@require_GET
def snippet_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "documents/snippets.html",
        {"snippets": snippets.snippets_list().select_related("updated_by")},
    )


@requires(Can.EDIT_TEMPLATES)
def snippet_edit(
    request: HttpRequest, snippet_id: int | None = None, clock: Clock = system_clock
) -> HttpResponse:
    """Add a snippet (no id), change one, or delete it."""
    snippet = get_object_or_404(Snippet, pk=snippet_id) if snippet_id is not None else None
    staff: StaffMember = request.user  # type: ignore[assignment]
    initial = {"title": snippet.title, "text": snippet.text} if snippet else None
    form = SnippetForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "delete" and snippet is not None:
            snippets.snippet_delete(snippet=snippet, by=staff)
            messages.success(request, f"The snippet “{snippet.title}” is deleted.")
            return redirect("documents:snippets")
        if form.is_valid():
            try:
                saved = snippets.snippet_save(
                    snippet=snippet,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    by=staff,
                    clock=clock,
                )
            except CaredeskError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"The snippet “{saved.title}” is saved.")
                return redirect("documents:snippets")
    return render(
        request,
        "documents/snippet.html",
        {
            "snippet": snippet,
            "form": form,
            "values": {
                name: meaning
                for name, meaning in TEMPLATE_VALUES.items()
                if name.split(".")[0] in snippets.SNIPPET_VALUES
            },
        },
        status=400 if form.errors else 200,
    )


@requires(Can.WORK_CASES)
@require_GET
def snippet_filled(
    request: HttpRequest, reference: str, clock: Clock = system_clock
) -> HttpResponse:
    """The snippet `?snippet=` filled in for the case, as plain text (for the reply
    page's script, which puts it where the cursor is)."""
    try:
        case = case_page_get(reference=reference)
    except Case.DoesNotExist:
        raise Http404(f"There is no case {reference}.") from None
    chosen = request.GET.get("snippet", "")
    if not (chosen.isascii() and chosen.isdigit()):
        raise Http404("Choose a snippet.")
    snippet = get_object_or_404(Snippet, pk=int(chosen))
    staff: StaffMember = request.user  # type: ignore[assignment]
    customer_access_record(
        customers=[case.customer], by=staff, what=f"snippet for {case.reference}", clock=clock
    )
    try:
        filled = snippets.snippet_fill(
            snippet=snippet, case=case, officer=staff, policy=active_policy()
        )
    except CaredeskError as error:
        return HttpResponse(error.message, status=409, content_type="text/plain; charset=utf-8")
    return HttpResponse(filled, content_type="text/plain; charset=utf-8")
