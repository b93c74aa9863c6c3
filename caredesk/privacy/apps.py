from importlib import import_module

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """What a data protection officer needs to keep the policies' promises: subject
    access, rectification, erasure and restriction requests, STAIRs and FOI requests,
    the disclosure log, retention and personal data breaches (UK GDPR, the Data
    Protection Act 2018 as amended by the Data (Use and Access) Act 2025)."""

    name = "caredesk.privacy"
    label = "privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # These read the models: imported once they are loaded, not at the top.
        answering = import_module("caredesk.customers.answering")
        sections = import_module("caredesk.customers.sections")
        permissions = import_module("caredesk.staff.permissions")
        # The app's own modules, for the same reason: not at the top.
        rights = import_module(f"{self.name}.rights")
        views = import_module(f"{self.name}.views")
        disclosures = import_module(f"{self.name}.disclosure_views")
        # A change to a customer's record may answer their open request to correct it.
        answering.open_requests_lookup_register(rights.open_rectification_requests)
        sections.customer_section_register(
            sections.CustomerSection(
                key="privacy.disclosures",
                position=10,
                template="privacy/customer_disclosures.html",
                context=disclosures.customer_disclosures_section,
            )
        )
        sections.customer_section_register(
            sections.CustomerSection(
                key="privacy.requests",
                position=5,
                template="privacy/customer_requests.html",
                context=views.customer_requests_section,
                capability=permissions.Can.MANAGE_PRIVACY,
            )
        )
