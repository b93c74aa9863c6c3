"""The telephony app's sweep (run by caredesk.worker).

- `call_imports_stalled`: mark failed the call imports that stopped part-way (their
  process ended), and delete their uploaded files, so that nobody waits for them.
"""

from __future__ import annotations

from caredesk.core.sweeps import Done, SweepRun, WholeSweep
from caredesk.telephony.uploads import call_uploads_stop_stalled


def _stalled(run: SweepRun) -> Done:
    return Done(rows=call_uploads_stop_stalled(clock=run.at_now))


SWEEPS = [WholeSweep(name="call_imports_stalled", run=_stalled)]
