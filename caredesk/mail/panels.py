"""What the mail app shows on the case page (cases.panels): emails and letters received."""

from __future__ import annotations

from caredesk.cases.panels import CasePanel
from caredesk.mail.selectors import case_emails_panel

EMAILS = CasePanel(
    key="mail.emails",
    position=10,
    template="mail/case_emails.html",
    context=case_emails_panel,
    title="Emails and letters received",
)
