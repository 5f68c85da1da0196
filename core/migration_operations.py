"""Operations the apps' migrations share."""

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """SQL that only PostgreSQL runs (a trigram index, an extension): SQLite has no such thing and
    needs none at its sizes, so there it does nothing, both ways."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def review_note_column(table: str) -> migrations.RunPython:
    """The review_note column by ALTER TABLE: SQLite would rebuild the table for a column with a
    default, and cannot rebuild its NULLS LAST index (outcomes 0003) nor keep the triggers
    (partnerships)."""

    def add(apps, schema_editor) -> None:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN review_note text DEFAULT '' NOT NULL"
        )
        if schema_editor.connection.vendor == "postgresql":
            # Django keeps no default in the database: it always writes the field.
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN review_note DROP DEFAULT")

    def remove(apps, schema_editor) -> None:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN review_note")

    return migrations.RunPython(add, remove)


def check_on_postgresql(app_label: str, model_name: str, constraint) -> migrations.RunPython:
    """A check constraint that only PostgreSQL enforces: SQLite cannot add one to a table without
    rebuilding it, and there the rule is kept by the code that writes the columns (core/review.py)."""

    def add(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_constraint(apps.get_model(app_label, model_name), constraint)

    def remove(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_constraint(apps.get_model(app_label, model_name), constraint)

    return migrations.RunPython(add, remove)


class RebuiltAsSQLiteHoldsIt(migrations.SeparateDatabaseAndState):
    """``operation``, where a table SQLite rebuilds for it (a foreign key column removed: SQLite's
    ALTER TABLE cannot drop one) is rebuilt with the indexes and checks the table has, not all of
    those in Django's state: some are PostgreSQL's only (outcomes 0003's NULLS LAST index, which
    SQLite refuses to create; checks SQLite cannot add to a table, 0010 and 0011)."""

    def __init__(self, operation, *, model_name: str) -> None:
        super().__init__(state_operations=[operation], database_operations=[operation])
        self.operation, self.model_name = operation, model_name

    def deconstruct(self) -> tuple[str, list, dict]:
        return (self.__class__.__qualname__, [self.operation], {"model_name": self.model_name})

    def _as_sqlite_holds_it(self, app_label, state, schema_editor):
        state = state.clone()
        model = state.models[app_label, self.model_name]
        table = state.apps.get_model(app_label, self.model_name)._meta.db_table
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            present = connection.introspection.get_constraints(cursor, table)
        for option in ("indexes", "constraints"):
            model.options[option] = [
                item for item in model.options.get(option, []) if item.name in present
            ]
        state.reload_model(app_label, self.model_name, delay=True)
        return state

    def _states(self, app_label, schema_editor, *states) -> list:
        if schema_editor.connection.vendor != "sqlite":
            return list(states)
        return [self._as_sqlite_holds_it(app_label, state, schema_editor) for state in states]

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        states = self._states(app_label, schema_editor, from_state, to_state)
        super().database_forwards(app_label, schema_editor, *states)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        states = self._states(app_label, schema_editor, from_state, to_state)
        super().database_backwards(app_label, schema_editor, *states)


def index_on_postgresql(
    app_label: str, model_name: str, index
) -> migrations.SeparateDatabaseAndState:
    """An index in Django's state that only PostgreSQL creates: SQLite refuses NULLS LAST in an
    index (outcomes 0003 and 0014), and needs none at its sizes."""

    def operation(method):
        def run(apps, schema_editor) -> None:
            if schema_editor.connection.vendor == "postgresql":
                getattr(schema_editor, method)(apps.get_model(app_label, model_name), index)

        return run

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AddIndex(model_name=model_name, index=index)],
        database_operations=[
            migrations.RunPython(operation("add_index"), operation("remove_index"))
        ],
    )
