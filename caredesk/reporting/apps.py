from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Performance indicators from the deadline and case records: daily roll-ups, the
    dashboard, the board pack, equality monitoring and the policy what-if."""

    name = "caredesk.reporting"
    label = "reporting"
    default_auto_field = "django.db.models.BigAutoField"
