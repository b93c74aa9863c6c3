"""The roll-up triggers on PostgreSQL: as fast late in a session as in a fresh one.

Why (issue 14, section 3). PL/pgSQL prepares each query of a function once per session and
keeps the plan. A query with no PL/pgSQL variables in it has no parameters, so PostgreSQL
never makes a custom plan for it: the one plan, made at the function's first call in the
session, serves every later call, and it is made for the sizes the transition tables
(old_rows, new_rows) had then. After a session's first UPDATE of one deadline, 0001's
"which rows changed" ran as nested loops: for each row of new_rows, a scan of new_rows
joined to a scan of old_rows, four times over (auto_explain at 200 rows: "Named
Tuplestore Scan (rows=1) (actual rows=199 loops=20100)"). Cubic: on 200,000 deadlines,
such an UPDATE took 0.3 s for 100 rows, 2.8 s for 200, 19 s for 400 and 317 s for 1,000,
against 17 to 100 ms in a fresh session, whose first call planned hash joins. The case
trigger had the same plan (cubic too: over 120 s for 1,000 cases), the customer trigger
a quadratic one. Every long-lived connection met them: the worker, gunicorn with
CONN_MAX_AGE, and `report rebuild` (`deadlines_time_taken_fill` updates 1 to 5,000 rows a
statement).

What was measured (the trigger's own time after a 1-row UPDATE in the same session,
200,000 deadlines, 2 shared cores; benchmarks/trigger.py and BENCHMARKS.md):

- `plan_cache_mode = force_custom_plan`, for the session or on the function: no change
  (an UPDATE of 200 rows still took 2.7 to 3.1 s). It only chooses between plans for
  queries with parameters, and these have none.
- 0001's queries run with EXECUTE (planned at each call, for that call's sizes): 11 to
  19 ms for 1,000 rows, but 2.4 to 3.9 s for 30,000 (four joins, each sorted on disk),
  and 0.55 to 0.9 ms for a 1-row UPDATE, where 0001 took 0.08 ms.
- The rows that changed found with EXCEPT instead of a join: 5 to 14 ms for 1,000 rows,
  0.2 to 0.4 s for 30,000, 1.0 to 1.8 s for 190,000, with or without EXECUTE. Without,
  a 1-row UPDATE costs 0.1 ms; with, 0.3 to 0.4 ms (planning), which `report rebuild`
  pays 20,884 times over in `deadlines_time_taken_fill` (3.7 s in the trigger became
  8.8 s; 3.7 s again as chosen below). But without EXECUTE, a plan kept from a small
  UPDATE hashes every row of a huge one in memory, with no limit (a hashed EXCEPT never
  spills to disk): gigabytes for millions.

So the UPDATE branches, which compare old_rows with new_rows, now:

- find the changed rows with EXCEPT: new_rows EXCEPT old_rows is the new version of each
  row whose columns changed (a row the UPDATE left as it was is the same in both tables),
  and old_rows EXCEPT new_rows its old version. Each transition table is read twice,
  whatever the plan: a set operation never rescans one table for each row of the other,
  so even a plan made for another size stays linear. Rows compare as the join compared
  them (two NULLs are equal, as with IS NOT DISTINCT FROM), so the same days are marked.
- use the session's kept plan for an UPDATE of up to 1,000 rows (0.1 ms for one row, as
  before), and above that run the same query with EXECUTE, planned for its own
  transition tables (a hash or a sort that spills to disk, chosen by their real sizes),
  for 0.2 ms of planning. Telling which reads at most 1,001 rows.
- read each deadline of the changed cases (or of the changed customers' cases) once, for
  both its days, where 0001 read it twice.

The INSERT and DELETE branches read one transition table once, with no join: their kept
plans are right for any size, and they stay as they were. SQLite's triggers run per row
and are not changed. Undone, 0001's functions and triggers come back as they were.
"""

from importlib import import_module

from django.db import migrations

# What a figure depends on, as in 0001 (a change to anything else marks nothing).
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

UTC = "(({}) AT TIME ZONE 'UTC')::date"


def _changed(columns):
    """Both versions, old and new, of each row whose `columns` changed."""
    listed = ", ".join(["id", *columns])
    return (
        f"(SELECT {listed} FROM new_rows EXCEPT SELECT {listed} FROM old_rows) "
        f"UNION ALL (SELECT {listed} FROM old_rows EXCEPT SELECT {listed} FROM new_rows)"
    )


def _deadline_days(rows):
    return f"""
        SELECT {UTC.format("r.starts_at")} FROM {rows} r
        UNION
        SELECT {UTC.format("COALESCE(r.met_at, r.ended_at)")} FROM {rows} r
            WHERE COALESCE(r.met_at, r.ended_at) IS NOT NULL
    """


def _case_days(case_ids):
    """The days of every deadline of the cases whose ids `case_ids` selects: each
    deadline read once, for both its days."""
    return f"""
        SELECT {UTC.format("v.at")} FROM cases_deadline d
            CROSS JOIN LATERAL (VALUES (d.starts_at), (COALESCE(d.met_at, d.ended_at))) v(at)
            WHERE d.case_id IN ({case_ids}) AND v.at IS NOT NULL
    """


# Up to this many rows, an UPDATE's marks use the plan the session keeps (the EXCEPT
# queries are linear whatever size it was made for); above, a plan made for the UPDATE.
KEPT_PLAN_ROWS = 1000


def _planned_for_its_size(query):
    """Run `query` with the session's kept plan for an UPDATE of up to KEPT_PLAN_ROWS
    rows, and planned for its own size (EXECUTE) above that."""
    return f"""
        IF NOT EXISTS (SELECT FROM new_rows OFFSET {KEPT_PLAN_ROWS}) THEN
            {query};
        ELSE
            EXECUTE $sql$ {query} $sql$;
        END IF;"""


DEADLINE_UPDATE = f"""
    WITH changed AS ({_changed(DEADLINE_COLUMNS)})
    INSERT INTO reporting_staleday (utc_date) {_deadline_days("changed")}"""

CASE_UPDATE = f"""
    WITH changed AS ({_changed(CASE_COLUMNS)})
    INSERT INTO reporting_staleday (utc_date)
        SELECT {UTC.format("c.received_at")} FROM changed c
        UNION
        {_case_days("SELECT id FROM changed")}"""

CUSTOMER_UPDATE = f"""
    WITH changed AS (
        SELECT id, customer_type FROM new_rows EXCEPT SELECT id, customer_type FROM old_rows
    ),
    cases AS (
        SELECT c.id, c.received_at FROM cases_case c
        WHERE c.customer_id IN (SELECT id FROM changed)
    )
    INSERT INTO reporting_staleday (utc_date)
        SELECT {UTC.format("c.received_at")} FROM cases c
        UNION
        {_case_days("SELECT id FROM cases")}"""

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION reporting_mark_deadline_days() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reporting_staleday (utc_date) {_deadline_days("new_rows")};
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO reporting_staleday (utc_date) {_deadline_days("old_rows")};
    ELSE
        {_planned_for_its_size(DEADLINE_UPDATE)}
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION reporting_mark_case_days() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reporting_staleday (utc_date)
            SELECT DISTINCT {UTC.format("c.received_at")} FROM new_rows c;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO reporting_staleday (utc_date)
            SELECT DISTINCT {UTC.format("c.received_at")} FROM old_rows c;
    ELSE
        {_planned_for_its_size(CASE_UPDATE)}
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION reporting_mark_customer_days() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    {_planned_for_its_size(CUSTOMER_UPDATE)}
    RETURN NULL;
END $$;
"""


def functions_replace(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)


def functions_restore(apps, schema_editor):
    """0001's functions and triggers, exactly as it made them."""
    if schema_editor.connection.vendor == "postgresql":
        first = import_module("caredesk.reporting.migrations.0001_figures")
        schema_editor.execute(first.PG_BACKWARD)
        schema_editor.execute(first.PG_FORWARD)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_board_commentary")]

    operations = [migrations.RunPython(functions_replace, functions_restore)]
