"""Calls keep their caller's number as a key (`Call.caller_key`), and the calls already
here get theirs.

The key is `core.phones.phone_key` of the caller: its ASCII digits, a leading 44 made 0.
PostgreSQL works it out itself, in one UPDATE (two regexp_replace, one pass over the
table: a million calls in seconds). SQLite has no regexp_replace: there Python works it
out, a batch of calls at a time. Both are held to phone_key by
telephony/tests/test_migrations.py; they are copied here, not imported, so that this
migration does what it did when it was written whatever becomes of phone_key.
"""

import re

from django.db import migrations, models

# phone_key in PostgreSQL: [^0-9] is any character but the ten ASCII digits, as in Python.
POSTGRESQL_KEY = "regexp_replace(regexp_replace(caller, '[^0-9]+', '', 'g'), '^44', '0')"
BATCH = 10_000  # SQLite: calls read and written at a time

_NOT_DIGITS = re.compile("[^0-9]+")


def phone_key(phone):
    """core.phones.phone_key as it was when this migration was written."""
    digits = _NOT_DIGITS.sub("", phone)
    return "0" + digits[2:] if digits.startswith("44") else digits


def caller_keys_fill(apps, schema_editor):
    table = apps.get_model("telephony", "Call")._meta.db_table
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(f"UPDATE {table} SET caller_key = {POSTGRESQL_KEY} WHERE caller <> ''")
        return
    if connection.vendor != "sqlite":
        raise NotImplementedError(f"caredesk runs on PostgreSQL or SQLite, not {connection.vendor}.")
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT id, caller FROM {table} WHERE id > %s AND caller <> '' "
                "ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            cursor.executemany(
                f"UPDATE {table} SET caller_key = %s WHERE id = %s",
                [(phone_key(caller), pk) for pk, caller in rows],
            )
            last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("telephony", "0006_call_notes"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="caller_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=80),
        ),
        # Going back, the column goes: nothing to undo first.
        migrations.RunPython(caller_keys_fill, migrations.RunPython.noop, elidable=True),
    ]
