"""A real IMAP server for the tests: Dovecot from Debian's packages, run by the tests.

Each server has its own configuration, sockets and mail folders in a temporary
directory and listens on a free local port. Any user name logs in with the password
`secret`, and each user has an empty mailbox of their own, so a test that takes a new
user name starts from nothing.
"""

from __future__ import annotations

import imaplib
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
PASSWORD = "secret"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
mail_location = maildir:{mail}/%u
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={mail}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


class DovecotServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = 0
        self.mail = root / "mail"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> DovecotServer:
        if not Path(DOVECOT).exists():
            raise RuntimeError(
                "Dovecot is not installed: `python3 bootstrap.py install --for-tests` "
                "installs the Debian package dovecot-imapd."
            )
        self.port = _free_port()
        # The mail user is `nobody`, who cannot enter pytest's private temporary folders.
        self.mail = Path(tempfile.mkdtemp(prefix="caredesk-dovecot-"))
        self.mail.chmod(0o777)
        config = self.root / "dovecot.conf"
        config.write_text(
            CONFIG.format(root=self.root, mail=self.mail, port=self.port, password=PASSWORD)
        )
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_until_listening()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.mail, ignore_errors=True)

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 15
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.root / "dovecot.log"
                said = self.process.stderr.read().decode() if self.process.stderr else ""
                more = log.read_text() if log.exists() else ""
                raise RuntimeError(f"Dovecot stopped at start:\n{said}\n{more}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("Dovecot did not start listening within 15 s.")

    # -- what a test does with it ------------------------------------------------------

    def connect(self, user: str) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(user, PASSWORD)
        return client

    def deliver(self, user: str, raw: bytes, *, folder: str = "INBOX", when: float | None = None):
        """Put a message into the user's folder, as the mail server would on delivery."""
        client = self.connect(user)
        try:
            answer = client.append(folder, None, when, raw)  # type: ignore[arg-type]
            assert answer[0] == "OK", answer
        finally:
            client.logout()

    def count(self, user: str, folder: str) -> int:
        client = self.connect(user)
        try:
            status, data = client.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return 0
            return int(data[0] or 0)
        finally:
            client.logout()

    def flags(self, user: str, folder: str) -> list[bytes]:
        client = self.connect(user)
        try:
            client.select(f'"{folder}"', readonly=True)
            _, data = client.fetch("1:*", "(FLAGS)")
            return [item for item in data if isinstance(item, bytes)]
        finally:
            client.logout()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
