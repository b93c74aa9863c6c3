"""How fast is the deadline engine?

    .venv/bin/python benchmarks/deadlines.py [--n 1000000] [--sample 20000] [--check-budget]

Draws N random receipt times over three years (2024-2026) and times, in one process:

- the batch API for a working-day standard (Stonewall letters, 10 working days) and a
  working-hour standard (7 working hours);
- numpy.busday_offset on the same receipts' dates, with the same weekdays and bank
  holidays: the raw floor for "N business days later", without office hours, close of
  business or time zones;
- the scalar API one receipt at a time in a Python loop, on a sample, scaled to N.

Prints due times per second and the ratios. Budget (DESIGN.md section 6): 1M working-day
due times in under 0.5 s, within 5x of numpy.busday_offset; one scalar due time under
20 microseconds. --check-budget exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from caredesk.standards import due_at, due_at_batch, load_policy, parse_duration, to_datetimes
from caredesk.standards.zones import from_micros


def best_and_median(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times), statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--check-budget", action="store_true")
    options = parser.parse_args()

    policy = load_policy("stonewall")
    calendar = policy.working_calendar
    working_days = policy.deadline_standard("letter_response").target
    working_hours = parse_duration("7 working hours")

    rng = np.random.default_rng(20251122)
    first = np.datetime64("2024-01-01T00:00:00", "us").astype(np.int64)
    last = np.datetime64("2027-01-01T00:00:00", "us").astype(np.int64)
    starts = rng.integers(first, last, size=options.n).view("datetime64[us]")

    began = time.perf_counter()
    due_at_batch(starts[:1], working_days, calendar)  # builds the calendar tables
    tables_seconds = time.perf_counter() - began

    # The busday_offset baseline: same weekdays and bank holidays, dates only.
    holidays = sorted(calendar.holidays(2023, 2030))
    busdays = np.busdaycalendar(weekmask="1111100", holidays=np.array(holidays, "datetime64[D]"))
    dates = starts.astype("datetime64[D]")

    def baseline() -> object:
        return np.busday_offset(dates, 10, roll="forward", busdaycal=busdays)

    def batch_days() -> object:
        return due_at_batch(starts, working_days, calendar)

    def batch_hours() -> object:
        return due_at_batch(starts, working_hours, calendar)

    baseline_best, baseline_median = best_and_median(baseline, options.repeats)
    days_best, days_median = best_and_median(batch_days, options.repeats)
    hours_best, hours_median = best_and_median(batch_hours, options.repeats)

    sample = [from_micros(int(m)) for m in starts[: options.sample].view(np.int64)]
    began = time.perf_counter()
    scalar_due = [due_at(s, working_days, calendar) for s in sample]
    scalar_seconds = time.perf_counter() - began
    per_call_micros = scalar_seconds / len(sample) * 1e6
    loop_scaled = scalar_seconds / len(sample) * options.n

    # The two paths must agree on the sample, or the figures mean nothing.
    assert (
        to_datetimes(due_at_batch(starts[: options.sample], working_days, calendar)) == scalar_due
    )

    n = options.n
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"deadline engine benchmark, {date.today()}, {n:,} receipts over 2024-2026")
    print(f"calendar tables built once in {tables_seconds * 1000:.1f} ms")
    print(f"{'what':<44}{'best s':>9}{'median s':>10}{'due times/s':>15}")
    rows = [
        ("numpy.busday_offset (dates only, baseline)", baseline_best, baseline_median),
        ("batch: 10 working days (close of business)", days_best, days_median),
        ("batch: 7 working hours", hours_best, hours_median),
        (f"scalar loop, {len(sample):,} sampled, scaled to N", loop_scaled, loop_scaled),
    ]
    for label, best, median in rows:
        print(f"{label:<44}{best:>9.3f}{median:>10.3f}{n / best:>15,.0f}")
    print(f"ratio batch working days / busday_offset: {days_best / baseline_best:.2f}x")
    print(f"ratio batch working hours / busday_offset: {hours_best / baseline_best:.2f}x")
    print(f"ratio scalar loop / batch working days: {loop_scaled / days_best:.0f}x")
    print(f"scalar: {per_call_micros:.2f} microseconds per due time")
    print(f"peak RSS: {peak_mb:.0f} MB")

    budgets = [
        ("1M working-day due times under 0.5 s", days_best * 1_000_000 / n < 0.5),
        ("within 5x of numpy.busday_offset", days_best / baseline_best <= 5),
        ("scalar under 20 microseconds", per_call_micros < 20),
    ]
    for label, met in budgets:
        print(f"budget: {label}: {'met' if met else 'MISSED'}")
    return 1 if options.check_budget and not all(met for _, met in budgets) else 0


if __name__ == "__main__":
    sys.exit(main())
