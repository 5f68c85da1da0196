"""The list page every app's lists are built on: filters with facet counts, sorting, pagination
and the downloads of the same rows, all taken from the list's declaration (core/public_lists.py)."""

from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.views.generic import ListView
from django_filters import FilterSet
from django_filters.views import FilterView

from core import data_cache, exports
from core.pagination import CachedCountPaginator
from core.public_lists import PublicList


class PublicListView(ListView):
    """A list page without filters (sectors, countries): its declaration's rows, on one page."""

    public_list: PublicList

    def get_queryset(self) -> QuerySet:
        return self.public_list.rows()


class FilteredListView(FilterView):
    """A list page with filters, facet counts, sorting and pagination.

    A bad parameter never gives a 500: the filter it belongs to is left out,
    its message is shown next to it, and the page answers 400 so that links
    checkers and scripts notice. A page number that does not exist shows page 1.
    """

    public_list: PublicList
    strict = False
    page_problem = None

    @property
    def page_heading(self) -> str:
        return self.public_list.title

    def get_queryset(self) -> QuerySet:
        return self.public_list.rows()

    def get_filterset_class(self) -> type[FilterSet] | None:
        return self.public_list.filterset_class

    def get_paginate_by(self, queryset) -> int:
        return settings.PAGE_SIZE

    @classmethod
    def page_parameters(cls) -> set[str]:
        """The parameters this page knows; any other is dropped by a redirect (portal/page_cache.py)."""
        return {*cls.public_list.filterset_class.base_filters, cls.page_kwarg, "export", "bom"}

    @classmethod
    def page_state(cls, query) -> list | None:
        """The filters, sort and page, canonical; None when a value is bad (the page answers 400)."""
        state = cls.public_list.filterset_class(query).page_state()
        page = query.get(cls.page_kwarg) or "1"
        if state is None or not (page.isascii() and page.isdigit()) or int(page) < 1:
            return None
        if int(page) > 1:
            state.append((cls.page_kwarg, (str(int(page)),)))
        return state

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if "export" in request.GET:
            return self.export(request)
        response = super().get(request, *args, **kwargs)
        if self.filterset.errors or self.page_problem:
            response.status_code = 400
        return response

    def export(self, request: HttpRequest) -> HttpResponse:
        """The list as a file: every row the filters select, in the page's order."""
        fmt = request.GET["export"]
        if fmt not in exports.FORMATS:
            return bad_request(exports.unknown_format(fmt))
        bom = request.GET.get("bom", "1")
        if bom not in ("0", "1"):
            return bad_request(
                gettext("bom must be 1 (the default: a byte-order mark so Excel reads UTF-8) or 0.")
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
        export = self.public_list.export_class(
            filterset.qs, base_url=request.build_absolute_uri("/").rstrip("/")
        )
        try:
            return exports.export_response(export, fmt, bom=bom == "1")
        except exports.ExportRefused as refusal:
            return bad_request(str(refusal))

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


def bad_request(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
