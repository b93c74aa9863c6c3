"""`caredesk worker`: the queued tasks (django-tasks' database worker) and the sweeps.

One loop: every `sweep_every` seconds run a pass over the sweeps (every app's, found by
`registry`; each on its own, guarded: `runner`); in between, and after each batch of
a sweep, run the tasks that are queued (emails, urgent messages). Tasks are taken with
django-tasks' own lock (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, an exclusive
transaction on SQLite) and the sweeps claim their rows, so any number of workers may
run at once. A task a killed worker was running stays "running" in django-tasks'
table; its work is not lost, because the sweeps find it again.

The worker's process keeps its database connection (`connections_keep`): django-tasks'
loop calls `close_old_connections()` before and after each task, which with Django's
default CONN_MAX_AGE of 0 closed the connection every time, so each queued email cost a
new PostgreSQL connection. Kept, a connection is closed only when it is broken.

SIGTERM or SIGINT stops the worker cleanly: it finishes the batch or task in hand and
exits; a second signal exits at once.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from types import FrameType

from django.db import close_old_connections, connections
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker as TasksWorker

from caredesk.core.clock import Clock
from caredesk.core.sweeps import Sweep, SweepRun, SweepStopped
from caredesk.standards import Policy
from caredesk.worker.registry import sweeps_discover
from caredesk.worker.runner import PassReport, sweeps_run

logger = logging.getLogger("caredesk.worker")

PAUSE_AFTER_ERROR = 10.0  # seconds


def connections_keep() -> None:
    """Keep this process's database connections open between tasks and sweeps
    (CONN_MAX_AGE None), checking one is still alive before using it again after a
    pause (CONN_HEALTH_CHECKS). `close_old_connections()` then closes only a broken one."""
    for connection in connections.all(initialized_only=False):
        connection.settings_dict["CONN_MAX_AGE"] = None
        connection.settings_dict["CONN_HEALTH_CHECKS"] = True
        connection.close_at = None  # one already open is kept too


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
        sweeps: Sequence[Sweep] | None = None,
        report: Callable[[str], None] = logger.info,
    ) -> None:
        self.clock = clock
        self.policy = policy
        self.sweep_every = sweep_every
        self.poll_every = poll_every
        self.batch_size = batch_size
        self.resend_after = resend_after
        self.sweeps = list(sweeps) if sweeps is not None else sweeps_discover()
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

    def run_once(self) -> PassReport:
        """One pass over the sweeps, then every queued task: for cron and tests."""
        close_old_connections()
        report = self.sweep()
        if not report.stopped:
            try:
                self.drain_tasks()
            except SweepStopped:
                report.stopped = True
        close_old_connections()
        return report

    def run_forever(self) -> None:
        self.report(f"Worker started: sweeps every {self.sweep_every:g} s.")
        next_sweep = time.monotonic()
        while not self.stopping.is_set():
            close_old_connections()
            try:
                if time.monotonic() >= next_sweep:
                    report = self.sweep()
                    self.report(f"Sweep: {report}.")
                    next_sweep = time.monotonic() + self.sweep_every
                    if report.stopped:
                        break
                self.drain_tasks()
            except SweepStopped:
                break
            except Exception:  # the database went away, say: try again shortly
                logger.exception("The worker's loop failed; trying again shortly.")
                self.stopping.wait(PAUSE_AFTER_ERROR)
                continue
            close_old_connections()
            self.stopping.wait(max(0.0, min(self.poll_every, next_sweep - time.monotonic())))
        self.report("Worker stopped.")

    def sweep(self) -> PassReport:
        """One pass over every sweep, with one reading of the clock."""
        run = SweepRun(
            now=self.clock.now(),
            clock=self.clock,
            policy=self.policy,
            batch_size=self.batch_size,
            resend_after=self.resend_after,
            between_batches=self.between_batches,
            stop_if_asked=self.stop_if_asked,
        )
        return sweeps_run(sweeps=self.sweeps, run=run, say=self.report)

    def stop_if_asked(self) -> None:
        if self.stopping.is_set():
            raise SweepStopped

    def between_batches(self) -> None:
        self.stop_if_asked()
        self.drain_tasks()

    def drain_tasks(self) -> None:
        """Run every task that is ready now, one at a time."""
        self.stop_if_asked()
        self.tasks.running = True
        self.tasks.run()
