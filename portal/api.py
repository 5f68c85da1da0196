"""The portal's open data API at /api/: read-only JSON of the published data. See docs/api.md."""

from functools import cache

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError

from core.api_lists import BadParameters, ReadRouter
from outcomes.api import router as outcomes_router
from partnerships.api import router as partnerships_router

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
index_router = ReadRouter(tags=["index"])
api.add_router("", index_router)
api.add_router("", partnerships_router)
api.add_router("", outcomes_router)


class EndpointOut(Schema):
    url: str = Field(description="The endpoint's address; a part in braces is filled in, {slug}.")
    summary: str = Field(description="What it answers.")


class IndexOut(Schema):
    title: str
    description: str
    docs: str = Field(description="The interactive documentation.")
    openapi: str = Field(description="The OpenAPI 3 schema, with every parameter and field.")
    endpoints: list[EndpointOut]


@cache
def _endpoints(root: str) -> list[tuple[str, str]]:
    """Every GET endpoint's path and summary, read from the OpenAPI schema so it cannot drift."""
    paths = api.get_openapi_schema(path_prefix=root)["paths"]
    return [
        (path, operation["get"]["summary"]) for path, operation in paths.items() if path != root
    ]


@index_router.get("/", response=IndexOut, url_name="index", summary="This index of the endpoints")
def index(request: HttpRequest) -> dict:
    root = reverse("api:index")
    base = request.build_absolute_uri("/").rstrip("/")
    return {
        "title": api.title,
        "description": api.description,
        "docs": base + reverse("api:openapi-view"),
        "openapi": base + reverse("api:openapi-json"),
        "endpoints": [
            {"url": base + path, "summary": summary} for path, summary in _endpoints(root)
        ],
    }


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
