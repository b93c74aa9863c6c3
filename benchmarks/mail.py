"""Receiving emails: 10,000 .eml files imported with `caredesk mail import`.

    .venv/bin/python benchmarks/mail.py                       # 10,000 messages, both databases
    .venv/bin/python benchmarks/mail.py --messages 300                     # CI size

Writes N messages to a temporary folder, like a customer services mailbox's: plain text
and HTML-only messages, about one in five with an attachment (a PDF or a photo), a
third of them replies to an earlier message (In-Reply-To), one in twenty sent
automatically (out-of-office replies, newsletters) and one in fifty not well formed (an
unknown character set, a broken MIME boundary, bytes that are not UTF-8). Then, for
each database, afresh (PostgreSQL `caredesk_bench_mail`, or a new SQLite file), in a
child process: `caredesk mail import` of the folder, then of the folder again (every
message already here: the cost of idempotency). Peak RSS is the kernel's (os.wait4).

The baseline, in this process: Python's own email parser reading every file and taking
its body (`email.message_from_bytes` with the default policy, `get_body`), no database:
the floor the import cannot beat. The ratio says what the rest costs: caredesk's reading,
the mail store, the cases, contacts and deadlines.
"""

from __future__ import annotations

import argparse
import contextlib
import email
import email.policy
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "caredesk_bench_mail"
PDF = b"%PDF-1.4\n" + b"0" * 40_000 + b"\n%%EOF\n"
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 300


def write_messages(folder: Path, count: int, seed: int = 20261123) -> None:
    chance = random.Random(seed)
    sent: list[str] = []
    for n in range(1, count + 1):
        message = EmailMessage()
        sender = f"tenant{chance.randrange(count // 3 + 1)}@example.org"
        message["From"] = f"Tenant {n} <{sender}>"
        message["To"] = "customer.services@halton.example"
        message["Date"] = f"Mon, 2 Jun 2025 {8 + n % 9:02d}:{n % 60:02d}:00 +0100"
        message["Message-ID"] = message_id = f"<m{n}@example.org>"
        subject = f"Repair request {n}: {chance.choice(['boiler', 'window', 'damp', 'rent'])}"
        if sent and chance.random() < 0.33:
            earlier = chance.choice(sent)
            message["In-Reply-To"] = message["References"] = earlier
            subject = f"Re: {subject}"
        message["Subject"] = subject
        if chance.random() < 0.05:
            message["Auto-Submitted"] = "auto-replied"
        body = "\n".join(
            f"Line {line} of the message: the {chance.choice(['kitchen', 'bathroom'])} needs "
            "looking at, please, as soon as you can."
            for line in range(chance.randrange(3, 30))
        )
        if chance.random() < 0.3:
            message.set_content(f"<html><body><p>{body}</p></body></html>", subtype="html")
        else:
            message.set_content(body)
        if chance.random() < 0.2:
            data, kind = (PDF, ("application", "pdf")) if n % 2 else (PHOTO, ("image", "jpeg"))
            message.add_attachment(data, *kind, filename=f"file{n}.{kind[1]}")
        raw = message.as_bytes()
        if chance.random() < 0.02:
            raw = _spoil(raw, chance)
        (folder / f"{n:06d}.eml").write_bytes(raw)
        sent.append(message_id)


def _spoil(raw: bytes, chance: random.Random) -> bytes:
    kind = chance.randrange(3)
    if kind == 0:
        return raw.replace(b'charset="utf-8"', b'charset="x-no-such-charset"', 1)
    if kind == 1:
        return re.sub(rb'boundary="([^"]+)"', b'boundary="not-there"', raw, count=1)
    return raw + b"\n\xff\xfe not UTF-8\n"


def baseline(folder: Path) -> float:
    began = time.perf_counter()
    for path in sorted(folder.iterdir()):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain", "html"))
        if body is not None:
            with contextlib.suppress(LookupError, UnicodeError):
                body.get_content()
    return time.perf_counter() - began


def run(command: list[str], environment: dict[str, str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, output) of a child process."""
    began = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert child.stdout is not None
    output = child.stdout.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed:\n{output[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, output.strip()


def recreate_postgres(server: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    return f"{server}/{DATABASE}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--databases", default="postgres,sqlite")
    parser.add_argument("--server", default=SERVER, help="PostgreSQL server (no database)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="caredesk-bench-mail-") as scratch:
        folder = Path(scratch) / "inbox"
        folder.mkdir()
        began = time.perf_counter()
        write_messages(folder, options.messages)
        size = sum(path.stat().st_size for path in folder.iterdir())
        print(
            f"Wrote {options.messages:,} messages ({size / 1e6:.1f} MB) in "
            f"{time.perf_counter() - began:.1f} s"
        )
        floor = baseline(folder)
        rate = options.messages / floor
        print(f"baseline, Python's email parser alone: {floor:.2f} s, {rate:,.0f} messages/s\n")
        for kind in options.databases.split(","):
            if kind == "postgres":
                url = recreate_postgres(options.server)
            else:
                url = f"sqlite:///{Path(scratch) / 'mail.sqlite3'}"
            environment = {
                **os.environ,
                "DATABASE_URL": url,
                "CAREDESK_MAIL_STORE": str(Path(scratch) / f"store-{kind}"),
                "CAREDESK_POLICY": "halton",
            }
            caredesk = [sys.executable, "-m", "caredesk"]
            run([*caredesk, "migrate", "-v0"], environment)
            print(f"{kind}")
            print(f"  {'run':40} {'seconds':>8} {'messages/s':>11} {'peak RSS':>9}  ratio")
            for what in ("caredesk mail import", "the same folder again"):
                seconds, rss, output = run([*caredesk, "mail", "import", str(folder)], environment)
                speed = options.messages / seconds
                print(
                    f"  {what:40} {seconds:8.2f} {speed:11,.0f} {rss:7.0f} MB"
                    f"  {speed / rate:.2f}x the baseline's messages/s"
                )
                print(f"    {output}")
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
