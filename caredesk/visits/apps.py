from importlib import import_module

from django.apps import AppConfig

from caredesk.cases.panels import case_panel_register


class VisitsConfig(AppConfig):
    """Offices (hours, closures, access, the public page), visitors and the reception log,
    appointments and home visits."""

    name = "caredesk.visits"
    label = "visits"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # panels.py reads the models: imported once they are loaded, not at the top.
        panels = import_module(f"{self.name}.panels")
        case_panel_register(panels.VISITS)
        # An absence recorded later flags the appointments it clashes with: staff calls
        # visits.flags (both read the models: imported once they are loaded, not at the top).
        flags = import_module(f"{self.name}.flags")
        staff_services = import_module("caredesk.staff.services")
        staff_services.absence_listener_register(flags.absence_clashes_tell)
