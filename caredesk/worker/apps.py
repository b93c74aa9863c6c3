from django.apps import AppConfig


class WorkerConfig(AppConfig):
    """The background worker: its loop, the sweeps every app contributes, their failures."""

    name = "caredesk.worker"
    label = "worker"
    default_auto_field = "django.db.models.BigAutoField"
