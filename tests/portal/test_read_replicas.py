"""Reads from replicas (core/db_router.py, portal.middleware.ReplicaReadsMiddleware).

Most tests give the portal a second connection, ``replica1``, to the test database itself: a
replica with no lag, on which the queries of a request can be counted apart from the primary's.
The last ones start a real PostgreSQL primary and streaming replica of their own
(``initdb``, ``pg_basebackup -R``; a few seconds) to measure lag and replayed positions.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from core import data_cache, db_router
from partnerships.countries import create_country_rows
from partnerships.models import Country
from portal.roles import sync_roles
from tests.factories import OutcomeFactory, PartnershipFactory

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="replicas are PostgreSQL streaming replicas"
)


def _add_alias(alias: str, **changes) -> None:
    connections.settings[alias] = {**connections["default"].settings_dict, **changes}


def _drop_alias(alias: str) -> None:
    if hasattr(connections._connections, alias):
        connections[alias].close()
        del connections[alias]
    connections.settings.pop(alias, None)


# The test database is also the replica ``replica1`` (portal/settings_test.py): committed rows are
# on both, so the tests commit.
with_replica = pytest.mark.django_db(transaction=True, databases=["default", "replica1"])


@pytest.fixture
def replica(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    db_router.forget_statuses()
    yield "replica1"
    db_router.forget_statuses()


@pytest.fixture
def published(transactional_db):
    """A published partnership with an outcome, committed; and what the migrations made, since
    a committing test's database is emptied after it."""
    create_country_rows(Country)
    sync_roles()
    partnership = PartnershipFactory(name="European Lighting Cluster Alliance", slug="elca")
    OutcomeFactory(partnership=partnership)
    return partnership


def _queries(client, path, **extra):
    """The response, and the SQL the primary and the replica ran for it."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica1"]) as replica,
    ):
        response = client.get(path, **extra)
        if response.streaming:
            b"".join(response.streaming_content)
        response.close()
    return response, [q["sql"] for q in primary], [q["sql"] for q in replica]


def _only_positions(sqls) -> bool:
    """True when the primary was asked nothing but its WAL position (a new cache generation)."""
    return all("pg_current_wal_lsn" in sql for sql in sqls)


PUBLIC = [
    "/partnerships/",
    "/partnerships/elca/",
    "/outcomes/?export=csv",
    "/partnerships/?export=json",
    "/api/partnerships/",
    "/feeds/outcomes/",
]


@postgresql_only
@with_replica
def test_a_visitors_pages_api_feeds_and_exports_read_the_replica(client, replica, published):
    for path in PUBLIC:
        response, primary, replica_sql = _queries(client, path)

        assert response.status_code == 200, path
        assert replica_sql, f"nothing was read from the replica for {path}"
        assert _only_positions(primary), (path, primary)
        assert "portal-primary" not in response.cookies

    answer = client.get("/healthz").json()
    assert answer["replicas"] == {"replica1": {"state": "up", "lag_seconds": 0.0}}
    assert answer["replica_max_lag_seconds"] == 5


@postgresql_only
@with_replica
def test_a_curator_reads_the_primary(client, replica, published, editor):
    client.force_login(editor)

    response, primary, replica_sql = _queries(client, "/partnerships/")
    assert response.status_code == 200
    assert primary and replica_sql == []

    response, primary, replica_sql = _queries(client, "/admin/partnerships/partnership/")
    assert response.status_code == 200
    assert replica_sql == []


@postgresql_only
@with_replica
def test_a_write_goes_to_the_primary_and_pins_the_browser_there(client, replica, published, editor):
    client.force_login(editor)
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica1"]) as replica_sql,
    ):
        response = client.post("/admin/logout/")
    assert response.status_code == 200
    assert any("DELETE" in q["sql"] for q in primary)
    assert replica_sql.captured_queries == []
    assert response.cookies["portal-primary"]["max-age"] == 10

    # Logged out, the same browser reads its own writes from the primary while pinned ...
    response, primary, replica_sql = _queries(client, "/partnerships/")
    assert response.status_code == 200
    assert replica_sql == [] and not _only_positions(primary)

    # ... and from a replica again once the pin has expired.
    del client.cookies["portal-primary"]
    response, primary, replica_sql = _queries(client, "/partnerships/")
    assert replica_sql and _only_positions(primary)


@postgresql_only
@with_replica
def test_a_change_is_seen_at_once_by_visitors_too(client, replica, published, settings):
    """The change starts a generation at the primary's WAL position after its commit; a replica
    that has not replayed that far is not read, and a page read from one is not kept."""
    settings.PAGE_CACHE = True
    assert b"A withdrawn result" not in client.get("/outcomes/").content
    OutcomeFactory(partnership=published, title="A withdrawn result")
    position = data_cache.generation_position()
    assert position is not None

    # Each step asks the replica afresh: a status learnt a moment ago is kept for RECHECK_SECONDS.
    db_router.forget_statuses()
    db_router.begin(replica_allowed=True, needed=lambda: position + 1)
    try:
        assert db_router.read_alias() == "default"  # the replica has not replayed that far
    finally:
        db_router.end()
    db_router.forget_statuses()
    db_router.begin(replica_allowed=True, needed=lambda: position)
    try:
        assert db_router.read_alias() == "replica1"
        # A newer change meanwhile: what this request reads is not kept under its generation.
        newer = f"{uuid.uuid4().hex}.{db_router._route.get().position + 1}"
        cache.set(data_cache.GENERATION_KEY, newer, None)
        assert data_cache.cached("figure", (), lambda: 42) == 42
        assert cache.get(data_cache.key("figure", ())) is None
    finally:
        db_router.end()

    # While no replica has replayed the generation's change, visitors read the primary ...
    response, _primary, replica_sql = _queries(client, "/outcomes/")
    assert b"A withdrawn result" in response.content and replica_sql == []
    # ... and a replica once one has.
    cache.set(data_cache.GENERATION_KEY, f"{uuid.uuid4().hex}.{position}", None)
    response, _primary, replica_sql = _queries(client, "/outcomes/")
    assert b"A withdrawn result" in response.content and replica_sql


@postgresql_only
@with_replica
def test_a_replica_refusing_connections_is_skipped_without_an_error(
    client, settings, published, unused_port
):
    connections["replica1"].close()
    real = connections["replica1"].settings_dict.copy()
    connections["replica1"].settings_dict.update(PORT=unused_port, OPTIONS={"connect_timeout": 1})
    settings.DATABASE_REPLICAS = ["replica1"]
    db_router.forget_statuses()
    try:
        for path in ["/partnerships/", "/outcomes/?export=csv", "/api/outcomes/"]:
            with CaptureQueriesContext(connections["default"]) as primary:
                response = client.get(path)
                if response.streaming:
                    b"".join(response.streaming_content)
            assert response.status_code == 200, path
            assert not _only_positions([q["sql"] for q in primary]), path
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        assert health.json()["replicas"] == {"replica1": {"state": "down"}}
    finally:
        db_router.forget_statuses()
        connections["replica1"].close()
        connections["replica1"].settings_dict.update(real)


def test_without_replicas_everything_reads_the_default_database(client, partnership):
    assert db_router.replicas() == []
    response = client.get("/partnerships/")
    assert response.status_code == 200
    assert "portal-primary" not in response.cookies
    assert "replicas" not in client.get("/healthz").json()


# ---------------------------------------------------------------- a real streaming replica


@pytest.fixture
def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(command):
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _pg(tool, *args):
    subprocess.run(_as_postgres([str(PG_BIN / tool), *map(str, args)]), check=True, capture_output=True)  # fmt: skip


class _Server:
    def __init__(self, data: Path, port: int):
        self.data, self.port = data, port

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data.parent}"
        _pg("pg_ctl", "-D", self.data, "-o", options, "-l", f"{self.data}.log", "-w", "start")

    def stop(self):
        _pg("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def sql(self, statement):
        with psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres") as db:  # fmt: skip
            db.autocommit = True
            with db.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchone() if cursor.description else None


@pytest.fixture(scope="module")
def streaming():
    """A primary and a streaming replica of it, on ports 55466 and 55467 (two more for each
    parallel worker: the module's tests may run on several at once), for this module."""
    if connection.vendor != "postgresql":
        pytest.skip("replicas are PostgreSQL streaming replicas")
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"needs PostgreSQL's server programs in {PG_BIN}")
    # Not pytest's tmp_path: its folders are the test user's alone, and the servers run as postgres.
    folder = Path(tempfile.mkdtemp(prefix="portal-streaming-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = 55466 + 2 * int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    primary, standby = _Server(folder / "primary", port), _Server(folder / "standby", port + 1)
    _pg("initdb", "-D", primary.data, "-A", "trust", "-U", "postgres", "--no-instructions")
    primary.start()
    try:
        _pg("pg_basebackup", "-h", "127.0.0.1", "-p", primary.port, "-U", "postgres",
            "-D", standby.data, "-R", "-X", "stream")  # fmt: skip
        standby.start()
        primary.sql("CREATE TABLE moments (at timestamptz)")
        yield primary, standby
    finally:
        for server in (standby, primary):
            if server.data.exists():
                subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(server.data), "-m", "immediate", "stop"]), capture_output=True)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def streamed(streaming, settings, django_db_blocker):
    primary, standby = streaming
    _add_alias("streamed", NAME="postgres", PORT=standby.port, OPTIONS={"connect_timeout": 1})
    settings.DATABASE_REPLICAS = ["streamed"]
    settings.REPLICA_MAX_LAG_SECONDS = 1
    db_router.forget_statuses()
    with django_db_blocker.unblock():
        yield primary, standby
    db_router.forget_statuses()
    _drop_alias("streamed")


def _until(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_streaming_replica_is_read_once_it_has_replayed_the_change(streamed):
    primary, _standby = streamed
    primary.sql("INSERT INTO moments VALUES (now())")
    written = db_router.lsn(primary.sql("SELECT pg_current_wal_lsn()::text")[0])

    _until(lambda: db_router._choose(written)[0] == "streamed")
    status = db_router.status("streamed")
    assert status.up and status.position >= written and status.lag_seconds < 1
    with connections["streamed"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM moments")
        assert cursor.fetchone()[0] >= 1


def test_a_lagging_replica_is_measured_and_skipped(streamed):
    primary, standby = streamed
    standby.sql("SELECT pg_wal_replay_pause()")
    try:
        primary.sql("INSERT INTO moments VALUES (now())")
        time.sleep(1.3)
        status = db_router.check("streamed")
        assert status.up and status.lag_seconds > 1
        assert db_router._choose(None)[0] == "default"
        assert db_router.report()["streamed"]["state"] == "lagging"
    finally:
        standby.sql("SELECT pg_wal_replay_resume()")
    _until(lambda: db_router.check("streamed").usable(), seconds=30)
    assert db_router._choose(None)[0] == "streamed"


def test_a_stopped_replica_is_skipped_and_used_again_once_back(streamed):
    _primary, standby = streamed
    assert db_router._choose(None)[0] == "streamed"
    standby.stop()
    try:
        assert db_router.check("streamed").up is False
        assert db_router._choose(None)[0] == "default"
        assert db_router.report() == {"streamed": {"state": "down"}}
    finally:
        standby.start()
    # Back, it counts as lagging until it streams from the primary again.
    _until(lambda: db_router.check("streamed").usable(), seconds=30)
    assert db_router._choose(None)[0] == "streamed"
