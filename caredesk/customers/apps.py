from importlib import import_module

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    """Customers and their preferences: channel, language, format, visits, interviewer;
    their consents and the representatives they authorise."""

    name = "caredesk.customers"
    label = "customers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # These read the models: imported once they are loaded, not at the top.
        merging = import_module(f"{self.name}.merging")
        consent = import_module(f"{self.name}.consent")
        merging.customer_merge_listener_register(consent.consents_before_merge)
