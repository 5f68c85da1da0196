from django.contrib import admin
from django.urls import include, path

from portal import views
from portal.api import api

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("about/exports/", views.ExportsHelpView.as_view(), name="exports-help"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("partnerships.urls")),
    path("outcomes/", include("outcomes.urls")),
]
