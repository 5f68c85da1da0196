from django.conf import settings


def site(request):
    """What every page's shell needs: the site's name."""
    return {"SITE_NAME": "EU Cluster Internationalisation Portal", "DEBUG": settings.DEBUG}
