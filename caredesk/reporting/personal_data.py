"""The reporting app holds figures, not people (customers.holdings)."""

from __future__ import annotations

from caredesk.customers.holdings import NoCustomerData, declare
from caredesk.reporting.models import (
    BoardCommentary,
    DailyCaseFigure,
    DailyFigure,
    ReportFile,
    StaleDay,
)

declare(
    NoCustomerData(DailyFigure, "A day's counts by standard and cut: no case or person."),
    NoCustomerData(DailyCaseFigure, "A day's counts of cases: no case or person."),
    NoCustomerData(StaleDay, "A day whose figures must be counted again."),
    NoCustomerData(BoardCommentary, "What managers wrote about the month's figures."),
    NoCustomerData(ReportFile, "A report's PDF: figures only, small numbers suppressed."),
)
