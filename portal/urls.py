from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from outcomes.views import OutcomesReportView
from partnerships import urls as partnership_urls
from portal import catalogue, detail_pages, discovery, i18n, views
from portal.api import api
from portal.sitemaps import SITEMAPS

if settings.ADMIN_REQUIRE_OTP:
    # As django-otp documents: the one admin site, with its registrations, now also asks for a
    # TOTP code at login and lets in only staff verified by a device.
    admin.site.__class__ = OTPAdminSite

# The partnerships app's pages, and the portal's pages of one partnership, sector or country (which
# show outcomes too), under the one namespace their URL names have always had.
partnership_pages = [
    *partnership_urls.urlpatterns,
    path(
        "partnerships/<slug:slug>/",
        detail_pages.PartnershipDetailView.as_view(),
        name="partnership-detail",
    ),
    path("sectors/<slug:slug>/", detail_pages.SectorDetailView.as_view(), name="sector-detail"),
    path("countries/<str:code>/", detail_pages.CountryDetailView.as_view(), name="country-detail"),
]

# For programs, and the admin (which speaks the curator's language, portal/i18n.py): no prefix.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", discovery.robots_txt, name="robots-txt"),
    path("favicon.ico", discovery.favicon, name="favicon"),
    path("catalog.jsonld", catalogue.catalogue_view, name="catalogue"),
    path("catalog.ttl", catalogue.catalogue_turtle_view, name="catalogue-turtle"),
    path("manifest.webmanifest", discovery.web_manifest, name="web-manifest"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("language/<str:code>/", i18n.switch_language, name="switch-language"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", api.urls),
]

# The pages people read, and their feeds: in English at the addresses they have always had, in
# the other languages under a prefix (/fr/partnerships/). docs/decisions.md says why.
urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("about/exports/", views.ExportsHelpView.as_view(), name="exports-help"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("reports/outcomes/", OutcomesReportView.as_view(), name="outcomes-report"),
    path("feeds/", include("outcomes.feed_urls")),
    path("", include((partnership_pages, partnership_urls.app_name))),
    path("outcomes/", include("outcomes.urls")),
    prefix_default_language=False,
)

# Also answers 503 "temporarily unavailable" when the database cannot be reached.
handler500 = "portal.views.server_error"
