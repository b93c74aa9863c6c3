"""The Tenant Satisfaction Measures' complaint returns (complaints.returns): CH01 and CH02
for a year from 1 April to 31 March, from complaints made through the services, with
figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from caredesk.cases.models import Case, CaseKind, Channel, ComplaintOutcome
from caredesk.cases.services import case_create, complaint_acknowledge, complaint_escalate
from caredesk.complaints.definitions import complaint_define
from caredesk.complaints.refusals import complaint_refuse, refusal_start
from caredesk.complaints.responses import Decision, ResponseDraft, complaint_response_send
from caredesk.complaints.returns import (
    LCHO,
    LCRA,
    ComplaintReturns,
    PerThousand,
    WithinTime,
    complaint_returns,
    latest_year_ended,
    tsm_year_ending,
)
from caredesk.conftest import People, SettableClock, letter_writer
from caredesk.customers.models import CustomerType
from caredesk.customers.services import customer_create
from caredesk.mail.replies import holding_reply_write
from caredesk.standards import load_policy

HALTON = load_policy("halton")  # 7,200 LCRA and 100 LCHO homes on 31 March 2026
LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int) -> datetime:
    """10 in the morning in London: a working hour, in summer time or not."""
    return datetime(year, month, day, 10, 0, tzinfo=LONDON).astimezone(UTC)


def received(
    people: People, clock: SettableClock, when: datetime, customer_type: str, name: str
) -> Case:
    """A complaint received at `when`, defined and acknowledged at stage 1 there and then."""
    clock.moment = when
    customer = customer_create(
        customer_type=customer_type,
        title="Ms",
        first_name=name,
        last_name="Jones",
        address="12 Mersey Road\nRuncorn",
        postcode="WA7 1AA",
    )
    case = case_create(
        kind=CaseKind.COMPLAINT,
        channel=Channel.PHONE,
        received_at=when,
        subject="Repairs never turned up",
        by=people.officer,
        customer=customer,
        assign_to=people.officer,
        clock=clock,
    )
    complaint_define(
        case=case,
        points=["Nobody came to fix the door."],
        handler=people.officer,
        service_area="repairs",
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    complaint_acknowledge(case=case, stage=1, by=people.officer, policy=HALTON, clock=clock)
    return case


def answer(people: People, clock: SettableClock, case: Case, when: datetime, stage: int) -> None:
    clock.moment = when
    complaint_response_send(
        case=case,
        draft=ResponseDraft(
            decisions=[Decision(1, ComplaintOutcome.UPHELD, "Our contractor did not come.")],
            root_cause="delay",
        ),
        by_email=False,
        by=people.officer if stage == 1 else people.line_manager,
        policy=HALTON,
        clock=clock,
    )


def escalate(people: People, clock: SettableClock, case: Case, when: datetime) -> None:
    """The customer asks for stage 2, which is defined and acknowledged there and then."""
    clock.moment = when
    complaint_escalate(case=case, by=people.officer, policy=HALTON, clock=clock)
    complaint_define(
        case=case,
        points=["The door is still broken."],
        handler=people.line_manager,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    complaint_acknowledge(case=case, stage=2, by=people.line_manager, policy=HALTON, clock=clock)


def refuse(people: People, clock: SettableClock, case: Case, when: datetime) -> None:
    clock.moment = when
    exclusion = HALTON.complaints.exclusions[2]  # already considered
    draft = refusal_start(case, HALTON, people.officer, exclusion).replace(
        "[Explain the decision in your own words, and what the customer can do instead.]",
        "We answered this complaint in May.",
    )
    complaint_refuse(
        case=case,
        reason=exclusion.key,
        draft=draft,
        by_email=False,
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )


@pytest.fixture(name="two_years")
def two_years_fixture(people: People, clock: SettableClock) -> dict[str, Case]:
    """Complaints either side of 1 April 2025 and 1 April 2026 (the TSM years ending 31
    March 2025, 2026 and 2027). Stage 1 is due 10 working days after acknowledgement,
    stage 2 20; each complaint is acknowledged the day it is received.

    - G, a tenant: received Mon 17 Mar 2025 (year to 2025); answered Wed 2 Apr 2025, late
      (due Mon 31 Mar 2025).
    - A, a tenant: received Mon 2 Jun 2025, answered Wed 4 Jun (in time); asked for stage
      2 Mon 9 Jun, answered Fri 13 Jun (in time).
    - B, a tenant: received Mon 1 Sep 2025, answered Mon 6 Oct, late (due Mon 15 Sep).
    - C, a tenant: received Mon 3 Nov 2025, due Mon 17 Nov; extended on Wed 5 Nov by a
      holding reply to Mon 1 Dec (the Code's 10 more working days); answered Wed 26 Nov:
      after the first date, by the new one, so within the timescale.
    - H, a leaseholder who bought outright (not in the TSMs): received Mon 12 Jan 2026,
      answered Wed 14 Jan.
    - D, a shared owner (LCHO): received Mon 2 Feb 2026, answered Wed 4 Feb (in time);
      asked for stage 2 Mon 16 Feb 2026 (due Mon 16 Mar), answered Wed 8 Apr 2026, late,
      in the next year.
    - F, a tenant: received Mon 9 Mar 2026, not accepted on Tue 10 Mar (already
      considered).
    - E, a tenant: received Wed 25 Mar 2026, answered Thu 2 Apr 2026 (in time), in the
      next year.
    """
    letter_writer(people)
    tenant, shared_owner = CustomerType.TENANT, CustomerType.SHARED_OWNER
    found: dict[str, Case] = {}
    found["G"] = received(people, clock, at(2025, 3, 17), tenant, "Gail")
    answer(people, clock, found["G"], at(2025, 4, 2), 1)

    found["A"] = received(people, clock, at(2025, 6, 2), tenant, "Ann")
    answer(people, clock, found["A"], at(2025, 6, 4), 1)
    escalate(people, clock, found["A"], at(2025, 6, 9))
    answer(people, clock, found["A"], at(2025, 6, 13), 2)

    found["B"] = received(people, clock, at(2025, 9, 1), tenant, "Bea")
    answer(people, clock, found["B"], at(2025, 10, 6), 1)

    found["C"] = received(people, clock, at(2025, 11, 3), tenant, "Cath")
    clock.moment = at(2025, 11, 5)
    holding_reply_write(
        deadline=found["C"].deadlines.get(standard_key="complaint_stage_1_response"),
        reason="We are waiting for the contractor's report.",
        revised=datetime(2025, 12, 1, 17, 0, tzinfo=LONDON),
        by=people.officer,
        policy=HALTON,
        clock=clock,
    )
    answer(people, clock, found["C"], at(2025, 11, 26), 1)

    found["H"] = received(people, clock, at(2026, 1, 12), CustomerType.LEASEHOLDER, "Hana")
    answer(people, clock, found["H"], at(2026, 1, 14), 1)

    found["D"] = received(people, clock, at(2026, 2, 2), shared_owner, "Dee")
    answer(people, clock, found["D"], at(2026, 2, 4), 1)
    escalate(people, clock, found["D"], at(2026, 2, 16))

    clock.moment = at(2026, 3, 9)
    found["F"] = received(people, clock, at(2026, 3, 9), tenant, "Fay")
    refuse(people, clock, found["F"], at(2026, 3, 10))

    found["E"] = received(people, clock, at(2026, 3, 25), tenant, "Eve")
    answer(people, clock, found["E"], at(2026, 4, 2), 1)
    answer(people, clock, found["D"], at(2026, 4, 8), 2)
    return found


def measures(
    returns: ComplaintReturns,
) -> dict[tuple[str, str], tuple[int, int | None, float | None]]:
    """(measure, tenure) -> (numerator, denominator, result)."""
    found: dict[tuple[str, str], tuple[int, int | None, float | None]] = {}
    for row in returns.ch01:
        found[(row.measure, row.tenure.short)] = (row.complaints, row.homes, row.value)
    for within in returns.ch02:
        found[(within.measure, within.tenure.short)] = (
            within.within,
            within.responded,
            within.percent,
        )
    return found


def test_ch01_and_ch02_for_the_year_ending_31_march_2026(two_years: dict[str, Case]) -> None:
    """Worked by hand, 1 April 2025 to 31 March 2026, homes on 31 March 2026:

    CH01 (1) LCRA: received A, B, C, E (F not accepted; G the year before; H a
      leaseholder) = 4; 4 x 1000 / 7,200 = 0.555... = 0.6
    CH01 (1) LCHO: D = 1; 1 x 1000 / 100 = 10.0
    CH01 (2) LCRA: A asked for stage 2 = 1; 1 x 1000 / 7,200 = 0.138... = 0.1
    CH01 (2) LCHO: D asked for stage 2 = 1; 10.0
    CH02 (1) LCRA: answered in the year G (late), A (in time), B (late), C (extended, in
      time) = 2 of 4 = 50.0% (E was answered in the next year)
    CH02 (1) LCHO: D in time = 1 of 1 = 100.0%
    CH02 (2) LCRA: A in time = 1 of 1 = 100.0%
    CH02 (2) LCHO: D's stage 2 answer came in the next year: 0 of 0, no figure
    Left out: F not accepted (1); H, a leaseholder (1 complaint, 1 response).
    """
    returns = complaint_returns(year_ending=2026, policy=HALTON)

    assert (returns.first, returns.last, returns.complete) == (
        date(2025, 4, 1),
        date(2026, 3, 31),
        True,
    )
    assert measures(returns) == {
        ("CH01 (1)", "LCRA"): (4, 7200, 0.6),
        ("CH01 (1)", "LCHO"): (1, 100, 10.0),
        ("CH01 (2)", "LCRA"): (1, 7200, 0.1),
        ("CH01 (2)", "LCHO"): (1, 100, 10.0),
        ("CH02 (1)", "LCRA"): (2, 4, 50.0),
        ("CH02 (1)", "LCHO"): (1, 1, 100.0),
        ("CH02 (2)", "LCRA"): (1, 1, 100.0),
        ("CH02 (2)", "LCHO"): (0, 0, None),
    }
    assert returns.not_accepted == 1
    assert returns.others == {1: 1, 2: 0}
    assert returns.others_responded == {1: 1, 2: 0}


def test_an_extension_within_the_code_counts_as_within_the_timescale(
    two_years: dict[str, Case],
) -> None:
    response = two_years["C"].deadlines.get(standard_key="complaint_stage_1_response")

    assert response.met_at is not None
    assert response.standard_due_at is not None
    assert response.due_at == datetime(2025, 12, 1, 17, 0, tzinfo=LONDON)
    assert response.standard_due_at < response.met_at <= response.due_at


def test_the_year_after_counts_what_was_answered_in_it(two_years: dict[str, Case]) -> None:
    """To 30 April 2026: E answered in time (1 of 1); D's stage 2 late (0 of 1). Nothing
    received, and the homes are the latest count before 31 March 2027 (31 March 2026)."""
    returns = complaint_returns(year_ending=2027, policy=HALTON, through=date(2026, 4, 30))

    assert (returns.last, returns.complete) == (date(2026, 4, 30), False)
    assert measures(returns) == {
        ("CH01 (1)", "LCRA"): (0, 7200, 0.0),
        ("CH01 (1)", "LCHO"): (0, 100, 0.0),
        ("CH01 (2)", "LCRA"): (0, 7200, 0.0),
        ("CH01 (2)", "LCHO"): (0, 100, 0.0),
        ("CH02 (1)", "LCRA"): (1, 1, 100.0),
        ("CH02 (1)", "LCHO"): (0, 0, None),
        ("CH02 (2)", "LCRA"): (0, 0, None),
        ("CH02 (2)", "LCHO"): (0, 1, 0.0),
    }


def test_a_year_without_a_count_of_homes_has_no_complaints_per_1000_homes(
    two_years: dict[str, Case],
) -> None:
    """The year to 31 March 2025: G was received, but Halton's only count of homes is
    dated 31 March 2026."""
    returns = complaint_returns(year_ending=2025, policy=HALTON)

    assert returns.homes is None
    lcra = returns.ch01[0]
    assert (lcra.tenure, lcra.complaints, lcra.homes, lcra.value) == (LCRA, 1, None, None)
    assert returns.ch01[1].tenure == LCHO


def test_a_half_is_rounded_up() -> None:
    """1 of 400 homes is 2.5 per 1,000; 1 of 8 responses is 12.5%: both stay as they are,
    and 1 of 4,000 homes, 0.25, is 0.3 (Python's round gives 0.2)."""
    assert PerThousand(1, LCRA, complaints=1, homes=4000).value == 0.3
    assert PerThousand(1, LCRA, complaints=1, homes=400).value == 2.5
    assert WithinTime(1, LCRA, within=1, responded=8).percent == 12.5
    assert WithinTime(1, LCRA, within=1, responded=16).percent == 6.3  # 6.25


@pytest.mark.parametrize(
    ("day", "ending", "ended"),
    [
        (date(2026, 3, 31), 2026, 2025),
        (date(2026, 4, 1), 2027, 2026),
        (date(2026, 12, 7), 2027, 2026),
    ],
)
def test_the_tsm_year_runs_from_1_april(day: date, ending: int, ended: int) -> None:
    assert tsm_year_ending(day) == ending
    assert latest_year_ended(day) == ended
