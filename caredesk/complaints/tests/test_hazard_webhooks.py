"""The repairs system told of hazards (complaints.hazard_webhooks), through a real HTTP
server: signed with HMAC-SHA256, posted once however many times it is tried, tried again
when refused, and given up on after MAX_ATTEMPTS."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.cases.models import Channel
from caredesk.complaints.hazard_webhooks import (
    MAX_ATTEMPTS,
    SIGNATURE_HEADER,
    webhook_send,
    webhook_sign,
    webhook_verify,
    webhooks_to_send,
)
from caredesk.complaints.hazards import hazard_report
from caredesk.complaints.models import HazardWebhook, WebhookStatus
from caredesk.conftest import People, SettableClock, customer_case
from caredesk.core.sweeps import Wanted
from caredesk.standards import load_policy

HALTON = load_policy("halton")
SECRET = "a-secret-the-repairs-system-shares"


class Repairs:
    """A repairs system: keeps what it is sent, answering with `status`."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        repairs = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                repairs.received.append((dict(self.headers), body))
                self.send_response(repairs.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hazards"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def repairs(settings: Any) -> Iterator[Repairs]:
    system = Repairs()
    settings.CAREDESK_REPAIRS_WEBHOOK_URL = system.url
    settings.CAREDESK_REPAIRS_WEBHOOK_SECRET = SECRET
    yield system
    system.server.shutdown()


@pytest.fixture
def reported(people: People, clock: SettableClock, repairs: Repairs) -> list[int]:
    clock.moment = datetime(2026, 6, 22, 13, 0, tzinfo=UTC)
    case = customer_case(people, clock, channel=Channel.PHONE, days_ago=0, uprn="100012345678")
    hazard_report(
        case=case,
        hazard_type="damp_and_mould",
        severity="significant",
        description="Mould in the bedroom",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    return list(webhooks_to_send(now=clock.now(), wanted=Wanted(limit=10)))


def test_the_report_and_its_step_are_posted_signed(
    clock: SettableClock, repairs: Repairs, reported: list[int]
) -> None:
    assert len(reported) == 2
    for webhook_id in reported:
        assert webhook_send(webhook_id=webhook_id, now=clock.now()) == "sent"

    (h1, reported_body), (h2, step_body) = repairs.received
    for headers, body in ((h1, reported_body), (h2, step_body)):
        assert headers["Content-Type"] == "application/json"
        assert webhook_verify(headers[SIGNATURE_HEADER], body, secret=SECRET, now=clock.now())
        assert not webhook_verify(headers[SIGNATURE_HEADER], body, secret="wrong", now=clock.now())
        assert not webhook_verify(
            headers[SIGNATURE_HEADER], body + b" ", secret=SECRET, now=clock.now()
        )
    assert b'"event": "hazard.reported"' in reported_body
    assert b'"uprn": "100012345678"' in reported_body
    assert b'"standard": "hazard_investigated"' in step_body
    assert b'"due_at": "2026-07-06T16:00:00+00:00"' in step_body
    assert b"Jones" not in reported_body  # no name: the property is enough
    assert set(HazardWebhook.objects.values_list("status", flat=True)) == {WebhookStatus.SENT}


def test_a_message_is_posted_once_however_often_it_is_tried(
    clock: SettableClock, repairs: Repairs, reported: list[int]
) -> None:
    first = reported[0]
    assert webhook_send(webhook_id=first, now=clock.now()) == "sent"
    assert webhook_send(webhook_id=first, now=clock.now()) is None
    assert len(repairs.received) == 1


def test_a_refused_message_is_tried_again_then_given_up_on(
    clock: SettableClock, repairs: Repairs, reported: list[int]
) -> None:
    repairs.status = 500
    first = reported[0]
    said = []
    for _ in range(MAX_ATTEMPTS):
        said.append(webhook_send(webhook_id=first, now=clock.now()))
        clock.moment += timedelta(minutes=1)

    assert said == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed"]
    webhook = HazardWebhook.objects.get(pk=first)
    assert webhook.status == WebhookStatus.FAILED
    assert "answered 500" in webhook.error
    assert first not in webhooks_to_send(now=clock.now(), wanted=Wanted(limit=10))


def test_a_repairs_system_that_cannot_be_reached_is_tried_again(
    clock: SettableClock, repairs: Repairs, reported: list[int], settings: Any
) -> None:
    repairs.server.shutdown()
    repairs.server.server_close()

    assert webhook_send(webhook_id=reported[0], now=clock.now()) == "retry"
    assert "Could not post" in HazardWebhook.objects.get(pk=reported[0]).error


def test_a_worker_that_died_sending_leaves_it_to_be_sent_later(
    clock: SettableClock, repairs: Repairs, reported: list[int]
) -> None:
    HazardWebhook.objects.filter(pk=reported[0]).update(
        status=WebhookStatus.SENDING, claimed_at=clock.now()
    )
    assert reported[0] not in webhooks_to_send(now=clock.now(), wanted=Wanted(limit=10))
    later = clock.now() + timedelta(minutes=6)
    assert reported[0] in webhooks_to_send(now=later, wanted=Wanted(limit=10))
    assert webhook_send(webhook_id=reported[0], now=later) == "sent"


@given(
    body=st.binary(max_size=200),
    secret=st.text(min_size=1, max_size=40),
    skew=st.integers(-1000, 1000),
)
def test_a_signature_verifies_only_with_its_secret_within_five_minutes(
    body: bytes, secret: str, skew: int
) -> None:
    now = datetime(2026, 6, 22, 13, 0, tzinfo=UTC)
    header = webhook_sign(body, secret=secret, timestamp=int(now.timestamp()) + skew)

    assert webhook_verify(header, body, secret=secret, now=now) == (abs(skew) <= 300)
    assert not webhook_verify(header, body, secret=secret + "x", now=now)
    assert not webhook_verify(header.replace("v1=", "v1=0"), body, secret=secret, now=now)
