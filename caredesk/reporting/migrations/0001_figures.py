"""The daily roll-ups, and the triggers that mark a day to count again.

A trigger fires on every write to a deadline, a case, or a customer's type, whatever
made it, so no change can leave the figures behind. Each writes the UTC dates the change
touches into reporting_staleday; caredesk.reporting.rollups counts those days again.
PostgreSQL's triggers run once per statement over its transition tables (a bulk insert
of a million deadlines writes a few marks, not a million); SQLite's run once per row.
"""

from django.db import migrations, models

# What a deadline's figures depend on: a change to anything else (a warning sent, say)
# changes no figure and marks nothing.
DEADLINE_COLUMNS = [
    "case_id",
    "standard_key",
    "starts_at",
    "due_at",
    "standard_due_at",
    "revised_due_at",
    "met_at",
    "ended_at",
    "status",
    "assigned_to_id",
    "team_id",
    "time_taken",
]
CASE_COLUMNS = [
    "kind",
    "channel",
    "customer_id",
    "received_at",
    "resolved_at_first_contact",
    "assigned_to_id",
    "team_id",
]


def _row(alias, columns):
    return "(" + ", ".join(f"{alias}.{c}" for c in columns) + ")"


# -- PostgreSQL ---------------------------------------------------------------------------

PG_UTC = "(({}) AT TIME ZONE 'UTC')::date"

PG_DEADLINE_DAYS = f"""
    SELECT {PG_UTC.format("r.starts_at")} FROM {{rows}} r {{where}}
    UNION
    SELECT {PG_UTC.format("COALESCE(r.met_at, r.ended_at)")} FROM {{rows}} r
        {{where_and}} COALESCE(r.met_at, r.ended_at) IS NOT NULL
"""


def _pg_deadline_days(rows, where=""):
    where_and = f"{where} AND" if where else "WHERE"
    return PG_DEADLINE_DAYS.format(rows=rows, where=where, where_and=where_and)


PG_CHANGED_DEADLINES = (
    f"r.id IN (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
    f"WHERE {_row('n', DEADLINE_COLUMNS)} IS DISTINCT FROM {_row('o', DEADLINE_COLUMNS)})"
)
PG_CHANGED_CASES = (
    f"c.id IN (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
    f"WHERE {_row('n', CASE_COLUMNS)} IS DISTINCT FROM {_row('o', CASE_COLUMNS)})"
)


def _pg_case_days(cases, condition="TRUE"):
    """The days of the cases (alias c) of `cases` that meet `condition`, and of all
    their deadlines."""
    return f"""
        SELECT {PG_UTC.format("c.received_at")} FROM {cases} c WHERE {condition}
        UNION
        SELECT {PG_UTC.format("d.starts_at")} FROM {cases} c
            JOIN cases_deadline d ON d.case_id = c.id WHERE {condition}
        UNION
        SELECT {PG_UTC.format("COALESCE(d.met_at, d.ended_at)")} FROM {cases} c
            JOIN cases_deadline d ON d.case_id = c.id
            WHERE {condition} AND COALESCE(d.met_at, d.ended_at) IS NOT NULL
    """


PG_FORWARD = f"""
CREATE FUNCTION reporting_mark_deadline_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reporting_staleday (utc_date) {_pg_deadline_days("new_rows")};
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO reporting_staleday (utc_date) {_pg_deadline_days("old_rows")};
    ELSE
        INSERT INTO reporting_staleday (utc_date)
            {_pg_deadline_days("new_rows", f"WHERE {PG_CHANGED_DEADLINES}")}
            UNION {_pg_deadline_days("old_rows", f"WHERE {PG_CHANGED_DEADLINES}")};
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER reporting_deadlines_inserted AFTER INSERT ON cases_deadline
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reporting_mark_deadline_days();
CREATE TRIGGER reporting_deadlines_updated AFTER UPDATE ON cases_deadline
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reporting_mark_deadline_days();
CREATE TRIGGER reporting_deadlines_deleted AFTER DELETE ON cases_deadline
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reporting_mark_deadline_days();

CREATE FUNCTION reporting_mark_case_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reporting_staleday (utc_date)
            SELECT DISTINCT {PG_UTC.format("c.received_at")} FROM new_rows c;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO reporting_staleday (utc_date)
            SELECT DISTINCT {PG_UTC.format("c.received_at")} FROM old_rows c;
    ELSE
        INSERT INTO reporting_staleday (utc_date)
            {_pg_case_days("new_rows", PG_CHANGED_CASES)}
            UNION
            {_pg_case_days("old_rows", PG_CHANGED_CASES)};
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER reporting_cases_inserted AFTER INSERT ON cases_case
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reporting_mark_case_days();
CREATE TRIGGER reporting_cases_updated AFTER UPDATE ON cases_case
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reporting_mark_case_days();
CREATE TRIGGER reporting_cases_deleted AFTER DELETE ON cases_case
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reporting_mark_case_days();

CREATE FUNCTION reporting_mark_customer_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reporting_staleday (utc_date)
        {_pg_case_days(
            "cases_case",
            "c.customer_id IN (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
            "WHERE n.customer_type IS DISTINCT FROM o.customer_type)",
        )};
    RETURN NULL;
END $$;

CREATE TRIGGER reporting_customers_updated AFTER UPDATE ON customers_customer
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reporting_mark_customer_days();
"""

PG_BACKWARD = """
DROP TRIGGER reporting_customers_updated ON customers_customer;
DROP FUNCTION reporting_mark_customer_days();
DROP TRIGGER reporting_cases_inserted ON cases_case;
DROP TRIGGER reporting_cases_updated ON cases_case;
DROP TRIGGER reporting_cases_deleted ON cases_case;
DROP FUNCTION reporting_mark_case_days();
DROP TRIGGER reporting_deadlines_inserted ON cases_deadline;
DROP TRIGGER reporting_deadlines_updated ON cases_deadline;
DROP TRIGGER reporting_deadlines_deleted ON cases_deadline;
DROP FUNCTION reporting_mark_deadline_days();
"""

# -- SQLite ---------------------------------------------------------------------------------
# Django keeps SQLite's datetimes as UTC text, "2025-06-20 12:00:00[.ffffff]": date() reads it.


def _sqlite_deadline_days(row):
    return (
        f"INSERT INTO reporting_staleday (utc_date) SELECT date({row}.starts_at) "
        f"UNION SELECT date(COALESCE({row}.met_at, {row}.ended_at)) "
        f"WHERE COALESCE({row}.met_at, {row}.ended_at) IS NOT NULL;"
    )


def _sqlite_case_days(condition):
    return (
        "INSERT INTO reporting_staleday (utc_date) "
        f"SELECT date(c.received_at) FROM cases_case c WHERE {condition} "
        f"UNION SELECT date(d.starts_at) FROM cases_case c "
        f"JOIN cases_deadline d ON d.case_id = c.id WHERE {condition} "
        f"UNION SELECT date(COALESCE(d.met_at, d.ended_at)) FROM cases_case c "
        f"JOIN cases_deadline d ON d.case_id = c.id WHERE {condition} "
        f"AND COALESCE(d.met_at, d.ended_at) IS NOT NULL;"
    )


def _sqlite_changed(columns):
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


SQLITE_FORWARD = [
    f"""CREATE TRIGGER reporting_deadline_inserted AFTER INSERT ON cases_deadline BEGIN
        {_sqlite_deadline_days("NEW")} END""",
    f"""CREATE TRIGGER reporting_deadline_updated AFTER UPDATE ON cases_deadline
        WHEN {_sqlite_changed(DEADLINE_COLUMNS)} BEGIN
        {_sqlite_deadline_days("OLD")} {_sqlite_deadline_days("NEW")} END""",
    f"""CREATE TRIGGER reporting_deadline_deleted AFTER DELETE ON cases_deadline BEGIN
        {_sqlite_deadline_days("OLD")} END""",
    """CREATE TRIGGER reporting_case_inserted AFTER INSERT ON cases_case BEGIN
        INSERT INTO reporting_staleday (utc_date) VALUES (date(NEW.received_at)); END""",
    f"""CREATE TRIGGER reporting_case_updated AFTER UPDATE ON cases_case
        WHEN {_sqlite_changed(CASE_COLUMNS)} BEGIN
        INSERT INTO reporting_staleday (utc_date) VALUES (date(OLD.received_at));
        {_sqlite_case_days("c.id = NEW.id")} END""",
    """CREATE TRIGGER reporting_case_deleted AFTER DELETE ON cases_case BEGIN
        INSERT INTO reporting_staleday (utc_date) VALUES (date(OLD.received_at)); END""",
    f"""CREATE TRIGGER reporting_customer_type_changed AFTER UPDATE OF customer_type
        ON customers_customer WHEN OLD.customer_type IS NOT NEW.customer_type BEGIN
        {_sqlite_case_days("c.customer_id = NEW.id")} END""",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER {name}"
    for name in (
        "reporting_deadline_inserted",
        "reporting_deadline_updated",
        "reporting_deadline_deleted",
        "reporting_case_inserted",
        "reporting_case_updated",
        "reporting_case_deleted",
        "reporting_customer_type_changed",
    )
]


def triggers_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    else:
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    else:
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


def everything_stale(apps, schema_editor):
    """Mark every day that has a case, so the first refresh counts the records so far."""
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(
                "INSERT INTO reporting_staleday (utc_date) "
                f"{_pg_case_days('cases_case')}"
            )
        else:
            cursor.execute(_sqlite_case_days("1 = 1"))


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0004_deadline_time_taken"),
        ("customers", "0002_customer_access"),
    ]

    operations = [
        migrations.CreateModel(
            name="StaleDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("utc_date", models.DateField()),
            ],
        ),
        migrations.CreateModel(
            name="DailyFigure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("standard_key", models.CharField(max_length=60)),
                (
                    "cut",
                    models.CharField(
                        choices=[
                            ("all", "Everyone"),
                            ("team", "Team"),
                            ("officer", "Officer"),
                            ("channel", "Channel"),
                            ("customer_type", "Customer type"),
                            ("case_kind", "Kind of case"),
                        ],
                        max_length=20,
                    ),
                ),
                ("value", models.CharField(blank=True, max_length=60)),
                ("received", models.PositiveIntegerField(default=0)),
                (
                    "met_in_time",
                    models.PositiveIntegerField(
                        default=0, help_text="By the standard's due time."
                    ),
                ),
                (
                    "met_by_revised",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="Late for the standard, but by the date a holding reply gave.",
                    ),
                ),
                ("met_late", models.PositiveIntegerField(default=0)),
                (
                    "ended_overdue",
                    models.PositiveIntegerField(
                        default=0, help_text="Ended unmet after its due time: a breach."
                    ),
                ),
                (
                    "ended_in_time",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="Ended unmet before its due time (the case closed): not measured.",
                    ),
                ),
                ("taken", models.JSONField(default=dict)),
            ],
            options={
                "indexes": [models.Index(fields=["cut", "day"], name="figures_by_cut_and_day")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("cut", "standard_key", "value", "day"), name="one_figure_per_day"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DailyCaseFigure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                (
                    "cut",
                    models.CharField(
                        choices=[
                            ("all", "Everyone"),
                            ("team", "Team"),
                            ("officer", "Officer"),
                            ("channel", "Channel"),
                            ("customer_type", "Customer type"),
                            ("case_kind", "Kind of case"),
                        ],
                        max_length=20,
                    ),
                ),
                ("value", models.CharField(blank=True, max_length=60)),
                ("received", models.PositiveIntegerField(default=0)),
                ("resolved_at_first_contact", models.PositiveIntegerField(default=0)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["cut", "day"], name="case_figures_by_cut_and_day")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("cut", "value", "day"), name="one_case_figure_per_day"
                    )
                ],
            },
        ),
        migrations.RunPython(triggers_create, triggers_drop),
        migrations.RunPython(everything_stale, migrations.RunPython.noop),
    ]
