"""`caredesk worker`: the queued tasks (django-tasks' database worker) and the sweeps.

One loop: every `sweep_every` seconds run the sweeps; in between, and after each
batch of a sweep, run the tasks that are queued (emails, urgent messages). Tasks are
taken with django-tasks' own lock (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, an
exclusive transaction on SQLite) and the sweeps claim each row, so any number of
workers may run at once. A task a killed worker was running stays "running" in
django-tasks' table; its work is not lost, because the sweeps find it again.

SIGTERM or SIGINT stops the worker cleanly: it finishes the claim or task in hand and
exits; a second signal exits at once.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from types import FrameType

from django.db import close_old_connections
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker as TasksWorker

from caredesk.core.clock import Clock
from caredesk.mail.mailbox import MailboxAddress, MailboxError, mailbox_poll
from caredesk.notifications.sweeps import SweepReport, sweep
from caredesk.standards import Policy

logger = logging.getLogger("caredesk.worker")

PAUSE_AFTER_ERROR = 10.0  # seconds


class Stopping(Exception):
    """Raised between a sweep's batches once a stop was asked for."""


class Worker:
    def __init__(
        self,
        *,
        clock: Clock,
        policy: Policy,
        worker_id: str,
        sweep_every: float = 60.0,
        poll_every: float = 1.0,
        batch_size: int = 100,
        resend_after: timedelta = timedelta(minutes=5),
        queues: tuple[str, ...] = ("*",),
        mailbox: MailboxAddress | None = None,
        mailbox_done: str = "caredesk-received",
        report: Callable[[str], None] = logger.info,
    ) -> None:
        self.mailbox = mailbox
        self.mailbox_done = mailbox_done
        self.clock = clock
        self.policy = policy
        self.sweep_every = sweep_every
        self.poll_every = poll_every
        self.batch_size = batch_size
        self.resend_after = resend_after
        self.report = report
        self.stopping = threading.Event()
        self.tasks = TasksWorker(
            queue_names=list(queues),
            interval=0,
            batch=True,  # run what is ready, then come back to this loop
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )

    # -- signals ----------------------------------------------------------------------

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        if self.stopping.is_set():
            self.report("Stopping now.")
            sys.exit(1)
        name = signal.strsignal(signum) if signum else "a stop"
        self.report(f"{name}: finishing the work in hand, then stopping.")
        self.stopping.set()
        self.tasks.running = False

    # -- the loop ---------------------------------------------------------------------

    def run_once(self) -> SweepReport:
        """One sweep, then every queued task: for cron and tests. Errors propagate."""
        close_old_connections()
        try:
            report = self.sweep()
            self.drain_tasks()
        except Stopping:
            report = SweepReport()
        close_old_connections()
        return report

    def run_forever(self) -> None:
        self.report(f"Worker started: sweeps every {self.sweep_every:g} s.")
        next_sweep = time.monotonic()
        while not self.stopping.is_set():
            close_old_connections()
            try:
                if time.monotonic() >= next_sweep:
                    self.report(f"Sweep: {self.sweep()}.")
                    next_sweep = time.monotonic() + self.sweep_every
                self.drain_tasks()
            except Stopping:
                break
            except Exception:  # the database went away, say: try again shortly
                logger.exception("The worker's loop failed; trying again shortly.")
                self.stopping.wait(PAUSE_AFTER_ERROR)
                continue
            close_old_connections()
            self.stopping.wait(max(0.0, min(self.poll_every, next_sweep - time.monotonic())))
        self.report("Worker stopped.")

    def sweep(self) -> SweepReport:
        report = sweep(
            clock=self.clock,
            policy=self.policy,
            batch_size=self.batch_size,
            resend_after=self.resend_after,
            between_batches=self.between_batches,
        )
        self.read_mailbox()
        return report

    def read_mailbox(self) -> None:
        """Receive what is waiting in the organisation's mailbox, if one is set. A mailbox
        that cannot be read is reported and tried again at the next sweep."""
        if self.mailbox is None:
            return
        try:
            poll = mailbox_poll(
                address=self.mailbox,
                done_folder=self.mailbox_done,
                policy=self.policy,
                clock=self.clock,
                between_messages=self.stop_if_asked,
            )
        except MailboxError as error:
            logger.warning("%s", error.message)
            self.report(error.message)
            return
        self.report(f"Mailbox: {poll}.")
        for problem in poll.errors:
            self.report(f"  {problem}")

    def stop_if_asked(self) -> None:
        if self.stopping.is_set():
            raise Stopping

    def between_batches(self) -> None:
        if self.stopping.is_set():
            raise Stopping
        self.drain_tasks()

    def drain_tasks(self) -> None:
        """Run every task that is ready now, one at a time."""
        if self.stopping.is_set():
            raise Stopping
        self.tasks.running = True
        self.tasks.run()
