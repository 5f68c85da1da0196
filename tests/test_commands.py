"""The commands a newcomer meets first, run for real: `make run`, `make test`, manage.py's mistakes,
CI's database, and the screenshot test's folder.

`make` runs with this test's Python (PY) and a fresh stamp (STAMP), so it installs nothing.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from tests.e2e.conftest import screenshots_folder

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs the PostgreSQL server of DATABASE_URL (tests run on SQLite)",
)


def make(target: str, tmp_path: Path, *variables: str, **popen) -> subprocess.Popen:
    stamp = tmp_path / "installed"
    stamp.touch()  # newer than requirements/dev.txt: the venv counts as set up
    return subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            target,
            f"PY={sys.executable}",
            f"STAMP={stamp}",
            *variables,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **popen,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_url(settings_dict: dict, name: str) -> str:
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    return (
        f"postgres://{settings_dict['USER']}{password}@{settings_dict['HOST'] or '127.0.0.1'}"
        f":{settings_dict['PORT'] or 5432}/{name}"
    )


@pytest.mark.long
def test_make_run_serves_on_the_port_asked_and_announces_it_once_it_listens(tmp_path):
    port = free_port()
    run = make(
        "run",
        tmp_path,
        f"PORT={port}",
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path}/portal.sqlite3",
            "PYTHONUNBUFFERED": "1",
        },
        start_new_session=True,  # runserver's reloader and its child go with the group
    )
    # However the run goes, it stops within two minutes.
    timer = threading.Timer(120, os.killpg, (run.pid, signal.SIGTERM))
    timer.start()
    try:
        announced = next(line for line in run.stdout if "http://127.0.0.1:" in line)
        assert f"http://127.0.0.1:{port}/" in announced
        # Announced, so it listens already: no waiting, no retry.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert response.status == 200
    finally:
        timer.cancel()
        os.killpg(run.pid, signal.SIGTERM)
        run.wait(timeout=30)


def test_make_test_names_each_skipped_test_and_why(tmp_path):
    (tmp_path / "test_skipping.py").write_text(
        'import pytest\n\n\ndef test_it():\n    pytest.skip("the reason it was skipped")\n'
    )
    # The repository's pytest configuration, for a test file outside it.
    pytest_args = f"PYTEST_ARGS=-c pyproject.toml --rootdir . {tmp_path / 'test_skipping.py'}"
    run = make("test", tmp_path, pytest_args, "PYTEST_PARALLEL=")
    output, _ = run.communicate(timeout=120)
    assert run.returncode == 0, output
    assert "SKIPPED [1]" in output
    assert "the reason it was skipped" in output


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


@ON_POSTGRESQL
def test_ci_creates_the_database_named_in_database_url_once():
    name = f"portal_ci_{uuid.uuid4().hex[:8]}"
    url = server_url(connection.settings_dict, name)
    script = [str(ROOT / "scripts" / "create-database")]
    try:
        for _ in range(2):  # the second run finds it there
            result = subprocess.run(
                script, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True
            )
            assert result.returncode == 0, result.stderr
            assert f"PostgreSQL database {name} is there." in result.stdout
        psycopg2.connect(url).close()
    finally:
        maintenance = psycopg2.connect(server_url(connection.settings_dict, "postgres"))
        maintenance.autocommit = True
        with maintenance.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        maintenance.close()


def test_the_screenshots_go_to_a_temporary_folder_unless_asked(tmp_path):
    assert screenshots_folder({}, tmp_path) == tmp_path
    assert screenshots_folder({"SCREENSHOTS_DIR": ""}, tmp_path) == tmp_path
    assert screenshots_folder({"SCREENSHOTS_DIR": "docs/screenshots"}, tmp_path) == Path(
        "docs/screenshots"
    )
