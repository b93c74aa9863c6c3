"""Names found whatever their accents, on PostgreSQL too: "Zoe" finds "Zoë", "Siobhan"
"Siobhán" (SQLite's FTS5 table already folds them: remove_diacritics).

The names' words and trigrams (0005) are taken of the names with their accents removed
by the unaccent extension (in PostgreSQL's contrib, a trusted extension: the database's
owner may create it), through `customer_unaccented`, an immutable function an index may
use. customers.selectors.customers_search writes the same expressions.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

NAMES = "(first_name || ' ' || last_name || ' ' || organisation)"
NEW_NAMES = "(NEW.first_name || ' ' || NEW.last_name || ' ' || NEW.organisation)"


def _names_search(unaccented: bool) -> list[str]:
    """The trigger's function, every customer's names vector, and the trigram index."""
    new_names, names = (
        (f"customer_unaccented({NEW_NAMES})", f"customer_unaccented({NAMES})")
        if unaccented
        else (NEW_NAMES, NAMES)
    )
    return [
        f"""CREATE OR REPLACE FUNCTION customer_names_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.names_search := to_tsvector('simple'::regconfig, {new_names});
  RETURN NEW;
END $$""",
        f"UPDATE customers_customer SET names_search = to_tsvector('simple'::regconfig, {names})",
        "DROP INDEX IF EXISTS customer_names_trigrams",
        f"CREATE INDEX customer_names_trigrams ON customers_customer "
        f"USING gin (lower({names}) gin_trgm_ops)",
    ]


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: the FTS5 table of 0005 folds accents already
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent", params=None)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'"
        )
        schema = cursor.fetchone()[0]
    # Named with its schema, so that an index build or a restore with another search_path
    # finds the same function and dictionary (what makes declaring it immutable safe).
    schema_editor.execute(
        f"""CREATE OR REPLACE FUNCTION customer_unaccented(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$""",
        params=None,
    )
    for statement in _names_search(unaccented=True):
        schema_editor.execute(statement, params=None)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in _names_search(unaccented=False):
        schema_editor.execute(statement, params=None)
    # unaccent stays: other database objects may use it, and it is harmless.
    schema_editor.execute("DROP FUNCTION IF EXISTS customer_unaccented(text)", params=None)


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_search")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
