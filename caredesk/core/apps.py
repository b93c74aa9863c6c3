from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting plumbing: the clock, the active policy, tasks, transactions, sweeps' shapes,
    pagination, office time, the file store, and the desk's base template."""

    name = "caredesk.core"
    label = "core"
