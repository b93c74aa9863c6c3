"""The retention schedule: personal data past the time the policy keeps it
(`[retention]`, standards.policy.Retention) anonymised, with a report of what was done;
a dry run counts the same and changes nothing.

The rules, each from its period's start (standards.kept_since):

- `closed_cases`: customers whose last dealings with us are older than the period and
  who are not held (privacy.erasure.held_customers: a tenancy, an open case, a promise
  owed) are erased as a request would erase them, keeping every row the figures count;
- `unmatched_emails`: emails never matched to a case, with their attachments;
- `reception_log`: visitors' names as given at the desk;
- `access_log`: reads of customers' records, deleted (with what the unusual reading
  sweep noted of them);
- `call_numbers`: callers' numbers and names on call records (the calls stay), and the
  files of rows a call import refused;
- `unused_files`: files of the store that no row names (left by a message whose row
  failed, or by an erasure that could not remove them at once), unused for a day.

The worker runs it once a day (privacy.sweeps); a run is recorded (RetentionRun) with
each rule's figures. Customers are erased in chunks, each in its own transaction: a
chunk that fails is done again customer by customer, so one that cannot be erased
holds back only itself, and is counted as failed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from caredesk.cases.models import Case, Contact, Deadline
from caredesk.core.store import store_files, store_remove
from caredesk.customers.holdings import Holding, declarations
from caredesk.customers.models import Customer, CustomerAccess, CustomerEvent
from caredesk.mail.models import EmailAttachment, InboundEmail
from caredesk.privacy.erasure import (
    ERASED,
    customers_erase,
    files_unused,
    held_customers,
    rows_clear,
)
from caredesk.privacy.models import ErasureBasis, RetentionRun, UnexplainedRead
from caredesk.staff.models import StaffMember
from caredesk.standards import Policy, kept_since
from caredesk.telephony.models import Call as PhoneCall
from caredesk.telephony.models import CallImport
from caredesk.visits.models import Visit

log = logging.getLogger(__name__)

CUSTOMERS_AT_ONCE = 1000  # customers erased in one transaction
UNUSED_FILES_AFTER = timedelta(days=1)  # longer than a scan is kept for a form shown again
# In this order: erasing customers clears their rows of the other kinds too, so coming
# after those it leaves what a dry run counted for them as it was.
RULES = (
    "unmatched_emails",
    "reception_log",
    "access_log",
    "call_numbers",
    "closed_cases",
    "unused_files",
)
RULE_WORDS = {
    "unmatched_emails": "Emails never matched to a case",
    "reception_log": "Visitors' names in the reception log",
    "access_log": "Reads of customers' records",
    "call_numbers": "Callers' numbers on call records",
    "closed_cases": "Customers whose dealings with us ended",
    "unused_files": "Files no record names",
}
# What is done to a record past its time: most are kept for the figures without the
# person; a read of a record and a file nobody names are nothing without them.
RULE_DONE = {rule: "anonymised" for rule in RULE_WORDS} | {
    "access_log": "deleted",
    "unused_files": "deleted",
}


@dataclass
class RuleFigures:
    """One rule's part of a run: from when records are kept, how many were past their
    time, how many were dealt with, kept for a legal hold, or failed."""

    kept_since: str = ""
    due: int = 0
    done: int = 0
    held: int = 0
    failed: int = 0


def _holding(model: type[Any]) -> Holding:
    declared = declarations()[model._meta.label_lower]
    assert isinstance(declared, Holding)
    return declared


# -- which records are past their time -----------------------------------------------------


def customers_due(cutoff: datetime) -> QuerySet[Customer]:
    """Customers whose last dealings with us (their record made or changed, a case
    received, a contact, a promise met or ended) are from before `cutoff`, not yet
    erased, not merged into another (they go with the one kept); held ones too."""
    mine = OuterRef("pk")
    return Customer.objects.filter(
        erased_at__isnull=True, merged_into__isnull=True, created_at__lt=cutoff
    ).exclude(
        Q(updated_at__gte=cutoff)
        | Q(Exists(Case.objects.filter(customer=mine, received_at__gte=cutoff)))
        | Q(Exists(Contact.objects.filter(case__customer=mine, at__gte=cutoff)))
        | Q(Exists(CustomerEvent.objects.filter(customer=mine, at__gte=cutoff)))
        | Q(
            Exists(
                Deadline.objects.filter(case__customer=mine).filter(
                    Q(met_at__gte=cutoff) | Q(ended_at__gte=cutoff)
                )
            )
        )
    )


def emails_due(cutoff: datetime) -> QuerySet[InboundEmail]:
    return InboundEmail.objects.filter(case__isnull=True, received_at__lt=cutoff).exclude(
        message_key__startswith=ERASED
    )


def visits_due(cutoff: datetime) -> QuerySet[Visit]:
    return Visit.objects.filter(arrived_at__lt=cutoff).exclude(visitor_name="")


def reads_due(cutoff: datetime) -> QuerySet[CustomerAccess]:
    return CustomerAccess.objects.filter(at__lt=cutoff)


def calls_due(cutoff: datetime) -> QuerySet[PhoneCall]:
    return PhoneCall.objects.filter(started_at__lt=cutoff).exclude(caller="", caller_name="")


def refused_rows_due(cutoff: datetime) -> QuerySet[CallImport]:
    return CallImport.objects.filter(started_at__lt=cutoff).exclude(rejects_file="")


def files_due(older_than: float) -> list[str]:
    """Files of the store unused since `older_than` (a POSIX time) that no row names."""
    old = {digest for digest, used in store_files() if used < older_than}
    return sorted(files_unused(old))


# -- the rules ---------------------------------------------------------------------------------


def _customers(run: Run, cutoff: datetime) -> RuleFigures:
    past = customers_due(cutoff)
    due = list(past.exclude(held_customers()).order_by("pk").values_list("pk", flat=True))
    figures = RuleFigures(due=len(due), held=past.filter(held_customers()).count())
    if run.dry_run:
        return figures
    for start in range(0, len(due), CUSTOMERS_AT_ONCE):
        chunk = due[start : start + CUSTOMERS_AT_ONCE]
        try:
            figures.done += _erase(chunk, run)
        except Exception:
            log.exception("Retention: a chunk of customers failed; trying them one by one")
            for customer_id in chunk:
                try:
                    figures.done += _erase([customer_id], run)
                except Exception:
                    log.exception("Retention: customer %s could not be erased", customer_id)
                    figures.failed += 1
    return figures


def _erase(ids: Sequence[int], run: Run) -> int:
    with transaction.atomic():
        # Read again, locked: a case opened since the list was made holds them now.
        customers = list(
            customers_due(run.cutoff("closed_cases"))
            .exclude(held_customers())
            .filter(pk__in=ids)
            .select_for_update(of=("self",))
        )
        if customers:
            customers_erase(customers, at=run.now, basis=ErasureBasis.RETENTION, by=run.by)
        return len(customers)


def _emails(run: Run, cutoff: datetime) -> RuleFigures:
    due = emails_due(cutoff)
    figures = RuleFigures(due=due.count())
    if run.dry_run or not figures.due:
        return figures
    with transaction.atomic():
        ids = list(due.values_list("pk", flat=True))
        attachments = EmailAttachment.objects.filter(email__in=ids)
        _, files = rows_clear(_holding(EmailAttachment), attachments)
        figures.done, named = rows_clear(_holding(InboundEmail), due.filter(pk__in=ids))
        _remove_after_commit(files | named)
    return figures


def _visits(run: Run, cutoff: datetime) -> RuleFigures:
    due = visits_due(cutoff)
    figures = RuleFigures(due=due.count())
    if not run.dry_run and figures.due:
        figures.done, _ = rows_clear(_holding(Visit), due)
    return figures


def _reads(run: Run, cutoff: datetime) -> RuleFigures:
    due = reads_due(cutoff)
    figures = RuleFigures(due=due.count())
    if not run.dry_run and figures.due:
        figures.done, _ = due.delete()
        # what the unusual reading sweep noted of those reads goes with them
        UnexplainedRead.objects.filter(first_read_at__lt=cutoff).delete()
    return figures


def _calls(run: Run, cutoff: datetime) -> RuleFigures:
    due, refused = calls_due(cutoff), refused_rows_due(cutoff)
    figures = RuleFigures(due=due.count() + refused.count())
    if run.dry_run or not figures.due:
        return figures
    figures.done, _ = rows_clear(_holding(PhoneCall), due)
    for record in refused:
        Path(record.rejects_file).unlink(missing_ok=True)
        record.rejects_file = ""
        record.save(update_fields=["rejects_file"])
        figures.done += 1
    return figures


def _files(run: Run, cutoff: datetime) -> RuleFigures:
    older_than = time.time() - UNUSED_FILES_AFTER.total_seconds()
    due = files_due(older_than)
    figures = RuleFigures(due=len(due))
    if not run.dry_run:
        figures.done = len(store_remove(due, unused_for=UNUSED_FILES_AFTER.total_seconds()))
    return figures


def _remove_after_commit(files: set[str]) -> None:
    unused = files_unused(files)
    transaction.on_commit(
        lambda: store_remove(sorted(unused), unused_for=settings.CAREDESK_STORE_UNUSED_FOR)
    )


Rule = Callable[["Run", datetime], RuleFigures]
APPLY: dict[str, Rule] = {
    "closed_cases": _customers,
    "unmatched_emails": _emails,
    "reception_log": _visits,
    "access_log": _reads,
    "call_numbers": _calls,
    "unused_files": _files,
}


@dataclass(frozen=True)
class Run:
    policy: Policy
    now: datetime
    dry_run: bool
    by: StaffMember | None

    def cutoff(self, rule: str) -> datetime:
        if rule == "unused_files":
            return self.now  # by the files' own times (UNUSED_FILES_AFTER)
        period = getattr(self.policy.retention, rule)
        return kept_since(self.now, period, self.policy.working_calendar)


def retention_apply(
    *, policy: Policy, now: datetime, dry_run: bool, by: StaffMember | None = None
) -> RetentionRun:
    """Apply the retention schedule (or count what it would do): the run, recorded."""
    started = time.monotonic()
    record = RetentionRun.objects.create(at=now, dry_run=dry_run, by=by, rules={})
    run = Run(policy=policy, now=now, dry_run=dry_run, by=by)
    for rule in RULES:
        cutoff = run.cutoff(rule)
        figures = APPLY[rule](run, cutoff)
        if rule != "unused_files":
            figures.kept_since = cutoff.isoformat()
        record.rules[rule] = asdict(figures)
        record.save(update_fields=["rules"])  # a run cut short still says what it did
    record.seconds = round(time.monotonic() - started, 3)
    record.finished = True
    record.save(update_fields=["seconds", "finished"])
    return record


def retention_due_today(*, policy: Policy, now: datetime) -> bool:
    """Whether the schedule has not yet run (for real, to the end) on today's date."""
    zone = policy.working_calendar.zone
    today = now.astimezone(zone).date()
    start = datetime(today.year, today.month, today.day, tzinfo=zone)
    return not RetentionRun.objects.filter(dry_run=False, finished=True, at__gte=start).exists()
