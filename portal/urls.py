from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("about/exports/", views.ExportsHelpView.as_view(), name="exports-help"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("feeds/", include("outcomes.feed_urls")),
    path("admin/", admin.site.urls),
    path("", include("partnerships.urls")),
    path("outcomes/", include("outcomes.urls")),
]

# Also answers 503 "temporarily unavailable" when the database cannot be reached.
handler500 = "portal.views.server_error"
