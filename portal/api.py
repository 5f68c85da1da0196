"""The portal's open data API at /api/: read-only JSON of the published data. See docs/api.md."""

from functools import cache
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError
from pydantic import WithJsonSchema

from core import public_lists
from core.api_lists import BadParameters, ReadRouter, Url, list_router
from portal import query_budget
from portal.api_docs import ReferencePage


class PortalApi(NinjaAPI):
    """django-ninja's API with a tidier schema: no empty ``servers`` list (the default, this
    server, is meant), and no component that nothing refers to (the pagination's ``Input``,
    whose fields are the query parameters ``page`` and ``page_size``)."""

    def get_openapi_schema(self, **kwargs: Any) -> dict:
        schema = super().get_openapi_schema(**kwargs)
        if not schema.get("servers"):
            schema.pop("servers", None)
        components = schema.get("components", {}).get("schemas", {})
        used = _referred(schema["paths"])
        while extra := _referred([components[name] for name in used]) - used:
            used |= extra
        for name in set(components) - used:
            del components[name]
        return schema


def _referred(part: object) -> set[str]:
    """The names of the components that ``part`` of the schema refers to with ``$ref``."""
    if isinstance(part, dict):
        found = {part["$ref"].rsplit("/", 1)[-1]} if isinstance(part.get("$ref"), str) else set()
        return found.union(*(_referred(value) for value in part.values()))
    if isinstance(part, list | tuple):
        return set().union(*(_referred(value) for value in part))
    return set()


api = PortalApi(
    title=_("EU Cluster Internationalisation Portal: open data API"),
    version="1",
    description=_(
        "Read-only JSON of the published partnerships, clusters, outcomes, sectors, countries "
        "and regions. Lists take the same filter parameters as the portal's pages and return the "
        "same rows in the same order; fields are named as in the exports. See /about/exports/."
    ),
    urls_namespace="api",
    # The reference at /api/docs, drawn from the schema as a page of the portal, not Swagger UI.
    docs=ReferencePage(),
)
index_router = ReadRouter(tags=["index"])
api.add_router("", index_router)
# Every registered list (partnerships/lists.py, outcomes/lists.py): /api/<name>/ and one record.
api.add_router("", list_router(public_lists.registered()))


class EndpointOut(Schema):
    url: Annotated[str, WithJsonSchema({"type": "string", "format": "uri-template"})] = Field(
        description=_("The endpoint's address; a part in braces is filled in, {slug}.")
    )
    summary: str = Field(description=_("What it answers."))


class IndexOut(Schema):
    title: str
    description: str
    docs: Url = Field(description=_("The reference documentation, drawn from the schema."))
    openapi: Url = Field(description=_("The OpenAPI 3 schema, with every parameter and field."))
    endpoints: list[EndpointOut]


@cache
def api_endpoints(root: str, language: str) -> list[tuple[str, str]]:
    """Every GET endpoint's path and summary but the index's (at ``root``), read from the OpenAPI
    schema so that it cannot drift; kept per language, as the summaries are translated."""
    paths = api.get_openapi_schema(path_prefix=root)["paths"]
    return [
        (path, str(operation["get"]["summary"]))
        for path, operation in paths.items()
        if path != root
    ]


@index_router.get(
    "/", response=IndexOut, url_name="index", summary=_("This index of the endpoints")
)
def index(request: HttpRequest) -> dict:
    root = reverse("api:index")
    base = request.build_absolute_uri("/").rstrip("/")
    return {
        "title": str(api.title),
        "description": str(api.description),
        "docs": base + reverse("api:openapi-view"),
        "openapi": base + reverse("api:openapi-json"),
        "endpoints": [
            {"url": base + path, "summary": summary}
            for path, summary in api_endpoints(root, get_language())
        ],
    }


@api.exception_handler(BadParameters)
def bad_parameters(request: HttpRequest, exc: BadParameters) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": gettext("Some parameters are not valid."), "errors": exc.errors},
        status=400,
    )


@api.exception_handler(ValidationError)
def invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Pagination parameters that fail their schema: 400 naming each, as for the filters."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        name = str(error.get("loc", ["?"])[-1])
        errors.setdefault(name, []).append(error.get("msg", gettext("Not valid.")))
    return api.create_response(
        request,
        {"detail": gettext("Some parameters are not valid."), "errors": errors},
        status=400,
    )


@api.exception_handler(query_budget.TooBroad)
def too_broad(request: HttpRequest, exc: query_budget.TooBroad) -> HttpResponse:
    """A request that ran out of its query budget: 503 and what to do (portal/query_budget.py);
    without DEBUG the middleware would answer the same."""
    return query_budget.too_broad(request)
