from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    """What a member of staff may do. Each role is a Django group of the same name."""

    OFFICER = "officer", "Officer"
    ADMINISTRATOR = "administrator", "Administrator"
    LINE_MANAGER = "line_manager", "Line manager"
    PERFORMANCE_ANALYST = "performance_analyst", "Performance analyst"
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"
    SYSTEM_ADMINISTRATOR = "system_administrator", "System administrator"
    # A tenant on the scrutiny panel: aggregate figures only, no one's personal data.
    SCRUTINY_PANEL = "scrutiny_panel", "Tenant scrutiny panel member"
    # Named by an administrator, with the data protection officer's agreement, to read
    # individual customers' equality monitoring answers (special-category data).
    EQUALITY_LEAD = "equality_lead", "Equality monitoring lead"


class Office(models.Model):
    name = models.CharField(max_length=120, unique=True)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.SET_NULL)
    email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return self.name


class StaffMember(AbstractUser):
    """A person who works for the landlord and signs in to caredesk."""

    post_title = models.CharField(
        max_length=120, blank=True, help_text="Letters are signed with it."
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.SET_NULL)
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    phone = models.CharField(max_length=40, blank=True)
    languages = models.JSONField(
        default=list, blank=True, help_text="Languages spoken besides English, e.g. ['Polish']."
    )
    same_sex_interviews = models.BooleanField(
        default=False, help_text="Available for interviews where a customer asks for one."
    )
    # Only to match a customer who asks for an interviewer of the same sex (Halton:
    # "same sex interviews"); given by the member of staff, never guessed; blank: not given.
    interviews_as = models.CharField(
        max_length=10,
        choices=[("woman", "A woman"), ("man", "A man")],
        blank=True,
        help_text="For same-sex interviews: who the customer would be meeting.",
    )
    # The identity card shown on home visits: an expired one is flagged before the visit.
    id_card_number = models.CharField("Identity card number", max_length=40, blank=True)
    id_card_expires = models.DateField("Identity card expires", null=True, blank=True)
    # Set when an administrator gives them a temporary password: they choose their own
    # before any other page.
    must_change_password = models.BooleanField(default=False)
    # Single-key shortcuts on the desk (j, k, /, ?...); a person who uses speech input
    # or a switch may need them off (WCAG 2.1.4).
    keyboard_shortcuts = models.BooleanField(default=True)

    class Meta:
        verbose_name = "member of staff"
        verbose_name_plural = "staff"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @cached_property
    def roles(self) -> frozenset[Role]:
        """The roles of an active member of staff (read once per request)."""
        if not self.is_active:
            return frozenset()
        names = set(self.groups.values_list("name", flat=True))
        return frozenset(role for role in Role if role.value in names)


class AbsenceKind(models.TextChoices):
    ANNUAL_LEAVE = "annual_leave", "Annual leave"
    SICKNESS = "sickness", "Sickness"
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


class Absence(models.Model):
    """A span of days a member of staff is away, first and last day included."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(max_length=20, choices=AbsenceKind.choices)
    first_day = models.DateField()
    last_day = models.DateField()
    cover = models.ForeignKey(
        StaffMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="covering",
        help_text="Who takes new work. Empty: the line manager.",
    )
    out_of_office_message = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="absences_recorded"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")),
                name="absence_ends_after_it_starts",
            )
        ]
        indexes = [models.Index(fields=["staff", "first_day", "last_day"])]

    def __str__(self) -> str:
        return f"{self.staff}: {self.get_kind_display()} {self.first_day} to {self.last_day}"


class AccountAction(models.TextChoices):
    PASSWORD_RESET = "password_reset", "Gave a temporary password"
    TWO_FACTOR_RESET = "two_factor_reset", "Removed two-factor sign-in"
    UNLOCKED = "unlocked", "Unlocked signing in"


class AccountEvent(models.Model):
    """What an administrator did to another member's account, and when: the audit trail
    of the staff accounts page."""

    member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="account_events")
    action = models.CharField(max_length=30, choices=AccountAction.choices)
    by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="account_actions")
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["member", "-at"])]

    def __str__(self) -> str:
        return f"{self.by} {self.get_action_display().lower()} for {self.member} at {self.at}"


class SavedView(models.Model):
    """A person's named filters and sort of a list page, as its query string.

    Staff knows nothing of what is filtered: `page` names the list (a queue's name, for
    cases to resolve) and `query` its query string, read again by the page's own parser
    when the view is opened. Only the owner sees theirs."""

    owner = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=80)
    page = models.CharField(max_length=40)
    query = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="one_saved_view_per_name")
        ]

    def __str__(self) -> str:
        return f"{self.owner}: {self.name}"
