# Case.raised_from: the case a complaint is about (cases.complaint_offers).
#
# As in 0005: on SQLite the column is added with plain ALTER TABLE ... ADD COLUMN, and
# taken away with DROP COLUMN, never by Django rebuilding cases_case, which would drop
# the triggers on it and fail on a trigger elsewhere that names it. On PostgreSQL, what
# AddField does. The state is the AddField.

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

FIELD = models.ForeignKey(
    blank=True,
    null=True,
    on_delete=django.db.models.deletion.SET_NULL,
    related_name="raised_cases",
    to="cases.case",
)
INDEX = "cases_case_raised_from_id_cb4ed235"  # the name Django gives it (sqlmigrate)
SQLITE_FORWARDS = [
    'ALTER TABLE "cases_case" ADD COLUMN "raised_from_id" bigint NULL '
    'REFERENCES "cases_case" ("id") DEFERRABLE INITIALLY DEFERRED',
    f'CREATE INDEX "{INDEX}" ON "cases_case" ("raised_from_id")',
]
SQLITE_BACKWARDS = [
    f'DROP INDEX IF EXISTS "{INDEX}"',
    'ALTER TABLE "cases_case" DROP COLUMN "raised_from_id"',
]


def _field(apps: StateApps) -> tuple[type[models.Model], models.Field]:
    case = apps.get_model("cases", "Case")
    field = FIELD.clone()
    field.set_attributes_from_name("raised_from")
    field.model = case
    field.remote_field.model = case
    field.remote_field.field_name = case._meta.pk.name
    return case, field


def column_add(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARDS:
            schema_editor.execute(statement, params=None)
        return
    schema_editor.add_field(*_field(apps))


def column_remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARDS:
            schema_editor.execute(statement, params=None)
        return
    schema_editor.remove_field(*_field(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_event_kind_complaint"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="case", name="raised_from", field=FIELD.clone())
            ],
            database_operations=[migrations.RunPython(column_add, column_remove)],
        ),
    ]
