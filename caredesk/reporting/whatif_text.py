"""The what-if in words: the summary, the plain-text table the command prints, and the
CSV. The comparison itself is caredesk.reporting.whatif."""

from __future__ import annotations

import io
from collections.abc import Iterable

from caredesk.core.spreadsheet import csv_writer
from caredesk.documents.letters import long_date
from caredesk.reporting.display import DASH, percent_text
from caredesk.reporting.whatif import RowKind, Side, WhatIf, WhatIfRow


def points_text(points: float | None) -> str:
    """ "up 3.2 points", "down 1.0 point", "no change"."""
    if points is None:
        return DASH
    if points == 0:
        return "no change"
    amount = f"{abs(points):.1f}"
    direction = "up" if points > 0 else "down"
    if amount == "0.0":
        return f"{direction} less than 0.1 points"
    return f"{direction} {amount} point{'' if amount == '1.0' else 's'}"


def breaches_text(more: int | None) -> str:
    """ "1,234 more breaches", "1 fewer breach", "no change in breaches"."""
    if more is None:
        return DASH
    if more == 0:
        return "no change in breaches"
    plural = "" if abs(more) == 1 else "es"
    return f"{abs(more):,} {'more' if more > 0 else 'fewer'} breach{plural}"


def change_text(row: WhatIfRow) -> str:
    if row.kind is RowKind.REMOVED:
        return "not in the other policy"
    if row.kind is RowKind.NEW:
        return "new"
    points = "nothing measured" if row.points is None else points_text(row.points)
    return f"{points}, {breaches_text(row.more_breaches)}"


def period_text(result: WhatIf) -> str:
    return f"{long_date(result.first)} to {long_date(result.last)}"


def whatif_summary(result: WhatIf) -> list[str]:
    """The comparison in a few plain sentences."""
    said = [
        f"{result.cases:,} case{'s' if result.cases != 1 else ''} received from "
        f"{period_text(result)} (UK time), re-run through both policies."
    ]
    changed = [r for r in result.all_rows if r.points is not None]
    worse = [r for r in changed if r.points is not None and r.points < 0]
    better = [r for r in changed if r.points is not None and r.points > 0]
    if changed:
        said.append(
            f"Of {len(changed)} comparison{'s' if len(changed) != 1 else ''}, "
            f"{len(worse)} would be worse, {len(better)} better and "
            f"{len(changed) - len(worse) - len(better)} the same."
        )
    if worse:
        row = min(worse, key=lambda r: r.points or 0.0)
        said.append(f"The biggest fall: {_named(row)}, {change_text(row)}.")
    if better:
        row = max(better, key=lambda r: r.points or 0.0)
        said.append(f"The biggest rise: {_named(row)}, {change_text(row)}.")
    new = [r for r in result.rows if r.kind is RowKind.NEW]
    removed = [r for r in result.rows if r.kind is RowKind.REMOVED]
    if new:
        said.append(f"New in the other policy: {_listed(r.name for r in new)}.")
    if removed:
        said.append(f"Not in the other policy: {_listed(r.name for r in removed)}.")
    return said


def _named(row: WhatIfRow) -> str:
    if row.kind is RowKind.MATCHED and row.current is not None and row.other is not None:
        return f"“{row.other.name}” against “{row.current.name}”"
    return f"“{row.name}”"


def _listed(names: Iterable[str]) -> str:
    return "; ".join(f"“{name}”" for name in names)


METHOD = [
    "Both sides are worked out the same way, from the same cases and the same times each "
    "clock stopped (as the records show), so a difference comes from the policy alone.",
    "Holding replies and pauses are left out on both sides, so the current figures can "
    "differ a little from the dashboard's.",
    "Each policy's own calendar counts: its office hours, bank holidays and closure days.",
    "Measured: met, or not met and past the due time. A breach: met late, or not met and "
    "past the due time.",
]


def _figures_cells(side: Side | None) -> list[str]:
    if side is None:
        return [DASH, DASH, DASH, DASH]
    f = side.figures
    return [side.target, percent_text(f.percent), f"{f.measured:,}", f"{f.breaches:,}"]


TABLE_HEADINGS = ["Standard", "Now: target", "In time", "Measured", "Breaches"]
TABLE_HEADINGS += ["What if: target", "In time", "Measured", "Breaches", "Change"]


def _table(rows: list[WhatIfRow]) -> list[str]:
    cells = [TABLE_HEADINGS] + [
        [row.key, *_figures_cells(row.current), *_figures_cells(row.other), change_text(row)]
        for row in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(TABLE_HEADINGS))]
    numeric = {2, 3, 4, 6, 7, 8}
    lines = []
    for line in cells:
        parts = [
            text.rjust(widths[i]) if i in numeric else text.ljust(widths[i])
            for i, text in enumerate(line)
        ]
        lines.append("  ".join(parts).rstrip())
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


def unmeasured_lines(result: WhatIf) -> list[str]:
    """Deadlines counted neither in time nor as breaches: still open and not yet due, or
    with no record of when their clock stopped."""
    lines = []
    for row in result.all_rows:
        for side, which in ((row.current, "now"), (row.other, "what if")):
            if side is None or not (side.figures.open or side.figures.no_record):
                continue
            parts = [
                f"{count:,} {text}"
                for count, text in (
                    (side.figures.open, "still open and not yet due"),
                    (side.figures.no_record, "with no record of when the clock stopped"),
                )
                if count
            ]
            lines.append(f"{row.key} ({which}): {' and '.join(parts)}.")
    return lines


def whatif_lines(result: WhatIf) -> list[str]:
    """The comparison as the CLI prints it: summary, tables, the standards' names, notes."""
    lines = [
        f"What if: {result.other_name}",
        f"Now:     {result.current_name}",
        "",
        *whatif_summary(result),
        "",
    ]
    lines += _table(result.rows)
    if result.matched:
        lines += ["", "Different standards measuring the same thing, on the cases both cover:"]
        lines += _table(result.matched)
    lines += ["", "The standards:"]
    for row in result.all_rows:
        now = f"“{row.current.name}”" if row.current else "not in the current policy"
        then = f"“{row.other.name}”" if row.other else "not in the other policy"
        lines.append(f"  {row.key}: now {now}; what if {then}")
    if unmeasured := unmeasured_lines(result):
        lines += ["", "Not counted either way:", *(f"  {line}" for line in unmeasured)]
    if result.not_rerun:
        lines += ["", "Not re-run:"]
        lines += [f"  {n.key} ({n.policies}): {n.reason}" for n in result.not_rerun]
    lines += ["", *METHOD]
    return lines


_CSV_SIDE = ["standard", "target", "started", "measured", "met in time", "percent in time"]
_CSV_SIDE += ["breaches", "still open, not yet due", "no record"]
CSV_HEADINGS = [
    "Row",
    "Standard key",
    *[f"{which} {heading}" for which in ("Current", "Other") for heading in _CSV_SIDE],
    "Change in percentage points",
    "Change in breaches",
]


def _csv_side(side: Side | None) -> list[object]:
    if side is None:
        return [""] * 9
    f = side.figures
    percent = "" if f.percent is None else f"{f.percent:.1f}"
    counts = [f.started, f.measured, f.in_time, percent, f.breaches, f.open, f.no_record]
    return [side.name, side.target, *counts]


def whatif_csv(result: WhatIf) -> str:
    """The comparison as CSV: one row per standard (and per matched pair)."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADINGS)
    for row in result.all_rows:
        points = "" if row.points is None else f"{row.points:.1f}"
        more = "" if row.more_breaches is None else row.more_breaches
        writer.writerow(
            [row.kind.label, row.key, *_csv_side(row.current), *_csv_side(row.other), points, more]
        )
    return out.getvalue()


def csv_file_name(result: WhatIf) -> str:
    return f"what-if-{result.first:%Y-%m-%d}-to-{result.last:%Y-%m-%d}.csv"
