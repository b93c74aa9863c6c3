from importlib import import_module

from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Cases, contacts, deadlines and the case timeline (events)."""

    name = "caredesk.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A merge of a customer's records is told on each of their cases' timelines
        # (imported once the models are loaded, not at the top).
        merges = import_module(f"{self.name}.customer_merges")
        merging = import_module("caredesk.customers.merging")
        merging.customer_merge_listener_register(merges.customer_merge_record)
