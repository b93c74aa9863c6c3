from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API root and its tokens; each app contributes its own router (api.py)."""

    name = "caredesk.api"
    label = "api"
    default_auto_field = "django.db.models.BigAutoField"
