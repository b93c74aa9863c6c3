"""The desk's document pages: the plain-English check, a case's files, translations, and
the wording of templates (administrators). The reply page, where an officer writes a
letter or an email with the check beside it, is mail's (mail.reply_views): it chooses
the channel, and mail is above documents."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.htmx import is_htmx
from caredesk.customers.services import customer_file_download
from caredesk.documents import services
from caredesk.documents.forms import (
    TemplateForm,
    TranslationRequestForm,
    TranslationReturnForm,
)
from caredesk.documents.models import (
    CaseDocument,
    CaseLetter,
    DocumentKind,
    DocumentTemplate,
    Medium,
    TranslationRequest,
)
from caredesk.documents.plain_english import plain_english_check
from caredesk.documents.rendering import (
    TEMPLATE_VALUES,
    default_templates,
    example_values,
    template_text,
)
from caredesk.documents.selectors import plain_english_thresholds_get
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can


def _staff(request: HttpRequest) -> StaffMember:
    return request.user  # type: ignore[return-value]


# -- the plain-English check ------------------------------------------------------------


@requires(Can.WORK_CASES)
@require_POST
def plain_english(request: HttpRequest) -> HttpResponse:
    """The check of a draft, as a panel: htmx asks for it as the officer types."""
    report = plain_english_check(
        request.POST.get("draft", "")[:100_000],
        plain_english_thresholds_get(policy=active_policy()),
    )
    if not is_htmx(request):  # a direct visit: the panel as a page of its own
        return render(request, "documents/plain_english_page.html", {"report": report})
    return render(request, "documents/plain_english_panel.html", {"report": report, "live": True})


# -- files ------------------------------------------------------------------------------


@requires(Can.READ_CASES)
@require_GET
def document_download(
    request: HttpRequest, document_id: int, clock: Clock = system_clock
) -> FileResponse:
    document = get_object_or_404(
        CaseDocument.objects.select_related("case__customer"), pk=document_id
    )
    return customer_file_download(
        document.sha256,
        name=document.file_name,
        content_type=document.content_type,
        customer=document.case.customer,
        by=_staff(request),
        what=f"document {document.file_name}",
        clock=clock,
    )


# -- translations -----------------------------------------------------------------------


@requires(Can.WORK_CASES)
@require_POST
def translation_ask(
    request: HttpRequest, letter_id: int, clock: Clock = system_clock
) -> HttpResponse:
    written = get_object_or_404(CaseLetter.objects.select_related("case"), pk=letter_id)
    form = TranslationRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say which language the letter is wanted in.")
        return redirect("cases:case", written.case.reference)
    try:
        request_made = services.translation_request(
            written=written,
            language=form.cleaned_data["language"],
            by=_staff(request),
            policy=active_policy(),
            clock=clock,
        )
    except CaredeskError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Translation into {request_made.language} asked for.")
    return redirect("cases:case", written.case.reference)


@requires(Can.WORK_CASES)
@require_POST
def translation_back(
    request: HttpRequest, request_id: int, clock: Clock = system_clock
) -> HttpResponse:
    asked = get_object_or_404(TranslationRequest.objects.select_related("case"), pk=request_id)
    form = TranslationReturnForm(request.POST, request.FILES)
    if not form.is_valid():
        said = " ".join(str(error) for error in form.errors.get("file", []))
        messages.error(request, said or "Choose the translated letter's file.")
        return redirect("cases:case", asked.case.reference)
    upload = form.cleaned_data["file"]
    try:
        services.translation_return(
            request=asked,
            data=upload.read(),
            file_name=upload.name or "",
            by=_staff(request),
            clock=clock,
        )
    except CaredeskError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The {asked.language} translation is on the case.")
    return redirect("cases:case", asked.case.reference)


@requires(Can.WORK_CASES)
@require_POST
def translation_sent(
    request: HttpRequest, request_id: int, clock: Clock = system_clock
) -> HttpResponse:
    asked = get_object_or_404(
        TranslationRequest.objects.select_related("case", "letter"), pk=request_id
    )
    try:
        services.translation_send(
            request=asked, by=_staff(request), policy=active_policy(), clock=clock
        )
    except CaredeskError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The {asked.language} translation is recorded as sent.")
    return redirect("cases:case", asked.case.reference)


# -- templates --------------------------------------------------------------------------


@requires(Can.EDIT_TEMPLATES)
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    edited = {(t.kind, t.medium): t for t in DocumentTemplate.objects.select_related("updated_by")}
    rows = [
        {
            "kind": DocumentKind(kind),
            "medium": Medium(medium),
            "edited": edited.get((kind, medium)),
        }
        for kind, medium in sorted(default_templates())
    ]
    return render(request, "documents/templates.html", {"rows": rows})


@requires(Can.EDIT_TEMPLATES)
def template_edit(
    request: HttpRequest, kind: str, medium: str, clock: Clock = system_clock
) -> HttpResponse:
    if (kind, medium) not in default_templates():
        raise Http404("There is no such template.")
    subject, body = template_text(kind, medium)
    form = TemplateForm(request.POST or None, initial={"subject": subject, "body": body}, kind=kind)
    if request.method == "POST":
        if request.POST.get("action") == "reset":
            services.template_reset(kind=kind, medium=medium, by=_staff(request))
            messages.success(request, "The template is back to the shipped wording.")
            return redirect("documents:template", kind, medium)
        if form.is_valid():
            try:
                services.template_save(
                    kind=kind,
                    medium=medium,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    by=_staff(request),
                    clock=clock,
                )
            except CaredeskError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "The new wording is saved and in use.")
                return redirect("documents:templates")
    return render(
        request,
        "documents/template.html",
        {
            "kind": DocumentKind(kind),
            "medium": Medium(medium),
            "form": form,
            "values": {
                name: meaning
                for name, meaning in TEMPLATE_VALUES.items()
                if name.split(".")[0] in example_values(kind)
            },
        },
        status=400 if form.errors else 200,
    )
