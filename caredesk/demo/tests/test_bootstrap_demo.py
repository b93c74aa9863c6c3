"""`python3 bootstrap.py demo` runs the demo as production runs: DEBUG off, its own
secret key and equality key (made once, kept in var/, readable by their owner only)."""

from __future__ import annotations

import importlib.util
import stat
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def bootstrap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("bootstrap_under_test", ROOT / "bootstrap.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bootstrap_under_test", module)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "VAR", tmp_path)
    return module


def demo_environment(bootstrap: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    seen: dict[str, str] = {}

    def execve(path: str, arguments: list[str], env: dict[str, str]) -> None:
        seen.update(env)

    monkeypatch.setattr(bootstrap, "run", lambda *args, **kwargs: None)
    monkeypatch.setattr(bootstrap.os, "execve", execve)
    bootstrap.demo([])
    return seen


def test_the_demo_runs_with_debug_off_and_keys_of_its_own(
    bootstrap: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = demo_environment(bootstrap, monkeypatch)
    assert env["CAREDESK_DEBUG"] == "false"
    assert len(env["CAREDESK_SECRET_KEY"]) >= 40
    Fernet(env["CAREDESK_EQUALITY_KEY"])  # a key Fernet takes
    assert env["CAREDESK_SECURE_COOKIES"] == "false"  # served over http on 127.0.0.1
    for name in ("demo-secret-key", "demo-equality-key"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    # the same keys next time: sessions and equality answers stay readable
    assert demo_environment(bootstrap, monkeypatch) == env
