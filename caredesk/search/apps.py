from importlib import import_module

from django.apps import AppConfig


class SearchConfig(AppConfig):
    """One search box: customers by name, phone, postcode or email; cases by reference and
    by the words of everything written on them."""

    name = "caredesk.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The index's rows for a merged case stay with it: the triggers keep them
        # (cases.merging reads the models: imported once they are loaded, not at the top).
        merging = import_module("caredesk.cases.merging")
        merging.stays_with_duplicate_register(self.get_model("SearchEntry"))
