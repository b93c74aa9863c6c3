"""A subject access request as the data protection officer deals with it: the case (its
one-month deadline from the engine, stopped while identity or clarification is awaited,
extended by a holding reply only before it is due), the review (records withheld, each
with the reason), the export (made by the worker: privacy.exports), and sending it,
which is the response that meets the deadline."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from caredesk.cases.models import Case, CaseKind, Channel
from caredesk.cases.services import response_send
from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock
from caredesk.core.db import write_transaction
from caredesk.core.store import store_put
from caredesk.core.sweeps import Wanted
from caredesk.core.tasks import enqueue_after_commit
from caredesk.core.text import typed_text_check
from caredesk.customers.holdings import holdings
from caredesk.customers.models import Customer
from caredesk.customers.services import customer_access_record
from caredesk.errors import CaredeskError, NotAllowed
from caredesk.privacy.exports import ItemKey, customer_data_gather, export_zip_write
from caredesk.privacy.models import ExportStatus, SentHow, SubjectAccess, WithheldItem
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed

REASON_MAX = 2000
LOST_AFTER = timedelta(minutes=10)  # a waiting export the worker's task did not make
EXPORT_TASK = "caredesk.privacy.tasks.make_subject_access_export"
SENT_CHANNEL = {
    SentHow.SECURE_LINK: Channel.EMAIL,
    SentHow.POST: Channel.LETTER,
    SentHow.IN_PERSON: Channel.VISIT,
}


class SubjectAccessError(CaredeskError):
    """A subject access request's review or export that cannot go ahead as asked."""

    code = "subject_access_invalid"


def _dpo(by: StaffMember) -> None:
    if not allowed(by, Can.MANAGE_PRIVACY):
        raise NotAllowed("Only the data protection officer deals with subject access requests.")


def subject_access_of(case: Case) -> SubjectAccess:
    """The request's record, made on first use. Refused for a case that is not a
    subject access request, or names no customer."""
    if case.kind != CaseKind.SUBJECT_ACCESS_REQUEST:
        raise SubjectAccessError(f"{case.reference} is not a subject access request.")
    if case.customer_id is None:
        raise SubjectAccessError(
            f"{case.reference} names no customer: say who is asking on the case first."
        )
    found, _ = SubjectAccess.objects.get_or_create(case=case)
    return found


def customer_of(case: Case) -> Customer:
    """The customer asking (subject_access_of makes sure there is one)."""
    if case.customer is None:
        raise SubjectAccessError(f"{case.reference} names no customer.")
    return case.customer


def withheld_map(subject_access: SubjectAccess) -> dict[ItemKey, str]:
    return {
        ItemKey(item.holding, item.record_id): item.reason for item in subject_access.withheld.all()
    }


def _forget_export(subject_access: SubjectAccess) -> None:
    """What was withheld changed: a ZIP made before is no longer the one to send."""
    if subject_access.export_status != ExportStatus.NOT_ASKED and subject_access.sent_at is None:
        subject_access.export_status = ExportStatus.NOT_ASKED
        subject_access.export_sha256, subject_access.export_size = "", 0
        subject_access.export_files, subject_access.export_made_at = 0, None
        subject_access.save()


@write_transaction()
def item_withhold(
    *,
    subject_access: SubjectAccess,
    holding: str,
    record_id: int,
    reason: str,
    by: StaffMember,
    clock: Clock,
) -> WithheldItem:
    """Leave a record out of the export, with the reason the customer will read."""
    _dpo(by)
    if subject_access.sent_at is not None:
        raise SubjectAccessError("The export has been sent: nothing more can be withheld.")
    declared = next((found for found in holdings() if found.key == holding), None)
    if declared is None:
        raise SubjectAccessError("Choose the part the record is in from the list.")
    customer = customer_of(subject_access.case)
    if not declared.rows(customer).filter(pk=record_id).exists():
        raise SubjectAccessError(
            f"There is no record {record_id} about this customer in “{declared.what}”."
        )
    reason = typed_text_check(
        reason,
        label="The reason",
        error=SubjectAccessError,
        limit=REASON_MAX,
        required="Give the reason the customer will read for leaving it out.",
    )
    item, _ = WithheldItem.objects.update_or_create(
        subject_access=subject_access,
        holding=holding,
        record_id=record_id,
        defaults={"reason": reason, "withheld_by": by, "withheld_at": clock.now()},
    )
    _forget_export(subject_access)
    return item


@write_transaction()
def item_release(*, item: WithheldItem, by: StaffMember) -> None:
    """Put a withheld record back in the export."""
    _dpo(by)
    subject_access = item.subject_access
    if subject_access.sent_at is not None:
        raise SubjectAccessError("The export has been sent: it cannot change now.")
    item.delete()
    _forget_export(subject_access)


@write_transaction()
def export_ask(*, subject_access: SubjectAccess, by: StaffMember, clock: Clock) -> None:
    """Ask the worker to make the ZIP (a customer with years of records takes seconds)."""
    _dpo(by)
    if subject_access.sent_at is not None:
        raise SubjectAccessError("The export has been sent already.")
    subject_access.export_status = ExportStatus.WAITING
    subject_access.export_asked_at, subject_access.export_asked_by = clock.now(), by
    subject_access.export_error = ""
    subject_access.save()
    enqueue_after_commit(EXPORT_TASK, subject_access.pk)


@dataclass(frozen=True)
class Made:
    files: int
    size: int


def export_make(*, subject_access_id: int, organisation: str, clock: Clock) -> Made | None:
    """Make the ZIP of a waiting export, once (None: it was not waiting). What it reads is
    a read of the customer's record by the officer who asked for it, and is logged."""
    claimed = _claim(subject_access_id)
    if claimed is None:
        return None
    case = claimed.case
    customer = customer_of(case)
    try:
        parts = customer_data_gather(customer=customer, withheld=withheld_map(claimed))
        with tempfile.TemporaryFile() as into:
            files = export_zip_write(
                customer=customer,
                parts=parts,
                made_at=clock.now(),
                organisation=organisation,
                into=into,
            )
            into.seek(0)
            data = into.read()
    except CaredeskError as error:
        _finish(claimed.pk, error=error.message)
        return None
    sha = store_put(data)
    _finish(claimed.pk, sha=sha, size=len(data), files=files, at=clock.now())
    if claimed.export_asked_by is not None:
        customer_access_record(
            customers=[customer],
            by=claimed.export_asked_by,
            what=f"subject access export for {case.reference}",
            clock=clock,
        )
    return Made(files=files, size=len(data))


@write_transaction()
def _claim(subject_access_id: int) -> SubjectAccess | None:
    found = (
        SubjectAccess.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(pk=subject_access_id, export_status=ExportStatus.WAITING)
        .first()
    )
    return found


@write_transaction()
def _finish(
    subject_access_id: int,
    *,
    sha: str = "",
    size: int = 0,
    files: int = 0,
    at: datetime | None = None,
    error: str = "",
) -> None:
    SubjectAccess.objects.filter(pk=subject_access_id, export_status=ExportStatus.WAITING).update(
        export_status=ExportStatus.FAILED if error else ExportStatus.READY,
        export_sha256=sha,
        export_size=size,
        export_files=files,
        export_made_at=at,
        export_error=error,
    )


def exports_lost(*, now: datetime, wanted: Wanted) -> list[int]:
    """Exports asked for a while ago and still waiting: their task was lost."""
    waiting = SubjectAccess.objects.filter(
        export_status=ExportStatus.WAITING, export_asked_at__lt=now - LOST_AFTER
    ).exclude(pk__in=wanted.skip)
    if wanted.only is not None:
        waiting = waiting.filter(pk=wanted.only)
    return list(waiting.order_by("pk").values_list("pk", flat=True)[: wanted.limit])


@write_transaction()
def subject_access_sent(
    *, subject_access: SubjectAccess, how: str, by: StaffMember, clock: Clock
) -> None:
    """The customer has been given their information: the response, which meets the
    request's deadline."""
    _dpo(by)
    if subject_access.sent_at is not None:
        raise SubjectAccessError("It has been sent already.")
    if subject_access.export_status != ExportStatus.READY:
        raise SubjectAccessError("Make the export and check it before it is sent.")
    if how not in SentHow.values:
        raise SubjectAccessError("Say how it was sent.")
    response_send(
        case=subject_access.case,
        channel=SENT_CHANNEL[SentHow(how)],
        summary=f"Their personal information sent: {SentHow(how).label.lower()}.",
        by=by,
        policy=active_policy(),
        clock=clock,
    )
    subject_access.sent_at, subject_access.sent_by, subject_access.sent_how = clock.now(), by, how
    subject_access.save()
