"""Daily roll-ups of the deadline and case records, and the marks that keep them true.

The figures are never counted separately: each `DailyFigure` and `DailyCaseFigure` row
is a GROUP BY over `cases.Deadline` or `cases.Case` for one local day, kept so that a
year of indicators reads a few thousand rows instead of millions. Database triggers
(migration 0001) write a `StaleDay` whenever a row those figures depend on changes, by
any route (a service, a bulk insert, an UPDATE by hand); `rollups.figures_refresh`
counts those days again. `caredesk report rebuild` counts everything again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Cut(models.TextChoices):
    """How a figure is split. Offices are teams regrouped by their office when read."""

    ALL = "all", "Everyone"
    TEAM = "team", "Team"
    OFFICER = "officer", "Officer"
    CHANNEL = "channel", "Channel"
    CUSTOMER_TYPE = "customer_type", "Customer type"
    CASE_KIND = "case_kind", "Kind of case"


class StaleDay(models.Model):
    """A UTC date whose figures must be counted again. Written by triggers only.

    Not unique on purpose: a refresh deletes the marks it read, by id, so a mark written
    while it counted (by a transaction it could not yet see) stays for the next one.
    """

    utc_date = models.DateField()

    def __str__(self) -> str:
        return f"{self.utc_date} to count again"


class DailyFigure(models.Model):
    """One standard's deadlines on one local day, for one value of one cut.

    A deadline counts as received on the day its clock started, and as finished on the
    day it was met or ended. `value` is the team's or officer's id, the channel, the
    customer type or the kind of case ("" for everyone, or where there is none).
    """

    day = models.DateField()
    standard_key = models.CharField(max_length=60)
    cut = models.CharField(max_length=20, choices=Cut.choices)
    value = models.CharField(max_length=60, blank=True)
    received = models.PositiveIntegerField(default=0)
    met_in_time = models.PositiveIntegerField(default=0, help_text="By the standard's due time.")
    met_by_revised = models.PositiveIntegerField(
        default=0, help_text="Late for the standard, but by the date a holding reply gave."
    )
    met_late = models.PositiveIntegerField(default=0)
    ended_overdue = models.PositiveIntegerField(
        default=0, help_text="Ended unmet after its due time: a breach."
    )
    ended_in_time = models.PositiveIntegerField(
        default=0, help_text="Ended unmet before its due time (the case closed): not measured."
    )
    # How long the deadlines met this day took, in the standard's unit for time taken
    # (caredesk.standards.taken): {"3": 12} is twelve met in 3 of that unit.
    taken = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cut", "standard_key", "value", "day"], name="one_figure_per_day"
            )
        ]
        indexes = [models.Index(fields=["cut", "day"], name="figures_by_cut_and_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.standard_key} {self.cut}={self.value}"


class DailyCaseFigure(models.Model):
    """Cases received on one local day, for one value of one cut, and how many were
    resolved at the first contact."""

    day = models.DateField()
    cut = models.CharField(max_length=20, choices=Cut.choices)
    value = models.CharField(max_length=60, blank=True)
    received = models.PositiveIntegerField(default=0)
    resolved_at_first_contact = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cut", "value", "day"], name="one_case_figure_per_day")
        ]
        indexes = [models.Index(fields=["cut", "day"], name="case_figures_by_cut_and_day")]

    def __str__(self) -> str:
        return f"{self.day} cases {self.cut}={self.value}"


class BoardCommentary(models.Model):
    """What the performance team says about a month, printed in that month's board pack."""

    month = models.DateField(unique=True, help_text="The month's first day.")
    text = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    written_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "board commentaries"

    def __str__(self) -> str:
        return f"Commentary on {self.month:%Y-%m}"


class ReportFileKind(models.TextChoices):
    EQUALITY = "equality", "Equality monitoring report"
    BOARD_PACK = "board_pack", "Board pack"


class ReportFileStatus(models.TextChoices):
    """The steps of making a report's PDF, in order (the progress bar counts them)."""

    WAITING = "waiting", "Waiting to start"
    COUNTING = "counting", "Counting the figures"
    PRINTING = "printing", "Laying out the pages"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be made"


class ReportFile(models.Model):
    """A report's PDF, made by the worker (a PDF of many pages takes seconds to lay out),
    for the member of staff who asked; they download it from the page that shows its
    progress. It holds figures only, no one's personal data."""

    kind = models.CharField(max_length=20, choices=ReportFileKind.choices)
    # What to report: {"first": "2025-04-01", "last": "2026-03-31"} or {"month": "2025-06"}
    parameters = models.JSONField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=ReportFileStatus.choices, default=ReportFileStatus.WAITING
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(default=b"", editable=False)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["requested_by", "kind", "-requested_at"]),
            models.Index(
                fields=["status"],
                name="report_file_unfinished",
                condition=models.Q(status__in=["waiting", "counting", "printing"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"
