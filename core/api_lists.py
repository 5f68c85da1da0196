"""What every list of the open data API shares: the pages' filters, pagination, rows and errors.

The API answers with exactly the rows the public pages show for the same
parameters, because it runs the pages' own FilterSets; the rows carry the
columns of the exports (docs/exports.md), so that a field means one thing
wherever it appears. See docs/api.md.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import InvalidPage
from django.db import models
from django.urls import reverse
from django.utils.choices import BaseChoiceIterator
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_filters import FilterSet, OrderingFilter
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PaginationBase

from core.pagination import CachedCountPaginator

MAX_PAGE_SIZE = 100


class ReadRouter(Router):
    """A router whose GET endpoints answer HEAD too, as Django's own views do: the same status and
    headers, and no body (the server drops it; Content-Length stays the GET's).

    django-ninja serves only the methods an operation names, so each GET gets a HEAD twin. The twin
    stays out of the OpenAPI schema, where it would repeat the GET's operationId. Other methods
    (OPTIONS included) answer 405 with an ``Allow`` header naming GET and HEAD.
    """

    def get(self, path: str, **options: Any):
        def decorator(view_func):
            self.add_api_operation(path, ["GET"], view_func, **options)
            self.add_api_operation(
                path, ["HEAD"], view_func, **{**options, "include_in_schema": False}
            )
            return view_func

        return decorator


class BadParameters(Exception):
    """Query parameters that cannot be used; ``errors`` maps each one to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(gettext("Some parameters are not valid."))
        self.errors = errors


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description=_("Each bad parameter, with why it is bad.")
    )


def filtered(filterset_class: type[FilterSet], request, queryset):
    """The rows the list page of ``filterset_class`` shows for this request's parameters, in its order."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    if filterset.is_bound and not filterset.is_valid():
        raise BadParameters(
            {
                name: [str(message) for message in errors]
                for name, errors in filterset.errors.items()
            }
        )
    # The key of the list's cached total (PageLinks): the filters as validated, so that a
    # made-up parameter, which changes no row, adds no entry to the cache.
    request.filter_state = filterset.filter_state()
    return filterset.qs


def filter_parameters(filterset_class: type[FilterSet]) -> dict:
    """The FilterSet's parameters as OpenAPI query parameters, for an operation's ``openapi_extra``,
    drawn each time the schema is: choices that can grow (an outcome type registered after start-up,
    in a test) are listed as they are then."""
    return {"parameters": _DrawnParameters(filterset_class)}


class _DrawnParameters(list):
    """django-ninja adds an operation's extra parameters to its own with ``list.extend``, which
    iterates a list subclass: each iteration draws them afresh. The list itself holds them as they
    were at start-up, for any reader that looks at the items directly."""

    def __init__(self, filterset_class: type[FilterSet]):
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


class ExportedRows:
    """A queryset seen through an export: slicing gives that slice's export rows as dicts.

    The rows hold the export's columns, plus ``api_url``: the API's own link to the record, the
    view ``api_view`` with the row's ``key`` column.
    """

    def __init__(self, export_class, queryset, request, *, api_view: str, key: str):
        self.export_class = export_class
        self.queryset = queryset
        self.base_url = request.build_absolute_uri("/").rstrip("/")
        self.api_view = api_view
        self.key = key

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, items: slice) -> list[dict]:
        export = self.export_class(self.queryset[items], base_url=self.base_url)
        rows = []
        for item in export.fetch():
            row = {column.name: column.get(item) for column in export.columns}
            row["api_url"] = self.base_url + reverse(self.api_view, args=[row[self.key]])
            rows.append(row)
        return rows

    def one(self) -> dict | None:
        rows = self[:1]
        return rows[0] if rows else None


def absolute(request, view_name: str, *args) -> str:
    return request.build_absolute_uri(reverse(view_name, args=args))


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
        next: str | None = Field(description=_("The next page's address; null on the last page."))
        previous: str | None = Field(
            description=_("The previous page's address; null on the first page.")
        )
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination: Input, request, **params) -> dict:
        # The list pages' paginator: the total counted once per path and filters until the data
        # changes, and pages that stop at the row where theirs do (settings.LIST_MAX_ROWS).
        # A list without filters has none: whatever the parameters, one total.
        filters = getattr(request, "filter_state", [])
        paginator = CachedCountPaginator(
            queryset,
            pagination.page_size,
            count_key=("api", request.path, filters),
            max_rows=settings.LIST_MAX_ROWS,
        )
        try:
            page = paginator.page(pagination.page)
        except InvalidPage:
            raise HttpError(404, _no_such_page(pagination.page, paginator)) from None
        return {
            "count": paginator.count,
            "next": _page_link(request, page.next_page_number()) if page.has_next() else None,
            "previous": _page_link(request, page.previous_page_number())
            if page.has_previous()
            else None,
            "results": page.object_list,
        }


def _no_such_page(number: int, paginator: CachedCountPaginator) -> str:
    pages, size = paginator.num_pages, paginator.per_page
    if paginator.is_capped:
        return gettext(
            "There is no page %(number)s: pages stop at page %(pages)s of %(size)s, the first "
            "%(shown)s of the %(count)s results. Narrow the filters, or download the list page's "
            "export, which holds them all."
        ) % {
            "number": number,
            "pages": pages,
            "size": size,
            "shown": f"{paginator.shown_rows:,}",
            "count": f"{paginator.count:,}",
        }
    return ngettext(
        "There is no page %(number)s: the results fill %(pages)s page of %(size)s.",
        "There is no page %(number)s: the results fill %(pages)s pages of %(size)s.",
        pages,
    ) % {"number": number, "pages": pages, "size": size}


def _page_link(request, page: int) -> str:
    query = request.GET.copy()
    query["page"] = page
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
