from django.conf import settings

from portal.freshness import data_updated_at, generation

SITE_NAME = "EU Cluster Internationalisation Portal"


def site(request):
    """What every page's shell needs: the site's name, when its data last changed, its generation."""
    return {
        "SITE_NAME": SITE_NAME,
        "DEBUG": settings.DEBUG,
        "data_updated_at": data_updated_at,
        # Called only by a template that keeps a fragment until the data changes ({% cache %}).
        "data_generation": generation,
    }
