from django.urls import path

from outcomes import suggestions, views

app_name = "outcomes"

urlpatterns = [
    path("", views.OutcomeListView.as_view(), name="outcome-list"),
    path("report/", suggestions.report_result, name="report-result"),
    path("<int:pk>/", views.OutcomeDetailView.as_view(), name="outcome-detail"),
]
