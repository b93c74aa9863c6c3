from django.apps import AppConfig


class MailConfig(AppConfig):
    """Email in (files now, a polled mailbox next) and, to come, the letters register."""

    name = "caredesk.mail"
    label = "mail"
    default_auto_field = "django.db.models.BigAutoField"
