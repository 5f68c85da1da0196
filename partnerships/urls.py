from django.urls import path

from partnerships import views

app_name = "partnerships"

# The pages of one partnership, sector or country show outcomes too: portal/urls.py adds them to
# this namespace (partnerships:partnership-detail, ...) from portal/detail_pages.py.
urlpatterns = [
    path("partnerships/", views.PartnershipListView.as_view(), name="partnership-list"),
    path("reports/escp-overview/", views.EscpOverviewReportView.as_view(), name="escp-overview"),
    path("sectors/", views.SectorListView.as_view(), name="sector-list"),
    path("countries/", views.CountryListView.as_view(), name="country-list"),
    path("clusters/", views.ClusterListView.as_view(), name="cluster-list"),
    path("clusters/<slug:slug>/", views.ClusterDetailView.as_view(), name="cluster-detail"),
]
