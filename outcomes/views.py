from django.views.generic import DetailView

from core.list_views import FilteredListView
from outcomes import lists
from outcomes.models import Outcome


class OutcomeListView(FilteredListView):
    public_list = lists.OUTCOMES
    template_name = "outcomes/outcome_list.html"


class OutcomeDetailView(DetailView):
    queryset = Outcome.objects.published().with_related().select_related("source")
