"""Serving as in production: the health check against a real broken database, and the JSON logs.

Each test starts the portal in a fresh process with the settings under test, as gunicorn would,
and sends it a request with Django's test client; the process's log output is read back.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUEST = """
import json, os, sys, django
django.setup()
from django.conf import settings
from django.test import Client
settings.ROOT_URLCONF = os.environ.get("TEST_ROOT_URLCONF", settings.ROOT_URLCONF)
url, headers = sys.argv[1], json.loads(sys.argv[2])
response = Client(raise_request_exception=False).get(url, headers=headers)
print(json.dumps({"status": response.status_code, "headers": dict(response.headers),
                  "body": response.content.decode()}))
"""


def _request(url, *, headers=None, **env):
    result = subprocess.run(
        [sys.executable, "-c", REQUEST, url, json.dumps(headers or {})],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "false",
            "LOG_FORMAT": "json",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    logs = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    return json.loads(result.stdout.splitlines()[-1]), logs


def test_healthz_answers_200_when_the_database_answers(tmp_path):
    response, _ = _request("/healthz", DATABASE_URL=f"sqlite:///{tmp_path}/portal.sqlite3")
    assert response["status"] == 200
    assert json.loads(response["body"]) == {"status": "ok", "database": "up", "cache": "up"}


def test_healthz_answers_503_when_the_database_does_not():
    # Nothing listens on port 1: the connection is refused, for real.
    response, logs = _request(
        "/healthz", DATABASE_URL="postgres://postgres@127.0.0.1:1/portal_unreachable"
    )
    assert response["status"] == 503
    assert json.loads(response["body"]) == {
        "status": "unavailable",
        "database": "down",
        "cache": "up",
    }
    assert response["headers"]["Cache-Control"].startswith("max-age=0")
    request_id = response["headers"]["X-Request-ID"]
    (error,) = [line for line in logs if line["logger"] == "portal.views"]
    assert error["level"] == "ERROR"
    assert "the database does not answer" in error["message"]
    assert error["request_id"] == request_id


def test_each_request_is_one_json_log_line_with_its_request_id(tmp_path):
    response, logs = _request(
        "/healthz",
        headers={"X-Request-ID": "proxy-7f3a.42"},
        DATABASE_URL=f"sqlite:///{tmp_path}/portal.sqlite3",
    )
    assert response["headers"]["X-Request-ID"] == "proxy-7f3a.42"
    (line,) = [line for line in logs if line["logger"] == "portal.request"]
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["request_id"] == "proxy-7f3a.42"
    assert line["level"] == "INFO" and line["time"]


@pytest.mark.parametrize(
    "offered", ["", "x" * 65, "two words", "line\\nbreak"], ids=["none", "long", "space", "newline"]
)
def test_a_missing_or_unsafe_request_id_is_replaced_by_a_new_one(tmp_path, offered):
    headers = {"X-Request-ID": offered} if offered else {}
    response, logs = _request(
        "/healthz", headers=headers, DATABASE_URL=f"sqlite:///{tmp_path}/portal.sqlite3"
    )
    request_id = response["headers"]["X-Request-ID"]
    assert len(request_id) == 32 and request_id != offered
    assert [line["request_id"] for line in logs if line["logger"] == "portal.request"] == [
        request_id
    ]


def test_an_unexpected_error_is_logged_with_the_request_id_of_its_request(tmp_path):
    response, logs = _request(
        "/fail",
        DATABASE_URL=f"sqlite:///{tmp_path}/portal.sqlite3",
        TEST_ROOT_URLCONF="tests.portal.failing_urls",
    )
    assert response["status"] == 500
    request_id = response["headers"]["X-Request-ID"]
    (error,) = [line for line in logs if line["logger"] == "django.request"]
    assert error["level"] == "ERROR"
    assert "An unexpected failure, on purpose" in error["exc_info"]
    assert error["request_id"] == request_id
    (line,) = [line for line in logs if line["logger"] == "portal.request"]
    assert (line["status"], line["request_id"]) == (500, request_id)


def test_text_logs_carry_the_request_id_and_the_duration_too(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", REQUEST, "/healthz", json.dumps({"X-Request-ID": "abc123"})],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "LOG_FORMAT": "text",
            "DATABASE_URL": f"sqlite:///{tmp_path}/portal.sqlite3",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert re.search(
        r"INFO portal\.request \[abc123\] GET /healthz 200 \d+(\.\d)?ms", result.stderr
    )
