from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Templates, the plain-English check, letters as PDF, large print, Braille, audio and
    translations."""

    name = "caredesk.documents"
    label = "documents"
    default_auto_field = "django.db.models.BigAutoField"
