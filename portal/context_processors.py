from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.data_cache import data_updated_at, generation

SITE_NAME = _("EU Cluster Internationalisation Portal")


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page's shell needs: the site's name, when its data last changed, its generation."""
    return {
        "SITE_NAME": SITE_NAME,
        "DEBUG": settings.DEBUG,
        "data_updated_at": data_updated_at,
        # Called only by a template that keeps a fragment until the data changes ({% cache %}).
        "data_generation": generation,
        # What such a fragment depends on besides the data: the page's canonical state
        # (portal/page_cache.py), not its URL, which anybody can vary. A page with a bad
        # parameter has none, and keeps no fragment (a timeout of 0).
        "page_key": getattr(request, "page_key", request.path),
        "fragment_seconds": 300 if getattr(request, "page_key", request.path) else 0,
    }
