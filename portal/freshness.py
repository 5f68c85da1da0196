"""When the public data last changed, for the "Data last updated" line on every public page.

Computed with one aggregate query per table and cached; any save or delete of
curated data clears the cache, and the timeout bounds staleness where several
processes keep their own local-memory caches.
"""

from django.core.cache import cache
from django.db.models import Max
from django.db.models.signals import post_delete, post_save

CACHE_KEY = "portal:data-updated-at"
TIMEOUT = 300


def data_updated_at():
    value = cache.get(CACHE_KEY)
    if value is None:
        from outcomes.models import Outcome
        from partnerships.models import Cluster, Partnership

        latest = [
            Partnership.objects.published().aggregate(latest=Max("updated_at"))["latest"],
            Outcome.objects.published().aggregate(latest=Max("updated_at"))["latest"],
            Cluster.objects.published().aggregate(latest=Max("updated_at"))["latest"],
        ]
        value = max((moment for moment in latest if moment), default="")
        cache.set(CACHE_KEY, value, TIMEOUT)
    return value or None


def forget(**kwargs):
    cache.delete(CACHE_KEY)


def connect():
    from outcomes.models import Outcome
    from partnerships.models import Cluster, MemberCountry, Membership, Partnership, TargetMarket

    for model in (Partnership, Outcome, Cluster, MemberCountry, Membership, TargetMarket):
        for signal in (post_save, post_delete):
            signal.connect(
                forget, sender=model, dispatch_uid=f"freshness-{signal}-{model.__name__}"
            )
    # Saves through a typed proxy (MoU, Roadmap, ...) are sent with the proxy as sender.
    for proxy in Outcome.__subclasses__():
        for signal in (post_save, post_delete):
            signal.connect(
                forget, sender=proxy, dispatch_uid=f"freshness-{signal}-{proxy.__name__}"
            )
