"""Finding cases by reference and by the words written on them: every source is indexed
the moment it is written, changed or deleted, by the database itself (SQLite FTS5 and
PostgreSQL full-text search; run on both)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.cases.models import CaseEvent, CaseKind, Channel, Contact, Direction, EventKind
from caredesk.cases.services import case_create, contact_log, note_add
from caredesk.customers.models import CustomerType
from caredesk.customers.services import customer_create
from caredesk.documents.models import CaseLetter, DocumentKind
from caredesk.mail.models import InboundEmail, OutboundEmail, ReceivedLetter, Threading
from caredesk.search.models import SearchEntry
from caredesk.search.selectors import (
    case_by_reference,
    cases_by_reference_start,
    cases_search,
    search_everything,
)

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


@pytest.fixture
def case(people):
    return new_case(people, "Fence panel blown down", "The garden fence fell in the storm.")


def new_case(people, subject, description=""):
    return case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.PHONE,
        received_at=NOW - timedelta(days=1),
        subject=subject,
        description=description,
        customer=None,
        assign_to=people.officer,
        by=people.officer,
    )


def references(text):
    return [hit.case.reference for hit in cases_search(text=text, limit=50)]


def found(text):
    return [(hit.case.reference, hit.found_in) for hit in cases_search(text=text, limit=50)]


def test_the_subject_and_description_are_found_stemmed(case):
    assert found("fence") == [(case.reference, "Case subject and description")]
    assert references("storms") == [case.reference]  # "storm" in the text
    assert references("PANEL") == [case.reference]


def test_every_word_must_be_in_the_same_piece_of_writing(case):
    assert references("fence storm") == [case.reference]
    assert found("fence boiler") == []


def test_a_note_is_found_at_once_and_no_longer_once_deleted(people, case):
    note = note_add(case=case, text="Tenant mentioned asbestos in the loft", by=people.officer)
    assert found("asbestos") == [(case.reference, "Note")]
    CaseEvent.objects.filter(pk=note.pk).delete()
    assert found("asbestos") == []


def test_only_notes_among_the_case_events_are_indexed(people, case):
    CaseEvent.objects.create(case=case, kind=EventKind.ASSIGNED, at=NOW, data={"text": "wombat"})
    assert found("wombat") == []


def test_a_contact_summary_is_found_and_an_edit_is_followed(people, case):
    contact = contact_log(
        case=case,
        channel=Channel.PHONE,
        direction=Direction.INBOUND,
        by=people.officer,
        summary="Rang about the radiator",
    )
    assert found("radiator") == [(case.reference, "Contact")]
    Contact.objects.filter(pk=contact.pk).update(summary="Rang about the boiler")
    assert found("radiator") == []
    assert found("boiler") == [(case.reference, "Contact")]


def test_emails_either_way_and_letters_either_way_are_found(people, case):
    InboundEmail.objects.create(
        message_key="a@example.net",
        case=case,
        threading=Threading.NEW_CASE,
        subject="Mould",
        text="Black mould in the bathroom",
        received_at=NOW,
        raw_sha256="0" * 64,
        raw_size=10,
        source="test",
    )
    OutboundEmail.objects.create(
        case=case,
        kind=DocumentKind.RESPONSE,
        message_key="b@example.org",
        to_address="x@example.net",
        subject="Your enquiry",
        body="We will send a surveyor",
        created_at=NOW,
    )
    CaseLetter.objects.create(
        case=case,
        kind=DocumentKind.RESPONSE,
        subject="Your enquiry",
        body="The contractor will replace the guttering",
        signed_by=people.officer,
        signed_name="Olu",
        signed_post_title="Officer",
        written_at=NOW,
    )
    ReceivedLetter.objects.create(
        case=case,
        sender="Mrs Quilliam",
        sender_address="1 High Street",
        received_at=NOW,
        logged_at=NOW,
        logged_by=people.officer,
    )
    assert found("bathroom") == [(case.reference, "Email received")]
    assert found("surveyor") == [(case.reference, "Email sent")]
    assert found("guttering") == [(case.reference, "Letter sent")]
    assert found("quilliam") == [(case.reference, "Letter received")]


def test_a_parked_email_with_no_case_is_not_indexed(db):
    InboundEmail.objects.create(
        message_key="c@example.net",
        case=None,
        threading=Threading.PARKED,
        subject="Mould",
        text="Nobody's case",
        received_at=NOW,
        raw_sha256="0" * 64,
        raw_size=10,
        source="test",
    )
    assert SearchEntry.objects.count() == 0


def test_deleting_a_case_takes_everything_written_on_it_out_of_the_index(people, case):
    note_add(case=case, text="asbestos", by=people.officer)
    case.delete()
    assert SearchEntry.objects.count() == 0
    assert found("asbestos fence") == []


def test_the_case_with_the_best_match_comes_first(people):
    once = new_case(people, "Damp", "Some damp in the hall")
    often = new_case(people, "Damp and mould", "Damp, damp everywhere, damp in every room")
    assert [reference for reference, _ in found("damp")] == [often.reference, once.reference]


def test_a_whole_reference_finds_its_case_however_it_is_typed(case):
    assert case_by_reference(text=case.reference.lower()) == case
    assert case_by_reference(text=f"  {case.reference} ") == case
    assert case_by_reference(text="HHT-1999-000001") is None
    assert case_by_reference(text="fence") is None


def test_the_start_of_a_reference_lists_the_cases(people, case):
    other = new_case(people, "Another")
    start = case.reference[: case.reference.rindex("-") + 1]
    assert set(cases_by_reference_start(text=start.lower(), limit=10)) == {case, other}
    assert cases_by_reference_start(text="fence", limit=10) == []


def test_search_everything_shows_fifty_and_says_there_are_more(people):
    for number in range(53):
        new_case(people, f"Broken window {number}")
    everything = search_everything(text="window", shown=50)
    assert len(everything.hits) == 50
    assert everything.more_cases
    assert not search_everything(text="windows broken 7", shown=50).more_cases


def test_search_everything_finds_customers_and_cases_together(people, case):
    fence = customer_create(customer_type=CustomerType.OTHER, organisation="Fence Menders Ltd")
    everything = search_everything(text="fence", shown=50)
    assert everything.customers == [fence]
    assert [hit.case for hit in everything.hits] == [case]
    assert "<mark>fence</mark>" in everything.hits[0].excerpt.lower()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=60).map(lambda t: t.replace("\x00", "")))
def test_any_text_is_searched_without_an_error(case, text):
    cases_search(text=text, limit=5)
    assert connection.vendor in {"sqlite", "postgresql"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_postgresql_searches_case_text_through_its_gin_index(case):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM search_searchentry "
            "WHERE document @@ plainto_tsquery('english', 'fence') LIMIT 10"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_entry_document" in plan


def test_a_note_moved_by_a_case_merge_is_found_on_the_case_kept(people, clock):
    from caredesk.cases.merging import case_merge
    from caredesk.conftest import customer_case

    kept = customer_case(people, clock, subject="Fence")
    duplicate = case_create(
        kind=kept.kind,
        channel=Channel.PHONE,
        received_at=clock.now(),
        subject="Fence again",
        by=people.officer,
        customer=kept.customer,
        clock=clock,
    )
    note_add(case=duplicate, text="Neighbour says the trellis fell", by=people.officer)
    assert references("trellis") == [duplicate.reference]

    case_merge(kept=kept, merged=duplicate, by=people.officer, clock=clock)

    assert references("trellis") == [kept.reference]
    assert SearchEntry.objects.get(kind="note").case_id == kept.pk


def test_a_very_long_email_is_stored_and_its_start_is_found(people, case):
    # 3 MB of distinct words: more than a tsvector may hold (PostgreSQL: 1 MB)
    body = "Zanzibar porcupine arrived. " + " ".join(f"w{n}" for n in range(400_000))
    assert len(body) > 3_000_000
    email = InboundEmail.objects.create(
        message_key="long@example.net",
        case=case,
        threading=Threading.NEW_CASE,
        subject="Everything",
        text=body,
        received_at=NOW,
        raw_sha256="0" * 64,
        raw_size=len(body),
        source="test",
    )
    assert InboundEmail.objects.get(pk=email.pk).text == body  # stored whole
    assert found("zanzibar porcupine") == [(case.reference, "Email received")]
    entry = SearchEntry.objects.get(kind="email_received")
    assert len(entry.text) <= 100_000


def window_cases(people, count):
    """Cases with "window" in their subject, each received a day after the one before."""
    return [
        case_create(
            kind=CaseKind.GENERAL_ENQUIRY,
            channel=Channel.PHONE,
            received_at=NOW - timedelta(days=count - number + 1),
            subject=f"Broken window {number}",
            customer=None,
            by=people.officer,
        )
        for number in range(count)
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's two ways")
@pytest.mark.parametrize("share", [1.0, 0.0], ids=["read back from the newest", "text index"])
def test_postgresql_finds_the_same_either_way_it_reads(people, monkeypatch, share):
    from caredesk.search import selectors

    case = new_case(people, "Fence panel blown down", "The garden fence fell in the storm.")
    new_case(people, "Boiler", "No heating")
    monkeypatch.setattr(selectors, "words_share", lambda lexemes: (share, share, 1_000_000.0))
    assert found("fence storms") == [(case.reference, "Case subject and description")]
    assert found("fence boiler") == []
    assert found("heating") != []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's two ways")
def test_common_words_rank_the_newest_pieces_and_rarer_words_still_find_them(people, monkeypatch):
    from caredesk.search import selectors

    cases = window_cases(people, 5)
    monkeypatch.setattr(selectors, "CANDIDATES", 3)
    monkeypatch.setattr(selectors, "words_share", lambda lexemes: (1.0, 1.0, 1_000_000.0))
    # Equal ranks, so newest case first: the three newest pieces with the word.
    assert references("window") == [case.reference for case in cases[:1:-1]]
    # Fewer than CANDIDATES among the newest RECENT: the text index gives the rest.
    monkeypatch.setattr(selectors, "RECENT", 2)
    assert len(references("window")) == 3
    # Rare by the statistics, and few expected: every match, the newest ranked.
    monkeypatch.setattr(selectors, "words_share", lambda lexemes: (0.000_001, 0.001, 1_000_000.0))
    assert references("window") == [case.reference for case in cases[:1:-1]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_the_share_of_a_word_comes_from_the_statistics_of_the_index(people, monkeypatch):
    from caredesk.search import selectors

    window_cases(people, 20)
    new_case(people, "Fence")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchentry")
    monkeypatch.setattr(selectors, "_statistics", None)
    window, rarest, entries = selectors.words_share(["window"])
    total = SearchEntry.objects.count()
    with_window = SearchEntry.objects.filter(text__icontains="window").count()
    assert window == pytest.approx(with_window / total, abs=0.01)
    assert entries == total
    assert rarest == window
    both, rarest, _ = selectors.words_share(["window", "fenc"])
    assert rarest == selectors.words_share(["fenc"])[0]
    assert both == pytest.approx(window * rarest)
    assert selectors.words_share(["window", "fenc"])[0] < selectors.words_share(["fenc"])[0]
    assert 0 < selectors.words_share(["zanzibar"])[0] < selectors.words_share(["fenc"])[0]
