"""The SQL that keeps the case-text index, for each database: which source rows are
indexed, with what text, and the triggers that keep their entries as the rows change.

One list of sources (`SOURCES`) gives both vendors' triggers and the rebuild, so the
migration, the benchmark loader and the tests share one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

ENTRIES = "search_searchentry"
SQLITE_FTS = "search_entry_fts"
# How much of a row's text is indexed (and kept for the excerpt): the start of a long
# email, not all of it. PostgreSQL refuses a tsvector over 1 MB ("string is too long for
# tsvector"), which, raised in the trigger, would refuse the email itself.
INDEXED_CHARS = 100_000


@dataclass(frozen=True)
class Source:
    kind: str  # SourceKind's value
    table: str
    case: str  # the column that names the case
    text_postgresql: str  # SQL over the row, columns prefixed by "{row}."
    text_sqlite: str
    at: str
    watched: tuple[str, ...]  # an update of these columns re-indexes the row
    only: str = ""  # SQL condition over the row, if only some rows are indexed

    def text(self, vendor: str, row: str) -> str:
        """The text indexed for the row: its first INDEXED_CHARS characters."""
        if vendor == "postgresql":
            return f"left({self.text_postgresql.format(row=row)}, {INDEXED_CHARS})"
        return f"substr({self.text_sqlite.format(row=row)}, 1, {INDEXED_CHARS})"

    def condition(self, row: str) -> str:
        text = f"{{row}}.{self.case} IS NOT NULL"
        if self.only:
            text += f" AND {self.only}"
        return text.format(row=row)


def _joined(*columns: str) -> str:
    return " || ' ' || ".join(f"{{row}}.{column}" for column in columns)


SOURCES: tuple[Source, ...] = (
    Source(
        "case",
        "cases_case",
        "id",
        _joined("subject", "description"),
        _joined("subject", "description"),
        "received_at",
        ("subject", "description"),
    ),
    Source(
        "note",
        "cases_caseevent",
        "case_id",
        "coalesce({row}.data ->> 'text', '')",
        "coalesce(json_extract({row}.data, '$.text'), '')",
        "at",
        # case_id: a case merge moves events to the case kept by changing it alone.
        ("data", "kind", "case_id"),
        only="{row}.kind = 'note'",
    ),
    Source(
        "contact",
        "cases_contact",
        "case_id",
        _joined("summary"),
        _joined("summary"),
        "at",
        ("summary", "case_id"),
    ),
    Source(
        "email_received",
        "mail_inboundemail",
        "case_id",
        _joined("from_name", "subject", "text"),
        _joined("from_name", "subject", "text"),
        "received_at",
        ("from_name", "subject", "text", "case_id"),
    ),
    Source(
        "email_sent",
        "mail_outboundemail",
        "case_id",
        _joined("subject", "body"),
        _joined("subject", "body"),
        "created_at",
        ("subject", "body", "case_id"),
    ),
    Source(
        "letter_sent",
        "documents_caseletter",
        "case_id",
        _joined("subject", "body"),
        _joined("subject", "body"),
        "written_at",
        ("subject", "body", "case_id"),
    ),
    Source(
        "letter_received",
        "mail_receivedletter",
        "case_id",
        _joined("sender", "sender_address"),
        _joined("sender", "sender_address"),
        "received_at",
        ("sender", "sender_address", "case_id"),
    ),
)


def _insert(source: Source, vendor: str, row: str) -> str:
    return (
        f"INSERT INTO {ENTRIES} (kind, source_id, case_id, text, at) VALUES "
        f"('{source.kind}', {row}.id, {row}.{source.case}, {source.text(vendor, row)}, "
        f"{row}.{source.at})"
    )


def _delete(source: Source, row: str) -> str:
    return f"DELETE FROM {ENTRIES} WHERE kind = '{source.kind}' AND source_id = {row}.id"


def rebuild(vendor: str) -> list[str]:
    """Statements that index every source row (after the entries were emptied), in the
    order the writing was done: the entries' ids and their place in the table then follow
    time, as the triggers' inserts do afterwards, so reading back from the newest entry
    (cases_search's walk) reads neighbouring rows."""
    sources = " UNION ALL ".join(
        f"SELECT '{s.kind}' AS kind, r.id AS source_id, r.{s.case} AS case_id, "
        f"{s.text(vendor, 'r')} AS text, r.{s.at} AS at FROM {s.table} r WHERE {s.condition('r')}"
        for s in SOURCES
    )
    return [
        f"INSERT INTO {ENTRIES} (kind, source_id, case_id, text, at) "
        f"SELECT kind, source_id, case_id, text, at FROM ({sources}) AS written ORDER BY at"
    ]


def postgresql_forwards() -> list[str]:
    statements = [
        # Case text is stemmed ("repairs" finds "repair"); the 'english' config is fixed
        # here, not taken from the session, so the column is immutable and indexable.
        # The parser reads "<script>...</script>" as markup and drops the words between:
        # people's text is not HTML, so no "<" reaches it.
        f"ALTER TABLE {ENTRIES} ADD COLUMN document tsvector GENERATED ALWAYS AS "
        f"(to_tsvector('english'::regconfig, replace(left(text, {INDEXED_CHARS}), '<', ' '))) "
        "STORED",
    ]
    for s in SOURCES:
        function = f"search_index_{s.kind}"
        statements += [
            f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {_delete(s, "OLD")}; END IF;
  IF TG_OP <> 'DELETE' AND {s.condition("NEW")} THEN {_insert(s, "postgresql", "NEW")}; END IF;
  RETURN NULL;
END $$""",
            f"CREATE TRIGGER {function} AFTER INSERT OR DELETE OR UPDATE OF "
            f"{', '.join(s.watched)} ON {s.table} FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
    statements += rebuild("postgresql")
    statements += [
        f"CREATE INDEX search_entry_document ON {ENTRIES} USING gin (document)",
        # A partial reference ("HHT-2025-00") is a prefix scan whatever the collation.
        "CREATE INDEX search_case_reference_prefix ON cases_case (reference varchar_pattern_ops)",
    ]
    return statements


def postgresql_backwards() -> list[str]:
    statements = ["DROP INDEX IF EXISTS search_case_reference_prefix"]
    for s in SOURCES:
        statements += [
            f"DROP TRIGGER IF EXISTS search_index_{s.kind} ON {s.table}",
            f"DROP FUNCTION IF EXISTS search_index_{s.kind}()",
        ]
    return [*statements, f"ALTER TABLE {ENTRIES} DROP COLUMN IF EXISTS document"]


def sqlite_forwards() -> list[str]:
    # Porter stemming over unicode61, as 'english' does in PostgreSQL; an external-content
    # table, so the text is kept once (in the entries), with triggers to follow them.
    statements = [
        f"CREATE VIRTUAL TABLE {SQLITE_FTS} USING fts5(text, content='{ENTRIES}', "
        f"content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON {ENTRIES} BEGIN "
        f"INSERT INTO {SQLITE_FTS} (rowid, text) VALUES (NEW.id, NEW.text); END",
        f"CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON {ENTRIES} BEGIN "
        f"INSERT INTO {SQLITE_FTS} ({SQLITE_FTS}, rowid, text) "
        f"VALUES ('delete', OLD.id, OLD.text); END",
    ]
    for s in SOURCES:
        name = f"search_index_{s.kind}"
        statements += [
            f"CREATE TRIGGER {name}_insert AFTER INSERT ON {s.table} "
            f"WHEN {s.condition('NEW')} BEGIN {_insert(s, 'sqlite', 'NEW')}; END",
            f"CREATE TRIGGER {name}_update AFTER UPDATE OF {', '.join(s.watched)} "
            f"ON {s.table} BEGIN {_delete(s, 'OLD')}; "
            f"INSERT INTO {ENTRIES} (kind, source_id, case_id, text, at) "
            f"SELECT '{s.kind}', NEW.id, NEW.{s.case}, {s.text('sqlite', 'NEW')}, "
            f"NEW.{s.at} WHERE {s.condition('NEW')}; END",
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON {s.table} "
            f"BEGIN {_delete(s, 'OLD')}; END",
        ]
    return [*statements, *rebuild("sqlite")]


def sqlite_backwards() -> list[str]:
    statements = [f"DROP TABLE IF EXISTS {SQLITE_FTS}"]
    statements += [
        f"DROP TRIGGER IF EXISTS search_entry_fts_{event}" for event in ("insert", "delete")
    ]
    for s in SOURCES:
        statements += [
            f"DROP TRIGGER IF EXISTS search_index_{s.kind}_{event}"
            for event in ("insert", "update", "delete")
        ]
    return statements
