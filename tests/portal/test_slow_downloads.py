"""Downloads are never cut: a slow reader gets the whole file from gunicorn as configured for production.

The test starts gunicorn with gunicorn.conf.py on a free port, one worker and a worker timeout of
2 s, over a few thousand generated outcomes, and reads each export through a socket with a small
receive buffer at a rate that makes the download last several times the timeout. A sync worker is
killed by its timeout mid-file (the client gets a 200 and a cut file); the threaded worker of
gunicorn.conf.py serves the whole file, and answers other requests meanwhile.
"""

import csv
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import openpyxl
import pytest
from django.db import connection

from outcomes.models import Outcome
from portal.demo_data import generate

ROOT = Path(__file__).resolve().parents[2]
WORKER_TIMEOUT = 2  # seconds; every slow download below lasts about three times this
DOWNLOAD_SECONDS = 3 * WORKER_TIMEOUT
OUTCOMES = 3000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_url(transactional_db, tmp_path):
    """A database gunicorn's own process can read, holding generated demo data."""
    if connection.vendor == "postgresql":
        # The test database itself, committed to (transactional_db), so another process sees it.
        # An earlier committing test empties it, countries included: put back what migrations made.
        from partnerships.countries import create_country_rows
        from partnerships.models import Country

        create_country_rows(Country)
        generate(partnerships=30, outcomes=OUTCOMES)
        settings = connection.settings_dict
        return (
            f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/"
            f"{settings['NAME']}"
        )
    url = f"sqlite:///{tmp_path}/served.sqlite3"
    for command in (
        ["migrate", "-v0"],
        ["generate_demo_data", "--partnerships", "30", "--outcomes", str(OUTCOMES), "-v0"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "portal.settings"},
            check=True,
            timeout=300,
        )
    return url


@pytest.fixture
def server(database_url, tmp_path):
    port = _free_port()
    static_root = tmp_path / "static"
    static_root.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_ENV": "production",
            "SECRET_KEY": "slow-download-test-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "REDIS_URL": "",
            "ALLOW_LOCAL_MEMORY_CACHE": "true",
            "STATIC_ROOT": str(static_root),
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_TIMEOUT": str(WORKER_TIMEOUT),
            "LOG_LEVEL": "WARNING",
        },
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as answer:
                if answer.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.3)
    yield port
    process.terminate()
    process.wait(timeout=30)


def slow_get(port: int, path: str, rate: float) -> tuple[int, bytes]:
    """GET ``path`` reading at most ``rate`` bytes a second, through a small receive buffer, so
    that the server can send only as fast as this reader takes. Returns the status and the body."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode()
        )
        started, received = time.monotonic(), []
        size = 0
        while chunk := sock.recv(4096):
            received.append(chunk)
            size += len(chunk)
            ahead = size / rate - (time.monotonic() - started)
            if ahead > 0:
                time.sleep(ahead)
    head, _, body = b"".join(received).partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in head.lower():
        body = _unchunked(body)
    return status, body


def _unchunked(body: bytes) -> bytes:
    parts, rest = [], body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        parts.append(rest[:size])
        rest = rest[size + 2 :]
    else:
        raise AssertionError("the chunked body ends without its last chunk: it was cut")
    return b"".join(parts)


def full_size(port: int, path: str) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as answer:
        return len(answer.read())


@pytest.mark.long
def test_a_slow_reader_receives_every_export_whole_while_other_pages_are_served(server):
    published = Outcome.objects.published().count() if connection.vendor == "postgresql" else None
    results, answered_meanwhile = {}, []
    for fmt in ("csv", "json", "xlsx"):
        path = f"/outcomes/?export={fmt}"
        # Read at the rate that makes this download last DOWNLOAD_SECONDS, past the worker timeout.
        rate = full_size(server, path) / DOWNLOAD_SECONDS
        reader = threading.Thread(
            target=lambda fmt=fmt, path=path, rate=rate: results.__setitem__(
                fmt, slow_get(server, path, rate)
            )
        )
        started = time.monotonic()
        reader.start()
        time.sleep(WORKER_TIMEOUT)
        # The one worker is busy with the download; its other threads still answer.
        with urllib.request.urlopen(f"http://127.0.0.1:{server}/healthz", timeout=10) as answer:
            answered_meanwhile.append(answer.status)
        reader.join()
        assert time.monotonic() - started > 2 * WORKER_TIMEOUT, "the reader was not slow"

    assert answered_meanwhile == [200, 200, 200]
    status, body = results["csv"]
    assert status == 200
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    status, body = results["json"]
    assert status == 200
    records = json.loads(body)
    assert len(records) == len(rows) - 1 > 1000
    if published is not None:
        assert len(records) == published
    status, body = results["xlsx"]
    assert status == 200
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows()) == len(rows)
