from django.conf import settings

from portal.freshness import data_updated_at

SITE_NAME = "EU Cluster Internationalisation Portal"


def site(request):
    """What every page's shell needs: the site's name and when its data last changed."""
    return {
        "SITE_NAME": SITE_NAME,
        "DEBUG": settings.DEBUG,
        "data_updated_at": data_updated_at,
    }
