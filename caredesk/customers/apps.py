from django.apps import AppConfig


class CustomersConfig(AppConfig):
    """Customers and their preferences: channel, language, format, visits, interviewer."""

    name = "caredesk.customers"
    label = "customers"
    default_auto_field = "django.db.models.BigAutoField"
