"""Fixtures and helpers shared by the telephony tests."""

import shutil
from pathlib import Path
from typing import Any

import pytest

from caredesk.core.clock import Clock
from caredesk.standards import load_policy
from caredesk.telephony.importing import calls_import
from caredesk.telephony.models import CallImport

FILES = Path(__file__).parent / "files"
HALTON = load_policy("halton")


def run(path: Path, clock: Clock, **options: Any) -> CallImport:
    """Import a file with Halton's policy: an Asterisk file unless `options` say not."""
    options.setdefault("file_format", "asterisk")
    options.setdefault("mapping", None)
    return calls_import(path=path, policy=HALTON, clock=clock, **options)


@pytest.fixture
def master(tmp_path: Path) -> Path:
    """Master.csv copied to a folder of its own (the rejects file is written beside it)."""
    path = tmp_path / "Master.csv"
    shutil.copy(FILES / "Master.csv", path)
    return path
