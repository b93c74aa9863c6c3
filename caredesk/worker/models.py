from __future__ import annotations

from django.db import models


class SweepFailure(models.Model):
    """A row a sweep could not deal with: left out of that sweep's candidates until
    `next_attempt_at`, later after each failure (caredesk.worker.runner), and deleted
    once the row goes through."""

    sweep = models.CharField(max_length=100)
    row_id = models.BigIntegerField()
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.TextField()
    failed_at = models.DateTimeField(help_text="When it last failed.")
    next_attempt_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sweep", "row_id"], name="one_failure_per_row")
        ]

    def __str__(self) -> str:
        return f"{self.sweep} row {self.row_id}: {self.attempts} failed attempts"
