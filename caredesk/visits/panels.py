"""What the visits app shows on the case page (cases.panels): appointments and visits."""

from __future__ import annotations

from caredesk.cases.panels import CasePanel
from caredesk.visits.selectors import case_visits_panel

VISITS = CasePanel(
    key="visits.appointments",
    position=30,
    template="visits/case_visits.html",
    context=case_visits_panel,
    title="Appointments and visits",
)
