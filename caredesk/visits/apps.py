from django.apps import AppConfig


class VisitsConfig(AppConfig):
    """Offices (hours, closures, access, the public page), visitors and the reception log;
    later appointments, home visits and interviews."""

    name = "caredesk.visits"
    label = "visits"
    default_auto_field = "django.db.models.BigAutoField"
