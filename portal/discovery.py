"""What browsers, search engines and harvesters ask a site for at fixed addresses: robots.txt, the
favicon, the web app manifest (the sitemap is portal/sitemaps.py, the data catalogue
portal/catalogue.py)."""

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from portal.context_processors import SITE_NAME

# The portal's colours (static/css/portal.css), which its icon (static/img/icon.svg) is drawn in.
THEME_COLOUR = "#0a3d91"
DAY = 24 * 3600


@require_safe
@cache_control(max_age=DAY, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Every public page may be crawled; exports are files, each a page's rows, so not crawled, and
    the language switcher only sets a cookie on the way to a page crawled at its own address.

    The admin is not named: its address is a setting (ADMIN_URL) better not published here, and
    its pages ask for a login anyway.
    """
    lines = [
        "User-agent: *",
        "Disallow: /*?*export=",
        # The language switcher's links: each page's languages are in its hreflang links.
        f"Disallow: {reverse('switch-language', args=['x']).removesuffix('x/')}",
        "Allow: /",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(max_age=7 * DAY, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    """/favicon.ico, which browsers and crawlers ask for whatever the page links to."""
    path = settings.STATICFILES_DIRS[0] / "img" / "favicon.ico"
    return FileResponse(path.open("rb"), content_type="image/vnd.microsoft.icon")


@require_safe
@cache_control(max_age=DAY, public=True)
def web_manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: the name and icons a phone shows for a page saved to its home screen."""
    manifest = {
        "name": str(SITE_NAME),
        "short_name": gettext("EU Clusters"),
        "description": gettext(
            "Browse the European Strategic Cluster Partnerships and the results they achieve "
            "with countries outside the EU."
        ),
        "lang": get_language() or settings.LANGUAGE_CODE,
        "start_url": reverse("home"),
        "scope": "/",
        "display": "browser",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [
            {"src": static("img/icon.svg"), "type": "image/svg+xml", "sizes": "any"},
            {"src": static("img/icon-192.png"), "type": "image/png", "sizes": "192x192"},
            {"src": static("img/icon-512.png"), "type": "image/png", "sizes": "512x512"},
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json")
