from django.apps import AppConfig


class SearchConfig(AppConfig):
    """One search box: customers by name, phone, postcode or email; cases by reference and
    by the words of everything written on them."""

    name = "caredesk.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"
