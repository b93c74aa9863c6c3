from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    """Call records from the phone system, answer-time standards, call figures."""

    name = "caredesk.telephony"
    label = "telephony"
    default_auto_field = "django.db.models.BigAutoField"
