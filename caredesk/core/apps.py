from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide pieces: the clock, the active policy, the standards pages and commands."""

    name = "caredesk.core"
    label = "core"
