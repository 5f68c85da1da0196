from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from portal import views
from portal.api import api

if settings.ADMIN_REQUIRE_OTP:
    # As django-otp documents: the one admin site, with its registrations, now also asks for a
    # TOTP code at login and lets in only staff verified by a device.
    admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("about/exports/", views.ExportsHelpView.as_view(), name="exports-help"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("feeds/", include("outcomes.feed_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", api.urls),
    path("", include("partnerships.urls")),
    path("outcomes/", include("outcomes.urls")),
]

# Also answers 503 "temporarily unavailable" when the database cannot be reached.
handler500 = "portal.views.server_error"
