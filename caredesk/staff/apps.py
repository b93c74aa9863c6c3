from django.apps import AppConfig


class StaffConfig(AppConfig):
    """Staff members, teams, offices, roles, line managers, absences and cover."""

    name = "caredesk.staff"
    label = "staff"
    default_auto_field = "django.db.models.BigAutoField"
