"""The open data API of outcomes (read-only); the list takes the parameters of /outcomes/."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja.errors import HttpError
from ninja.pagination import paginate

from core.api_lists import (
    ErrorOut,
    ExportedRows,
    PageLinks,
    ReadRouter,
    filter_parameters,
    filtered,
)
from outcomes.exports import OutcomeExport
from outcomes.filters import OutcomeFilter
from outcomes.models import Outcome
from outcomes.schemas import OutcomeOut

router = ReadRouter(tags=["outcomes"])


@router.get(
    "/outcomes/",
    response={200: list[OutcomeOut], 400: ErrorOut, 404: ErrorOut},
    url_name="outcomes",
    summary=_("Published outcomes, filtered and sorted as on /outcomes/"),
    openapi_extra=filter_parameters(OutcomeFilter),
)
@paginate(PageLinks)
def list_outcomes(request):
    return ExportedRows(
        OutcomeExport,
        filtered(OutcomeFilter, request, Outcome.objects.published()),
        request,
        api_view="api:outcome",
        key="id",
    )


@router.get(
    "/outcomes/{int:outcome_id}/",
    response={200: OutcomeOut, 404: ErrorOut},
    url_name="outcome",
    summary=_("One published outcome, by its id"),
)
def get_outcome(request, outcome_id: int):
    row = ExportedRows(
        OutcomeExport,
        Outcome.objects.published().filter(pk=outcome_id),
        request,
        api_view="api:outcome",
        key="id",
    ).one()
    if row is None:
        raise HttpError(
            404,
            gettext("There is no published outcome %(outcome_id)s.") % {"outcome_id": outcome_id},
        )
    return row
