"""The whole-page cache cannot be flooded, and a broken cache never breaks a page.

Against a real Redis that the test starts itself with a small ``maxmemory`` and
``noeviction`` (the setting that made a flood of made-up parameters answer 500 on
every page), and against a port where no Redis listens. The portal's cache
settings are read the way production reads them: from ``portal.settings`` with
``REDIS_URL`` set, in a subprocess.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.test import Client

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]

ROOT = Path(__file__).resolve().parents[2]
MAXMEMORY = "8mb"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _production_caches(redis_url: str) -> dict:
    """CACHES as portal/settings.py builds them for production with this REDIS_URL."""
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "sqlite:///unused.sqlite3",
        "REDIS_URL": redis_url,
    }
    out = subprocess.run(
        [sys.executable, "-c", "import json, portal.settings as s; print(json.dumps(s.CACHES))"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


@contextlib.contextmanager
def small_redis():
    """A redis-server of our own on a free port: 8 MB, refusing writes when full, no disk."""
    port = _free_port()
    options = (
        f"--port {port} --bind 127.0.0.1 --maxmemory {MAXMEMORY} --maxmemory-policy noeviction"
    )
    server = subprocess.Popen(
        ["redis-server", *options.split(), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    try:
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError):
                client.ping()
                break
            time.sleep(0.05)
        yield client
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def cache_on_small_redis(settings):
    with small_redis() as client:
        port = client.connection_pool.connection_kwargs["port"]
        settings.CACHES = _production_caches(f"redis://127.0.0.1:{port}/0")
        settings.PAGE_CACHE = True
        yield client


@pytest.fixture
def cache_unreachable(settings):
    settings.CACHES = _production_caches(f"redis://127.0.0.1:{_free_port()}/0")
    settings.PAGE_CACHE = True


@pytest.fixture
def visitor():
    # A 500 is an answer to count here, not an exception to stop the test.
    return Client(raise_request_exception=False)


def every_page_type():
    from outcomes.models import Outcome
    from partnerships.models import Cluster, Country, Partnership, Sector
    from tests.factories import ClusterFactory

    return [
        "/",
        "/partnerships/",
        "/partnerships/?sector=" + Sector.objects.first().slug,
        "/outcomes/",
        "/clusters/",
        "/sectors/",
        "/countries/",
        "/statistics/",
        "/reports/escp-overview/",
        "/about/exports/",
        Partnership.objects.published().first().get_absolute_url(),
        Outcome.objects.published().first().get_absolute_url(),
        (Cluster.objects.published().first() or ClusterFactory()).get_absolute_url(),
        Sector.objects.first().get_absolute_url(),
        Country.objects.published().first().get_absolute_url(),
        "/api/partnerships/",
        "/api/outcomes/",
    ]


def test_made_up_parameters_create_no_cache_entries(seeded, cache_on_small_redis, visitor):
    redis_client = cache_on_small_redis
    for url in ("/statistics/", "/outcomes/", "/", "/api/outcomes/"):
        assert visitor.get(url).status_code == 200
    keys, memory = redis_client.dbsize(), redis_client.info("memory")["used_memory"]

    answers = set()
    for n in range(60):
        for path in ("/statistics/", "/outcomes/", "/"):
            response = visitor.get(f"{path}?junk={n}")
            answers.add((response.status_code, response.get("Location")))
        assert visitor.get(f"/api/outcomes/?junk={n}").status_code == 200

    # Each made-up parameter is sent to the page without it, which is kept once.
    assert answers == {(301, "/statistics/"), (301, "/outcomes/"), (301, "/")}
    assert redis_client.dbsize() == keys
    assert redis_client.info("memory")["used_memory"] < memory + 100_000
    for url in every_page_type():
        assert visitor.get(url).status_code == 200, url


def test_known_parameters_are_kept_with_the_made_up_ones_dropped(seeded, settings, visitor):
    from partnerships.models import Sector

    slug = Sector.objects.first().slug
    response = visitor.get(f"/partnerships/?utm_source=mail&sector={slug}&sort=-name&x=1")
    assert response.status_code == 301
    assert response["Location"] == f"/partnerships/?sector={slug}&sort=-name"
    # A record's page knows no parameters at all.
    response = visitor.get("/sectors/?page=2")
    assert (response.status_code, response["Location"]) == (301, "/sectors/")


def test_one_kept_page_serves_every_spelling_of_the_same_filters(
    seeded, cache_on_small_redis, visitor
):
    from partnerships.models import Sector

    a, b = Sector.objects.order_by("slug").values_list("slug", flat=True)[:2]
    first = visitor.get(f"/partnerships/?sector={a}&sector={b}")
    assert first.status_code == 200
    keys = cache_on_small_redis.dbsize()
    for spelling in (
        f"?sector={b}&sector={a}",
        f"?sector={a}&sector={b}&sector={a}",
        f"?q=&sector={a}&sector={b}",  # A submitted form sends its empty fields.
    ):
        response = visitor.get(f"/partnerships/{spelling}")
        assert (response.status_code, response.content) == (200, first.content), spelling
    assert cache_on_small_redis.dbsize() == keys
    # Bad values are refused with their message (400), never answered from a kept page.
    response = visitor.get("/partnerships/?sector=no-such-sector")
    assert response.status_code == 400
    assert "is not a sector on this portal" in response.text
    assert visitor.get("/outcomes/?page=1").status_code == 200
    keys = cache_on_small_redis.dbsize()
    for spelling in ("?page=01", "?page=0001", "?page=1&page=1", "?sort=&page=1"):
        assert visitor.get(f"/outcomes/{spelling}").status_code == 200, spelling
    assert cache_on_small_redis.dbsize() == keys


def test_a_full_cache_that_refuses_writes_still_renders_every_page(
    seeded, cache_on_small_redis, visitor
):
    redis_client = cache_on_small_redis
    filler = b"x" * 200_000
    with contextlib.suppress(redis.exceptions.OutOfMemoryError):
        for n in range(1000):
            redis_client.set(f"filler:{n}", filler)
    # Full by 1 MB, so that Redis freeing a client's buffers cannot make room again mid-test.
    redis_client.config_set("maxmemory", redis_client.info("memory")["used_memory"] - 1_000_000)
    with pytest.raises(redis.exceptions.OutOfMemoryError):
        redis_client.set("one-more", b"x")

    for url in every_page_type():
        assert visitor.get(url).status_code == 200, url
    health = visitor.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "degraded", "database": "up", "cache": "failing"}

    # Room again (an LRU policy would make it): pages are kept again and the probe says so.
    redis_client.flushdb()
    assert visitor.get("/healthz").json() == {"status": "ok", "database": "up", "cache": "up"}
    assert visitor.get("/statistics/").status_code == 200
    assert redis_client.dbsize() > 0


def test_an_unreachable_cache_degrades_to_rendering_and_healthz_says_so(
    seeded, cache_unreachable, visitor, caplog
):
    for url in every_page_type():
        assert visitor.get(url).status_code == 200, url
    health = visitor.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "degraded", "database": "up", "cache": "failing"}
    assert "cache" in caplog.text.lower()
