from importlib import import_module

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Telling staff: deadline warnings, breaches, urgent messages (desk and email)."""

    name = "caredesk.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # These read the models: imported once they are loaded, not at the top.
        # A note naming a colleague tells them (cases.mentions).
        mentions = import_module(f"{self.name}.mentions")
        case_mentions = import_module("caredesk.cases.mentions")
        case_mentions.mention_listener_register(mentions.mention_notices_create)
        # The header's unread count, read with the signed-in member (staff.backends);
        # imported here, once the models are loaded, not at the top.
        selectors = import_module(f"{self.name}.selectors")
        backends = import_module("caredesk.staff.backends")
        backends.user_annotation_register("unread_notifications", selectors.unread_count_of_user)
        # A notice given about a case stays with it when the case is merged into another
        # (cases.merging reads the models: imported once they are loaded, not at the top).
        merging = import_module("caredesk.cases.merging")
        merging.stays_with_duplicate_register(self.get_model("Notification"))
