"""The case rules (cases.rules): which clocks start, stop and pause. No database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from caredesk.cases import rules
from caredesk.cases.models import CaseKind, CaseStatus, Channel, Direction, PauseReason
from caredesk.standards import load_policy
from caredesk.standards.policy import CaseKind as PolicyCaseKind
from caredesk.standards.policy import Channel as PolicyChannel
from caredesk.standards.policy import ClockEvent

POLICIES = {name: load_policy(name) for name in ("halton", "stonewall")}
KINDS = [kind.value for kind in CaseKind]
CHANNELS = [channel.value for channel in Channel]


# -- events -----------------------------------------------------------------------------------


def test_a_letter_fires_received_only():
    assert rules.events_on_receipt(
        kind=CaseKind.GENERAL_ENQUIRY, channel=Channel.LETTER, resolved_at_first_contact=False
    ) == {ClockEvent.RECEIVED}


def test_a_complaint_by_voicemail_fires_the_complaint_and_the_message():
    assert rules.events_on_receipt(
        kind=CaseKind.COMPLAINT, channel=Channel.VOICEMAIL, resolved_at_first_contact=False
    ) == {ClockEvent.RECEIVED, ClockEvent.COMPLAINT_RECEIVED, ClockEvent.MESSAGE_LEFT}


def test_a_call_fires_ended_unresolved_only_when_it_was_not_dealt_with():
    def fired(resolved: bool) -> frozenset[ClockEvent]:
        return rules.events_on_receipt(
            kind=CaseKind.GENERAL_ENQUIRY, channel=Channel.PHONE, resolved_at_first_contact=resolved
        )

    assert ClockEvent.CALL_ENDED_UNRESOLVED in fired(False)
    assert ClockEvent.CALL_ENDED_UNRESOLVED not in fired(True)


def test_only_contact_we_make_fires_customer_contacted():
    assert rules.events_on_contact(direction=Direction.OUTBOUND) == {ClockEvent.CUSTOMER_CONTACTED}
    assert rules.events_on_contact(direction=Direction.INBOUND) == frozenset()


def test_a_complaint_has_two_stages():
    assert rules.events_on_acknowledgement(stage=1) == frozenset({ClockEvent.STAGE_1_ACKNOWLEDGED})
    assert rules.events_on_acknowledgement(stage=2) == frozenset({ClockEvent.STAGE_2_ACKNOWLEDGED})
    assert rules.events_on_acknowledgement(stage=3) is None
    assert rules.events_on_escalation(stage=2) == frozenset({ClockEvent.STAGE_2_REQUESTED})
    assert rules.events_on_escalation(stage=1) is None


def test_only_a_request_for_information_has_a_review():
    for kind in (CaseKind.FOI_REQUEST, CaseKind.STAIRS_REQUEST):
        assert rules.events_on_review_request(kind=kind) == frozenset({ClockEvent.REVIEW_REQUESTED})
    for kind in set(CaseKind) - {CaseKind.FOI_REQUEST, CaseKind.STAIRS_REQUEST}:
        assert rules.events_on_review_request(kind=kind) is None, kind
    assert rules.events_on_review_decision() == frozenset({ClockEvent.REVIEW_DECIDED})


def test_the_review_starts_its_own_clock_and_only_its_decision_meets_it():
    """Asked for after the request was answered, the review starts `information_review`;
    another reply on the case (a response) does not meet it, the review's outcome does."""
    for name, kinds in (
        ("halton", (CaseKind.FOI_REQUEST, CaseKind.STAIRS_REQUEST)),
        ("stonewall", (CaseKind.STAIRS_REQUEST,)),
    ):
        policy = POLICIES[name]
        for kind in kinds:
            asked = rules.clock_changes(
                policy=policy,
                kind=kind,
                channel=Channel.EMAIL,
                running=[],
                events=rules.events_on_review_request(kind=kind) or (),
            )
            assert [standard.key for standard in asked.start] == ["information_review"]
            running = [rules.Running("review", "information_review")]
            replied = rules.clock_changes(
                policy=policy,
                kind=kind,
                channel=Channel.EMAIL,
                running=running,
                events=rules.RESPONSE_EVENTS,
            )
            assert replied.meet == ()
            decided = rules.clock_changes(
                policy=policy,
                kind=kind,
                channel=Channel.EMAIL,
                running=running,
                events=rules.RESPONSE_EVENTS | rules.events_on_review_decision(),
            )
            assert decided.meet == ("review",)
            assert decided.start == ()


# -- clocks -------------------------------------------------------------------------------------


def test_a_letter_to_halton_starts_the_reply_standard_and_the_response_meets_it():
    policy = POLICIES["halton"]
    receipt = rules.events_on_receipt(
        kind=CaseKind.GENERAL_ENQUIRY, channel=Channel.LETTER, resolved_at_first_contact=False
    )
    started = rules.clock_changes(
        policy=policy, kind="general_enquiry", channel="letter", running=(), events=receipt
    )
    assert [s.key for s in started.start] == ["letter_email_response"]
    running = [rules.Running("d1", "letter_email_response")]
    answered = rules.clock_changes(
        policy=policy,
        kind="general_enquiry",
        channel="letter",
        running=running,
        events=rules.RESPONSE_EVENTS,
    )
    assert answered == rules.ClockChanges(meet=("d1",), start=())


def test_a_second_letter_does_not_start_a_second_reply_deadline_while_one_is_owed():
    policy = POLICIES["halton"]
    running = [rules.Running(1, "letter_email_response")]
    changes = rules.clock_changes(
        policy=policy,
        kind="general_enquiry",
        channel="letter",
        running=running,
        events={ClockEvent.RECEIVED},
    )
    assert changes == rules.ClockChanges(meet=(), start=())


# One step of a case's life: which events fire.
EVENT_SETS = st.sampled_from(
    [
        rules.RESPONSE_EVENTS,
        rules.events_on_contact(direction=Direction.OUTBOUND),
        *(rules.events_on_acknowledgement(stage=stage) or frozenset() for stage in (1, 2)),
        rules.events_on_escalation(stage=2) or frozenset(),
        frozenset({ClockEvent.RECEIVED}),
        rules.events_on_review_request(kind=CaseKind.FOI_REQUEST) or frozenset(),
        rules.RESPONSE_EVENTS | rules.events_on_review_decision(),
    ]
)


@given(
    policy_name=st.sampled_from(sorted(POLICIES)),
    kind=st.sampled_from(KINDS),
    channel=st.sampled_from(CHANNELS),
)
def test_asking_for_a_review_starts_the_review_where_the_policy_has_one_and_nothing_else(
    policy_name, kind, channel
):
    policy = POLICIES[policy_name]
    fired = rules.events_on_review_request(kind=kind)
    if fired is None:
        assert kind not in (CaseKind.FOI_REQUEST, CaseKind.STAIRS_REQUEST)
        return
    started = rules.clock_changes(
        policy=policy, kind=kind, channel=channel, running=[], events=fired
    ).start
    review = policy.deadline_standard("information_review")
    applies = review.applies_to(channel=PolicyChannel(channel), kind=PolicyCaseKind(kind))
    assert [standard.key for standard in started] == (["information_review"] if applies else [])


@given(
    policy_name=st.sampled_from(sorted(POLICIES)),
    kind=st.sampled_from(KINDS),
    channel=st.sampled_from(CHANNELS),
    resolved=st.booleans(),
    steps=st.lists(EVENT_SETS, max_size=8),
)
def test_any_sequence_of_events_keeps_the_clocks_consistent(
    policy_name, kind, channel, resolved, steps
):
    """Over random lives of a case, each step's changes are exactly what the policy file
    says: every running deadline whose standard stops on a fired event is met, and no
    other; a standard starts when it starts on a fired event, applies to the case, and
    has no deadline still running; and a case never has two running deadlines of one
    standard."""
    policy = POLICIES[policy_name]
    running: list[rules.Running] = []
    lives = [
        rules.events_on_receipt(kind=kind, channel=channel, resolved_at_first_contact=resolved)
    ]
    if resolved:
        lives.append(rules.RESPONSE_EVENTS)
    made = 0
    for fired in [*lives, *steps]:
        changes = rules.clock_changes(
            policy=policy, kind=kind, channel=channel, running=running, events=fired
        )
        # then: met is exactly the running deadlines that stop on a fired event
        expected_met = {
            d.ref for d in running if policy.deadline_standard(d.standard_key).stops in fired
        }
        assert set(changes.meet) == expected_met
        assert len(changes.meet) == len(expected_met)
        still = [d for d in running if d.ref not in expected_met]
        # and started is exactly the standards the policy starts that are not running
        expected_start = [
            s
            for s in policy.deadline_standards()
            if s.starts in fired
            and s.applies_to(channel=PolicyChannel(channel), kind=PolicyCaseKind(kind))
            and s.key not in {d.standard_key for d in still}
        ]
        assert list(changes.start) == expected_start
        for standard in changes.start:
            still.append(rules.Running(f"d{made}", standard.key))
            made += 1
        keys = [d.standard_key for d in still]
        assert len(keys) == len(set(keys)), "two running deadlines of one standard"
        running = still


@given(
    policy_name=st.sampled_from(sorted(POLICIES)),
    keys=st.lists(st.integers(min_value=0, max_value=30), max_size=10, unique=True),
    reason=st.sampled_from([reason.value for reason in PauseReason]),
)
def test_only_the_standards_that_allow_the_reason_pause(policy_name, keys, reason):
    policy = POLICIES[policy_name]
    standards = policy.deadline_standards()
    open_deadlines = [rules.Running(n, standards[n % len(standards)].key) for n in keys]
    paused = rules.clocks_to_pause(policy=policy, open_deadlines=open_deadlines, reason=reason)
    for deadline in open_deadlines:
        allows = reason in policy.deadline_standard(deadline.standard_key).pause_reasons
        assert (deadline.ref in paused) == allows


def test_halton_pauses_a_subject_access_request_while_checking_identity():
    policy = POLICIES["halton"]
    sar = [s for s in policy.deadline_standards() if "identity_check" in s.pause_reasons]
    assert sar, "Halton's subject access standard allows an identity check"
    running = [rules.Running(7, sar[0].key)]
    assert rules.clocks_to_pause(
        policy=policy, open_deadlines=running, reason=PauseReason.IDENTITY_CHECK
    ) == (7,)
    assert (
        rules.clocks_to_pause(
            policy=policy, open_deadlines=running, reason=PauseReason.OFFICER_ON_ANNUAL_LEAVE
        )
        == ()
    )


def test_a_tasks_own_deadline_outlives_its_case():
    assert rules.ends_with_case(outlives_case=False)
    assert not rules.ends_with_case(outlives_case=True)


# -- status and holding replies --------------------------------------------------------------------


def test_only_an_open_or_resolved_case_may_be_closed_and_only_an_open_one_resolved():
    assert CaseStatus.RESOLVED in rules.may_finish_from(CaseStatus.CLOSED)
    assert CaseStatus.RESOLVED not in rules.may_finish_from(CaseStatus.RESOLVED)
    assert CaseStatus.CLOSED not in rules.may_finish_from(CaseStatus.CLOSED)


def test_a_case_dealt_with_at_first_contact_is_resolved_on_receipt():
    assert rules.status_on_receipt(resolved_at_first_contact=True) == CaseStatus.RESOLVED
    assert rules.status_on_receipt(resolved_at_first_contact=False) == CaseStatus.OPEN


# -- reopening and merging ------------------------------------------------------------------

_REOPEN_POLICY = load_policy("halton")
_KEYS = [standard.key for standard in _REOPEN_POLICY.deadline_standards()]
_RESTARTABLE = {s.key for s in _REOPEN_POLICY.deadline_standards() if s.restarts_on_reopen}


def test_both_policies_restart_the_complaint_responses_on_reopening():
    for name in ("halton", "stonewall"):
        policy = load_policy(name)
        assert {s.key for s in policy.deadline_standards() if s.restarts_on_reopen} == {
            "complaint_stage_1_response",
            "complaint_stage_2_response",
        }


@given(
    history=st.lists(
        st.tuples(st.sampled_from(_KEYS), st.integers(min_value=0, max_value=20)), max_size=8
    ),
    running=st.sets(st.sampled_from(_KEYS)),
    kind=st.sampled_from(list(CaseKind)),
    channel=st.sampled_from(list(Channel)),
)
def test_reopening_restarts_only_the_latest_restartable_promise_the_case_had(
    history, running, kind, channel
):
    base = datetime(2025, 1, 1, tzinfo=UTC)
    started = [rules.Started(key, base + timedelta(days=day)) for key, day in history]
    restart = rules.reopen_restarts(
        policy=_REOPEN_POLICY, kind=kind, channel=channel, history=started, running_keys=running
    )
    keys = {standard.key for standard in restart}
    applicable = {
        key
        for key in _RESTARTABLE
        if _REOPEN_POLICY.deadline_standard(key).applies_to(
            channel=PolicyChannel(channel), kind=PolicyCaseKind(kind)
        )
    }
    had = [s for s in started if s.standard_key in applicable]
    assert keys <= applicable
    assert not keys & running
    if not had:
        assert keys == set()
        return
    latest = max(s.starts_at for s in had)
    last_given = {s.standard_key for s in had if s.starts_at == latest}
    assert keys == last_given - running


def test_a_complaint_that_had_both_stages_restarts_stage_2_only():
    restart = rules.reopen_restarts(
        policy=_REOPEN_POLICY,
        kind=CaseKind.COMPLAINT,
        channel=Channel.EMAIL,
        history=[
            rules.Started("complaint_stage_1_response", datetime(2025, 6, 2, tzinfo=UTC)),
            rules.Started("complaint_stage_2_response", datetime(2025, 6, 20, tzinfo=UTC)),
        ],
        running_keys=(),
    )
    assert [standard.key for standard in restart] == ["complaint_stage_2_response"]


@given(
    kept=st.sets(st.sampled_from(_KEYS)),
    merged=st.lists(st.sampled_from(_KEYS), max_size=8),
)
def test_a_merge_ends_exactly_the_duplicates_of_what_the_kept_case_owes(kept, merged):
    running = [rules.Running(index, key) for index, key in enumerate(merged)]
    ended = set(rules.merge_duplicates(kept_running_keys=kept, merged_running=running))
    assert ended == {index for index, key in enumerate(merged) if key in kept}
