"""The list page every app's lists are built on: filters with facet counts, sorting, pagination
and the downloads of the same rows, all taken from the list's declaration (core/public_lists.py)."""

import hashlib
from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.views.generic import ListView
from django_filters import FilterSet
from django_filters.views import FilterView

from core import data_cache, exports, pdf, provenance
from core.pagination import CachedCountPaginator
from core.public_lists import PublicList
from core.translated import reader_language

# The parameters that ask for a file rather than the page, left out of the page's address.
FILE_PARAMETERS = ("export", "bom", "labels", "page")


# The header htmx sends with its requests: the page's live filters ask for the results only.
LIVE_HEADER = "HX-Request"


def wants_results_only(request: HttpRequest) -> bool:
    """Whether this GET comes from the list page's live filters (htmx), which swap in the filters
    and results only. htmx's own reload of a page missing from its history cache asks for the
    whole page: it says so with HX-History-Restore-Request."""
    return (
        request.headers.get(LIVE_HEADER) == "true"
        and "HX-History-Restore-Request" not in request.headers
    )


def page_address(request: HttpRequest) -> str:
    """The page's own address, with its filters and without what asked for a file."""
    pairs = [
        (name, value)
        for name, values in request.GET.lists()
        if name not in FILE_PARAMETERS
        for value in values
        if value
    ]
    return request.build_absolute_uri(request.path) + (f"?{urlencode(pairs)}" if pairs else "")


def about(request: HttpRequest, title: str, filters: list[dict] | None = None) -> exports.About:
    """What a file made of this page says about itself; ``filters`` as active_filters() gives them."""
    return exports.About(
        title=str(title),
        filters=[f"{chip['name']}: {chip['value']}" for chip in filters or []],
        address=page_address(request),
        made_at=timezone.now(),
        provenance=provenance.current(),
    )


class PdfMixin:
    """``?export=pdf`` gives the page as an A4 document: the view says what is on it in
    ``pdf_document()``; a selection too long for paper answers 400 with what to do instead."""

    pdf_stem = "report"

    @classmethod
    def page_parameters(cls) -> set[str]:
        return {"export"}

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if "export" in request.GET:
            if request.GET["export"] != pdf.FORMAT:
                return bad_request(gettext("This page is made as a PDF only: use export=pdf."))
            try:
                document = self.pdf_document()
            except exports.ExportRefused as refusal:
                return bad_request(str(refusal))
            return pdf.pdf_response(request, document, self.pdf_stem)
        return super().get(request, *args, **kwargs)

    def pdf_document(self) -> pdf.Document:
        raise NotImplementedError


class PublicListView(PdfMixin, ListView):
    """A list page without filters (sectors, countries): its declaration's rows, on one page."""

    public_list: PublicList

    @property
    def pdf_stem(self) -> str:
        return self.public_list.name

    def get_queryset(self) -> QuerySet:
        return self.public_list.rows()

    def pdf_document(self) -> pdf.Document:
        self.object_list = self.get_queryset()
        table = self.pdf_table(self.object_list)
        pdf.check_rows(len(table.rows))
        return pdf.Document(
            about=about(self.request, self.public_list.title),
            figures=[(gettext("Rows"), len(table.rows))],
            tables=[table],
        )

    def pdf_table(self, rows) -> pdf.Table:
        """The list as a table for its PDF: each page says which columns."""
        raise NotImplementedError


class FilteredListView(FilterView):
    """A list page with filters, facet counts, sorting and pagination.

    A bad parameter never gives a 500: the filter it belongs to is left out,
    its message is shown next to it, and the page answers 400 so that links
    checkers and scripts notice. A page number that does not exist shows page 1.
    """

    public_list: PublicList
    strict = False
    page_problem = None
    # Whether its page's rows may be model objects read through compiled SQL (``FilteredRows``),
    # not a queryset: a page whose rows are read as a queryset (an export's) must not.
    compiled_rows = False
    # The same URL answers the whole page or, to the live filters, its filters and results only:
    # caches (the browser's, portal/page_cache.py) keep the two apart by this header.
    vary_on = (LIVE_HEADER,)

    @property
    def page_heading(self) -> str:
        return self.public_list.title

    def get_queryset(self) -> QuerySet:
        return self.public_list.rows()

    def get_filterset_class(self) -> type[FilterSet] | None:
        return self.public_list.filterset_class

    def get_filterset(self, filterset_class) -> FilterSet:
        """The FilterSet the page cache built for this request's parameters (``page_state``), now
        filtering this view's rows; a new one when there is none."""
        query, filterset = getattr(self.request, "page_filterset", (None, None))
        if query is not self.request.GET or type(filterset) is not filterset_class:
            return super().get_filterset(filterset_class)
        filterset.queryset = self.get_queryset()
        filterset.request = self.request
        filterset.rows_name = self.public_list.name
        return filterset

    def get_filterset_kwargs(self, filterset_class) -> dict[str, Any]:
        # Its rows are the list's: a search's keys are kept under its name (FacetedFilterSet).
        return {**super().get_filterset_kwargs(filterset_class), "rows_name": self.public_list.name}

    def get_paginate_by(self, queryset) -> int:
        return settings.PAGE_SIZE

    @classmethod
    def page_parameters(cls) -> set[str]:
        """The parameters this page knows; any other is dropped by a redirect (portal/page_cache.py)."""
        return {*cls.public_list.filterset_class.base_filters, cls.page_kwarg, *FILE_PARAMETERS}

    @classmethod
    def page_state(cls, query, request: HttpRequest | None = None) -> list | None:
        """The filters, sort and page, canonical; None when a value is bad (the page answers 400).

        With ``request``, the FilterSet built here is kept on it for the view (``get_filterset``):
        building and validating one is milliseconds, and the page cache asks first.
        """
        filterset = cls.public_list.filterset_class(query)
        if request is not None:
            request.page_filterset = (query, filterset)
        state = filterset.page_state()
        page = query.get(cls.page_kwarg) or "1"
        if state is None or not (page.isascii() and page.isdigit()) or int(page) < 1:
            return None
        if int(page) > 1:
            state.append((cls.page_kwarg, (str(int(page)),)))
        return state

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if "export" in request.GET:
            return self.export(request)
        if self.compiled_rows:
            # As FilterView.get (not strict), the rows read a page at a time (``FilteredRows``).
            self.filterset = self.get_filterset(self.get_filterset_class())
            self.object_list = FilteredRows(self.filterset, self.public_list.name)
            response = self.render_to_response(
                self.get_context_data(filter=self.filterset, object_list=self.object_list)
            )
        else:
            response = super().get(request, *args, **kwargs)
        if self.filterset.errors or self.page_problem:
            response.status_code = 400
        patch_vary_headers(response, self.vary_on)
        return response

    def export(self, request: HttpRequest) -> HttpResponse:
        """The list as a file: every row the filters select, in the page's order."""
        fmt = request.GET["export"]
        if fmt not in exports.FORMATS and fmt != pdf.FORMAT:
            return bad_request(exports.unknown_format(fmt))
        bom = request.GET.get("bom", "1")
        if bom not in ("0", "1"):
            return bad_request(
                gettext("bom must be 1 (the default: a byte-order mark so Excel reads UTF-8) or 0.")
            )
        labels = request.GET.get("labels", "0")
        if labels not in ("0", "1"):
            return bad_request(
                gettext(
                    "labels must be 0 (the default: the columns' stable names) or 1 (headings for people)."
                )
            )
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_valid():
            problems = "\n".join(
                f"- {name}: {' '.join(errors)}" for name, errors in filterset.errors.items()
            )
            return bad_request(
                gettext(
                    "The export was not made because these filters are not valid:\n%(problems)s"
                )
                % {"problems": problems}
            )
        etag = export_etag(request, self.public_list.export_class.columns)
        if not_modified := get_conditional_response(request, etag=etag):
            return not_modified
        export = self.public_list.export_class(
            filterset.qs,
            base_url=request.build_absolute_uri("/").rstrip("/"),
            # Only the files for people say where they come from: CSV and JSON stay as they were.
            about=about(request, self.page_heading, filterset.active_filters())
            if fmt in ("xlsx", pdf.FORMAT)
            else None,
        )
        try:
            if fmt == pdf.FORMAT:
                return pdf.pdf_response(request, self.pdf_document(export), export.stem)
            response = exports.export_response(export, fmt, bom=bom == "1", labels=labels == "1")
        except exports.ExportRefused as refusal:
            return bad_request(str(refusal))
        response["ETag"] = etag
        return response

    def pdf_document(self, export: exports.Export) -> pdf.Document:
        """The selection on paper: its figures, maps and charts (``pdf_parts``), and its table."""
        count = export.row_count()
        pdf.check_rows(count)
        columns = export.printed_columns()
        rows = [
            [
                exports.people_cell(value, column.kind)
                for value, column in zip(row, columns, strict=True)
            ]
            for row in export.rows(columns)
        ]
        parts = self.pdf_parts(export.queryset)
        return pdf.Document(
            about=export.about,
            figures=[(gettext("Rows"), count), *parts.get("figures", [])],
            maps=parts.get("maps", []),
            charts=parts.get("charts", []),
            tables=[pdf.Table(self.page_heading, [column.heading for column in columns], rows)],
            lead=parts.get("lead", ""),
        )

    def pdf_parts(self, rows: QuerySet) -> dict[str, Any]:
        """Headline figures, maps and charts of the selection for its PDF, by page: none here."""
        return {}

    def get_paginator(self, queryset, per_page, **kwargs) -> CachedCountPaginator:
        return CachedCountPaginator(
            queryset,
            per_page,
            # The API's pages of this list share it (core/api_lists.py).
            count_key=(self.public_list.name, self.filterset.filter_state()),
            max_rows=settings.LIST_MAX_ROWS,
            counter=self.filterset.total,
            **kwargs,
        )

    def paginate_queryset(self, queryset, page_size) -> tuple[Paginator, Page, list, bool]:
        if isinstance(queryset, QuerySet):
            queryset = self.filterset.rows_to_page(queryset)
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        requested = self.request.GET.get(self.page_kwarg) or "1"
        try:
            page = paginator.page(requested)
        except InvalidPage:
            self.page_problem = " ".join(
                (paginator.no_such_page(requested), gettext("Showing page 1."))
            )
            page = paginator.page(1)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            filter_form=self.filter_form,  # written where a template shows it
            result_count=context["paginator"].count
            if context["paginator"]
            else len(context["object_list"]),
            count_is_estimate=bool(context["paginator"] and context["paginator"].is_estimate),
            # Read after the filter form is written, which counts the facets.
            facets_estimated=lambda: getattr(self.filterset, "facets_estimated", False),
            active_filters=self.filterset.active_filters(),
            page_problem=self.page_problem,
            # list_page.html extends it: the whole page, or only what the live filters swap in.
            base_template="list_results.html" if wants_results_only(self.request) else "base.html",
        )
        return context

    def filter_form(self) -> str:
        """The filter form's markup, options labelled with their counts: kept with the counts,
        per canonical state of the filters and language, until the data changes.

        Its options are the same for every visitor of a state, and writing them cost 10 to 25 ms a
        page (thousands of partnerships on /outcomes/). A form with a bad value is written anew:
        it shows the value and its message.
        """

        def render():
            self.filterset.label_options_with_counts(
                self.filterset.facet_counts(cache_name=self.public_list.name)
            )
            return as_crispy_form(self.filterset.form)

        state = self.filterset.page_state()
        if state is None:
            return render()
        name = f"filter-form:{self.public_list.name}"
        return mark_safe(data_cache.cached(name, (get_language(), state), lambda: str(render())))


class FilteredRows:
    """The rows a list page's filters select, for its paginator: each page read through SQL
    compiled once per form of the filters where the FilterSet can (``page_rows``), else sliced
    from its queryset. Building and compiling the filtered queryset was a third of a page's CPU.

    A page's keys are kept, per canonical state of the filters and sort, language and page, until
    the data changes: the page rendered again (a curator's, the first visitor's of another
    language) reads its rows by them. Finding a filtered page (the partnerships of a sector that
    target the US, by name) walked up to 1,400 rows in the database, 5-6 ms, where reading 25 by
    key takes a fraction of one."""

    ordered = True  # by the FilterSet's sort

    def __init__(self, filterset: FilterSet, name: str) -> None:
        self.filterset, self.name = filterset, name

    def __getitem__(self, page: slice) -> "list | QuerySet":
        offset = page.start or 0
        limit = page.stop - offset
        state = self.filterset.page_state()
        if state is None:  # a bad value: the page shows its message, and is not kept
            return self._read(page)
        read = []

        def keys() -> list:
            read.append(rows := list(self._read(page)))
            return [row.pk for row in rows]

        parts = (state, offset, limit, reader_language())
        kept = data_cache.cached(f"page-keys:{self.name}", parts, keys)
        return read[0] if read else self.filterset.rows_by_keys(kept, name=self.name)

    def _read(self, page: slice) -> "list | QuerySet":
        offset = page.start or 0
        rows = self.filterset.page_rows(offset, page.stop - offset, name=self.name)
        if rows is not None:
            return rows
        # As the compiled page's: the rows' related values are read by the table (its prefetches
        # would be three queries more, the page now being read here, not by the table).
        return self.filterset.qs.prefetch_related(None)[page]


def export_etag(request: HttpRequest, columns: list[exports.Column]) -> str:
    """The validator of an export, known before a row is read: a streamed file cannot be hashed.

    The same while the data's generation (core/data_cache.py) and its last change, the parameters,
    the language and the export's columns are: a change of any of them makes a new file.
    """
    parts = (
        data_cache.generation(),
        data_cache.data_updated_at(),
        request.get_host(),
        sorted(request.GET.lists()),
        get_language(),
        [(column.name, column.kind) for column in columns],
    )
    return f'"{hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()}"'


def bad_request(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
