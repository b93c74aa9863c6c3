from importlib import import_module

from django.apps import AppConfig

from caredesk.cases.panels import case_panel_register


class DocumentsConfig(AppConfig):
    """Templates, the plain-English check, letters as PDF, large print, Braille, audio and
    translations."""

    name = "caredesk.documents"
    label = "documents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # panels.py reads the models: imported once they are loaded, not at the top.
        panels = import_module(f"{self.name}.panels")
        case_panel_register(panels.LETTERS)
