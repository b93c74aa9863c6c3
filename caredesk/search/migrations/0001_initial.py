"""The case-text index: its entries, and per database the triggers and text index that
keep them (caredesk.search.index_sql)."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from caredesk.search import index_sql


def _run(statements: list[str], schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in statements:
        schema_editor.execute(statement, params=None)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(index_sql.postgresql_forwards(), schema_editor)
    elif vendor == "sqlite":
        _run(index_sql.sqlite_forwards(), schema_editor)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(index_sql.postgresql_backwards(), schema_editor)
    elif vendor == "sqlite":
        _run(index_sql.sqlite_backwards(), schema_editor)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0004_deadline_time_taken"),
        ("mail", "0004_inboundemail_parked"),
        ("documents", "0002_letter_signature_and_translation_deadline"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("case", "Case subject and description"), ("note", "Note"), ("contact", "Contact"), ("email_received", "Email received"), ("email_sent", "Email sent"), ("letter_sent", "Letter sent"), ("letter_received", "Letter received")], max_length=20)),
                ("source_id", models.BigIntegerField()),
                ("text", models.TextField()),
                ("at", models.DateTimeField()),
                ("case", models.ForeignKey(db_constraint=False, on_delete=models.deletion.DO_NOTHING, related_name="+", to="cases.case")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("kind", "source_id"), name="search_entry_source")],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
