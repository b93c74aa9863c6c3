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
        sections = import_module("caredesk.customers.sections")
        views = import_module(f"{self.name}.disclosure_views")
        sections.customer_section_register(
            sections.CustomerSection(
                key="privacy.disclosures",
                position=10,
                template="privacy/customer_disclosures.html",
                context=views.customer_disclosures_section,
            )
        )
