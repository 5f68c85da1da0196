"""Every migration can be undone on SQLite, the newcomer's database, and done again to the same
schema: a table SQLite rebuilds keeps the indexes and checks it has (some of the state's are
PostgreSQL's only), and the triggers are not installed on tables that are gone."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def migrate(database: Path, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{database}"},
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
