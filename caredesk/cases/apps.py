from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Cases, contacts, deadlines and the case timeline (events)."""

    name = "caredesk.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"
