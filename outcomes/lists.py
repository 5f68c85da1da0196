"""The public list of outcomes, declared once: its page, API, export and import derive from it
(core/public_lists.py). Names, URL names and messages are a public contract: keep them."""

from django.utils.translation import gettext_lazy as _

from core.public_lists import PublicList, RecordKey
from outcomes.exports import OutcomeExport, ResultsExport
from outcomes.filters import OutcomeFilter
from outcomes.models import Outcome
from outcomes.schemas import OutcomeOut
from partnerships.filters import PartnershipFilter
from partnerships.models import Partnership

OUTCOMES = PublicList(
    name="outcomes",
    title=_("Outcomes"),
    rows=lambda: Outcome.objects.published().with_related(),
    page_url_name="outcomes:outcome-list",
    filterset_class=OutcomeFilter,
    export_class=OutcomeExport,
    schema=OutcomeOut,
    summary=_("Published outcomes, filtered and sorted as on /outcomes/"),
    item_name="outcome",
    item_summary=_("One published outcome, by its id"),
    key=RecordKey("outcome_id", int, field="id"),
    not_found=_("There is no published outcome %(outcome_id)s."),
)

# The source's "Examples from 6 CIP Cluster Internationalisation Projects", regenerated: each
# partnership with published outcomes and its results in words. A page, its files, no API.
OUTCOMES_REPORT = PublicList(
    name="outcomes-report",
    title=_("Outcomes report"),
    rows=lambda: (
        Partnership.objects.published()
        .filter(pk__in=Outcome.objects.published().values("partnership"))
        .prefetch_related("sectors")
        .order_by("name", "pk")
    ),
    page_url_name="outcomes-report",
    filterset_class=PartnershipFilter,
    export_class=ResultsExport,
)

PUBLIC_LISTS = (OUTCOMES, OUTCOMES_REPORT)
