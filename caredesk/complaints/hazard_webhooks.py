"""Telling the repairs system of hazards: a signed webhook when a hazard is reported and
when each of its steps starts (with when it is due), so the work is ordered at once.

Each message is a row (`HazardWebhook`) written in the transaction that decides it, and
posted once it commits (a task), or by the worker's sweep if that fails: claimed first
(pending, then sending with the time), so two workers never post one twice; a post that
fails is tried again, up to MAX_ATTEMPTS, then marked failed for the desk to see.

Signed as Stripe and GitHub sign theirs: the header
`X-Caredesk-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the
secret CAREDESK_REPAIRS_WEBHOOK_SECRET. The receiver recomputes it and refuses a
signature that does not match or a time more than five minutes old (`webhook_verify`
does this, for a receiver written in Python and for the tests).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q

from caredesk.complaints.models import Hazard, HazardStep, HazardWebhook, WebhookStatus
from caredesk.core.sweeps import Wanted
from caredesk.core.tasks import enqueue_after_commit

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Caredesk-Signature"
TOLERANCE_SECONDS = 300
MAX_ATTEMPTS = 8
RESEND_AFTER = timedelta(minutes=5)  # a claim older than this was a worker that died
TIMEOUT_SECONDS = 10


def webhook_payload(hazard: Hazard, event: str, step: HazardStep | None = None) -> dict[str, Any]:
    """What the repairs system is told: the hazard, where, and the step with its due time.
    No name: the repairs system has the property by its reference and UPRN."""
    customer = hazard.case.customer
    payload: dict[str, Any] = {
        "event": event,
        "hazard": {
            "id": hazard.pk,
            "case": hazard.case.reference,
            "type": hazard.hazard_type,
            "severity": hazard.severity,
            "where": hazard.where,
            "description": hazard.description,
            "aware_at": hazard.aware_at.isoformat(),
            "covered_by_awaabs_law": hazard.covered,
            "uprn": customer.uprn if customer else "",
            "postcode": customer.postcode if customer else "",
            "tenant_reference": customer.external_reference if customer else "",
        },
    }
    if step is not None:
        due = step.deadline.due_at if step.deadline is not None else None
        payload["step"] = {
            "id": step.pk,
            "standard": step.standard_key,
            "due_at": due.isoformat() if due else None,
        }
    return payload


def webhook_queue(
    hazard: Hazard, event: str, *, now: datetime, step: HazardStep | None = None
) -> HazardWebhook:
    """Keep the message, to be posted once the caller's transaction commits."""
    set_up = bool(settings.CAREDESK_REPAIRS_WEBHOOK_URL)
    webhook = HazardWebhook.objects.create(
        hazard=hazard,
        event=event,
        payload=webhook_payload(hazard, event, step),
        created_at=now,
        status=WebhookStatus.PENDING if set_up else WebhookStatus.NOT_SET_UP,
    )
    if set_up:
        enqueue_after_commit("caredesk.complaints.tasks.send_hazard_webhook", webhook.pk)
    return webhook


def webhook_sign(body: bytes, *, secret: str, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def webhook_verify(header: str, body: bytes, *, secret: str, now: datetime) -> bool:
    """Whether `header` signs `body` with `secret`, at a time within five minutes of now."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now.timestamp() - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = webhook_sign(body, secret=secret, timestamp=timestamp)
    return hmac.compare_digest(expected, f"t={timestamp},v1={parts.get('v1', '')}")


def _claimable(now: datetime) -> Q:
    return Q(status=WebhookStatus.PENDING) | Q(
        status=WebhookStatus.SENDING, claimed_at__lt=now - RESEND_AFTER
    )


def webhooks_to_send(*, now: datetime, wanted: Wanted) -> Sequence[int]:
    rows = HazardWebhook.objects.filter(_claimable(now))
    if wanted.skip:
        rows = rows.exclude(pk__in=wanted.skip)
    return list(rows.order_by("created_at", "pk").values_list("pk", flat=True)[: wanted.limit])


def webhook_send(*, webhook_id: int, now: datetime) -> str | None:
    """Post one message, if it is ours to post: "sent", "failed", "retry", or None."""
    claimed = (
        HazardWebhook.objects.filter(_claimable(now), pk=webhook_id)
        .exclude(attempts__gte=MAX_ATTEMPTS)
        .update(status=WebhookStatus.SENDING, claimed_at=now)
    )
    if claimed != 1:
        return None
    webhook = HazardWebhook.objects.get(pk=webhook_id)
    body = json.dumps(webhook.payload, sort_keys=True).encode()
    signature = webhook_sign(
        body, secret=settings.CAREDESK_REPAIRS_WEBHOOK_SECRET, timestamp=int(now.timestamp())
    )
    request = urllib.request.Request(
        settings.CAREDESK_REPAIRS_WEBHOOK_URL,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            status = answer.status
        error = "" if 200 <= status < 300 else f"The repairs system answered {status}."
    except urllib.error.HTTPError as refused:  # a 4xx or 5xx answer
        error = f"The repairs system answered {refused.code}."
    except (urllib.error.URLError, OSError, ValueError) as problem:
        error = f"Could not post to the repairs system: {problem}"
    attempts = webhook.attempts + 1
    if not error:
        HazardWebhook.objects.filter(pk=webhook_id).update(
            status=WebhookStatus.SENT, sent_at=now, attempts=attempts, error=""
        )
        return "sent"
    logger.warning("Hazard webhook %s: %s", webhook_id, error)
    failed = attempts >= MAX_ATTEMPTS
    HazardWebhook.objects.filter(pk=webhook_id).update(
        status=WebhookStatus.FAILED if failed else WebhookStatus.PENDING,
        attempts=attempts,
        error=error[:2000],
    )
    return "failed" if failed else "retry"
