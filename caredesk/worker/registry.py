"""The sweeps the worker runs: each installed app's own, found in its `sweeps.py`.

Like Django's `autodiscover_modules("sweeps")`: for each app in INSTALLED_APPS, in that
order, the module `<app>.sweeps` if it has one, and its `SWEEPS` list, in the list's own
order. So the order is stable and written down in two places a reader already knows:
settings.INSTALLED_APPS (our apps sit there from the bottom layer up: notices, then
letters' formats, the channels, the figures last) and each app's list. Sweep names must
be unique: they key the rows' failure records (SweepFailure).

Apps never import the worker: a sweep's shape is `caredesk.core.sweeps`.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

from caredesk.core import sweeps as shapes
from caredesk.core.sweeps import RowSweep, SetSweep, Sweep, WholeSweep

MODULE = "sweeps"


def sweeps_discover() -> list[Sweep]:
    """Every installed app's sweeps, in INSTALLED_APPS order, then each list's order."""
    found: list[Sweep] = []
    names: dict[str, str] = {}
    for app in apps.get_app_configs():
        if not module_has_submodule(app.module, MODULE):
            continue
        # Found by discovery, not at the top: the worker knows no app by name.
        module = import_module(f"{app.name}.{MODULE}")
        if module.__name__ == shapes.__name__:
            continue  # core's is the shape of a sweep, not a list of them
        listed = getattr(module, "SWEEPS", None)
        if not isinstance(listed, list | tuple):
            raise ImproperlyConfigured(f"{app.name}.{MODULE} has no SWEEPS list.")
        for sweep in listed:
            if not isinstance(sweep, SetSweep | RowSweep | WholeSweep):
                raise ImproperlyConfigured(f"{app.name}.{MODULE}.SWEEPS holds {sweep!r}.")
            if sweep.name in names:
                raise ImproperlyConfigured(
                    f"Two sweeps are called {sweep.name}: in {names[sweep.name]} and {app.name}."
                )
            names[sweep.name] = app.name
            found.append(sweep)
    return found
