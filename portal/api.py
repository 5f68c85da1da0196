"""The portal's open data API at /api/: read-only JSON of the published data. See docs/api.md."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from outcomes.api import router as outcomes_router
from partnerships.api import router as partnerships_router
from portal.api_lists import BadParameters

api = NinjaAPI(
    title="EU Cluster Internationalisation Portal: open data API",
    version="1",
    description=(
        "Read-only JSON of the published partnerships, clusters, outcomes, sectors, countries "
        "and regions. Lists take the same filter parameters as the portal's pages and return the "
        "same rows in the same order; fields are named as in the exports. See /about/exports/."
    ),
    urls_namespace="api",
)
api.add_router("", partnerships_router)
api.add_router("", outcomes_router)


@api.exception_handler(BadParameters)
def bad_parameters(request: HttpRequest, exc: BadParameters) -> HttpResponse:
    return api.create_response(
        request, {"detail": "Some parameters are not valid.", "errors": exc.errors}, status=400
    )


@api.exception_handler(ValidationError)
def invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Pagination parameters that fail their schema: 400 naming each, as for the filters."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        name = str(error.get("loc", ["?"])[-1])
        errors.setdefault(name, []).append(error.get("msg", "Not valid."))
    return api.create_response(
        request, {"detail": "Some parameters are not valid.", "errors": errors}, status=400
    )
