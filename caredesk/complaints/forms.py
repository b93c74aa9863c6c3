"""The complaints pages' forms."""

from __future__ import annotations

from typing import Any

from django import forms

from caredesk.cases.models import Case, ComplaintOutcome
from caredesk.complaints.definitions import MAX_POINT_CHARS, MAX_POINTS
from caredesk.complaints.models import ComplaintPoint, PromiseKind
from caredesk.complaints.responses import Decision, Promise, ResponseDraft
from caredesk.core.forms import TextLimits, date_field, text_limits_explain
from caredesk.customers.models import Customer
from caredesk.mail.forms import ReplyForm
from caredesk.staff.models import StaffMember, Team
from caredesk.staff.selectors import caseworkers_list
from caredesk.standards import Policy


class AcknowledgementForm(ReplyForm):
    """A complaint's acknowledgement: the reply page's form, started from the
    acknowledgement's words."""

    draft = forms.CharField(
        label="What the acknowledgement says",
        help_text="Say what you understand the complaint is about and what the customer "
        "wants to happen. caredesk adds the greeting (Dear …) and the sign-off with your "
        "signature (and, on a letter, the address and date): do not type them.",
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=20_000,
        error_messages={"required": "Enter what the acknowledgement says"},
    )


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class DefinitionForm(TextLimits, forms.Form):
    """The complaint defined in our words, at the stage it is at."""

    points = forms.CharField(
        label="What is the complaint about?",
        help_text="In your own words, one point on each line. The acknowledgement lists "
        "them for the customer, and the response answers each one.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_POINTS * (MAX_POINT_CHARS + 1),
        error_messages={"required": "Write at least one point the complaint is about"},
    )
    outcome_wanted = forms.CharField(
        label="What does the customer want us to do to put it right? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    handler = forms.ModelChoiceField(
        label="Who will handle this stage?",
        queryset=caseworkers_list(),
        empty_label="Choose a person",
        error_messages={"required": "Choose who will handle this stage"},
    )
    same_handler_reason = forms.CharField(
        label="If the same person handles stage 2, say why (optional)",
        help_text="The Complaint Handling Code asks that someone else handles stage 2. If "
        "there is nobody else who could, explain why.",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    service_area = forms.ChoiceField(label="Which service is it about? (optional)", required=False)
    about = forms.CharField(
        label="Which case is it about? (optional)",
        help_text="The reference of the request the complaint is about, such as "
        "HHT-2026-000123. That case stays open.",
        max_length=40,
        required=False,
    )

    def __init__(self, *args: Any, policy: Policy, stage: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(
            self,
            "service_area",
            [("", "Choose a service")]
            + [(area.key, area.name) for area in policy.complaints.service_areas],
        )
        if stage != 2:
            del self.fields["same_handler_reason"]

    def clean_points(self) -> list[str]:
        return [line for line in self.cleaned_data["points"].splitlines() if line.strip()]

    def clean_about(self) -> Case | None:
        reference = self.cleaned_data["about"].strip().upper()
        if not reference:
            return None
        found = Case.objects.filter(reference=reference).first()
        if found is None:
            raise forms.ValidationError(f"There is no case {reference}: check the reference")
        return found


class RefusalReasonForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the complaint not accepted?",
        help_text="Only for one of the reasons the Complaint Handling Code allows.",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the complaint is not accepted"},
    )

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(
            self,
            "reason",
            [(exclusion.key, exclusion.name) for exclusion in policy.complaints.exclusions],
        )


class RefusalForm(ReplyForm):
    """The letter that declines a complaint: the reply page's form."""

    draft = forms.CharField(
        label="What the letter says",
        help_text="Explain the decision in plain words. Keep how to contact the Housing "
        "Ombudsman: the letter cannot be sent without it. caredesk adds the greeting and "
        "the sign-off with your signature.",
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=20_000,
        error_messages={"required": "Enter what the letter says"},
    )


class ComplimentForm(TextLimits, forms.Form):
    what_they_said = forms.CharField(
        label="What did the customer say?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Write what the customer said"},
    )
    staff = forms.ModelMultipleChoiceField(
        label="Who is it for? (optional)",
        help_text="They and their line managers are told.",
        queryset=StaffMember.objects.filter(is_active=True).order_by("first_name", "last_name"),
        required=False,
    )
    team = forms.ModelChoiceField(
        label="Which team is it for? (optional)",
        queryset=Team.objects.order_by("name"),
        empty_label="Choose a team",
        required=False,
    )
    service_area = forms.ChoiceField(label="Which service is it about? (optional)", required=False)

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(
            self,
            "service_area",
            [("", "Choose a service")]
            + [(area.key, area.name) for area in policy.complaints.service_areas],
        )


PROMISES_SHOWN = 2  # promise rows the response form starts with
PROMISES_MOST = 20


class ResponseForm(ReplyForm):
    """A complaint's response: a decision and reasons for each point, the root cause, the
    remedies and actions promised, anything more, and how it is sent."""

    draft = forms.CharField(
        label="Anything else to say (optional)",
        help_text="It goes after the decisions and promises. caredesk adds the greeting, "
        "how to take the complaint further and the sign-off.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        required=False,
    )
    root_cause = forms.ChoiceField(
        label="What was the root cause?",
        help_text="What went wrong, for the learning from complaints. Not sent to the customer.",
        error_messages={"required": "Choose the root cause"},
    )

    def __init__(
        self,
        *args: Any,
        points: list[ComplaintPoint],
        policy: Policy,
        email_to: str,
        customer: Customer | None = None,
        promises_shown: int = PROMISES_SHOWN,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, email_to=email_to, customer=customer, **kwargs)
        self.points = points
        self.promises_shown = max(PROMISES_SHOWN, min(promises_shown, PROMISES_MOST))
        _choices(
            self,
            "root_cause",
            [("", "Choose a root cause")]
            + [(cause.key, cause.name) for cause in policy.complaints.root_causes],
        )
        for point in points:
            self.fields[f"decision_{point.number}"] = forms.ChoiceField(
                label=f"Decision on point {point.number}: {point.text}",
                choices=ComplaintOutcome.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Give a decision on point {point.number}"},
            )
            self.fields[f"reasons_{point.number}"] = forms.CharField(
                label=f"Reasons for the decision on point {point.number}",
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=5000,
                error_messages={
                    "required": f"Give the reasons for the decision on point {point.number}"
                },
            )
        for row in range(1, self.promises_shown + 1):
            self.fields[f"promise_{row}_kind"] = forms.ChoiceField(
                label=f"Promise {row}: a remedy or an action still to do?",
                choices=[("", "Choose"), *PromiseKind.choices],
                required=False,
            )
            self.fields[f"promise_{row}_what"] = forms.CharField(
                label=f"What we will do (promise {row})", max_length=500, required=False
            )
            self.fields[f"promise_{row}_owner"] = forms.ModelChoiceField(
                label=f"Who makes sure promise {row} is done",
                queryset=caseworkers_list(),
                empty_label="Choose a person",
                required=False,
            )
            self.fields[f"promise_{row}_due"] = date_field(
                f"Promise {row} done by",
                what=f"the date promise {row} will be done by",
                example="2026-07-03",
                required=False,
            )
        text_limits_explain(self.fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(1, self.promises_shown + 1):
            parts = [data.get(f"promise_{row}_{part}") for part in ("kind", "what", "owner", "due")]
            if not any(parts):
                continue
            for part, said in (
                ("kind", f"Choose whether promise {row} is a remedy or an action"),
                ("what", f"Say what promise {row} is"),
                ("owner", f"Choose who makes sure promise {row} is done"),
                ("due", f"Enter the date promise {row} will be done by"),
            ):
                if not data.get(f"promise_{row}_{part}"):
                    self.add_error(f"promise_{row}_{part}", said)
        return data

    def point_fields(self) -> list[tuple[ComplaintPoint, Any, Any]]:
        """Each point with its decision and reasons fields, for the page."""
        return [
            (point, self[f"decision_{point.number}"], self[f"reasons_{point.number}"])
            for point in self.points
        ]

    def promise_rows(self) -> list[list[Any]]:
        """Each promise row's fields, for the page."""
        return [
            [self[f"promise_{row}_{part}"] for part in ("kind", "what", "owner", "due")]
            for row in range(1, self.promises_shown + 1)
        ]

    def decisions(self) -> list[Decision]:
        data = self.cleaned_data
        return [
            Decision(
                point.number, data[f"decision_{point.number}"], data[f"reasons_{point.number}"]
            )
            for point in self.points
        ]

    def promises(self) -> list[Promise]:
        data = self.cleaned_data
        return [
            Promise(
                data[f"promise_{row}_kind"],
                data[f"promise_{row}_what"],
                data[f"promise_{row}_owner"],
                data[f"promise_{row}_due"],
            )
            for row in range(1, self.promises_shown + 1)
            if data.get(f"promise_{row}_what")
        ]

    def response_draft(self) -> ResponseDraft:
        return ResponseDraft(
            decisions=self.decisions(),
            promises=self.promises(),
            root_cause=self.cleaned_data["root_cause"],
            more=self.cleaned_data["draft"],
        )
