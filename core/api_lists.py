"""The open data API's lists, made from their declarations (core/public_lists.py): the pages'
filters, pagination, rows and errors.

The API answers with exactly the rows the public pages show for the same
parameters, because it runs the pages' own rows and FilterSets; the rows carry the
columns of the exports (docs/exports.md), so that a field means one thing
wherever it appears. See docs/api.md.
"""

import inspect
from collections.abc import Iterable
from typing import Annotated, Any

from django import forms
from django.conf import settings
from django.core.paginator import InvalidPage
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.choices import BaseChoiceIterator
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters import FilterSet, OrderingFilter
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PaginationBase, paginate
from pydantic import WithJsonSchema

from core.pagination import CachedCountPaginator, RowsMergedByValue
from core.public_lists import PublicList

MAX_PAGE_SIZE = 100

# An absolute address: a plain string in the data, ``format: uri`` in the schema.
Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]
# An address curators may leave blank (a website): an absolute one or "", which is a URI
# reference but no URI.
UrlOrBlank = Annotated[str, WithJsonSchema({"type": "string", "format": "uri-reference"})]


class ReadRouter(Router):
    """A router whose GET endpoints answer HEAD too, as Django's own views do: the same status and
    headers, and no body (the server drops it; Content-Length stays the GET's).

    django-ninja serves only the methods an operation names, so each GET gets a HEAD twin. The twin
    stays out of the OpenAPI schema, where it would repeat the GET's operationId. Other methods
    (OPTIONS included) answer 405 with an ``Allow`` header naming GET and HEAD.
    """

    def get(self, path: str, **options: Any) -> HttpResponse:
        def decorator(view_func):
            self.add_api_operation(path, ["GET"], view_func, **options)
            self.add_api_operation(
                path, ["HEAD"], view_func, **{**options, "include_in_schema": False}
            )
            return view_func

        return decorator


class BadParameters(Exception):
    """Query parameters that cannot be used; ``errors`` maps each one to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(gettext("Some parameters are not valid."))
        self.errors = errors


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description=_("Each bad parameter, with why it is bad.")
    )


def list_router(public_lists: Iterable[PublicList]) -> ReadRouter:
    """A list endpoint and a record endpoint for each of ``public_lists`` that has a schema."""
    router = ReadRouter()
    for public_list in public_lists:
        if public_list.schema is not None:
            _add_list(router, public_list)
            _add_record(router, public_list)
    return router


def _add_list(router: ReadRouter, public_list: PublicList) -> None:
    filterset_class = public_list.filterset_class
    extra = {"openapi_extra": filter_parameters(filterset_class)} if filterset_class else {}

    @router.get(
        f"/{public_list.name}/",
        response={200: list[public_list.schema], 400: ErrorOut, 404: ErrorOut},
        url_name=public_list.name,
        tags=[public_list.name],
        summary=public_list.summary,
        # As they were named when each list had its own function: partnerships_api_list_partnerships.
        operation_id=f"{public_list.model._meta.app_label}_api_list_{public_list.name}",
        **extra,
    )
    @paginate(PageLinks)
    def list_rows(request: HttpRequest):
        return ApiRows(public_list, request, *filtered(public_list, request))


def _add_record(router: ReadRouter, public_list: PublicList) -> None:
    key = public_list.key
    converter = "int:" if key.type is int else ""

    def one_row(request: HttpRequest, **asked):
        [value] = asked.values()
        row = ApiRows(public_list, request, public_list.find(value)).one()
        if row is None:
            raise HttpError(404, str(public_list.not_found) % {key.parameter: value})
        return row

    # django-ninja reads the path parameter's name and type from the signature.
    one_row.__signature__ = inspect.Signature(
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter(
                key.parameter, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=key.type
            ),
        ]
    )
    router.get(
        f"/{public_list.name}/{{{converter}{key.parameter}}}/",
        response={200: public_list.schema, 404: ErrorOut},
        url_name=public_list.item_name,
        tags=[public_list.name],
        summary=public_list.item_summary,
        operation_id=f"{public_list.model._meta.app_label}_api_get_{public_list.item_name}",
    )(one_row)


def filtered(
    public_list: PublicList, request: HttpRequest
) -> tuple[models.QuerySet | RowsMergedByValue, list, Any]:
    """The rows the list's page shows for this request's parameters, in its order, as its
    paginator reads them (``FacetedFilterSet.rows_to_page``), the
    filters as validated (the key of the list's cached total, so that a made-up parameter,
    which changes no row, adds no entry to the cache), and how the page counts them."""
    if public_list.filterset_class is None:
        return public_list.rows(), [], None
    filterset = public_list.filterset_class(
        request.GET or None,
        queryset=public_list.rows(),
        request=request,
        rows_name=public_list.name,
    )
    if filterset.is_bound and not filterset.is_valid():
        raise BadParameters(
            {
                name: [str(message) for message in errors]
                for name, errors in filterset.errors.items()
            }
        )
    return filterset.rows_to_page(filterset.qs), filterset.filter_state(), filterset.total


def filter_parameters(filterset_class: type[FilterSet]) -> dict:
    """The FilterSet's parameters as OpenAPI query parameters, for an operation's ``openapi_extra``,
    drawn each time the schema is: choices that can grow (an outcome type registered after start-up,
    in a test) are listed as they are then."""
    return {"parameters": _DrawnParameters(filterset_class)}


class _DrawnParameters(list):
    """django-ninja adds an operation's extra parameters to its own with ``list.extend``, which
    iterates a list subclass: each iteration draws them afresh. The list itself holds them as they
    were at start-up, for any reader that looks at the items directly."""

    def __init__(self, filterset_class: type[FilterSet]) -> None:
        super().__init__(_parameters(filterset_class))
        self.filterset_class = filterset_class

    def __iter__(self):
        return iter(_parameters(self.filterset_class))


def _parameters(filterset_class: type[FilterSet]) -> list[dict]:
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        description = ". ".join(
            str(text).rstrip(".")
            for text in (filter_.label, filter_.extra.get("help_text"))
            if text
        )
        if isinstance(filter_, OrderingFilter):
            values = [value for value, _ in filter_.extra["choices"]]
            schema = {"type": "string", "enum": values}
            description += ". " + gettext("A leading - reverses the order.")
        elif issubclass(filter_.field_class, forms.MultipleChoiceField):
            schema = {"type": "array", "items": _choice_schema(filter_.extra.get("choices"))}
            description += ". " + gettext("Repeat the parameter to select any of several values.")
        else:
            schema = {"type": "string"}
            if filter_.extra.get("max_length"):
                schema["maxLength"] = filter_.extra["max_length"]
        parameters.append(
            {
                "in": "query",
                "name": name,
                "required": False,
                "description": description,
                "schema": schema,
                "style": "form",
                "explode": True,
            }
        )
    return parameters


def _choice_schema(choices) -> dict:
    """A fixed list of choices (TextChoices, or a choice iterator such as the outcome types) becomes
    an enum; choices read from the database (a callable) do not."""
    if isinstance(choices, type) and issubclass(choices, models.Choices):
        return {"type": "string", "enum": [str(value) for value in choices.values]}
    if isinstance(choices, BaseChoiceIterator):
        return {"type": "string", "enum": [str(value) for value, _ in choices]}
    return {"type": "string"}


class ApiRows:
    """A list's rows as the API gives them: slicing gives that slice's rows.

    A list with an export gives its export's rows as dicts; one without gives its records, each
    with ``url``, its page. Both carry ``api_url``: the API's own link to the record.
    """

    def __init__(
        self, public_list: PublicList, request: HttpRequest, queryset, filter_state=(), counter=None
    ) -> None:
        self.public_list = public_list
        self.queryset = queryset
        self.request = request
        self.base_url = request.build_absolute_uri("/").rstrip("/")
        # The page of the same list shares it (core/list_views.py).
        self.count_key = (public_list.name, list(filter_state))
        self.counter = counter

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, items: slice) -> list:
        export_class = self.public_list.export_class
        if export_class is None:
            records = list(self.queryset[items])
            for record in records:
                record.url = self.base_url + record.get_absolute_url()
                record.api_url = self._api_url(getattr(record, self.public_list.key.field))
            return records
        export = export_class(self.queryset[items], base_url=self.base_url)
        rows = []
        for item in export.fetch():
            row = {column.name: column.get(item) for column in export.columns}
            row["api_url"] = self._api_url(row[self.public_list.key.field])
            rows.append(row)
        return rows

    def _api_url(self, key) -> str:
        # In the namespace of the API that answers (the portal's is "api").
        namespace = self.request.resolver_match.namespace
        return self.base_url + reverse(f"{namespace}:{self.public_list.item_name}", args=[key])

    def one(self) -> dict[str, Any] | models.Model | None:
        rows = self[:1]
        return rows[0] if rows else None


class PageLinks(PaginationBase):
    """Pages of ``page_size`` rows, with the total and absolute links to the next and previous pages."""

    class Input(Schema):
        page: int = Field(1, ge=1, description=_("The page number, from 1."))
        page_size: int = Field(
            settings.PAGE_SIZE,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=format_lazy(_("Rows per page, at most {max}."), max=MAX_PAGE_SIZE),
        )

    class Output(Schema):
        count: int = Field(description=_("How many rows the parameters select, on all pages."))
        count_is_estimate: bool = Field(
            description=_(
                "Whether count is estimated from a sample: for a search that matches more rows "
                "than the pages reach, to two significant figures."
            )
        )
        next: Url | None = Field(description=_("The next page's address; null on the last page."))
        previous: Url | None = Field(
            description=_("The previous page's address; null on the first page.")
        )
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(
        self, queryset, pagination: Input, request: HttpRequest, **params
    ) -> dict:
        # The list pages' paginator: the total counted once per list and filters until the data
        # changes, and pages that stop at the row where theirs do (settings.LIST_MAX_ROWS).
        paginator = CachedCountPaginator(
            queryset,
            pagination.page_size,
            count_key=queryset.count_key,
            max_rows=settings.LIST_MAX_ROWS,
            counter=queryset.counter,
        )
        try:
            page = paginator.page(pagination.page)
        except InvalidPage:
            raise HttpError(404, paginator.no_such_page(pagination.page)) from None
        return {
            "count": paginator.count,
            "count_is_estimate": paginator.is_estimate,
            "next": _page_link(request, page.next_page_number()) if page.has_next() else None,
            "previous": _page_link(request, page.previous_page_number())
            if page.has_previous()
            else None,
            "results": page.object_list,
        }


def _page_link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = page
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
