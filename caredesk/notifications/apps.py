from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Telling staff: deadline warnings, breaches, urgent messages (desk and email)."""

    name = "caredesk.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"
