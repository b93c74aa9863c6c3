"""Finding customers by any part of their name, organisation, email, phone or postcode.

PostgreSQL: a stored 'simple' (never stemmed: names are not English words) tsvector of
the names, for prefix matches; a trigram index of the same text, for near misses; prefix
indexes of email and postcode. SQLite: an FTS5 table of the names with prefix indexes,
kept by triggers. customers.selectors.customers_search writes these same expressions.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

NAMES = "(first_name || ' ' || last_name || ' ' || organisation)"
NEW_NAMES = "(NEW.first_name || ' ' || NEW.last_name || ' ' || NEW.organisation)"

POSTGRESQL_FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Stored, not an expression index: a search that matches thousands ("Harr") would
    # otherwise compute the vector again for every row it checks. Django does not know
    # the column; a trigger keeps it, whoever writes the row. (Not a generated column:
    # PostgreSQL would then refuse a later migration that changes a name column's type.)
    "ALTER TABLE customers_customer ADD COLUMN names_search tsvector",
    f"""CREATE FUNCTION customer_names_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.names_search := to_tsvector('simple'::regconfig, {NEW_NAMES});
  RETURN NEW;
END $$""",
    "CREATE TRIGGER customer_names_search BEFORE INSERT OR UPDATE OF first_name, last_name, "
    "organisation ON customers_customer FOR EACH ROW EXECUTE FUNCTION customer_names_search()",
    f"UPDATE customers_customer SET names_search = to_tsvector('simple'::regconfig, {NAMES})",
    "CREATE INDEX customer_names_words ON customers_customer USING gin (names_search)",
    f"CREATE INDEX customer_names_trigrams ON customers_customer "
    f"USING gin (lower({NAMES}) gin_trgm_ops)",
    "CREATE INDEX customer_email_prefix ON customers_customer "
    "(upper(email::text) varchar_pattern_ops)",
    "CREATE INDEX customer_postcode_prefix ON customers_customer "
    "(postcode_search varchar_pattern_ops)",
]
POSTGRESQL_BACKWARDS = [
    "DROP INDEX IF EXISTS customer_names_words",
    "DROP INDEX IF EXISTS customer_names_trigrams",
    "DROP INDEX IF EXISTS customer_email_prefix",
    "DROP INDEX IF EXISTS customer_postcode_prefix",
    "DROP TRIGGER IF EXISTS customer_names_search ON customers_customer",
    "DROP FUNCTION IF EXISTS customer_names_search()",
    "ALTER TABLE customers_customer DROP COLUMN IF EXISTS names_search",
    # pg_trgm stays: other databases objects may use it, and it is harmless.
]

FTS = "customer_names_fts"
COLUMNS = "first_name, last_name, organisation"
SQLITE_FORWARDS = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, content='customers_customer', "
    f"content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')",
    f"CREATE TRIGGER customer_names_fts_insert AFTER INSERT ON customers_customer BEGIN "
    f"INSERT INTO {FTS} (rowid, {COLUMNS}) "
    f"VALUES (NEW.id, NEW.first_name, NEW.last_name, NEW.organisation); END",
    f"CREATE TRIGGER customer_names_fts_delete AFTER DELETE ON customers_customer BEGIN "
    f"INSERT INTO {FTS} ({FTS}, rowid, {COLUMNS}) "
    f"VALUES ('delete', OLD.id, OLD.first_name, OLD.last_name, OLD.organisation); END",
    f"CREATE TRIGGER customer_names_fts_update AFTER UPDATE OF {COLUMNS} "
    f"ON customers_customer BEGIN "
    f"INSERT INTO {FTS} ({FTS}, rowid, {COLUMNS}) "
    f"VALUES ('delete', OLD.id, OLD.first_name, OLD.last_name, OLD.organisation); "
    f"INSERT INTO {FTS} (rowid, {COLUMNS}) "
    f"VALUES (NEW.id, NEW.first_name, NEW.last_name, NEW.organisation); END",
    f"INSERT INTO {FTS} ({FTS}) VALUES ('rebuild')",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS customer_names_fts_insert",
    "DROP TRIGGER IF EXISTS customer_names_fts_delete",
    "DROP TRIGGER IF EXISTS customer_names_fts_update",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, **by_vendor: list[str]) -> None:
    for statement in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, postgresql=POSTGRESQL_FORWARDS, sqlite=SQLITE_FORWARDS)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, postgresql=POSTGRESQL_BACKWARDS, sqlite=SQLITE_BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_details_history_merge")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
