"""Issue 16's migrations run on a database that already holds records: the rows stay, and
so do the triggers that keep the figures and the search index (SQLite rebuilds a table
to add some columns, which would drop its triggers, or fail on a trigger naming it)."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("cases", "0004_deadline_time_taken"),
    ("customers", "0003_equality_profile"),
    ("staff", "0005_equality_lead_role"),
    ("reporting", "0003_triggers_in_long_sessions"),
    ("documents", "0002_letter_signature_and_translation_deadline"),
    ("notifications", "0003_deadlines_missed_digest"),
    ("search", None),
]
AT = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT DISTINCT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_the_records_and_their_triggers_outlive_the_migrations():
    # given a database as it was before issue 16, with a customer, a case, a contact
    # and a deadline
    old = migrate(BEFORE)
    customer = old.get_model("customers", "Customer").objects.create(
        customer_type="tenant", first_name="Ada", last_name="Lovelace", created_at=AT
    )
    case = old.get_model("cases", "Case").objects.create(
        reference="ENQ-2025-000001",
        kind="enquiry",
        customer_id=customer.pk,
        channel="phone",
        received_at=AT,
        subject="Boiler broken",
        created_at=AT,
    )
    contact = old.get_model("cases", "Contact").objects.create(
        case_id=case.pk, channel="phone", direction="in", at=AT, summary="Rang about it"
    )
    deadline = old.get_model("cases", "Deadline").objects.create(
        case_id=case.pk, standard_key="enquiry_response", starts_at=AT, due_at=AT
    )
    try:
        # when it is migrated to issue 16's migrations
        new = migrate(latest())

        # then the rows are there, with the new columns empty
        Case = new.get_model("cases", "Case")
        kept = Case.objects.get(pk=case.pk)
        assert (kept.subject, kept.customer_id, kept.outcome, kept.complaint_outcome) == (
            "Boiler broken",
            customer.pk,
            "",
            "",
        )
        assert kept.merged_into_id is None
        assert kept.raised_from_id is None
        assert new.get_model("cases", "Contact").objects.get(pk=contact.pk).case_id == case.pk
        assert new.get_model("cases", "Deadline").objects.get(pk=deadline.pk).case_id == case.pk
        kept_customer = new.get_model("customers", "Customer").objects.get(pk=customer.pk)
        assert (kept_customer.last_name, kept_customer.uprn) == ("Lovelace", "")
        # and the triggers that keep the figures and the search index are there
        names = triggers()
        if connection.vendor == "sqlite":
            assert {
                "reporting_case_inserted",
                "reporting_case_updated",
                "reporting_case_deleted",
                "reporting_deadline_updated",
                "reporting_customer_type_changed",
                "search_index_case_insert",
                "search_index_case_update",
                "search_index_note_update",
                "customer_names_fts_update",
            } <= names
        else:
            assert {
                "reporting_cases_updated",
                "reporting_customers_updated",
                "customer_names_search",
            } <= names
            assert any(name.startswith("search_index_case") for name in names)
        # and the new columns work: a case can point at the case it was merged into
        other = Case.objects.create(
            reference="ENQ-2025-000002",
            kind="enquiry",
            customer_id=customer.pk,
            channel="phone",
            received_at=AT,
            subject="Same boiler",
            created_at=AT,
            merged_into_id=case.pk,
            outcome="Duplicate",
        )
        assert Case.objects.get(pk=other.pk).merged_into_id == case.pk

        # and it goes back, and forward again
        migrate(BEFORE)
        assert old.get_model("cases", "Case").objects.filter(pk=case.pk).exists()
    finally:
        migrate(latest())
