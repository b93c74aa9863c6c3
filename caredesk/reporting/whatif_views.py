"""The policy what-if page: the period's cases re-run through another policy file.

GET with no parameters: the form, with last financial year and the other shipped policy
chosen. GET with `first`, `last` and a shipped `policy`: the comparison (`format=csv` as
a spreadsheet file). POST (multipart): the same with an uploaded policy file; its CSV
comes as a link carrying the file in the page, since the upload is not kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.uploads import LimitedFileField
from caredesk.errors import CaredeskError, PolicyError
from caredesk.reporting.display import percent_text
from caredesk.reporting.periods import Period, period_start
from caredesk.reporting.whatif import (
    DASH,
    Side,
    WhatIfRow,
    policy_name,
    whatif_compare,
)
from caredesk.reporting.whatif_text import (
    METHOD,
    breaches_text,
    csv_file_name,
    period_text,
    points_text,
    unmeasured_lines,
    whatif_csv,
    whatif_summary,
)
from caredesk.staff.decorators import requires
from caredesk.staff.permissions import Can
from caredesk.standards import Policy, load_policy, parse_policy
from caredesk.standards.calendar import FIRST_YEAR, LAST_YEAR
from caredesk.standards.policy_files import MAX_POLICY_BYTES, shipped_policy_names

TEMPLATE = "reporting/whatif.html"
UPLOAD = "upload"
LONGEST_SPAN_DAYS = 732  # two years, leap day included


def last_financial_year(today: date) -> tuple[date, date]:
    """The last whole financial year (April to March) before `today`."""
    this_year = period_start(today, Period.FINANCIAL_YEAR)
    return this_year.replace(year=this_year.year - 1), this_year - timedelta(days=1)


def _shipped_choices() -> list[tuple[str, str]]:
    running = str(settings.CAREDESK_POLICY)
    choices = []
    for name in shipped_policy_names():
        try:
            organisation = load_policy(name).organisation.name
        except CaredeskError:
            continue  # a broken shipped policy is caught by its own test; never offered
        note = ": the policy this site runs" if name == running else ""
        choices.append((name, f"{organisation} ({name}){note}"))
    return choices


class _DayField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, *, which: str, **kwargs: Any) -> None:
        super().__init__(
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            error_messages={
                "required": f"Enter the {which} day.",
                "invalid": f"Enter the {which} day as a date, for example 2025-04-01.",
            },
            **kwargs,
        )

    def to_python(self, value: Any) -> date | None:
        try:
            return super().to_python(value)
        except OverflowError:  # a year beyond 9999
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, date) and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise forms.ValidationError(f"Choose a date from {FIRST_YEAR} to {LAST_YEAR}.")


class WhatIfForm(forms.Form):
    first = _DayField(which="first", label="From", help_text="Cases received from this day.")
    last = _DayField(which="last", label="To", help_text="The last day, included.")
    policy = forms.ChoiceField(
        label="Compare with",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the policy to compare with."},
    )
    policy_file = LimitedFileField(
        label="Policy file",
        required=False,
        limit=MAX_POLICY_BYTES,  # what the policy loader takes
        hint=(
            "Only if you chose to upload one: a policy file (TOML), such as a copy of this "
            "site's policy with the targets you are thinking of."
        ),
        error_messages={"empty": "The policy file is empty.", "invalid": "Choose the file again."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [*_shipped_choices(), (UPLOAD, "A policy file I upload")]
        self.fields["policy"].choices = choices  # type: ignore[attr-defined]
        self.fields["policy_file"].widget.attrs["accept"] = ".toml,text/plain"
        self.other_policy: Policy | None = None

    @classmethod
    def defaults(cls, today: date) -> dict[str, Any]:
        first, last = last_financial_year(today)
        running = str(settings.CAREDESK_POLICY)
        others = [name for name in shipped_policy_names() if name != running]
        return {"first": first, "last": last, "policy": others[0] if others else UPLOAD}

    def clean_policy_file(self) -> Policy | None:
        upload = self.cleaned_data.get("policy_file")
        if not upload or self.cleaned_data.get("policy") != UPLOAD:
            return None  # clean() says so if a file came with a shipped policy chosen
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not a text file in UTF-8: upload the policy's .toml file."
            ) from None
        try:
            return parse_policy(text, source=upload.name or "the uploaded file")
        except PolicyError as error:
            count = "1 problem" if len(error.problems) == 1 else f"{len(error.problems)} problems"
            raise forms.ValidationError(
                [f"This policy file has {count}:", *error.problems]
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                self.add_error("last", "The last day is before the first.")
            elif (last - first).days + 1 > LONGEST_SPAN_DAYS:
                self.add_error("last", "Choose at most two years.")
        chosen, uploaded = data.get("policy"), data.get("policy_file")
        if chosen == UPLOAD and uploaded is None and "policy_file" not in self.errors:
            self.add_error("policy_file", "Choose the policy file to upload.")
        elif chosen and chosen != UPLOAD and self.files.get("policy_file"):
            self.add_error(
                "policy",
                "You chose a policy and uploaded a file: choose 'A policy file I upload' to "
                "use the file.",
            )
        elif chosen == UPLOAD:
            self.other_policy = uploaded
        elif chosen:
            self.other_policy = load_policy(chosen)
        return data


# -- the page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SideCells:
    name: str
    target: str
    percent: str
    counts: str  # "9,552 of 10,244"
    breaches: str


@dataclass(frozen=True)
class PageRow:
    heading: str
    key: str
    note: str
    now: SideCells
    then: SideCells
    points: str
    breaches: str


def _cells(side: Side | None, missing: str, heading: str) -> SideCells:
    """One side's cells; its name only where it differs from the row's heading."""
    if side is None:
        return SideCells(missing, DASH, DASH, "", DASH)
    f = side.figures
    return SideCells(
        name="" if side.name == heading else side.name,
        target=side.target,
        percent=percent_text(f.percent),
        counts=f"{f.in_time:,} of {f.measured:,}",
        breaches=f"{f.breaches:,}",
    )


def page_rows(rows: list[WhatIfRow]) -> list[PageRow]:
    found = []
    for row in rows:
        both = row.current is not None and row.other is not None
        if not both:
            points, breaches = row.kind.label, ""
        elif row.points is None:
            points, breaches = "Nothing measured", breaches_text(row.more_breaches)
        else:
            points, breaches = points_text(row.points), breaches_text(row.more_breaches)
        found.append(
            PageRow(
                heading=row.name,
                key=row.key,
                note=row.kind.label,
                now=_cells(row.current, "Not in the current policy", row.name),
                then=_cells(row.other, "Not in the other policy", row.name),
                points=points,
                breaches=breaches,
            )
        )
    return found


@requires(Can.SEE_PERFORMANCE)
@require_http_methods(["GET", "POST"])
def whatif(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """How the figures would change had another policy applied to the same cases."""
    policy = active_policy()
    now = clock.now()
    today = now.astimezone(policy.working_calendar.zone).date()
    context: dict[str, Any] = {"current_name": policy_name(policy)}
    if request.method == "POST":
        form = WhatIfForm(request.POST, request.FILES)
    elif any(name in request.GET for name in WhatIfForm.base_fields):
        form = WhatIfForm(request.GET)
    else:
        return render(
            request, TEMPLATE, context | {"form": WhatIfForm(initial=WhatIfForm.defaults(today))}
        )
    if not form.is_valid() or form.other_policy is None:
        return render(request, TEMPLATE, context | {"form": form})
    data = form.cleaned_data
    try:
        result = whatif_compare(
            current=policy, other=form.other_policy, first=data["first"], last=data["last"], now=now
        )
    except CaredeskError as error:  # a due time beyond the engine's years, say
        form.add_error(None, error.message)
        return render(request, TEMPLATE, context | {"form": form})
    csv_text = whatif_csv(result)
    if request.method == "GET" and request.GET.get("format") == "csv":
        response = HttpResponse(csv_text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{csv_file_name(result)}"'
        return response
    if data["policy"] == UPLOAD:
        csv_link = "data:text/csv;charset=utf-8," + quote(csv_text)
    else:
        query = {
            "first": data["first"].isoformat(),
            "last": data["last"].isoformat(),
            "policy": data["policy"],
            "format": "csv",
        }
        csv_link = "?" + urlencode(query)
    return render(
        request,
        TEMPLATE,
        context
        | {
            "form": form,
            "result": result,
            "other_name": policy_name(form.other_policy),
            "dates": period_text(result),
            "summary": whatif_summary(result),
            "rows": page_rows(result.rows),
            "matched": page_rows(result.matched),
            "unmeasured": unmeasured_lines(result),
            "method": METHOD,
            "csv_link": csv_link,
            "csv_name": csv_file_name(result),
        },
    )
