"""Migration 0004 changes the measures' key and the calls' time index by hand, both ways."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("telephony", "0003_no_duplicate_indexes")]
AFTER = [("telephony", "0004_lean_call_indexes")]
AT = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_measures_keep_their_rows_and_the_time_index_turns_brin_and_back():
    old = migrate(BEFORE)
    Call = old.get_model("telephony", "Call")
    OldMeasure = old.get_model("telephony", "CallMeasure")
    call = Call.objects.create(
        source="asterisk", call_key="1.1", started_at=AT, outcome="answered", seconds_to_answer=5
    )
    for key, met in (("phone_answer_rings", True), ("phone_answer_seconds", False)):
        OldMeasure.objects.create(call=call, standard_key=key, due_at=AT, met=met)
    try:
        new = migrate(AFTER)
        Measure = new.get_model("telephony", "CallMeasure")
        assert sorted(Measure.objects.values_list("call_id", "standard_key", "met")) == [
            (call.pk, "phone_answer_rings", True),
            (call.pk, "phone_answer_seconds", False),
        ]
        with pytest.raises(IntegrityError), transaction.atomic():
            Measure.objects.create(
                call_id=call.pk, standard_key="phone_answer_rings", due_at=AT, met=False
            )
        if connection.vendor == "postgresql":
            assert "USING brin (started_at)" in index_definition("telephony_c_started_e0c38e_idx")
        migrate(BEFORE)
        if connection.vendor == "postgresql":
            assert "USING btree (started_at)" in index_definition("telephony_c_started_e0c38e_idx")
        assert sorted(OldMeasure.objects.values_list("standard_key", "met")) == [
            ("phone_answer_rings", True),
            ("phone_answer_seconds", False),
        ]
    finally:
        migrate(migrate_to_latest())


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def index_definition(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        return cursor.fetchone()[0]
