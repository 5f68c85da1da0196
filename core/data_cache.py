"""When the public data last changed, and the cache of what is computed from it.

``data_updated_at()`` gives the "Data last updated" line on every public page.
``cached(name, parts, compute)`` keeps any figure computed from the public data
(facet counts, result counts, the home page's figures, the statistics) under a
key that names the current *generation* of the data. Any save or delete of
curated data clears the date and starts a new generation, so every cached figure
is forgotten at once without listing keys. With Redis (``REDIS_URL``) all
processes, on every node, share the entries and the generation, so they are kept with no
time-to-live: the generation alone decides when they are stale, and Redis's LRU
policy drops old generations (docs/operations.md). With the default local-memory
cache each process has its own entries and cannot see another's change, so there
``TIMEOUT`` bounds staleness.

A value that is missing is computed once, however many requests want it at the
same moment: the first takes a lock (``cache.add``) and computes, the others wait
for its value (``cached``). A cold search over a million outcomes is seconds of
database work; three identical requests used to do it three times.

With read replicas (core/db_router.py) a generation also names the primary's WAL
position after the change that started it: a request reads a replica only once
it has replayed that far, and what a request read from a replica chosen earlier
is not kept under a newer generation (``may_keep``). The generation is started
again once the change commits, so that nothing rendered from the data before
the commit is kept as current.

It knows no model: each public app registers itself in its ``AppConfig.ready``, so
that a change to any of its models starts a new generation (``register_app``), and
names the published rows the date is read from (``register_dated``).
"""

import datetime
import hashlib
import threading
import time
import uuid
from collections.abc import Callable, Iterable

from django.apps import AppConfig
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, transaction
from django.db.models import Model, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

from core import counts, db_router

CACHE_KEY = "portal:data-updated-at"
GENERATION_KEY = "portal:data-generation"
# How long a process's own (local-memory) cache keeps a value; a shared cache keeps it until the
# data changes (timeout()).
TIMEOUT = 300
# How often a request that waits for another's computation looks for its value.
WAIT_STEP_SECONDS = 0.05


# Registered by the apps in their AppConfig.ready (register_dated).
_DATED: list[Callable[[], QuerySet]] = []


def register_dated(*querysets: Callable[[], QuerySet]) -> None:
    """The published rows whose newest ``updated_at`` says when the public data last changed,
    such as ``Partnership.objects.published``."""
    _DATED.extend(queryset for queryset in querysets if queryset not in _DATED)


def data_updated_at() -> datetime.datetime | None:
    """When the public data last changed: read from the cache once per request (the footer, the
    citation and the exports' validators each ask), and at every call outside a request."""
    value = getattr(_request, "updated_at", None)
    if value is not None:
        return value or None
    value = cache.get(CACHE_KEY)
    if value is None:
        # One query for all the tables: the UNION ALL of each one's newest change, read along
        # its index where it has one (a million outcomes): a MAX() over a join read every row
        # (300 ms), asked again after each change. The row by its key, since a part of a UNION
        # cannot have its own LIMIT on SQLite.
        newest = [
            queryset()
            .model.objects.filter(pk__in=queryset().order_by("-updated_at").values("pk")[:1])
            .order_by()
            .values_list("updated_at", flat=True)
            for queryset in _DATED
        ]
        latest = list(counts.combined(newest, all=True)) if newest else []
        value = max((moment for moment in latest if moment), default="")
        if may_keep(generation()):
            cache.set(CACHE_KEY, value, timeout())
    if getattr(_request, "open", False):
        _request.updated_at = value
    return value or None


def timeout() -> int | None:
    """How long a value computed from the data is kept: until the data changes (no time-to-live)
    where all processes share the cache and its generation, ``TIMEOUT`` in a process's own memory,
    which another process's change does not reach."""
    return TIMEOUT if isinstance(caches["default"], LocMemCache) else None


def generation() -> str:
    """The current generation of the data: read from the cache once per request (a page asks
    for it once per cached figure), and at every call outside a request."""
    value = getattr(_request, "generation", None)
    if value is None:
        value = cache.get(GENERATION_KEY)
        if value is None:
            value = _new_generation()
            cache.add(GENERATION_KEY, value, None)
            value = cache.get(GENERATION_KEY, value)
        if getattr(_request, "open", False):
            _request.generation = value
    return value


# What one request has read: per thread, as each worker thread serves one request at a time.
_request = threading.local()


def _request_started(**kwargs) -> None:
    _request.open, _request.generation, _request.updated_at = True, None, None


def _request_finished(**kwargs) -> None:
    _request.open, _request.generation, _request.updated_at = False, None, None


request_started.connect(_request_started, dispatch_uid="data-cache-request-started")
request_finished.connect(_request_finished, dispatch_uid="data-cache-request-finished")


def _new_generation() -> str:
    """A new generation's name: random, and with replicas the primary's WAL position now."""
    try:
        position = db_router.primary_position()
    except DatabaseError:  # The primary is down: nothing can be read as newer than anything.
        position = None
    name = uuid.uuid4().hex
    return name if position is None else f"{name}.{position}"


def generation_position(name: str | None = None) -> int | None:
    """The primary's WAL position a generation (the current one by default) started at, if known."""
    _, _, position = (name or generation()).partition(".")
    return int(position) if position else None


def may_keep(name: str) -> bool:
    """Whether what this request computed may be kept under generation ``name``: not when it was
    read from a replica that had not yet replayed the change that started the generation."""
    return db_router.reads_current(generation_position(name))


def key(name: str, parts, current: str | None = None) -> str:
    """The cache key of ``parts`` under ``name`` in generation ``current`` (the current one by default).

    ``parts`` must be canonical (validated, in a fixed order): every distinct value is an entry.
    Each language keeps its own: a kept value may hold words (a chart's caption, a page).
    """
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"portal:{current or generation()}:{name}:{get_language()}:{digest}"


def cached[T](name: str, parts: object, compute: Callable[[], T], *, local: bool = False) -> T:
    """``compute()``, or its value for the same ``parts`` while the data has not changed.

    One computation per missing value: the request that takes the lock computes, the others
    wait for its value as long as a request may query (``settings.QUERY_DEADLINE_SECONDS``), and
    compute it themselves only if the lock goes without a value (its computation failed) or the
    wait runs out. A cache that fails (full, or down) is a miss: the value is computed, with no
    waiting (the site's cache backend, portal/cache.py). ``local``: also kept in this process's memory for the current
    generation, for the few values every page reads whole (the filters' options, every country):
    read and unpickled from the cache, 10,000 partnerships' options or 250 countries cost
    milliseconds a page. Only for values nobody changes, and of a bounded number of ``parts``.
    """
    current = generation()
    cache_key = key(name, parts, current)
    if local:
        if _local.get("generation") != current:
            _local.clear()
            _local["generation"] = current
        if cache_key in _local:
            return _local[cache_key]
    value = cache.get(cache_key)
    if value is None:
        if not may_keep(current):  # Read from a replica behind this generation: not kept.
            return compute()
        value = _computed_once(cache_key, compute)
    if local:
        _local[cache_key] = value
    return value


def cached_many[K, T](
    name: str, parts: Iterable[K], compute: Callable[[list[K]], dict[K, T]]
) -> dict[K, T]:
    """Each of ``parts``' value, kept on its own while the data has not changed: one read of the
    cache for them all, and ``compute(missing)`` once for those not kept, which answers each
    missing part's value.

    For small values that many pages read in sets that overlap (a partnership's row in every
    table that lists it), each cheap to compute: none is computed once for all waiting requests,
    as ``cached`` does."""
    current = generation()
    keys = {key(name, part, current): part for part in parts}
    found = cache.get_many(list(keys))
    values = {keys[cache_key]: value for cache_key, value in found.items()}
    missing = [part for cache_key, part in keys.items() if cache_key not in found]
    if missing:
        computed = compute(missing)
        if may_keep(current):  # Not what was read from a replica behind this generation.
            cache.set_many(
                {key(name, part, current): computed[part] for part in missing}, timeout()
            )
        values.update(computed)
    return values


def _computed_once[T](cache_key: str, compute: Callable[[], T]) -> T:
    """``compute()`` by the request that takes the lock; the others wait for its value."""
    lock_key = f"{cache_key}:computing"
    wait = settings.QUERY_DEADLINE_SECONDS
    # The lock outlives the longest computation a request may run, and then lapses, so that a
    # worker killed while computing does not leave it held.
    locked = cache.add(lock_key, 1, wait + settings.STATEMENT_TIMEOUT_SECONDS)
    if not locked:
        value = _wait_for(cache_key, lock_key, time.monotonic() + wait)
        if value is not None:
            return value
    try:
        value = compute()
        cache.set(cache_key, value, timeout())
    finally:
        if locked:
            cache.delete(lock_key)
    return value


def _wait_for(cache_key: str, lock_key: str, deadline: float):
    """The value another request is computing, or None if its lock goes first or time runs out."""
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_SECONDS)
        value = cache.get(cache_key)
        if value is not None:
            return value
        if cache.get(lock_key) is None:
            return cache.get(cache_key)
    return None


# Values kept in this process for one generation (cached(..., local=True)), and that generation.
_local: dict[str, object] = {}


def forget(**kwargs) -> None:
    """The data changed: forget the date and start a new generation, now and once committed.

    Now, so that this transaction's own later reads see no kept figure; again after the
    commit, since another request may have kept a page of the data before the commit
    under the generation started in between."""
    # A write in this request: what it reads next is new.
    _request.generation = _request.updated_at = None
    cache.delete_many([CACHE_KEY, GENERATION_KEY])
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        callback is _start_generation for _, callback, _ in connection.run_on_commit
    ):
        transaction.on_commit(_start_generation, robust=True)


def _start_generation() -> None:
    _request.generation = _request.updated_at = None
    cache.delete(CACHE_KEY)
    cache.set(GENERATION_KEY, _new_generation(), None)


def register_model(model: type[Model]) -> Callable[[], None]:
    """Saves and deletions of ``model`` start a new generation; returns how to stop that (for a
    model made after start-up, such as an outcome type's proxy registered in a test)."""
    uids = {
        signal: f"freshness-{signal}-{model._meta.label}" for signal in (post_save, post_delete)
    }
    for signal, uid in uids.items():
        signal.connect(forget, sender=model, dispatch_uid=uid)

    def undo():
        for signal, uid in uids.items():
            signal.disconnect(sender=model, dispatch_uid=uid)

    return undo


def register_app(app_config: AppConfig, *, private: Iterable[type] = ()) -> None:
    """Every model of a public app, proxies and many-to-many tables included, starts a new
    generation: called by the app's ``AppConfig.ready``. Those named ``private`` never show on a
    public page (a visitor's suggestion): a stream of them must not empty every kept page.

    Listed from the app rather than by hand, so that a new model (or one forgotten, as
    organisations were: a renamed counterpart stayed stale in the kept pages) cannot escape.
    Saves through a typed proxy (MoU, Roadmap, ...) are sent with the proxy as sender.
    """
    models = [model for model in app_config.get_models() if model not in set(private)]
    for model in models:
        register_model(model)
    throughs = {
        field.remote_field.through for model in models for field in model._meta.local_many_to_many
    }
    for through in throughs:
        m2m_changed.connect(
            forget, sender=through, dispatch_uid=f"freshness-m2m-{through._meta.label}"
        )
