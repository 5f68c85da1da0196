"""A rule CHECK constraints cannot express, kept by the database itself with triggers.

A partnership's declared partner count may not fall below the number of its
named member clusters. The rule spans two tables, so it is a trigger on each.
They are removed before every ``migrate`` and installed again after it, rather
than created in a migration: SQLite drops a table's triggers whenever Django
rebuilds that table, and refuses to rebuild a table that another table's
trigger names.
"""

from django.utils.translation import gettext_noop

RULE = "partnerships_membership_within_declared_count"
# In English in the database; translated where a curator reads it (core.curated_admin.refusal_reason).
MESSAGE = gettext_noop(
    "A partnership cannot have more named member clusters than its declared partner count."
)

_POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION {RULE}() RETURNS trigger AS $$
DECLARE
    pid bigint;
    declared integer;
    named integer;
BEGIN
    IF TG_TABLE_NAME = 'partnerships_partnership' THEN pid := NEW.id; ELSE pid := NEW.partnership_id; END IF;
    -- Lock the partnership so concurrent inserts of members are counted one after the other.
    SELECT partner_count INTO declared FROM partnerships_partnership WHERE id = pid FOR UPDATE;
    IF declared IS NOT NULL THEN
        SELECT count(*) INTO named FROM partnerships_membership WHERE partnership_id = pid;
        IF named > declared THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = '{RULE}', MESSAGE = '{MESSAGE}';
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {RULE} ON partnerships_membership;
CREATE TRIGGER {RULE} AFTER INSERT OR UPDATE OF partnership_id ON partnerships_membership
    FOR EACH ROW EXECUTE FUNCTION {RULE}();
DROP TRIGGER IF EXISTS {RULE} ON partnerships_partnership;
CREATE TRIGGER {RULE} AFTER UPDATE OF partner_count ON partnerships_partnership
    FOR EACH ROW EXECUTE FUNCTION {RULE}();
"""

_SQLITE_WHEN = """
(SELECT partner_count FROM partnerships_partnership WHERE id = {pid})
    < (SELECT count(*) FROM partnerships_membership WHERE partnership_id = {pid})
"""
_SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS {RULE}_{name} AFTER {event} ON {table}
    WHEN {_SQLITE_WHEN.format(pid=pid)}
    BEGIN SELECT RAISE(ABORT, '{RULE}: {MESSAGE}'); END"""
    for name, event, table, pid in [
        ("insert", "INSERT", "partnerships_membership", "NEW.partnership_id"),
        ("move", "UPDATE OF partnership_id", "partnerships_membership", "NEW.partnership_id"),
        ("declared", "UPDATE OF partner_count", "partnerships_partnership", "NEW.id"),
    ]
]


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("partnerships_membership", "partnerships_partnership"):
                if table in connection.introspection.table_names(cursor):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {RULE} ON {table}")
        elif connection.vendor == "sqlite":
            for name in ("insert", "move", "declared"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {RULE}_{name}")


def install(connection) -> None:
    """The triggers on their tables; nothing where the tables are not there (after ``migrate
    partnerships zero``)."""
    tables = {"partnerships_membership", "partnerships_partnership"}
    if not tables <= set(connection.introspection.table_names()):
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRESQL)
        elif connection.vendor == "sqlite":
            for statement in _SQLITE:
                cursor.execute(statement)
