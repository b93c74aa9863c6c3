from importlib import import_module

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class StaffConfig(AppConfig):
    """Staff members, teams, offices, roles, line managers, absences and cover."""

    name = "caredesk.staff"
    label = "staff"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # They read the models: imported once they are loaded, not at the top.
        sign_in = import_module(f"{self.name}.sign_in")
        two_factor = import_module(f"{self.name}.two_factor")
        # A role misspelt in CAREDESK_TWO_FACTOR_ROLES stops caredesk starting, named,
        # rather than failing every page.
        two_factor.two_factor_roles_setting()
        user_logged_in.connect(sign_in.session_begun, dispatch_uid="caredesk_session_begun")
