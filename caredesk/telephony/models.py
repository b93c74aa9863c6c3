"""Calls as the phone system recorded them (call detail records), and how each measured up."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from caredesk.core.phones import phone_key
from caredesk.staff.models import StaffMember, Team


class Line(models.Model):
    """A phone line or queue customers ring (the switchboard, repairs, rents)."""

    name = models.CharField(max_length=120, unique=True, help_text="As the phone system names it.")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self) -> str:
        return self.name


class Extension(models.Model):
    """A desk phone: calls answered on it were answered by its member of staff."""

    number = models.CharField(max_length=40, unique=True)
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="extensions")

    def __str__(self) -> str:
        return f"{self.number} ({self.staff})"


class ImportStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class CallImport(models.Model):
    """One run of importing a call records file: what it read, kept, skipped and refused."""

    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_format = models.CharField(max_length=40, help_text="asterisk, or the mapping's name.")
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the import started or last stored a batch: one that stops moving "
        "has stopped (its process ended), and the worker marks it failed.",
    )
    bytes_total = models.BigIntegerField(default=0, help_text="For the progress bar.")
    bytes_read = models.BigIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_duplicate = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    calls_noted = models.PositiveIntegerField(
        default=0,
        help_text="Calls imported whose text had to be decoded or cleaned (see Call.notes).",
    )
    rejects_file = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class CallOutcome(models.TextChoices):
    ANSWERED = "answered", "Answered"
    ABANDONED = "abandoned", "Abandoned (the caller hung up first)"
    VOICEMAIL = "voicemail", "Went to voicemail"
    TRANSFERRED = "transferred", "Transferred"


class Call(models.Model):
    """One inbound call. `source` and `call_key` identify it, so importing twice adds nothing."""

    source = models.CharField(max_length=40, help_text="asterisk, or the mapping's name.")
    call_key = models.CharField(max_length=150, help_text="The phone system's id for the call.")
    # `line`, `answered_by` and `imported_by` have no database constraint
    # (db_constraint=False): the importer sets them on every call, and PostgreSQL checks
    # a foreign key row by row at commit (a million checks a key for a million calls).
    # The importer takes the ids from rows it has just made or read in the same
    # transaction, and deleting a line, a staff member or an import still empties these
    # columns (Django's SET_NULL, which the ORM carries out). None is indexed: each index
    # is written for every call imported, the figures find calls by time first, and
    # nothing looks calls up by who answered or by import yet.
    line = models.ForeignKey(
        Line,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        db_index=False,  # calls are found by time (the index below), then by line
    )
    caller = models.CharField(max_length=80, blank=True, help_text="The calling number.")
    # The calling number's key (core.phones.phone_key: its digits, a leading 44 made 0),
    # as customers' `phone_search` is theirs: a customer's calls are found by it, however
    # the phone system wrote the number ("01632 960001", "+441632960001"). Every way in
    # fills it: the row parsers, both batch writers, the fast lane, `save`. Not indexed:
    # only the data protection officer's work reads by it (an export, an erasure chunk),
    # and on a million calls (PostgreSQL, 2026-12-07) a scan took 72 ms for one
    # customer and 87 ms for 1,000, while an index made writing calls four times slower.
    caller_key = models.CharField(max_length=80, blank=True, default="", editable=False)
    caller_name = models.CharField(max_length=120, blank=True)
    dialled = models.CharField(max_length=80, blank=True)
    started_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    seconds_to_answer = models.PositiveIntegerField(
        null=True, blank=True, help_text="For answered calls; for the others, how long they rang."
    )
    rings = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seconds to answer over the policy's ring length."
    )
    talk_seconds = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=20, choices=CallOutcome.choices)
    extension = models.CharField(max_length=40, blank=True)
    answered_by = models.ForeignKey(
        StaffMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        db_constraint=False,
        db_index=False,
    )
    imported_by = models.ForeignKey(
        CallImport, null=True, on_delete=models.SET_NULL, db_constraint=False, db_index=False
    )
    notes = models.TextField(
        blank=True,
        default="",
        db_default="",
        help_text="What was done to the record's text to read or store it: a field that "
        "was not UTF-8 read as Windows-1252, characters that cannot be stored removed.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "call_key"], name="one_row_per_call")
        ]
        # On PostgreSQL this index is a BRIN index (migration 0004): calls arrive in time
        # order, so a summary per block of the table finds a period's calls, and costs
        # almost nothing to keep up as a million calls are imported (a B-tree index on
        # the time was a sixth of the import's time).
        indexes = [models.Index(fields=["started_at"])]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} call at {self.started_at}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.caller_key = phone_key(self.caller)
        fields = kwargs.get("update_fields")
        if isinstance(fields, Iterable) and "caller" in fields:
            kwargs["update_fields"] = {*fields, "caller_key"}
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class CallMeasure(models.Model):
    """One call against one phone standard of the policy (4 rings, 10 seconds): due and met.

    Due times come from the engine in batch; `met` is whether the call was answered by
    then. Abandoned calls count too: the policy's promise was not kept for them.
    """

    # No database constraint on this key (db_constraint=False): PostgreSQL checks a
    # foreign key row by row at commit, and for each new call the check also locks the
    # call's row (FOR KEY SHARE), which writes the row and the WAL again. With two
    # measures a call that was over a third of the import's time in PostgreSQL. Nothing
    # is lost: only the importer writes measures, in the same statement that inserts
    # their calls (their ids come from its RETURNING), and deleting a call still deletes
    # its measures (Django's CASCADE, which the ORM carries out, not the database).
    #
    # The primary key is (call, standard_key): one measure per call and standard, and
    # one index for both that rule and lookups by call (a table of millions of rows,
    # where each index costs every import).
    pk = models.CompositePrimaryKey("call", "standard_key")
    call = models.ForeignKey(
        Call,
        on_delete=models.CASCADE,
        related_name="measures",
        db_constraint=False,
        db_index=False,  # the primary key (call, standard_key) serves lookups by call
    )
    standard_key = models.CharField(max_length=60)
    due_at = models.DateTimeField()
    met = models.BooleanField()

    def __str__(self) -> str:
        return f"{self.standard_key}: {'met' if self.met else 'missed'}"
