from django.urls import path

from outcomes import feeds

app_name = "feeds"

urlpatterns = [
    path("outcomes/", feeds.OutcomeFeed(), name="outcomes"),
    path("partnerships/<slug:slug>/", feeds.PartnershipOutcomeFeed(), name="partnership"),
    path("countries/<str:code>/", feeds.CountryOutcomeFeed(), name="country"),
    path("sectors/<slug:slug>/", feeds.SectorOutcomeFeed(), name="sector"),
]
