"""How fast are the performance figures over 10,000,000 deadlines in PostgreSQL?

    .venv/bin/python benchmarks/reporting.py [--deadlines 10000000] [--years 3] [--runs 5]
        [--fresh] [--skip-rebuild] [--database-url URL] [--check-budget]

Loads the data (benchmarks/reporting_data.py; reused when already loaded), then times:

- the full rebuild of the daily roll-ups (`caredesk report rebuild`'s `figures_rebuild`);
- the dashboard's data for the last month (`dashboard_read`: the month at a glance with
  times taken, and 13 months of trends): the budget (DESIGN.md section 6: a 12-month
  dashboard under 1 s);
- 12 months of every indicator with times taken (`report_read`), everyone, and split
  by officer and by customer type;
- the whole dashboard page, rendered, as a performance analyst (Django's test client);
- a refresh after a thousand deadlines are met (what the worker then counts again);
- the what-if for one year of contacts: the policy with letters and emails answered in
  5 working days instead of 10 (`whatif_compare`, the batch engine).

The baseline, run in this process: the same 12 months counted straight from the
deadlines with one GROUP BY (counts only: no percentiles, no cuts), which is what the
dashboard would cost without the roll-ups. The ratio says what the roll-ups save.
--check-budget exits 1 when the dashboard's data takes 1 s or more (median).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from reporting_data import FULL_SIZE, default_url, describe, prepare  # noqa: E402

BUDGET_SECONDS = 1.0


def timed(runs: int, work: Callable[[], object]) -> list[float]:
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - began)
    return seconds


def show(name: str, seconds: list[float]) -> float:
    median = statistics.median(seconds)
    print(
        f"{name}: median {median * 1000:,.0f} ms "
        f"(min {min(seconds) * 1000:,.0f}, max {max(seconds) * 1000:,.0f}, {len(seconds)} runs)"
    )
    return median


def _letters_in_five_days() -> Any:
    """The policy with letters and emails answered in 5 working days instead of 10."""
    from django.conf import settings

    from caredesk.standards import parse_policy
    from caredesk.standards.policy_files import policy_path

    text = policy_path(settings.CAREDESK_POLICY).read_text(encoding="utf-8")
    changed = re.sub(
        r'(key = "letter_email_response".*?target = )"10 working days"',
        r'\1"5 working days"',
        text,
        count=1,
        flags=re.S,
    )
    return parse_policy(changed, source="letters in 5 working days")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deadlines", type=int, default=FULL_SIZE)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--skip-rebuild", action="store_true", help="use the roll-ups as they are")
    parser.add_argument("--database-url")
    parser.add_argument("--check-budget", action="store_true")
    args = parser.parse_args()
    # Production settings in this process, as a server would have them.
    os.environ.update(
        CAREDESK_SECRET_KEY=secrets.token_urlsafe(48),
        CAREDESK_DEBUG="false",
        CAREDESK_ALLOWED_HOSTS="testserver",
        CAREDESK_SECURE_COOKIES="false",
        CAREDESK_LOG_LEVEL="WARNING",
    )
    url = args.database_url or default_url(args.deadlines)
    loaded = prepare(deadlines=args.deadlines, years=args.years, url=url, fresh=args.fresh)
    print(describe(loaded))

    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from caredesk.cases.models import Deadline
    from caredesk.core.active_policy import active_policy
    from caredesk.core.clock import system_clock
    from caredesk.reporting.dashboard import dashboard_read
    from caredesk.reporting.indicators import Split, report_read
    from caredesk.reporting.models import DailyFigure
    from caredesk.reporting.periods import Period
    from caredesk.reporting.rollups import (
        MET,
        MET_IN_TIME,
        figures_pending,
        figures_rebuild,
        figures_refresh,
        local_midnight,
    )
    from caredesk.reporting.whatif import whatif_compare
    from caredesk.staff.models import StaffMember

    policy = active_policy()
    zone = policy.working_calendar.zone
    now = system_clock.now()

    if args.skip_rebuild and DailyFigure.objects.exists():
        print("rebuild: skipped (--skip-rebuild)")
    else:
        began = time.perf_counter()
        counted = figures_rebuild(policy=policy)
        rebuild = time.perf_counter() - began
        print(
            f"rebuild: {rebuild:,.1f} s for {counted.days:,} days: {counted.figures:,} figures, "
            f"{counted.case_figures:,} case figures "
            f"({loaded.deadlines / rebuild:,.0f} deadlines/s)"
        )
    if figures_pending():
        figures_refresh(policy=policy)
    print(f"roll-up rows: {DailyFigure.objects.count():,}")

    today = now.astimezone(zone).date()
    this_month = today.replace(day=1)
    last = this_month - timedelta(days=1)
    first = (this_month - timedelta(days=365)).replace(day=1)
    first = date(first.year, first.month, 1)
    if (last.year * 12 + last.month) - (first.year * 12 + first.month) >= 12:
        first = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    print(f"12 months: {first} to {last}")

    def dashboard_figures(split: Split) -> Callable[[], object]:
        return lambda: report_read(
            policy=policy, first=first, last=last, period=Period.MONTH, split=split, now=now
        )

    def baseline() -> object:
        low, high = local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone)
        return list(
            Deadline.objects.filter(starts_at__gte=low, starts_at__lt=high)
            .order_by()
            .values("standard_key")
            .annotate(
                n=Count("pk"), met=Count("pk", filter=MET), in_time=Count("pk", filter=MET_IN_TIME)
            )
        )

    def dashboard() -> object:
        return dashboard_read(policy=policy, month=last.replace(day=1), split=Split.ALL, now=now)

    dashboard()  # warm the caches and the connection, as a server is
    base = show(
        "baseline: 12 months counted straight from the deadlines", timed(args.runs, baseline)
    )
    everyone = show(
        "the dashboard's data: the month, and 13 months of trends", timed(args.runs, dashboard)
    )
    show(
        "every indicator with times taken, 12 months, everyone",
        timed(args.runs, dashboard_figures(Split.ALL)),
    )
    show(
        "every indicator with times taken, 12 months, by officer",
        timed(args.runs, dashboard_figures(Split.OFFICER)),
    )
    show(
        "every indicator with times taken, 12 months, by customer type",
        timed(args.runs, dashboard_figures(Split.CUSTOMER_TYPE)),
    )
    print(f"ratio, the dashboard's data to the baseline: {everyone / base:.3f}")

    analyst = StaffMember.objects.filter(username="analyst_bench").first()
    if analyst is not None:
        client = Client()
        client.force_login(analyst)
        month = f"{last:%Y-%m}"

        def page() -> Any:
            response = client.get("/performance/", {"month": month}, secure=False)
            assert response.status_code == 200, response.status_code
            return response

        page()
        show("the whole dashboard page, last month (13 months of trends)", timed(args.runs, page))

    # A day's changes: a thousand deadlines met now, then the worker's refresh.
    ids = list(
        Deadline.objects.filter(status="open").order_by("pk").values_list("pk", flat=True)[:1000]
    )
    Deadline.objects.filter(pk__in=ids).update(status="met", met_at=now, time_taken=1)
    began = time.perf_counter()
    done = figures_refresh(policy=policy)
    print(
        f"refresh after {len(ids):,} deadlines met: {(time.perf_counter() - began) * 1000:,.0f} ms "
        f"({done.days} days counted again)"
    )
    other = _letters_in_five_days()
    year_ends = last.year if last.month >= 4 else last.year - 1  # the last whole April-March
    began = time.perf_counter()
    result = whatif_compare(
        current=policy,
        other=other,
        first=date(year_ends - 1, 4, 1),
        last=date(year_ends, 3, 31),
        now=now,
    )
    print(
        f"what-if, {result.cases:,} cases received in a financial year, letters and emails in 5 "
        f"working days instead of 10: {time.perf_counter() - began:,.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('reporting_dailyfigure'))")
        print(f"roll-up table size: {cursor.fetchone()[0]}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MB")
    met = everyone < BUDGET_SECONDS
    print(
        f"budget: the dashboard's data under {BUDGET_SECONDS} s (median): "
        f"{'met' if met else 'MISSED'} ({everyone:.2f} s)"
    )
    return 1 if args.check_budget and not met else 0


if __name__ == "__main__":
    sys.exit(main())
