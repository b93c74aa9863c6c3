"""What the documents app shows on the case page (cases.panels): the letters written."""

from __future__ import annotations

from caredesk.cases.panels import CasePanel
from caredesk.documents.selectors import case_letters_panel

LETTERS = CasePanel(
    key="documents.letters",
    position=20,
    template="documents/case_letters.html",
    context=case_letters_panel,
    title="Letters",
)
