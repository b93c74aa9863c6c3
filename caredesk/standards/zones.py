"""Time zone arithmetic on arrays of instants, matching `zoneinfo` exactly.

The batch engine converts millions of instants between UTC and the organisation's
wall clock. `zoneinfo` does one at a time; this table of the zone's transitions does
a whole array with one `searchsorted`. Wall times that fall in a clock change are read
as Python reads them with fold=0: a time in the spring gap takes the offset from before
the change, an ambiguous autumn time is its first occurrence.

All instants here are integers: microseconds since 1970-01-01T00:00Z.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)
MICROS_PER_SECOND = 1_000_000
MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND

Micros = npt.NDArray[np.int64]


def to_micros(moment: datetime) -> int:
    """An aware datetime as microseconds since the epoch."""
    return (moment - EPOCH) // ONE_MICROSECOND


def from_micros(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


def _offset_micros(zone: ZoneInfo, micros: int) -> int:
    offset = from_micros(micros).astimezone(zone).utcoffset()
    assert offset is not None
    return offset // ONE_MICROSECOND


@dataclass(frozen=True)
class ZoneTable:
    """The zone's UTC offsets between two years, as arrays."""

    transitions: Micros  # instant of each change of offset
    offsets: Micros  # offsets[0] before the first change, offsets[i + 1] after change i
    wall_thresholds: Micros  # the wall time from which change i applies (fold=0 rule)

    @classmethod
    def build(cls, zone: ZoneInfo, first_year: int, last_year: int) -> ZoneTable:
        start = to_micros(datetime(first_year, 1, 1, tzinfo=UTC)) - MICROS_PER_DAY
        stop = to_micros(datetime(last_year + 1, 1, 1, tzinfo=UTC)) + MICROS_PER_DAY
        transitions: list[int] = []
        offsets = [_offset_micros(zone, start)]
        # Offsets change at most once in six hours in any real zone; find each change
        # by sampling, then pin it to the second by bisection.
        step = 6 * 3600 * MICROS_PER_SECOND
        previous = start
        for sample in range(start + step, stop + step, step):
            offset = _offset_micros(zone, sample)
            if offset == offsets[-1]:
                previous = sample
                continue
            low, high = previous, sample  # offset(low) is old, offset(high) is new
            while high - low > MICROS_PER_SECOND:
                middle = (low + high) // 2 // MICROS_PER_SECOND * MICROS_PER_SECOND
                if middle <= low:
                    break
                if _offset_micros(zone, middle) == offsets[-1]:
                    low = middle
                else:
                    high = middle
            transitions.append(high)
            offsets.append(offset)
            previous = sample
        before, after = np.array(offsets[:-1]), np.array(offsets[1:])
        thresholds = np.array(transitions, dtype=np.int64) + np.maximum(before, after)
        return cls(
            transitions=np.array(transitions, dtype=np.int64),
            offsets=np.array(offsets, dtype=np.int64),
            wall_thresholds=thresholds.astype(np.int64),
        )

    def utc_to_wall(self, instants: Micros) -> Micros:
        index = np.searchsorted(self.transitions, instants, side="right")
        return instants + self.offsets[index]

    def wall_to_utc(self, walls: Micros) -> Micros:
        index = np.searchsorted(self.wall_thresholds, walls, side="right")
        return walls - self.offsets[index]
