"""Every migration can be undone on SQLite, the newcomer's database, and done again to the same
schema: a table SQLite rebuilds keeps the indexes and checks it has (some of the state's are
PostgreSQL's only), and the triggers are not installed on tables that are gone. The same on
PostgreSQL, where the outcomes' search indexes share pg_trgm with the partnerships'."""

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def migrate(database: Path | str, *args: str) -> None:
    """``manage.py migrate`` on a SQLite file, or a database's URL."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]


def schema(database: Path) -> list[tuple]:
    with sqlite3.connect(database) as db:
        return sorted(
            db.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
        )


def test_the_apps_migrations_undone_and_done_again_give_the_same_schema(tmp_path):
    database = tmp_path / "portal.sqlite3"
    migrate(database)
    applied = schema(database)
    migrate(database, "outcomes", "0010")
    migrate(database, "partnerships", "zero")
    with sqlite3.connect(database) as db:
        tables = {
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    assert not {name for name in tables if name.startswith(("partnerships_", "outcomes_"))}
    migrate(database)
    assert schema(database) == applied


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own indexes")
def test_on_postgresql_the_apps_migrations_undone_and_done_again_give_the_same_schema():
    """Past the outcomes' search indexes (0005), whose extension the partnerships' trigram indexes
    share: undoing them leaves pg_trgm in place."""
    settings = connection.settings_dict
    server = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    name = f"portal_migrations_{os.getpid()}"
    with _server(settings) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"{server}/{name}"
        migrate(url)
        applied = pg_schema(settings, name)
        migrate(url, "outcomes", "0004")
        assert "outcomes_search_title" not in "".join(map(str, pg_schema(settings, name)))
        migrate(url, "partnerships", "zero")
        tables = {row[1].split(".")[0] for row in pg_schema(settings, name) if row[0] == "column"}
        assert not {table for table in tables if table.startswith(("partnerships_", "outcomes_"))}
        migrate(url)
        assert pg_schema(settings, name) == applied
    finally:
        with _server(settings) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


@contextlib.contextmanager
def _server(settings, database="postgres"):
    import psycopg2

    db = psycopg2.connect(
        dbname=database,
        user=settings["USER"],
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
    )
    db.autocommit = True
    try:
        with db.cursor() as cursor:
            yield cursor
    finally:
        db.close()


def pg_schema(settings, database) -> list[tuple]:
    with _server(settings, database) as cursor:
        cursor.execute(
            "SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "UNION ALL SELECT 'column', table_name || '.' || column_name, data_type "
            "FROM information_schema.columns WHERE table_schema = 'public' "
            "UNION ALL SELECT 'constraint', conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
            "UNION ALL SELECT 'extension', extname, '' FROM pg_extension"
        )
        return sorted(cursor.fetchall())
