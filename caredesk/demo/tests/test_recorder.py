"""The recorder writes what the case services would: replay its calls through them and compare."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from faker import Faker

from caredesk.cases import services
from caredesk.cases.drafts import UNFINISHED, CaseDraft, Recorder
from caredesk.cases.models import Case, CaseKind
from caredesk.conftest import SettableClock
from caredesk.customers.models import Customer
from caredesk.demo.cases import Stories
from caredesk.demo.customers import build_customers
from caredesk.demo.landlords import LANDLORDS
from caredesk.demo.organisation import build_organisation
from caredesk.demo.plans import Planner
from caredesk.standards import load_policy

NOW = datetime(2025, 11, 12, 14, 5, tzinfo=UTC)
DEADLINE_FIELDS = (
    "standard_key",
    "starts_at",
    "standard_due_at",
    "revised_due_at",
    "due_at",
    "warn_at",
    "met_at",
    "ended_at",
    "status",
    "assigned_to_id",
    "team_id",
)


def replay(draft: CaseDraft, policy) -> Case:
    """Make the same case through the real services, call by call, at the same times."""
    case: Case | None = None
    for name, arguments in draft.calls:
        given = dict(arguments)
        when = given.pop("now", None) or given["at"]
        common: dict[str, Any] = {"clock": SettableClock(when)}
        if name == "create":
            given.pop("reference")
            case = services.case_create(**given, policy=policy, **common)
            continue
        assert case is not None
        if name == "assign":
            services.case_assign(case=case, policy=policy, **given, **common)
        elif name == "note":
            services.note_add(case=case, **given, **common)
        elif name == "contact":
            services.contact_log(case=case, policy=policy, **given, **common)
        elif name == "respond":
            services.response_send(case=case, policy=policy, **given, **common)
        elif name == "acknowledge":
            services.complaint_acknowledge(case=case, policy=policy, **given, **common)
        elif name == "escalate":
            services.complaint_escalate(case=case, policy=policy, **given, **common)
        elif name == "hold":
            deadline = case.deadlines.get(standard_key=given.pop("key"), status__in=UNFINISHED)
            services.holding_reply_send(deadline=deadline, policy=policy, **given, **common)
        elif name == "wait":
            services.case_wait_for_customer(case=case, policy=policy, **given, **common)
        elif name == "resume":
            services.case_resume(case=case, policy=policy, **given, **common)
        elif name == "finish":
            services.case_finish(case=case, **given, **common)
        else:
            raise AssertionError(name)
        case.refresh_from_db()
    assert case is not None
    return case


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("policy_name", ["halton", "stonewall"])
def test_the_recorder_writes_what_the_services_write(db, policy_name):
    # given the demo organisation and customers, and a spread of demo cases in memory
    landlord, policy = LANDLORDS[policy_name], load_policy(policy_name)
    rng = random.Random(5)
    fake = Faker("en_GB")
    fake.seed_instance(5)
    organisation = build_organisation(landlord=landlord, policy=policy, fake=fake, rng=rng, now=NOW)
    customers = build_customers(landlord=landlord, count=40, fake=fake, rng=rng, now=NOW)
    Customer.objects.bulk_create(customers)
    planner = Planner(
        landlord=landlord,
        policy=policy,
        organisation=organisation,
        customers=customers,
        rng=rng,
        now=NOW,
    )
    plans = [planner.plan(kind=kind) for kind in CaseKind for _ in range(14)]
    plans += [planner.plan(kind=CaseKind.COMPLAINT) for _ in range(30)]
    plans += planner.officer_work()
    plans.sort(key=lambda plan: plan.received_at)
    recorder = Recorder(policy=policy, absences=organisation.absences, keep_calls=True)
    stories = Stories(
        landlord=landlord,
        policy=policy,
        organisation=organisation,
        recorder=recorder,
        rng=rng,
        now=NOW,
    )
    drafts = [stories.tell(plan, f"X-{n}") for n, plan in enumerate(plans)]
    calls = Counter(name for draft in drafts for name, _ in draft.calls)
    for name in ("create", "assign", "note", "contact", "respond", "acknowledge", "finish"):
        assert calls[name], f"no {name} call to compare"
    for name in ("hold", "wait", "resume", "escalate"):
        assert calls[name], f"no {name} call to compare"
    assert any(deadline.pauses for draft in drafts for deadline in draft.deadlines)

    for draft in drafts:
        # when the services make the same case
        case = replay(draft, policy)
        # then it has the same fields, deadlines, contacts and timeline
        ours = draft.case
        for field in ("kind", "channel", "received_at", "subject", "status", "urgent"):
            assert getattr(case, field) == getattr(ours, field), (ours.reference, field)
        assert case.assigned_to_id == (ours.assigned_to.pk if ours.assigned_to else None)
        assert case.team_id == (ours.team.pk if ours.team else None)
        theirs = [
            tuple(getattr(d, f) for f in DEADLINE_FIELDS) for d in case.deadlines.order_by("pk")
        ]
        mine = [
            tuple(
                getattr(d.row, f)
                if not f.endswith("_id")
                else getattr(getattr(d.row, f[:-3]), "pk", None)
                for f in DEADLINE_FIELDS
            )
            for d in draft.deadlines
        ]
        assert theirs == mine, ours.reference
        for deadline, row in zip(draft.deadlines, case.deadlines.order_by("pk"), strict=True):
            assert [(p.starts_at, p.ends_at) for p in row.pauses.order_by("pk")] == [
                (p.starts_at, p.ends_at) for p in deadline.pauses
            ]
            assert [(r.sent_at, r.revised_due_at) for r in row.holding_replies.order_by("pk")] == [
                (r.sent_at, r.revised_due_at) for r in deadline.holding_replies
            ]
        assert list(
            case.contacts.order_by("pk").values_list("channel", "direction", "at", "staff_id")
        ) == [
            (c.channel, c.direction, c.at, c.staff.pk if c.staff else None) for c in draft.contacts
        ]
        assert [(e.kind, e.actor_id, e.at, e.data) for e in case.events.order_by("pk")] == [
            (e.kind, e.actor.pk if e.actor else None, e.at, as_json(e.data)) for e in draft.events
        ], ours.reference
