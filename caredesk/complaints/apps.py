from importlib import import_module

from django.apps import AppConfig

from caredesk.cases.panels import case_panel_register


class ComplaintsConfig(AppConfig):
    """Complaints under the Housing Ombudsman's Complaint Handling Code: defined,
    acknowledged and answered at two stages; extensions, refusals, remedies; compliments;
    and hazards under Awaab's Law."""

    name = "caredesk.complaints"
    label = "complaints"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # panels.py reads the models: imported once they are loaded, not at the top.
        panels = import_module(f"{self.name}.panels")
        case_panel_register(panels.COMPLAINT)
        case_panel_register(panels.HAZARDS)
