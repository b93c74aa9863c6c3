"""The clock domain code asks for the time: injected, so tests can freeze it (time_machine)."""

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(tz=UTC)


system_clock = SystemClock()


class FixedClock:
    """A clock that always says the same time."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def read_once(clock: Clock) -> FixedClock:
    """The clock read once, for one operation: every service it calls sees the same now
    (a case opened, its contact and its events all at one instant)."""
    return clock if isinstance(clock, FixedClock) else FixedClock(clock.now())
