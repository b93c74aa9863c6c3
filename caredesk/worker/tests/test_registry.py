"""The registry: every installed app's sweeps, in a stable order, names unique."""

from __future__ import annotations

import importlib
import types

import pytest
from django.core.exceptions import ImproperlyConfigured

from caredesk.core.sweeps import Done, WholeSweep
from caredesk.worker import registry


def test_each_apps_sweeps_in_installed_apps_order_then_its_own():
    names = [sweep.name for sweep in registry.sweeps_discover()]

    assert names == [
        # notifications
        "deadlines_warn",
        "deadlines_escalate",
        "deadlines_missed_digests",
        "urgent_escalate",
        "staff_emails",
        # documents
        "letters_formats",
        # mail
        "customer_emails",
        "mailbox_read",
        # telephony
        "call_imports_stalled",
        # visits
        "appointment_reminders",
        "lone_working_alerts",
        # complaints
        "hazard_webhooks",
        # privacy
        "subject_access_exports",
        "retention",
        "unusual_reading",
        # reporting: last, after every write
        "figures_refresh",
        "report_files_make",
    ]


def fake_sweeps(monkeypatch, listed):
    def import_module(name):
        if name == "caredesk.reporting.sweeps":
            return types.SimpleNamespace(__name__=name, SWEEPS=listed)
        return importlib.import_module(name)

    monkeypatch.setattr("caredesk.worker.registry.import_module", import_module)


def test_two_sweeps_of_one_name_are_refused(monkeypatch):
    fake_sweeps(monkeypatch, [WholeSweep(name="staff_emails", run=lambda run: Done())])

    with pytest.raises(ImproperlyConfigured, match="Two sweeps are called staff_emails"):
        registry.sweeps_discover()


def test_a_sweeps_module_must_list_sweeps(monkeypatch):
    fake_sweeps(monkeypatch, None)

    with pytest.raises(ImproperlyConfigured, match="has no SWEEPS list"):
        registry.sweeps_discover()
