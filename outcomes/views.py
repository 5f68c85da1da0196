from typing import Any

from django.views.generic import DetailView

from core.list_views import FilteredListView
from outcomes import lists
from outcomes.exports import ResultsExport
from outcomes.models import Outcome
from outcomes.rows import table_rows


class OutcomeListView(FilteredListView):
    public_list = lists.OUTCOMES
    template_name = "outcomes/outcome_list.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The page's rows, read as the table shows them: one query, no model object.
        context["object_list"] = table_rows(context["object_list"])
        return context


class OutcomesReportView(FilteredListView):
    """Each partnership's outcomes in words, in the form of the source's list of the CIP projects'
    results; takes the filters of /partnerships/."""

    public_list = lists.OUTCOMES_REPORT
    template_name = "outcomes/outcomes_report.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The page's rows, read as the export reads them: the results in words, one query a page.
        report = ResultsExport(context["object_list"], base_url="")
        context["rows"] = list(report.fetch())
        return context


class OutcomeDetailView(DetailView):
    queryset = Outcome.objects.published().with_related().select_related("source")
