"""Production settings, security headers, cookies and sessions, the admin's path and second factor."""

import importlib
import importlib.util
import os
import re
import secrets
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import clear_url_caches
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import portal.urls
from portal.sessions import STARTED_AT
from tests.pages import public_pages

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "testserver",
    "DATABASE_URL": "sqlite:////tmp/portal-production-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",  # Named, not reached: no check connects to it.
}


def _manage(*args, env):
    # Not what the browser tests set for their live server: a deployment must not have it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**inherited, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_settings_prints_no_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_stops_at_startup_naming_every_missing_setting():
    env = {**PRODUCTION_ENV, "SECRET_KEY": "", "DATABASE_URL": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert (
        "These settings are required in production and are not set: SECRET_KEY, DATABASE_URL"
        in result.stderr
    )


def test_production_refuses_a_cache_per_process_unless_told():
    # Each worker's own cache kept a withdrawn outcome's page for 300 s while the API said 404.
    env = {**PRODUCTION_ENV, "REDIS_URL": "", "CACHE_URL": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Production needs REDIS_URL" in result.stderr
    assert "ALLOW_LOCAL_MEMORY_CACHE=true" in result.stderr
    allowed = _manage("check", env={**env, "ALLOW_LOCAL_MEMORY_CACHE": "true"})
    assert allowed.returncode == 0, allowed.stderr
    assert "System check identified no issues" in allowed.stdout


def _production_settings(monkeypatch):
    """The settings module as production evaluates it, read without replacing the test settings."""
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(
        "production_settings", ROOT / "portal/settings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {
        name: getattr(module, name)
        for name in dir(module)
        if name.startswith(("SECURE_", "SESSION_", "CSRF_")) or name in {"DEBUG", "X_FRAME_OPTIONS"}
    }


@pytest.fixture
def production(monkeypatch):
    """The production HTTPS, cookie and session settings, for requests as the proxy forwards them."""
    with override_settings(**_production_settings(monkeypatch)):
        yield {"HTTP_X_FORWARDED_PROTO": "https"}


SECURITY_PAGES = {
    "a public page": "/partnerships/",
    "an export": "/partnerships/?export=csv",
    "the admin": "/admin/login/",
}


def _assert_common_headers(response):
    csp = response["Content-Security-Policy"]
    for directive in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]:
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    _assert_policy_headers(response)


def _assert_policy_headers(response):
    policy = dict(
        feature.strip().split("=", 1) for feature in response["Permissions-Policy"].split(",")
    )
    for unused in ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]:
        assert policy[unused] == "()", unused
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.parametrize("url", SECURITY_PAGES.values(), ids=SECURITY_PAGES.keys())
def test_security_headers_in_production(client, db, production, url):
    response = client.get(url, **production)
    assert response.status_code == 200
    _assert_common_headers(response)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.parametrize("url", SECURITY_PAGES.values(), ids=SECURITY_PAGES.keys())
def test_the_content_security_policy_applies_in_development_too(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    _assert_common_headers(response)
    assert "Strict-Transport-Security" not in response


def test_public_pages_carry_no_nonce_and_the_admin_nonces_its_inline_code(client, db, editor):
    assert "nonce-" not in client.get("/partnerships/")["Content-Security-Policy"]
    client.force_login(editor)
    response = client.get("/admin/outcomes/outcome/")
    nonce = response.context["csp_nonce"]
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert f'nonce="{nonce}"' in response.text


def test_production_redirects_plain_http_to_https(client, db, production):
    response = client.get("/partnerships/?sector=x", HTTP_X_FORWARDED_PROTO="http")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/partnerships/?sector=x"


def test_production_cookies_are_host_prefixed_secure_httponly_and_samesite(
    client, editor, production
):
    login_page = client.get("/admin/login/", **production)
    csrf = login_page.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["path"] == "/" and not csrf["domain"]
    assert csrf["samesite"] == "Lax"

    response = client.post(
        "/admin/login/",
        {"username": "editor", "password": "a-long-test-password", "next": "/admin/"},
        **production,
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["path"] == "/" and not session["domain"]
    assert session["samesite"] == "Lax"
    assert "sessionid" not in response.cookies


def test_each_request_renews_the_session_for_the_idle_timeout_only(client, editor):
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert response.cookies["sessionid"]["max-age"] == 30 * 60


def test_a_session_ends_at_its_maximum_lifetime_however_active(client, editor, settings):
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200  # stamps the session's start
    assert client.get("/admin/").status_code == 200

    session = client.session
    session[STARTED_AT] = time.time() - settings.SESSION_MAX_LIFETIME.total_seconds() - 1
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_new_passwords_are_checked_against_common_ones(editor):
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234", editor)
    with pytest.raises(ValidationError, match="too short"):
        validate_password("Zq8#pLm2", editor)
    validate_password("river-copper-lantern-58", editor)


@contextmanager
def _urls_with(**overrides):
    """The root URLconf as it is built with these settings (it reads them at import)."""
    site_class = admin.site.__class__
    try:
        with override_settings(**overrides):
            importlib.reload(portal.urls)
            clear_url_caches()
            yield
    finally:
        admin.site.__class__ = site_class
        importlib.reload(portal.urls)
        clear_url_caches()


def test_the_admin_path_is_configurable(client, editor):
    with _urls_with(ADMIN_URL="backoffice-7f3a/"):
        assert client.get("/admin/").status_code == 404
        assert client.get("/backoffice-7f3a/login/").status_code == 200
        client.force_login(editor)
        assert client.get("/backoffice-7f3a/").status_code == 200


def test_with_otp_required_staff_without_a_verified_device_cannot_reach_the_admin(client, editor):
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    with _urls_with(ADMIN_REQUIRE_OTP=True):
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
        # A password alone does not let them in either.
        client.logout()
        response = client.post(
            "/admin/login/", {"username": "editor", "password": "a-long-test-password"}
        )
        assert response.status_code == 200
        assert 'name="otp_token"' in response.text
        assert client.get("/admin/").status_code == 302


def test_with_otp_required_a_current_totp_code_lets_staff_in(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    with _urls_with(ADMIN_REQUIRE_OTP=True):
        response = client.post(
            "/admin/login/",
            {
                "username": "editor",
                "password": "a-long-test-password",
                "otp_device": device.persistent_id,
                "otp_token": f"{totp(device.bin_key):06d}",
                "next": "/admin/",
            },
        )
        assert response.status_code == 302, response.text
        assert client.get("/admin/").status_code == 200


# A JSON-LD block is data, never run, and outside the policy's reach: not inline script.
INLINE = re.compile(
    r"""\sstyle=|<style\b|<script(?![^>]*\s(src=|type="application/ld\+json"))|\son[a-z]+=|javascript:""",
    re.I,
)


def test_no_public_page_has_inline_style_or_script_for_the_policy_to_block(client, seeded):
    found = {}
    for name, url in public_pages().items():
        response = client.get(url)
        assert response.status_code in (200, 400), url
        if matches := INLINE.findall(response.text):
            found[name] = matches[:3]
    assert found == {}


def test_every_page_type_carries_the_permissions_and_resource_policies(
    client, seeded, editor, settings
):
    """Public pages (kept and fresh), the API, feeds, exports, static files, errors and the admin."""
    from partnerships.models import Partnership

    elca = Partnership.objects.order_by("pk").first()
    urls = [
        *public_pages().values(),
        "/api/partnerships/",
        "/api/countries/TN/",
        "/feeds/outcomes/",
        "/outcomes/?export=json",
        "/static/css/portal.css",
        "/healthz",
        "/partnerships/no-such-partnership/",
        "/partnerships/?sector=%00",
    ]
    settings.PAGE_CACHE = True
    for url in urls:
        for _ in ("fresh", "kept"):
            response = client.get(url)
            assert response.status_code in (200, 400, 404), url
            _assert_policy_headers(response)
    client.force_login(editor)
    for url in [
        "/admin/",
        "/admin/outcomes/outcome/",
        f"/admin/partnerships/partnership/{elca.pk}/change/",
        "/admin/outcomes/mou/add/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_policy_headers(response)
