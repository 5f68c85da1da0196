"""When the public data last changed, and the cache of what is computed from it.

``data_updated_at()`` gives the "Data last updated" line on every public page.
``cached(name, parts, compute)`` keeps any figure computed from the public data
(facet counts, result counts, the home page's figures, the statistics) under a
key that names the current *generation* of the data. Any save or delete of
curated data clears the date and starts a new generation, so every cached figure
is forgotten at once without listing keys. With the default local-memory cache
each process has its own entries, so the timeout bounds staleness where another
process made the change; with Redis (``REDIS_URL``) all processes share them.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.db.models import Max
from django.db.models.signals import m2m_changed, post_delete, post_save

from portal import tally

CACHE_KEY = "portal:data-updated-at"
GENERATION_KEY = "portal:data-generation"
TIMEOUT = 300


def data_updated_at():
    value = cache.get(CACHE_KEY)
    if value is None:
        from outcomes.models import Outcome
        from partnerships.models import Cluster, Partnership

        # One query for the three tables: a UNION ALL of their MAX() aggregates.
        newest = [
            queryset.order_by()
            .values("is_published")
            .annotate(latest=Max("updated_at"))
            .values_list("latest", flat=True)
            for queryset in (
                Partnership.objects.published(),
                Outcome.objects.published(),
                Cluster.objects.published(),
            )
        ]
        latest = list(tally.combined(newest, all=True))
        value = max((moment for moment in latest if moment), default="")
        cache.set(CACHE_KEY, value, TIMEOUT)
    return value or None


def generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = uuid.uuid4().hex
        cache.add(GENERATION_KEY, value, None)
        value = cache.get(GENERATION_KEY, value)
    return value


def key(name: str, parts) -> str:
    """The cache key of ``parts`` under ``name`` in the current generation of the data.

    ``parts`` must be canonical (validated, in a fixed order): every distinct value is an entry.
    """
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"portal:{generation()}:{name}:{digest}"


def cached(name: str, parts, compute):
    """``compute()``, or its value for the same ``parts`` while the data has not changed.

    A cache that fails (full, or down) is a miss: the value is computed (portal/cache.py).
    """
    cache_key = key(name, parts)
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, TIMEOUT)
    return value


def forget(**kwargs):
    cache.delete_many([CACHE_KEY, GENERATION_KEY])


# The apps whose records the public pages show.
PUBLIC_APPS = ("partnerships", "outcomes")


def connect():
    """Every model of the public apps, proxies and many-to-many tables included, starts a new generation.

    Listed from the apps rather than by hand, so that a new model (or one
    forgotten, as organisations were: a renamed counterpart stayed stale in the
    kept pages) cannot escape.
    """
    from django.apps import apps

    for model in watched_models(apps):
        for signal in (post_save, post_delete):
            signal.connect(
                forget, sender=model, dispatch_uid=f"freshness-{signal}-{model._meta.label}"
            )
    for through in watched_throughs(apps):
        m2m_changed.connect(
            forget, sender=through, dispatch_uid=f"freshness-m2m-{through._meta.label}"
        )


def watched_models(apps):
    # Saves through a typed proxy (MoU, Roadmap, ...) are sent with the proxy as sender.
    return [model for label in PUBLIC_APPS for model in apps.get_app_config(label).get_models()]


def watched_throughs(apps):
    """The many-to-many tables of the public models: a partnership's sectors, a region's countries, co-signatories."""
    return {
        field.remote_field.through
        for model in watched_models(apps)
        for field in model._meta.local_many_to_many
    }
