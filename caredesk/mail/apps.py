from importlib import import_module

from django.apps import AppConfig

from caredesk.cases.panels import case_panel_register
from caredesk.documents.emailing import email_sender_register
from caredesk.documents.recipients import recipient_lookup_register


class MailConfig(AppConfig):
    """Email in (files and the mailbox) and out (acknowledgements, replies), and the
    letters register."""

    name = "caredesk.mail"
    label = "mail"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # These read the models: imported once they are loaded, not at the top.
        panels = import_module(f"{self.name}.panels")
        selectors = import_module(f"{self.name}.selectors")
        outbound = import_module(f"{self.name}.outbound")
        case_panel_register(panels.EMAILS)
        recipient_lookup_register(selectors.letter_sender_of)
        # visits' appointment emails go through mail's OutboundEmail (documents.emailing)
        email_sender_register(outbound.customer_notice_queue)
