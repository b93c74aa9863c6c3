"""benchmarks/calls.py says MISSED for each budget that applies to a run and is missed."""

from calls import BUDGET_RSS_MB, BUDGET_SECONDS, FULL_SIZE, Run, budgets


def runs(*, seconds: float, peak_mb: float) -> list[Run]:
    """The runs bench_database makes: naive, sample, whole file, again, reading alone."""
    return [
        Run("naive", 2_000, 10.0, 999.0, 1_985, 0),  # the baseline: no budget
        Run("sample", 2_000, 2.0, 150.0, 1_985, 1_985),
        Run("whole file", FULL_SIZE, seconds, peak_mb, 991_717, 991_717),
        Run("again", FULL_SIZE, 15.0, 200.0, 0, 991_717),
        Run("alone", FULL_SIZE, 9.0, 200.0, 0, 991_717),
    ]


def verdicts(kind: str, rows: int, **figures: float) -> dict[str, bool]:
    return {label: met for label, met, _ in budgets(kind, runs(**figures), rows=rows)}


def test_peak_rss_over_budget_is_missed_at_any_size() -> None:
    found = verdicts("sqlite", 20_000, seconds=5.0, peak_mb=BUDGET_RSS_MB + 50)
    assert found == {f"every import process under {BUDGET_RSS_MB:.0f} MB peak RSS": False}


def test_the_time_budget_applies_to_a_million_rows_into_postgresql_only() -> None:
    slow = BUDGET_SECONDS + 5
    assert len(verdicts("postgres", 20_000, seconds=slow, peak_mb=200.0)) == 1
    assert len(verdicts("sqlite", FULL_SIZE, seconds=slow, peak_mb=200.0)) == 1
    found = verdicts("postgres", FULL_SIZE, seconds=slow, peak_mb=200.0)
    assert list(found.values()) == [True, False]


def test_budgets_met_are_met() -> None:
    found = verdicts("postgres", FULL_SIZE, seconds=BUDGET_SECONDS - 5, peak_mb=250.0)
    assert all(found.values())
