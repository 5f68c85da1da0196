"""The commands a newcomer meets first, run for real: manage.py's mistakes."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs the PostgreSQL server of DATABASE_URL (tests run on SQLite)",
)


def server_url(settings_dict: dict, name: str) -> str:
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    return (
        f"postgres://{settings_dict['USER']}{password}@{settings_dict['HOST'] or '127.0.0.1'}"
        f":{settings_dict['PORT'] or 5432}/{name}"
    )


def test_manage_py_with_a_python_without_django_says_what_to_do_in_one_line():
    # -S: no site-packages, so this Python has no Django, as a system Python may not.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-S", "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Django is not installed for {sys.executable}: run `make run` once, which sets up .venv, "
        "then use .venv/bin/python manage.py"
    ]


@ON_POSTGRESQL
def test_manage_py_against_a_database_that_does_not_exist_says_what_to_do_in_one_line():
    name = f"portal_missing_{uuid.uuid4().hex[:8]}"
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": server_url(connection.settings_dict, name)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        f"The PostgreSQL database “{name}” does not exist: create it with `createdb "
    )
    assert line.endswith(f" {name}`, or set DATABASE_URL to one that does.")
