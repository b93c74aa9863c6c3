from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API: its root, tokens, and every router (api/<name>.py, schemas/<name>.py)."""

    name = "caredesk.api"
    label = "api"
    default_auto_field = "django.db.models.BigAutoField"
