"""caredesk demo [--policy halton|stonewall] [--seed N] [--fresh] [--no-serve] [--no-worker]
[--port 8000]"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from caredesk.core.clock import system_clock
from caredesk.demo.build import DemoSize, build_demo, demo_summary, existing_demo, wipe_demo
from caredesk.demo.landlords import LANDLORDS

CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"


class Command(BaseCommand):
    help = (
        "Build a realistic demo landlord (offices, staff, customers and a year of cases, "
        "relative to now) if the database does not have it yet, print sign-in details, "
        "then serve it on 127.0.0.1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--policy",
            choices=sorted(LANDLORDS),
            help="whose demo: halton or stonewall (default: the demo already built, or halton)",
        )
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same demo")
        parser.add_argument(
            "--fresh", action="store_true", help="delete the demo data and build it again"
        )
        parser.add_argument("--no-serve", action="store_true", help="build and print, then stop")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="serve without the background worker (warnings, escalations, emails)",
        )
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--cases", type=int, default=DemoSize.cases)
        parser.add_argument("--customers", type=int, default=DemoSize.customers)

    def handle(self, *args: Any, **options: Any) -> None:
        existing = existing_demo()
        if existing.foreign:
            raise CommandError(
                "This database has staff, customers or cases that caredesk demo did not "
                "make, so the demo leaves it alone. Point DATABASE_URL at an empty database "
                "(python3 bootstrap.py demo uses var/demo.sqlite3)."
            )
        policy = options["policy"] or existing.policy_name or "halton"
        here = existing.policy_name
        if here is not None and here != policy and not options["fresh"]:
            raise CommandError(
                f"This database holds the {here} demo, not the {policy} one. Run again with "
                f"--fresh to replace it with the {policy} demo (the demo data is deleted), "
                f"or with --policy {here} to keep it."
            )
        if options["cases"] < 0 or options["customers"] < 0:
            raise CommandError("--cases and --customers cannot be negative.")
        if here is not None and not options["fresh"]:
            self.say(f"The {policy} demo is already here: nothing to build (--fresh rebuilds it).")
        else:
            size = DemoSize(cases=options["cases"], customers=options["customers"])
            self.say(f"Building the {policy} demo ({size.cases:,} cases); this takes a moment.")
            started = time.perf_counter()
            with transaction.atomic():
                if here is not None:
                    wipe_demo()
                build_demo(policy=policy, seed=options["seed"], clock=system_clock, size=size)
            self.say(f"Built in {time.perf_counter() - started:.1f} seconds.")
        summary = demo_summary(policy=policy, clock=system_clock)
        for line in [*summary.lines(), *summary.login_lines()]:
            self.say(line)
        if options["no_serve"]:
            return
        self.serve(policy, options["port"], worker=not options["no_worker"])

    def say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def serve(self, policy: str, port: int, *, worker: bool) -> None:
        # The server runs in this process (no autoreloader), so settings set here hold.
        os.environ["CAREDESK_POLICY"] = settings.CAREDESK_POLICY = policy
        if "CAREDESK_EMAIL_BACKEND" not in os.environ:
            os.environ["CAREDESK_EMAIL_BACKEND"] = settings.EMAIL_BACKEND = CONSOLE_EMAIL
        # Links in the worker's emails point at this server.
        os.environ.setdefault("CAREDESK_SITE_URL", f"http://127.0.0.1:{port}")
        if not settings.DEBUG:
            # As in production: WhiteNoise serves the static files from STATIC_ROOT.
            call_command("collectstatic", interactive=False, verbosity=0)
        background = self.start_worker() if worker else None
        self.say(f"caredesk: ready: http://127.0.0.1:{port}/  (Ctrl+C stops it)")
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        finally:
            if background is not None:
                background.terminate()
                background.wait(timeout=10)

    def start_worker(self) -> subprocess.Popen[bytes]:
        """`caredesk worker` beside the server, its output (and the emails) in a log file."""
        log_path = settings.BASE_DIR / "var" / "demo-worker.log"
        log_path.parent.mkdir(exist_ok=True)
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "caredesk", "worker", "--interval", "60"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=os.environ.copy(),
            )
        self.say(f"The worker is running too; its emails are printed to {log_path}.")
        return process
