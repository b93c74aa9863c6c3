"""The documents app's sweep (run by caredesk.worker).

- `letters_formats`: make the formats of letters whose task never ran (a worker killed,
  the queue down). A letter whose formats cannot be made is named on the letter, not
  tried again (`services.letters_formats_sweep`).
"""

from __future__ import annotations

from caredesk.core.sweeps import Done, SweepRun, WholeSweep
from caredesk.documents.services import letters_formats_sweep


def _letters_formats(run: SweepRun) -> Done:
    return Done(
        rows=letters_formats_sweep(policy=run.policy, clock=run.at_now, limit=run.batch_size)
    )


SWEEPS = [WholeSweep(name="letters_formats", run=_letters_formats)]
