from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from caredesk.mail.tests.imap_server import DovecotServer

_users = itertools.count(1)


@pytest.fixture(autouse=True)
def mail_store(settings: Any, tmp_path: Path) -> Path:
    """Each test keeps its messages in a store of its own."""
    settings.CAREDESK_MAIL_STORE = store = tmp_path / "mail"
    return store


@pytest.fixture(scope="session")
def dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DovecotServer]:
    """One real IMAP server for the session (per test process)."""
    with DovecotServer(Path(tmp_path_factory.mktemp("dovecot"))) as server:
        yield server


@pytest.fixture
def imap_user(dovecot: DovecotServer) -> str:
    """A user with an empty mailbox of their own."""
    return f"care{next(_users)}@example.org"
