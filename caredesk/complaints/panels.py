"""What the complaints app shows on the case page (cases.panels)."""

from __future__ import annotations

from caredesk.cases.panels import CasePanel
from caredesk.complaints.selectors import case_complaint_panel, case_hazards_panel

COMPLAINT = CasePanel(
    key="complaints.complaint",
    position=5,
    template="complaints/case_complaint.html",
    context=case_complaint_panel,
    title="Complaints and compliments",
)

HAZARDS = CasePanel(
    key="complaints.hazards",
    position=6,
    template="complaints/case_hazards.html",
    context=case_hazards_panel,
    title="Hazards in the home",
)
