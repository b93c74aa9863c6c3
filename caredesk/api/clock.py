"""The clock API handlers pass to services. Tests set `api_clock.clock` to their own."""

from datetime import datetime

from caredesk.core.clock import Clock, system_clock


class ApiClock:
    clock: Clock = system_clock

    def now(self) -> datetime:
        return self.clock.now()


api_clock = ApiClock()
