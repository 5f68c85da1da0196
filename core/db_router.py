"""Reads from PostgreSQL streaming replicas where nobody can tell; everything else on the primary.

``ReplicaRouter`` (``DATABASE_ROUTERS``) sends a read to a replica only inside a
request the site has let use one (``begin(replica_allowed=True)``: a visitor's
GET, not a curator's, not one pinned to the primary after a write) and only
until that request writes: from its first write on, and inside any transaction
on the primary, it reads the primary. Writes always go to the primary.

A replica is chosen once per request, so that one page reads one snapshot of
history, and only if it is usable: it answers, its lag (from
``pg_last_xact_replay_timestamp()``) is within ``REPLICA_MAX_LAG_SECONDS``,
and it has replayed the WAL up to the position the caller says the current
data need (``needed``: the data cache's generation records the primary's WAL
position after each change, so that nothing read from a replica is older than
the cache's generation). Otherwise another replica, else the primary: a
replica that is down or behind costs no request. Each process checks a
replica at most every ``CHECK_SECONDS`` and leaves one that failed alone for
``DOWN_SECONDS``.

It knows nothing of requests or users: the site's middleware says when a
request begins and whether it may use a replica (portal/middleware.py).
"""

import contextlib
import dataclasses
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
# How often a process asks a replica how far it has replayed, and how long it leaves one that
# failed before trying again.
CHECK_SECONDS = 1.0
DOWN_SECONDS = 5.0
# A replica found behind the position a request needs is asked again after this long, not sooner.
RECHECK_SECONDS = 0.1

_STATUS_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text,
       CASE WHEN NOT pg_is_in_recovery()
                 OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0.0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0.0)
       END::float8
"""


def lsn(text: str | None) -> int | None:
    """A WAL position such as ``16/B374D848`` as a number that compares in WAL order."""
    if not text:
        return None
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


@dataclasses.dataclass(frozen=True)
class Status:
    """What a process last learnt of a replica."""

    checked: float  # time.monotonic()
    up: bool
    lag_seconds: float | None = None
    position: int | None = None  # WAL replayed up to here
    error: str = ""

    def usable(self) -> bool:
        return self.up and (self.lag_seconds or 0.0) <= settings.REPLICA_MAX_LAG_SECONDS


_statuses: dict[str, Status] = {}
_statuses_lock = threading.Lock()


def replicas() -> list[str]:
    """The aliases of the configured replicas (``DATABASE_REPLICA_URLS``), none by default."""
    return list(getattr(settings, "DATABASE_REPLICAS", ()))


def check(alias: str) -> Status:
    """Ask the replica now how far it has replayed; a failure marks it down."""
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        with connection.cursor() as cursor:
            cursor.execute(_STATUS_SQL)
            _in_recovery, position, lag = cursor.fetchone()
        status = Status(time.monotonic(), True, round(lag, 3), lsn(position))
    except DatabaseError as error:
        logger.warning("Replica %s is skipped: %s", alias, str(error).strip())
        with contextlib.suppress(DatabaseError):
            connection.close()
        status = Status(time.monotonic(), False, error=str(error).strip())
    with _statuses_lock:
        _statuses[alias] = status
    return status


def status(alias: str, needed: int | None = None) -> Status:
    """The replica's status, asked again when the process's is too old to go by."""
    known = _statuses.get(alias)
    now = time.monotonic()
    if known is None:
        return check(alias)
    age = now - known.checked
    if not known.up:
        return check(alias) if age >= DOWN_SECONDS else known
    behind = needed is not None and (known.position or 0) < needed
    if age >= CHECK_SECONDS or (behind and age >= RECHECK_SECONDS):
        return check(alias)
    return known


def mark_down(alias: str, error: str) -> None:
    with _statuses_lock:
        _statuses[alias] = Status(time.monotonic(), False, error=error)


def forget_statuses() -> None:
    """Forget what this process knows of the replicas (tests; a new configuration)."""
    with _statuses_lock:
        _statuses.clear()


def primary_position() -> int | None:
    """The primary's current WAL position, when there are replicas to compare it with; else None."""
    if not replicas() or connections[PRIMARY].vendor != "postgresql":
        return None
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return lsn(cursor.fetchone()[0])


@dataclasses.dataclass
class _Route:
    """One request's routing: whether it may read a replica, which one it reads, whether it wrote."""

    replica_allowed: bool
    needed: Callable[[], int | None] | None = None
    wrote: bool = False
    alias: str | None = None  # chosen at the first read
    position: int | None = None  # what the chosen replica had replayed when chosen
    replica_failed: bool = False


_route: ContextVar[_Route | None] = ContextVar("db_route", default=None)


def begin(*, replica_allowed: bool, needed: Callable[[], int | None] | None = None) -> None:
    """A request begins: may its reads go to a replica, and up to which WAL position (``needed()``,
    asked at its first read) must that replica have replayed?"""
    _route.set(_Route(replica_allowed=replica_allowed and bool(replicas()), needed=needed))


def end(**kwargs) -> None:
    """The request is over (``request_finished``): this thread reads the primary again."""
    _route.set(None)


def wrote() -> bool:
    """Whether the current request wrote to the primary."""
    route = _route.get()
    return bool(route and route.wrote)


def replica_failed() -> bool:
    """Whether a replica failed under the current request (then it may be served again from the primary)."""
    route = _route.get()
    return bool(route and route.replica_failed)


def read_alias() -> str:
    """Where the current request's reads go now."""
    route = _route.get()
    if (
        route is None
        or not route.replica_allowed
        or route.wrote
        or connections[PRIMARY].in_atomic_block
    ):
        return PRIMARY
    if route.alias is None:
        needed = route.needed() if route.needed else None
        route.alias, route.position = _choose(needed)
    return route.alias


def reads_current(position: int | None) -> bool:
    """Whether what this request read is at least as new as ``position`` (a primary WAL position):
    false only when it read a replica chosen before it had replayed that far."""
    route = _route.get()
    if route is None or route.alias in (None, PRIMARY) or position is None:
        return True
    return route.position is not None and route.position >= position


def _choose(needed: int | None) -> tuple[str, int | None]:
    candidates = replicas()
    random.shuffle(candidates)
    for alias in candidates:
        replica = status(alias, needed)
        if not replica.usable() or (needed is not None and (replica.position or 0) < needed):
            continue
        try:
            # This thread's own connection: the status may have been learnt by another one.
            connections[alias].close_if_health_check_failed()
            connections[alias].ensure_connection()
        except DatabaseError as error:
            mark_down(alias, str(error).strip())
            continue
        return alias, replica.position
    return PRIMARY, None


@contextlib.contextmanager
def watching_replicas() -> Iterator[None]:
    """Note a replica that fails mid-request: it is marked down, and the request may be answered
    again from the primary (``replica_failed()``)."""

    def watch(alias):
        def wrapper(execute, sql, params, many, context):
            try:
                return execute(sql, params, many, context)
            except DatabaseError as error:
                route = _route.get()
                if route is not None:
                    route.replica_failed = True
                mark_down(alias, str(error).strip())
                raise

        return wrapper

    with contextlib.ExitStack() as stack:
        for alias in replicas():
            stack.enter_context(connections[alias].execute_wrapper(watch(alias)))
        yield


def report() -> dict[str, dict]:
    """Each replica's state, asked now, for /healthz: up (with its lag), lagging (skipped) or down."""
    states = {}
    for alias in replicas():
        replica = check(alias)
        if not replica.up:
            states[alias] = {"state": "down"}
        else:
            states[alias] = {
                "state": "up" if replica.usable() else "lagging",
                "lag_seconds": replica.lag_seconds,
            }
    return states


class ReplicaRouter:
    """Reads where ``read_alias()`` says; writes, and migrations, on the primary only."""

    def db_for_read(self, model, **hints) -> str | None:
        if not replicas():
            return None
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        route = _route.get()
        if route is not None:
            route.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replicas hold the primary's rows: a row read from one may refer to a row of the other.
        return True

    def allow_migrate(self, db, app_label, **hints) -> bool:
        # Every other alias is a replica (configured or not in this process): it replays the
        # primary's migrations and is never asked about them (makemigrations' history check).
        return db == PRIMARY
