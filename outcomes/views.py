from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from core.list_views import FilteredListView
from outcomes.exports import OutcomeExport
from outcomes.filters import OutcomeFilter
from outcomes.models import Outcome


class OutcomeListView(FilteredListView):
    filterset_class = OutcomeFilter
    export_class = OutcomeExport
    queryset = Outcome.objects.published().with_related()
    template_name = "outcomes/outcome_list.html"
    page_heading = _("Outcomes")


class OutcomeDetailView(DetailView):
    queryset = Outcome.objects.published().with_related().select_related("source")
