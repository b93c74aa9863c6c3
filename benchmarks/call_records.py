"""A year of realistic Asterisk call records (Master.csv), for benchmarks/calls.py.

    .venv/bin/python benchmarks/call_records.py OUT.csv [--rows 1000000] [--gzip]

Asterisk's `cdr_csv` columns, in its documented order and with no header: accountcode,
src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, end,
duration, billsec, disposition, amaflags, uniqueid, userfield. Times are office time
(Europe/London), as Asterisk writes them by default.

The year runs from 1 November 2025 to 31 October 2026. Calls come in on weekdays in
office hours (09:00-17:00), busiest at 09:00-10:00 and after lunch, heaviest on Monday
mornings and in January, light on bank holidays, with a few out of hours (they go to
voicemail). Each call rings one of four lines (queues). Most are answered by one of 40
staff extensions (80-95% by hour: the busier the hour, the more callers give up);
others are abandoned, left on voicemail after 30 seconds of ringing, or answered and
transferred to another extension. About 2% of rows are awkward or bad: quoted commas and
unicode in caller ids, an empty answer time, impossible dates, short rows, a duration
that is not a number, a call written twice (the same uniqueid).

Rows are written a month at a time (in start order), so memory stays small whatever
the number of rows. The same seed gives the same file.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from caredesk.core.spreadsheet import csv_writer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20261122
FIRST_DAY = date(2025, 11, 1)
LAST_DAY = date(2026, 10, 31)
EXTENSIONS = [str(number) for number in range(2001, 2041)]  # 40 members of staff
# Line (queue) name, the number dialled, its share of calls.
LINES = [
    ("switchboard", "5000", 0.40),
    ("repairs", "5001", 0.30),
    ("rents", "5002", 0.18),
    ("tenancy", "5003", 0.12),
]
# Calls by hour of a weekday in office hours (09:00-17:00); Monday mornings busier still.
HOUR_WEIGHTS = {9: 1.7, 10: 1.4, 11: 1.2, 12: 0.8, 13: 1.15, 14: 1.1, 15: 0.95, 16: 0.7}
MONDAY_MORNING = 1.5  # Monday 09:00-12:00, on top of the hour's weight
WEEKDAY_WEIGHTS = [1.35, 1.0, 0.95, 0.95, 0.85, 0.0, 0.0]
MONTH_WEIGHTS = {11: 1.0, 12: 0.75, 1: 1.3, 2: 1.1, 3: 1.05, 4: 0.95}  # others 1.0
OUT_OF_HOURS = 0.03  # of all calls: evenings, early mornings, weekends (to voicemail)
BANK_HOLIDAY_WEIGHT = 0.05
VOICEMAIL_AFTER = 30  # seconds of ringing before voicemail answers
TRANSFERRED = 0.06  # of answered calls
AWKWARD = 0.01  # valid but awkward rows: quoted commas, unicode names, empty caller id
BAD = 0.01  # rows the import must refuse or see through (bad dates, short rows, repeats)
CHUNK = 50_000  # rows generated at a time

# Ofcom's drama ranges: numbers that are never given to anyone.
CALLER_PREFIXES = ["01514960", "01134960", "02079460", "01614960", "01174960", "07700900"]
NAMES = ["", "", "", "", "WIRELESS CALLER", "HALTON BC", "PRIVATE"]
AWKWARD_NAMES = [
    "Smith, John",
    "Zoë Ó Briain",
    "Łukasz Wójcik",
    "Nguyễn Văn An",
    'Mary "Molly" Jones',
    "O'Neill, Siobhán",
    "محمد علي",
    "Dr. A, B & C Ltd",
]
BANK_HOLIDAYS = {
    date(2025, 12, 25),
    date(2025, 12, 26),
    date(2026, 1, 1),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 4),
    date(2026, 5, 25),
    date(2026, 8, 31),
}


@dataclass
class Generated:
    path: Path
    rows: int = 0
    bytes: int = 0
    seconds: float = 0.0
    outcomes: dict[str, int] = field(default_factory=dict)
    awkward: int = 0
    bad: int = 0
    repeated: int = 0


def days_and_weights() -> tuple[list[date], np.ndarray]:
    days: list[date] = []
    weights: list[float] = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        weight = WEEKDAY_WEIGHTS[day.weekday()] * MONTH_WEIGHTS.get(day.month, 1.0)
        if day in BANK_HOLIDAYS:
            weight = BANK_HOLIDAY_WEIGHT
        days.append(day)
        weights.append(weight)
        day += timedelta(days=1)
    return days, np.asarray(weights, dtype=np.float64)


def _months(days: list[date], weights: np.ndarray, rows: int) -> Iterator[tuple[int, int, int]]:
    """(first day index, last day index + 1, rows) for each month; rows add up to `rows`."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(days) + 1):
        if index == len(days) or days[index].month != days[start].month:
            bounds.append((start, index))
            start = index
    totals = np.array([weights[a:b].sum() for a, b in bounds])
    counts = np.floor(totals / totals.sum() * rows).astype(np.int64)
    counts[: rows - int(counts.sum())] += 1
    for (a, b), count in zip(bounds, counts, strict=True):
        yield a, b, int(count)


def _start_times(
    rng: np.random.Generator, days: list[date], weights: np.ndarray, a: int, b: int, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since FIRST_DAY (local, sorted) and whether each call came out of hours."""
    day_weights = weights[a:b] / weights[a:b].sum()
    out_of_hours = rng.random(count) < OUT_OF_HOURS
    day_index = a + rng.choice(b - a, size=count, p=day_weights)
    # Out of hours: any day, 07:00-09:00 or 17:00-21:00.
    day_index[out_of_hours] = rng.integers(a, b, size=int(out_of_hours.sum()))
    hours = np.array(list(HOUR_WEIGHTS))
    base = np.array(list(HOUR_WEIGHTS.values()))
    monday = base * np.where(hours < 12, MONDAY_MORNING, 1.0)
    is_monday = np.array([days[i].weekday() == 0 for i in range(len(days))])[day_index]
    hour = np.where(
        is_monday,
        rng.choice(hours, size=count, p=monday / monday.sum()),
        rng.choice(hours, size=count, p=base / base.sum()),
    )
    evening = rng.choice([7, 8, 17, 18, 19, 20], size=count, p=[0.1, 0.3, 0.3, 0.15, 0.1, 0.05])
    hour = np.where(out_of_hours, evening, hour)
    seconds = day_index.astype(np.int64) * 86_400 + hour * 3600 + rng.integers(0, 3600, count)
    order = np.argsort(seconds, kind="stable")
    return seconds[order], out_of_hours[order]


def _load(seconds: np.ndarray) -> np.ndarray:
    """How busy the hour is, 0 to 1: more callers give up and wait longer when it is busy."""
    hour = (seconds % 86_400) // 3600
    weights = np.array([HOUR_WEIGHTS.get(h, 0.3) for h in range(24)])
    return np.asarray(weights[hour] / max(HOUR_WEIGHTS.values()))


def _stamp(base: np.datetime64, seconds: np.ndarray) -> list[str]:
    text = np.datetime_as_string(base + seconds.astype("timedelta64[s]"), unit="s")
    return [value.replace("T", " ") for value in text.tolist()]


def generate(path: Path, *, rows: int, seed: int = SEED, compress: bool = False) -> Generated:
    """Write `rows` call records to `path` (gzip if `compress`); returns what was written."""
    began = time.perf_counter()
    rng = np.random.default_rng(seed)
    days, weights = days_and_weights()
    base = np.datetime64(FIRST_DAY.isoformat(), "s")
    epoch_base = int((base - np.datetime64("1970-01-01T00:00:00", "s")).astype(np.int64))
    made = Generated(path=path)
    made.outcomes = {"answered": 0, "abandoned": 0, "voicemail": 0, "transferred": 0}
    sequence = 0
    raw: Any = gzip.open(path, "wb", compresslevel=1) if compress else open(path, "wb")  # noqa: SIM115
    with raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
        # Through the one CSV writer (core.spreadsheet): its values never start as a
        # formula would, so the file is what csv.writer would write.
        writer = csv_writer(text, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        for a, b, count in _months(days, weights, rows):
            starts, out_of_hours = _start_times(rng, days, weights, a, b, count)
            for offset in range(0, count, CHUNK):
                size = min(CHUNK, count - offset)
                chunk_rows = _chunk(
                    rng,
                    starts[offset : offset + size],
                    out_of_hours[offset : offset + size],
                    base,
                    epoch_base,
                    sequence,
                )
                sequence += size
                for row, kind in chunk_rows:
                    if kind in made.outcomes:
                        made.outcomes[kind] += 1
                    elif kind == "awkward":
                        made.awkward += 1
                    elif kind == "repeat":
                        made.repeated += 1
                    else:
                        made.bad += 1
                    writer.writerow(row)
                made.rows += size
    made.bytes = path.stat().st_size
    made.seconds = time.perf_counter() - began
    return made


def _chunk(
    rng: np.random.Generator,
    starts: np.ndarray,
    out_of_hours: np.ndarray,
    base: np.datetime64,
    epoch_base: int,
    sequence: int,
) -> list[tuple[list[Any], str]]:
    """Rows for calls starting at `starts`, each with what kind of row it is."""
    size = len(starts)
    load = _load(starts)
    roll = rng.random(size)
    p_abandon = 0.02 + 0.10 * load**2  # 2% in a quiet hour, 12% at the peak
    p_voicemail = 0.02 + 0.03 * load
    outcome = np.where(
        out_of_hours,
        "voicemail",
        np.where(
            roll < p_abandon,
            "abandoned",
            np.where(roll < p_abandon + p_voicemail, "voicemail", "answered"),
        ),
    ).astype(object)
    transferred = (outcome == "answered") & (rng.random(size) < TRANSFERRED)
    outcome[transferred] = "transferred"
    wait = np.maximum(1, np.rint(rng.gamma(2.0, 2.5 + 5.0 * load))).astype(np.int64)
    wait = np.minimum(wait, VOICEMAIL_AFTER - 1)
    gave_up = np.maximum(2, np.rint(rng.gamma(2.0, 6.0))).astype(np.int64)
    talk = np.maximum(5, np.rint(rng.lognormal(5.0, 0.8, size))).astype(np.int64)
    ring = np.where(
        outcome == "abandoned",
        gave_up,
        np.where(outcome == "voicemail", np.where(out_of_hours, 0, VOICEMAIL_AFTER), wait),
    )
    answered = outcome != "abandoned"
    talk = np.where(outcome == "voicemail", np.minimum(talk // 4 + 5, 120), talk)
    talk = np.where(answered, talk, 0)
    ends = starts + ring + talk
    start_text = _stamp(base, starts)
    answer_text = _stamp(base, starts + ring)
    end_text = _stamp(base, ends)
    line = rng.choice(len(LINES), size=size, p=[share for *_, share in LINES])
    extension = rng.integers(0, len(EXTENSIONS), size)
    other = (extension + rng.integers(1, len(EXTENSIONS), size)) % len(EXTENSIONS)
    caller_prefix = rng.integers(0, len(CALLER_PREFIXES), size)
    caller_tail = rng.integers(0, 1000, size)
    names = rng.integers(0, len(NAMES), size)
    channel_ids = rng.integers(0, 0xFFFFFFFF, size=(size, 2))
    special = rng.random(size)
    out: list[tuple[list[Any], str]] = []
    for i in range(size):
        kind = str(outcome[i])
        line_name, dialled, _ = LINES[line[i]]
        number = CALLER_PREFIXES[caller_prefix[i]] + f"{caller_tail[i]:03d}"
        name = NAMES[names[i]]
        caller_id = f'"{name}" <{number}>' if name else number
        trunk = f"PJSIP/trunk-{channel_ids[i, 0]:08x}"
        ext = EXTENSIONS[extension[i]]
        agent = f"PJSIP/{ext}-{channel_ids[i, 1]:08x}"
        answer = answer_text[i]
        if kind == "abandoned":
            dstchannel, app, data, answer, disposition = (
                "",
                "Queue",
                f"{line_name},t,,,300",
                "",
                "NO ANSWER",
            )
        elif kind == "voicemail":
            dstchannel, app, data, disposition = (
                "",
                "VoiceMail",
                f"{line_name}@default,u",
                "ANSWERED",
            )
        elif kind == "transferred":
            to = EXTENSIONS[other[i]]
            dstchannel, app, data, disposition = agent, "Transfer", f"PJSIP/{to}", "ANSWERED"
        else:
            dstchannel, app, data, disposition = agent, "Queue", f"{line_name},t,,,300", "ANSWERED"
        epoch = epoch_base + int(starts[i])
        uniqueid = f"{epoch}.{sequence + i}"
        duration = int(ends[i] - starts[i])
        billsec = int(talk[i])
        row: list[Any] = [
            "",
            number,
            dialled,
            "from-pstn",
            caller_id,
            trunk,
            dstchannel,
            app,
            data,
            start_text[i],
            answer,
            end_text[i],
            duration,
            billsec,
            disposition,
            "DOCUMENTATION",
            uniqueid,
            "",
        ]
        if special[i] < AWKWARD:
            kind = "awkward"
            pick = int(special[i] / AWKWARD * 4)
            if pick == 0:
                row[4] = f'"{AWKWARD_NAMES[i % len(AWKWARD_NAMES)]}" <{number}>'
            elif pick == 1:
                row[4] = AWKWARD_NAMES[i % len(AWKWARD_NAMES)]
            elif pick == 2:
                row[4], row[1] = "", ""  # caller id withheld
            else:
                row[17] = "note: called back, twice"
        elif special[i] < AWKWARD + BAD:
            kind = "bad"
            pick = int((special[i] - AWKWARD) / BAD * 6)
            if pick == 0:
                row[9] = row[9][:5] + "02-30" + row[9][10:]  # 30 February
            elif pick == 1:
                row[9] = "not a date"
            elif pick == 2:
                row = row[:9]  # cut short
            elif pick == 3:
                row[12] = "abc"
            elif pick == 4:
                row[10] = "" if row[14] == "ANSWERED" else row[10]  # answered, no answer time
                kind = "awkward" if row[14] != "ANSWERED" else "bad"
            else:
                kind = "repeat"  # the same call written twice: its uniqueid again
                if out:
                    row = list(out[-1][0])
                else:
                    kind = "answered" if outcome[i] == "answered" else str(outcome[i])
        out.append((row, kind))
    return out


def take(source: Path, target: Path, rows: int) -> int:
    """Copy the first `rows` lines of `source` to `target` (both gzip if source is)."""
    compress = source.suffix == ".gz"
    copied = 0
    opener: Any = gzip.open if compress else open
    with opener(source, "rb") as read, opener(target, "wb") as write:
        for line in read:
            if copied >= rows:
                break
            write.write(line)
            copied += 1
    return copied


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--gzip", action="store_true")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    made = generate(args.out, rows=args.rows, seed=args.seed, compress=args.gzip)
    print(
        f"{made.rows:,} rows, {made.bytes / 1e6:.1f} MB in {made.seconds:.1f} s: "
        f"{made.outcomes}, awkward {made.awkward}, bad {made.bad}, repeated {made.repeated}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
