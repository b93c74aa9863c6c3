"""Migration 0004 changes the measures' key and the calls' time index by hand, both ways;
0007 gives the calls already here their callers' keys."""

import importlib
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from hypothesis import given
from hypothesis import strategies as st

from caredesk.core.phones import phone_key
from caredesk.core.tests.test_phones import numbers

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


# -- 0007: the callers' keys ------------------------------------------------------------

CALLER_KEYS = importlib.import_module("caredesk.telephony.migrations.0007_call_caller_key")
WRITTEN = [
    "01632 960001",
    "(01632) 960-001",
    "+44 1632 960001",
    "441632960001",
    "07700900123",
    "",
    "Anonymous",
    "٠١٦٣٢ 960001",  # digits of another script do not count
]


@pytest.mark.django_db(transaction=True)
def test_the_calls_already_here_get_their_callers_keys(monkeypatch):
    old = migrate([("telephony", "0006_call_notes")])
    Call = old.get_model("telephony", "Call")
    Call.objects.bulk_create(
        Call(source="asterisk", call_key=str(n), caller=caller, started_at=AT, outcome="answered")
        for n, caller in enumerate(WRITTEN * 3)  # more calls than a batch, on SQLite
    )
    try:
        monkeypatch.setattr(CALLER_KEYS, "BATCH", 5)
        new = migrate([("telephony", "0007_call_caller_key")])
        keys = new.get_model("telephony", "Call").objects.values_list("caller", "caller_key")
        assert len(keys) == len(WRITTEN) * 3
        assert all(key == phone_key(caller) for caller, key in keys), list(keys)
        assert dict(keys)["٠١٦٣٢ 960001"] == "960001"
    finally:
        migrate(migrate_to_latest())


# PostgreSQL text holds no NUL; lone surrogates are no text at all.
storable_numbers = numbers.map(lambda text: text.replace("\x00", ""))


@given(st.lists(numbers, max_size=20))
def test_the_migrations_python_key_is_phone_key(texts):
    assert [CALLER_KEYS.phone_key(text) for text in texts] == [phone_key(t) for t in texts]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's regexp_replace")
@pytest.mark.django_db
@given(st.lists(storable_numbers, max_size=20))
def test_the_migrations_postgresql_key_is_phone_key(texts):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {CALLER_KEYS.POSTGRESQL_KEY} FROM unnest(%s::text[]) WITH ORDINALITY "
            "AS t (caller, n) ORDER BY n",
            [texts],
        )
        assert [key for (key,) in cursor.fetchall()] == [phone_key(text) for text in texts]
