"""API tokens: a secret a program sends as `Authorization: Bearer <token>`.

Only a SHA-256 hash of the token is stored, never the token itself; the prefix, which
is part of the token, is what people see in lists and use to revoke it.
"""

from django.db import models

from caredesk.staff.models import StaffMember


class ApiToken(models.Model):
    """A token acts as its owner: the owner's roles decide what it may do."""

    owner = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'repairs sync'.")
    prefix = models.CharField(max_length=16, unique=True, help_text="Shown to people; not secret.")
    secret_hash = models.CharField(max_length=64, help_text="SHA-256 of the token, hex.")
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name}, {self.owner})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
