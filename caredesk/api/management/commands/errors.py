"""`caredesk errors`: the catalogue of error codes, as Markdown (docs/errors.md)."""

from typing import Any

from django.core.management.base import BaseCommand

from caredesk.api.errors_catalogue import errors_markdown


class Command(BaseCommand):
    help = "Print the catalogue of error codes as Markdown (docs/errors.md is made from it)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(errors_markdown(), ending="")
