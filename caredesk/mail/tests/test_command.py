"""`caredesk mail import`, run as a user would run it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

MESSAGES = Path(__file__).parent / "messages"


@pytest.mark.django_db(transaction=True)
def test_the_command_imports_files_and_says_what_it_did(tmp_path):
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CAREDESK_MAIL_STORE": str(tmp_path / "mail"),
        "CAREDESK_POLICY": "halton",
    }

    def caredesk(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "caredesk", *args],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )

    assert caredesk("migrate", "-v0").returncode == 0
    first = caredesk("mail", "import", str(MESSAGES / "plain.eml"), str(MESSAGES / "three.mbox"))
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "plain.eml: 1 message read, 1 new case, 0 added to cases, 0 already here",
        "three.mbox: 3 messages read, 0 new cases, 1 added to cases, 1 already here, "
        "1 for review (sent by machines, about no case), 1 sent automatically (not "
        "acknowledged)",
    ]
    missing = caredesk("mail", "import", str(tmp_path / "nothing.eml"))
    assert missing.returncode == 1
    assert "nothing.eml: cannot be read: No such file or directory." in missing.stderr
