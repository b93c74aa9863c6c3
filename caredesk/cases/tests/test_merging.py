"""Merging a duplicate case into the one kept."""

import pytest

from caredesk.cases import errors
from caredesk.cases.event_reading import Merged, event_read
from caredesk.cases.merging import case_merge
from caredesk.cases.models import Case, CaseStatus, Channel, DeadlineStatus, EventKind
from caredesk.cases.reopening import case_reopen
from caredesk.cases.services import case_create, case_finish, note_add
from caredesk.cases.task_deadlines import deadline_start
from caredesk.conftest import customer_case
from caredesk.core.active_policy import active_policy
from caredesk.mail.letters_register import letter_log
from caredesk.notifications.models import Notification


def test_contacts_deadlines_and_events_move_and_a_duplicate_deadline_ends(people, clock):
    kept = customer_case(people, clock, subject="Leak")
    duplicate = case_create(
        kind=kept.kind,
        channel=Channel.LETTER,
        received_at=clock.now(),
        subject="Leak again",
        by=people.teammate,
        customer=kept.customer,
        assign_to=people.teammate,
        clock=clock,
    )
    translation = deadline_start(
        case=duplicate,
        standard_key="translation",
        at=clock.now(),
        by=None,
        policy=active_policy(),
        clock=clock,
    )
    note_add(case=duplicate, text="Called them", by=people.teammate, clock=clock)
    letter_deadline = duplicate.deadlines.get(standard_key="letter_email_response")

    done = case_merge(kept=kept, merged=duplicate, by=people.officer, clock=clock)

    duplicate.refresh_from_db()
    letter_deadline.refresh_from_db()
    translation.refresh_from_db()
    assert done.ended == ("letter_email_response",)
    assert duplicate.status == CaseStatus.CLOSED
    assert duplicate.merged_into == kept
    assert letter_deadline.case == kept
    assert letter_deadline.status == DeadlineStatus.ENDED_UNMET
    # a task's own deadline is never a duplicate: it moves, to the kept case's officer
    assert translation.case == kept
    assert translation.status == DeadlineStatus.OPEN
    assert translation.assigned_to == people.officer
    assert kept.contacts.count() == 2
    assert not duplicate.contacts.exists()
    assert kept.events.filter(kind=EventKind.NOTE, data__text="Called them").exists()
    assert event_read(kept.events.get(kind=EventKind.MERGED)) == Merged(
        other=duplicate.reference, kept=True, ended=("letter_email_response",)
    )
    assert event_read(duplicate.events.get()) == Merged(other=kept.reference, kept=False)
    assert (
        kept.deadlines.filter(
            status=DeadlineStatus.OPEN, standard_key="letter_email_response"
        ).count()
        == 1
    )


def test_merging_is_refused_into_itself_twice_or_across_customers(people, clock):
    kept = customer_case(people, clock)
    other_person = customer_case(people, clock, first_name="Sam", last_name="Smith")
    with pytest.raises(errors.MergeRefused, match="into itself"):
        case_merge(kept=kept, merged=kept, by=people.officer, clock=clock)
    with pytest.raises(errors.MergeRefused, match="about different customers"):
        case_merge(kept=kept, merged=other_person, by=people.officer, clock=clock)
    same_person = case_create(
        kind=kept.kind,
        channel=Channel.PHONE,
        received_at=clock.now(),
        subject="Again",
        by=people.officer,
        customer=kept.customer,
        clock=clock,
    )
    case_merge(kept=kept, merged=same_person, by=people.officer, clock=clock)
    with pytest.raises(errors.MergeRefused, match="already been merged"):
        case_merge(kept=kept, merged=same_person, by=people.officer, clock=clock)
    with pytest.raises(errors.MergeRefused, match="already been merged"):
        case_merge(kept=same_person, merged=kept, by=people.officer, clock=clock)


def test_nothing_merges_into_a_finished_case_and_a_merged_case_is_not_reopened(people, clock):
    kept = customer_case(people, clock)
    nameless = case_create(
        kind=kept.kind,
        channel=Channel.PHONE,
        received_at=clock.now(),
        subject="Anon",
        by=people.officer,
        clock=clock,
    )
    case_merge(kept=kept, merged=nameless, by=people.officer, clock=clock)
    with pytest.raises(errors.CaseMergedAway, match=f"merged into {kept.reference}"):
        case_reopen(case=nameless, reason="x", by=people.officer, clock=clock)
    case_finish(case=kept, status="closed", outcome="Done", by=people.officer, clock=clock)
    another = customer_case(people, clock)
    Case.objects.filter(pk=another.pk).update(customer=kept.customer)
    with pytest.raises(errors.MergeRefused, match="Reopen it first"):
        case_merge(kept=kept, merged=another, by=people.officer, clock=clock)


def test_a_case_with_no_customer_takes_the_duplicates(people, clock):
    kept = case_create(
        kind="general_enquiry",
        channel=Channel.PHONE,
        received_at=clock.now(),
        subject="Anon",
        by=people.officer,
        clock=clock,
    )
    named = customer_case(people, clock)
    case_merge(kept=kept, merged=named, by=people.officer, clock=clock)
    kept.refresh_from_db()
    assert kept.customer == named.customer


def test_what_other_apps_keep_about_the_duplicate_moves_but_its_notices_stay(people, clock):
    kept = customer_case(people, clock)
    duplicate = case_create(
        kind=kept.kind,
        channel=Channel.LETTER,
        received_at=clock.now(),
        subject="Again",
        by=people.officer,
        customer=kept.customer,
        clock=clock,
    )
    letter = letter_log(
        sender="Ms Jo Jones",
        received_at=clock.now(),
        by=people.officer,
        policy=active_policy(),
        clock=clock,
        case=duplicate,
    )
    note_add(case=duplicate, text="@tia_teammate look", by=people.officer, clock=clock)
    earlier = case_create(
        kind=kept.kind,
        channel=Channel.PHONE,
        received_at=clock.now(),
        subject="First",
        by=people.officer,
        customer=kept.customer,
        clock=clock,
    )
    case_merge(kept=duplicate, merged=earlier, by=people.officer, clock=clock)

    case_merge(kept=kept, merged=duplicate, by=people.officer, clock=clock)

    letter.refresh_from_db()
    earlier.refresh_from_db()
    assert letter.case == kept
    assert earlier.merged_into == kept  # the pointer follows to the case kept
    assert Notification.objects.get().case == duplicate
