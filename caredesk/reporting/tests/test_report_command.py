"""`caredesk report whatif` and `caredesk report rebuild` from the command line."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from caredesk.reporting.models import DailyFigure
from caredesk.reporting.tests.factories import letter_case


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_whatif_prints_the_comparison_and_writes_the_csv(people: Any, tmp_path: Path) -> None:
    letter_case(
        received=datetime(2025, 6, 2, 10, tzinfo=UTC),
        answered_after=timedelta(days=3),
        officer=people.officer,
        channel="email",
    )
    csv_file = tmp_path / "whatif.csv"
    printed = _run(
        "whatif", "--policy", "stonewall", "--current", "halton",
        "--from", "2025-06-01", "--to", "2025-06-30", "--csv", str(csv_file),
    )  # fmt: skip
    assert printed.startswith("What if: Stonewall Housing")
    assert "1 case received from 1 June 2025 to 30 June 2025" in printed
    assert "email_response" in printed
    assert "email_response" in csv_file.read_text(encoding="utf-8")


def test_whatif_refuses_a_period_that_ends_before_it_starts(db: None) -> None:
    with pytest.raises(CommandError, match="before --from"):
        _run("whatif", "--policy", "stonewall", "--from", "2025-06-30", "--to", "2025-06-01")


def test_whatif_names_a_missing_policy_file(db: None) -> None:
    with pytest.raises(CommandError, match=r"There is no policy file at /nowhere\.toml"):
        _run("whatif", "--policy", "/nowhere.toml", "--from", "2025-06-01", "--to", "2025-06-30")


def test_whatif_refuses_a_day_that_is_not_one(db: None) -> None:
    with pytest.raises(CommandError, match="'2025-02-30' is not a day"):
        _run("whatif", "--policy", "stonewall", "--from", "2025-02-30", "--to", "2025-06-30")


def test_rebuild_counts_the_figures_again(people: Any) -> None:
    letter_case(
        received=datetime(2025, 6, 2, 10, tzinfo=UTC),
        answered_after=timedelta(days=3),
        officer=people.officer,
    )
    DailyFigure.objects.all().delete()
    printed = _run("rebuild", "--policy", "halton", "--quiet")
    assert printed.startswith("Counted ")
    assert DailyFigure.objects.filter(cut="all", standard_key="letter_email_response").exists()
