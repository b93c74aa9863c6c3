"""The search index of case text: one entry per piece of writing on a case.

Database triggers on the source tables keep the entries (migrations/0001_initial.py and
`caredesk.search.index_sql`), so bulk loads, `bulk_update` and raw SQL stay indexed and
no service has to remember to. PostgreSQL adds a stored tsvector column with a GIN index;
SQLite an FTS5 table kept by triggers on this one. Django never writes these rows.
"""

from __future__ import annotations

from django.db import models

from caredesk.cases.models import Case


class SourceKind(models.TextChoices):
    CASE = "case", "Case subject and description"
    NOTE = "note", "Note"
    CONTACT = "contact", "Contact"
    EMAIL_RECEIVED = "email_received", "Email received"
    EMAIL_SENT = "email_sent", "Email sent"
    LETTER_SENT = "letter_sent", "Letter sent"
    LETTER_RECEIVED = "letter_received", "Letter received"


class SearchEntry(models.Model):
    # No database constraint and no Django cascade: the triggers remove an entry when
    # its source row goes, and a case goes only after everything written on it.
    case = models.ForeignKey(
        Case, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    source_id = models.BigIntegerField()
    text = models.TextField()
    at = models.DateTimeField()

    class Meta:
        # Newest first: cases_search reads back from the newest entry when the words are
        # common, checking each, rather than through every entry the words are in.
        indexes = [models.Index(fields=["at"], name="search_entry_at")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_id"], name="search_entry_source")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on case {self.case_id}"
