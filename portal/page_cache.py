"""Whole public pages for visitors, kept until the data changes, one per page state.

A public page is the same for every visitor who is not logged in: no form
with a CSRF token, no messages, nothing per person. Rendering one costs 50 to
100 ms of templates even when every count comes from the cache, so the
rendered page itself is kept under the data's current generation
(core/data_cache.py): the first save or delete of curated data starts a new
generation and every kept page is forgotten with it, on every node, since the
generation lives in the shared cache. A page read from a replica that had not
yet replayed the change that started the generation is served, not kept. Curators, who are logged
in, always get a fresh page; so do exports, the admin and anything but a
successful GET.

A page is kept under its *state*, not its URL: the parameters its view knows,
validated and canonical (``page_state()`` on the view: filters, sort, page).
Anybody can make up URLs, and each made-up one kept 380 KB for 300 s until a
full Redis refused every write. So:

- a parameter the page does not know is dropped by a 301 to the URL without it,
  for every visitor, before anything is rendered (``page_parameters()`` on the
  view; a view that declares none knows none);
- a bad value answers 400 from the view, and is never kept;
- every spelling of one state (repeats, order, empty form fields, ``page=01``)
  is served the one kept page, and only the canonical spelling is kept, so that
  a kept page's own links carry nothing odd.

A page is kept under its canonical parameters sorted, and looked up first under the request's
own, sorted: the canonical spelling (every link on the site) finds its page without the
parameters being validated, which builds a FilterSet (about a millisecond, against half a
millisecond for the whole of ``/healthz``). Any other spelling misses there, as nothing but a
canonical one is kept, and is looked up again under its state.

A list page answers its live filters (htmx) with its filters and results only, from the same
URL: that part is kept apart from the whole page (``results only`` in the key), and both carry
the view's ``Vary: HX-Request`` (``vary_on``), kept pages too, so that no cache on the way, the
browser's included, hands one for the other.

The same state keys the maps and charts kept inside pages (``page_key`` in
templates). What is left to bound, the valid states, is bounded by Redis's
``maxmemory`` with an LRU policy (docs/operations.md).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers

from core import data_cache
from core.list_views import wants_results_only


def _skipped_prefixes():
    return (f"/{settings.ADMIN_URL}", "/healthz", f"/{settings.STATIC_URL}", "/api/")


class PublicPageCacheMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        view_class = self._public_page(request)
        if view_class is None:
            return self.get_response(request)
        known = page_parameters(view_class)
        unknown = [name for name in request.GET if name not in known]
        if unknown:
            return HttpResponsePermanentRedirect(_without(request, unknown))
        cacheable = self._cacheable_request(request)
        if cacheable:
            # The page as asked, if it is kept: only a canonical spelling is, under its
            # parameters sorted, so a kept page is found without validating its parameters.
            current = data_cache.generation()
            part = "results" if wants_results_only(request) else "page"
            asked = _key(request.path, _sorted_pairs(request), part, current)
            if kept := cache.get(asked):
                return _kept_response(kept, view_class)
        state = page_state(view_class, request.GET, request)
        request.page_key = None if state is None else f"{request.path}?{_encoded(state)}"
        if state is None or not cacheable:
            return self.get_response(request)

        key = _key(request.path, sorted(_pairs(state)), part, current)
        if key != asked and (kept := cache.get(key)):
            return _kept_response(kept, view_class)
        response = self.get_response(request)
        if (
            _is_canonical(request, state)
            and self._cacheable_response(response)
            and data_cache.may_keep(current)
        ):
            cache.set(key, (response.content, response["Content-Type"]), data_cache.timeout())
        return response

    @staticmethod
    def _public_page(request: HttpRequest) -> type | None:
        """The class of the public page this GET asks for; None for anything else.

        The API and the feeds are function views and answer JSON and Atom: not pages.
        """
        if request.method not in ("GET", "HEAD") or request.path.startswith(_skipped_prefixes()):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return getattr(match.func, "view_class", None)

    @staticmethod
    def _cacheable_request(request: HttpRequest) -> bool:
        return (
            settings.PAGE_CACHE
            and "export" not in request.GET
            and not request.user.is_authenticated
        )

    @staticmethod
    def _cacheable_response(response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and response.get("Content-Type", "").startswith("text/html")
        )


def page_parameters(view_class) -> set[str]:
    reader = getattr(view_class, "page_parameters", None)
    return reader() if reader else set()


def page_state(view_class, query, request: HttpRequest | None = None) -> list | None:
    """The view's canonical state for these parameters, [] for none; None when one is bad.

    With ``request``, the view may keep what it built to know the state (its FilterSet) on the
    request, to filter with it rather than build it again."""
    reader = getattr(view_class, "page_state", None)
    return reader(query, request) if reader and query else []


def _key(path: str, pairs: list[tuple[str, str]], part: str, current: str) -> str:
    """Where a page is kept: its path, its canonical parameters sorted, whole or results only."""
    return data_cache.key("page", (path, pairs, part), current)


def _kept_response(kept, view_class) -> HttpResponse:
    content, content_type = kept
    response = HttpResponse(content, content_type=content_type)
    patch_vary_headers(response, getattr(view_class, "vary_on", ()))
    return response


def _pairs(state) -> list[tuple[str, str]]:
    return [(name, value) for name, values in state for value in values]


def _encoded(state) -> str:
    return urlencode(_pairs(state))


def _is_canonical(request: HttpRequest, state) -> bool:
    """Whether the request spells its state exactly: then its page's links are the canonical ones."""
    return _sorted_pairs(request) == sorted(_pairs(state))


def _sorted_pairs(request: HttpRequest) -> list[tuple[str, str]]:
    return sorted((name, value) for name, values in request.GET.lists() for value in values)


def _without(request: HttpRequest, names) -> str:
    """This request's URL without the parameters ``names``, the others as they were."""
    query = request.GET.copy()
    for name in names:
        query.pop(name)
    return f"{request.path}?{query.urlencode()}" if query else request.path
