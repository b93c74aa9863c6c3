"""The annual complaints performance and service improvement report's pages: the years
and when each is due; a year's report at the desk, with the self-assessment as a list of
the Code's provisions and their status; a page to assess each provision, and to write
the learning and the governing body's response; publish and withdraw; the report as a
tagged PDF; and, once published, the report and its PDF at a public address."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from caredesk.complaints.annual_report import (
    FIRST_YEAR,
    MAX_TEXT_CHARS,
    PARTS,
    AnnualReportRead,
    Part,
    annual_report_read,
    publish_problems,
    report_due,
    report_part_record,
    report_publish,
    report_withdraw,
    self_assessment_record,
    year_name,
    year_of,
)
from caredesk.complaints.annual_report_pdf import annual_report_file_name, annual_report_pdf
from caredesk.complaints.code_provisions import code_provisions
from caredesk.complaints.models import AnnualComplaintsReport, CodeSelfAssessment
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.forms import TextLimits, text_limits_explain
from caredesk.errors import CaredeskError
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can


class SelfAssessmentForm(TextLimits, forms.Form):
    complies = forms.ChoiceField(
        choices=[("yes", "Yes, we comply"), ("no", "No, we do not comply yet")],
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(
        label="Evidence",
        help_text="Where the evidence is: the policy's paragraph, a page of the website, "
        "a report to the Board, the figures.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_TEXT_CHARS,
        required=False,
    )
    commentary = forms.CharField(
        label="Commentary",
        help_text="If we do not comply, say why and by when we will.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_TEXT_CHARS,
        required=False,
    )

    def __init__(self, *args: Any, provision: str = "1.2", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provision = provision
        field = self.fields["complies"]
        field.label = f"Do we comply with provision {provision}?"
        field.error_messages["required"] = (
            f"Select yes if we comply with provision {provision}, or no if we do not"
        )
        for name, what in (("evidence", "the evidence"), ("commentary", "the commentary")):
            self.fields[name].error_messages["max_length"] = (
                f"Keep {what} to {MAX_TEXT_CHARS:,} characters"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("complies") == "no" and not (data.get("commentary") or "").strip():
            self.add_error(
                "commentary",
                f"Explain why we do not comply with provision {self.provision}, and by when "
                f"we will",
            )
        return data


class PartForm(forms.Form):
    """The learning and improvements, or the governing body's response (`part`)."""

    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}), max_length=MAX_TEXT_CHARS, required=False
    )

    def __init__(self, *args: Any, part: str = "learning", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        _, field.label, field.help_text = PART_WORDS[part]
        text_limits_explain(self.fields)  # after the hint is set: it adds the limit
        field.error_messages["max_length"] = f"Keep it to {MAX_TEXT_CHARS:,} characters"


PART_WORDS: dict[str, tuple[str, str, str]] = {
    # part: (title, label, help text)
    "learning": (
        "Learning and improvements",
        "What we learned from complaints this year, and what we changed",
        "The themes and root causes the figures show, what we did about them, and what we "
        "will do next year (the Code, 8.1 and 9.3).",
    ),
    "governing_body_response": (
        "The governing body's response",
        "The governing body's response to this report",
        "As the Board (or the governing body) agreed it, with the date it met. The report "
        "cannot be published without it (the Code, 8.2).",
    ),
}


def _year(year: int, clock: Clock) -> int:
    if not FIRST_YEAR <= year <= year_of(clock.now().date()):
        raise Http404("There is no annual complaints report for that year.")
    return year


@requires(Can.MANAGE_COMPLAINTS)
@require_GET
def annual_reports(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """Each year's report: when it is due, and how far it has got."""
    policy, today = active_policy(), clock.now().date()
    kept = {
        report.year: report
        for report in AnnualComplaintsReport.objects.prefetch_related("assessments")
    }
    provisions = len(code_provisions().all())
    rows = []
    for year in range(year_of(today), FIRST_YEAR - 1, -1):
        report = kept.get(year)
        assessed = len(report.assessments.all()) if report else 0
        rows.append(
            {
                "year": year,
                "name": year_name(year),
                "due": report_due(year=year, policy=policy),
                "report": report,
                "assessed": assessed,
                "in_progress": year == year_of(today),
            }
        )
    return render(
        request,
        "complaints/annual_reports.html",
        {"rows": rows, "provisions": provisions, "today": today},
    )


@requires(Can.MANAGE_COMPLAINTS)
@require_GET
def annual_report_page(
    request: HttpRequest, year: int, clock: Clock = system_clock
) -> HttpResponse:
    read = annual_report_read(year=_year(year, clock), policy=active_policy())
    changes = read.report.changes.select_related("by")[:30] if read.report else []
    problems = publish_problems(read.report) if read.report else ["Nothing is entered yet."]
    return render(
        request,
        "complaints/annual_report.html",
        {"read": read, "changes": changes, "problems": problems, "today": clock.now().date()},
    )


@requires(Can.MANAGE_COMPLAINTS)
def annual_provision_page(
    request: HttpRequest, year: int, provision: str, clock: Clock = system_clock
) -> HttpResponse:
    """Assess one provision of the Code for the year: complies or not, evidence,
    commentary."""
    year = _year(year, clock)
    found = code_provisions().get(provision)
    if found is None:
        raise Http404("The Code has no such provision.")
    kept = CodeSelfAssessment.objects.filter(report__year=year, provision=provision).first()
    initial = (
        {
            "complies": "yes" if kept.complies else "no",
            "evidence": kept.evidence,
            "commentary": kept.commentary,
        }
        if kept
        else {}
    )
    form = SelfAssessmentForm(
        request.POST if request.method == "POST" else None, provision=provision, initial=initial
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        staff: StaffMember = request.user  # type: ignore[assignment]
        try:
            self_assessment_record(
                year=year,
                provision=provision,
                complies=data["complies"] == "yes",
                evidence=data["evidence"],
                commentary=data["commentary"],
                by=staff,
                clock=clock,
            )
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Provision {provision} is assessed.")
            return redirect(f"{_report_address(year)}#provision-{provision.replace('.', '-')}")
    return render(
        request,
        "complaints/annual_provision.html",
        {"year": year, "name": year_name(year), "provision": found, "form": form, "kept": kept},
        status=400 if form.errors else 200,
    )


def _report_address(year: int) -> str:
    return reverse("complaints:annual_report", args=[year])


def _part_page(request: HttpRequest, year: int, part: Part, clock: Clock) -> HttpResponse:
    year = _year(year, clock)
    title = PART_WORDS[part][0]
    kept = AnnualComplaintsReport.objects.filter(year=year).first()
    form = PartForm(
        request.POST if request.method == "POST" else None,
        part=part,
        initial={"text": getattr(kept, part) if kept else ""},
    )
    if form.is_bound and form.is_valid():
        staff: StaffMember = request.user  # type: ignore[assignment]
        try:
            report_part_record(
                year=year, part=part, text=form.cleaned_data["text"], by=staff, clock=clock
            )
        except CaredeskError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{title} saved.")
            return redirect("complaints:annual_report", year)
    return render(
        request,
        "complaints/annual_part.html",
        {"year": year, "name": year_name(year), "title": title, "form": form, "what": PARTS[part]},
        status=400 if form.errors else 200,
    )


@requires(Can.MANAGE_COMPLAINTS)
def annual_learning_page(
    request: HttpRequest, year: int, clock: Clock = system_clock
) -> HttpResponse:
    return _part_page(request, year, "learning", clock)


@requires(Can.MANAGE_COMPLAINTS)
def annual_response_page(
    request: HttpRequest, year: int, clock: Clock = system_clock
) -> HttpResponse:
    return _part_page(request, year, "governing_body_response", clock)


@requires(Can.MANAGE_COMPLAINTS)
@require_POST
def annual_publish(request: HttpRequest, year: int, clock: Clock = system_clock) -> HttpResponse:
    """Publish the report (`action=publish`) or withdraw it (`action=withdraw`)."""
    year = _year(year, clock)
    staff: StaffMember = request.user  # type: ignore[assignment]
    withdraw = request.POST.get("action") == "withdraw"
    try:
        if withdraw:
            report_withdraw(year=year, by=staff, clock=clock)
        else:
            report_publish(year=year, by=staff, clock=clock)
    except CaredeskError as error:
        messages.error(request, error.message)
    else:
        done = "withdrawn: it is no longer public" if withdraw else "published"
        messages.success(request, f"The {year_name(year)} report is {done}.")
    return redirect("complaints:annual_report", year)


def _pdf_response(read: AnnualReportRead, clock: Clock) -> HttpResponse:
    policy = active_policy()
    pdf = annual_report_pdf(
        read,
        organisation=policy.organisation.name,
        printed=clock.now().astimezone(policy.working_calendar.zone),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{annual_report_file_name(read)}"'
    return response


@requires(Can.MANAGE_COMPLAINTS)
@require_GET
def annual_report_pdf_page(
    request: HttpRequest, year: int, clock: Clock = system_clock
) -> HttpResponse:
    """The report as a tagged PDF, as it stands (a draft until published)."""
    read = annual_report_read(year=_year(year, clock), policy=active_policy())
    return _pdf_response(read, clock)


def _published(year: int) -> AnnualReportRead:
    read = annual_report_read(year=year, policy=active_policy())
    if not read.published:
        raise Http404("There is no published complaints report for that year.")
    return read


@login_not_required
@require_GET
def annual_report_public(request: HttpRequest, year: int) -> HttpResponse:
    """The published report, for anyone: no sign-in, and nothing about who entered it."""
    return render(request, "complaints/annual_public.html", {"read": _published(year)})


@login_not_required
@require_GET
def annual_report_public_pdf(
    request: HttpRequest, year: int, clock: Clock = system_clock
) -> HttpResponse:
    return _pdf_response(_published(year), clock)
